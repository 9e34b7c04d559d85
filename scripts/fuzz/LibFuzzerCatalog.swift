// libFuzzer entry point for the catalogue readers, compiled together with Sources/Astro by scripts/fuzz/libfuzzer.sh
// (the readers are then coverage-instrumented and run under AddressSanitizer).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func perseusFuzzCatalog(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    let pcc = ProcessInfo.processInfo.environment["PERSEUS_FUZZ_TARGET"] == "pcc"
    do {
        let table = pcc ? CatalogTable.parsePCC(text, source: "input") : try CatalogTable.parseCSV(text, source: "input")
        _ = try Catalog(table: table, policy: .skip)
        _ = try Catalog(table: table, policy: .stop)
    } catch {}
    return 0
}
