import Astro
import Foundation
import Imaging

/// Downloads the Perseus Cluster Catalog (Wittmann et al. 2019) from the GAVO Heidelberg data centre, where it is
/// the table `pcc.main` (resource `pcc/q`), and keeps it only if it reads as the PCC export our reader knows.
public enum PCCDownload {
    /// A synchronous TAP query for the whole table as DaCHS's fixed-width text, the layout of `PCC_cat.txt`.
    /// Not checked against the live service from here (no internet on the build machine): if the data centre's
    /// text layout differs, the download is refused with the reader's complaint, and `--pcc-url` takes the address
    /// of another export.
    public static let defaultURL = URL(string:
        "https://dc.g-vo.org/tap/sync?REQUEST=doQuery&LANG=ADQL&RESPONSEFORMAT=txt&MAXREC=100000"
        + "&QUERY=SELECT%20*%20FROM%20pcc.main")!

    /// What was written.
    public struct Result: Sendable {
        public var rows: Int
        /// Lines the PCC reader could not use (kept in the file; `Catalog.readPCC(_:policy: .skip)` lists them).
        public var malformed: [CatalogError]
        public var attempts: Int
        public var bytes: Int
    }

    /// Fetches `url` under `policy` (retries, timeout, rate limit), checks that it parses as the PCC export with
    /// at least one row, and writes it atomically to `file`.
    public static func download(from url: URL = defaultURL, to file: URL, policy: FetchPolicy = FetchPolicy()) async throws -> Result {
        let client = try PoliteClient(policy: policy)
        let result = await client.get(url) { data throws(AttemptFailure) -> (CatalogTable, Data) in
            guard let text = String(data: data, encoding: .utf8) else { throw .unusable("the answer is not UTF-8 text") }
            let table = CatalogTable.parsePCC(text, source: url.absoluteString)
            guard !table.rows.isEmpty else {
                let first = text.split(separator: "\n").first.map { String($0.prefix(160)) } ?? "(empty)"
                let why = table.malformed.first.map { " (\($0.message))" } ?? ""
                throw .unusable("no row reads as the PCC export\(why); the answer starts: \(first)")
            }
            return (table, data)
        }
        guard let (table, data) = result.value else {
            throw FetchError("cannot download the PCC catalogue from \(url.absoluteString) after \(result.attempts) "
                             + "attempts: \(result.failure.map { "\($0)" } ?? "unknown failure")")
        }
        // Written after the check, from the bytes that were checked.
        try AtomicFile.write(data, to: file)
        return Result(rows: table.rows.count, malformed: table.malformed, attempts: result.attempts, bytes: data.count)
    }
}
