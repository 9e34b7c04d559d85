import Files
import Foundation
import Testing

@Suite struct AtomicFileTests {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-atomic-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func leftovers(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
    }

    @Test func replacesTheFileAndLeavesNoTemporary() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a.txt")
        try AtomicFile.write(Data("old".utf8), to: file)
        try AtomicFile.write(Data("new contents".utf8), to: file)
        #expect(try Data(contentsOf: file) == Data("new contents".utf8))
        #expect(try leftovers(dir).isEmpty)
    }

    @Test func aFullDiskMidWriteLeavesThePreviousFile() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("checkpoint.bin")
        let old = Data((0..<4096).map { UInt8($0 % 251) })
        try AtomicFile.write(old, to: file)
        let fault = WriteFault(fileName: "checkpoint.bin", afterBytes: 1000, code: ENOSPC)
        #expect {
            try AtomicFile.$fault.withValue(fault) { try AtomicFile.write(Data(repeating: 7, count: 8192), to: file) }
        } throws: { error in
            guard let error = error as? FileWriteError else { return false }
            return error.code == ENOSPC && error.path == file.path && "\(error)".contains("No space left on device")
        }
        #expect(fault.fired)
        #expect(try Data(contentsOf: file) == old)
        #expect(try leftovers(dir).isEmpty)
        // Another file's write is not affected.
        try AtomicFile.$fault.withValue(fault) { try AtomicFile.write(Data("x".utf8), to: dir.appendingPathComponent("other")) }
    }

    @Test func aMissingFolderNamesTheFile() throws {
        let file = URL(fileURLWithPath: "/nonexistent-perseus-folder/out.csv")
        #expect { try AtomicFile.write(Data("x".utf8), to: file) } throws: { error in
            "\(error)".contains("/nonexistent-perseus-folder/out.csv") && "\(error)".contains("No such file")
        }
    }

    /// As root (CI) permissions do not stop a write, so this runs only for ordinary users; the full-disk case above
    /// covers the same path (a failed temporary write) for everyone.
    @Test(.enabled(if: geteuid() != 0, "root ignores a read-only folder's permissions"))
    func aReadOnlyFolderGivesAClearErrorAndKeepsTheFile() throws {
        let dir = try folder()
        defer {
            chmod(dir.path, 0o755)
            try? FileManager.default.removeItem(at: dir)
        }
        let file = dir.appendingPathComponent("metrics.csv")
        try AtomicFile.write(Data("epoch\n1\n".utf8), to: file)
        chmod(dir.path, 0o555)
        #expect { try AtomicFile.write(Data("epoch\n1\n2\n".utf8), to: file) } throws: { error in
            (error as? FileWriteError)?.code == EACCES && "\(error)".contains("not writable")
        }
        #expect(try Data(contentsOf: file) == Data("epoch\n1\n".utf8))
    }
}
