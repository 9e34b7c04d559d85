import Foundation

/// The real data folder: `$PERSEUS_DATA`, else `../shared/data/perseus` beside the package root.
enum PerseusData {
    static let root: URL? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["PERSEUS_DATA"], fm.fileExists(atPath: env) {
            return URL(fileURLWithPath: env)
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = packageRoot.appendingPathComponent("../shared/data/perseus").standardizedFileURL
        return fm.fileExists(atPath: url.appendingPathComponent("pcc/PCC_cat.txt").path) ? url : nil
    }()

    static var available: Bool { root != nil }

    static func file(_ path: String) -> URL { root!.appendingPathComponent(path) }
}

/// A temporary file holding `text`, removed by the caller.
func temporaryFile(_ name: String, _ text: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("astro-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}
