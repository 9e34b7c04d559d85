import Files
import Foundation
import Imaging

/// Downloads cutouts: at most `policy.concurrency` in flight, each checked by `CutoutService.accept` before
/// it is written atomically, so a folder never holds a partial or non-image file under a cutout's name. Files
/// already present that decode at the right size are skipped without a request, so an interrupted run resumes.
public struct CutoutFetcher: Sendable {
    public let service: CutoutService
    public let client: PoliteClient

    public init(service: CutoutService = CutoutService(), policy: FetchPolicy = FetchPolicy()) throws {
        self.service = service
        self.client = try PoliteClient(policy: policy)
    }

    /// Fetches every cutout (creating their folders) and returns each one's outcome in the order given.
    /// `progress` draws a bar on standard error.
    public func fetch(_ cutouts: [Cutout], progress: Bool = false) async throws -> FetchReport {
        let start = Date()
        var stale = 0
        for folder in Set(cutouts.map { $0.file.deletingLastPathComponent().standardizedFileURL }) {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw FetchError("cannot create the folder \(folder.path): \(error.localizedDescription)")
            }
            stale += Self.removeStaleTemporaries(in: folder)
        }
        let tally = Tally(total: cutouts.count, progress: progress)
        var outcomes = [FetchOutcome?](repeating: nil, count: cutouts.count)
        await withTaskGroup(of: (Int, FetchOutcome).self) { group in
            var next = 0
            func launch() {
                let index = next, cutout = cutouts[index]
                next += 1
                group.addTask { (index, await self.fetch(cutout)) }
            }
            while next < min(client.policy.concurrency, cutouts.count) { launch() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                await tally.record(outcome.status)
                if next < cutouts.count { launch() }
            }
        }
        await tally.finish()
        return FetchReport(outcomes: outcomes.map { $0! }, staleTemporariesRemoved: stale,
                           seconds: Date().timeIntervalSince(start))
    }

    /// One cutout: skipped if a valid file is there, else fetched (with retries) and written.
    public func fetch(_ cutout: Cutout) async -> FetchOutcome {
        if let data = try? Data(contentsOf: cutout.file), (try? service.accept(data, for: cutout)) == data {
            return FetchOutcome(cutout: cutout, status: .skipped, attempts: 0, bytes: data.count)
        }
        let service = service
        let result = await client.get(service.url(for: cutout)) { data throws(AttemptFailure) in
            let kept = try service.accept(data, for: cutout)
            do {
                try AtomicFile.write(kept, to: cutout.file)
            } catch {
                throw .writeFailed("\(error)")
            }
            return kept.count
        }
        if let bytes = result.value {
            return FetchOutcome(cutout: cutout, status: .fetched, attempts: result.attempts, bytes: bytes)
        }
        let failure = result.failure!
        return FetchOutcome(cutout: cutout, status: .failed, attempts: result.attempts,
                            failureKind: failure.kind, reason: failure.description)
    }

    /// Removes `AtomicFile`'s temporaries (`.<name>.tmp-<pid>-<n>`) that a killed run left behind.
    static func removeStaleTemporaries(in folder: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var removed = 0
        for name in names where name.hasPrefix(".") && [".jpg.tmp-", ".png.tmp-", ".fits.tmp-"].contains(where: name.contains) {
            if (try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))) != nil { removed += 1 }
        }
        return removed
    }
}

/// Counts outcomes as they arrive and draws the progress bar.
private actor Tally {
    private var counts: [FetchOutcome.Status: Int] = [:]
    private var done = 0
    private let bar: ProgressLine?

    init(total: Int, progress: Bool) {
        bar = progress ? ProgressLine(total: total, label: "fetch") : nil
        bar?.update(done: 0)
    }

    func record(_ status: FetchOutcome.Status) {
        counts[status, default: 0] += 1
        done += 1
        bar?.update(done: done, figures: "fetched \(counts[.fetched] ?? 0) skipped \(counts[.skipped] ?? 0) "
                                          + "failed \(counts[.failed] ?? 0)")
    }

    func finish() { bar?.finish() }
}
