import ArgumentParser
import Foundation
import Imaging

/// `perseus inspect images DIR`: decodes every file in a folder and reports formats, sizes and failures.
struct InspectImages: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Decode every image in a folder; report formats (sniffed from the bytes), sizes and failures.")

    @Argument(help: "The folder of cutouts (JPEG, PNG or FITS; the format is read from each file's bytes).") var folder: String
    @Flag(help: "Also look inside subfolders.") var recursive = false
    @Option(help: "List at most this many failures (0 = all).") var maxFailures = 0

    func run() throws {
        let url = URL(fileURLWithPath: folder)
        let survey = try ImageFolderSurvey(folder: url, recursive: recursive)  // a missing folder is reported by name
        print("\(url.path): \(survey.entries.count) files, \(survey.decodedCount) decoded, \(survey.failures.count) failed")
        if !survey.formatCounts.isEmpty {
            print("formats:")
            for (format, count) in survey.formatCounts.sorted(by: { $0.value > $1.value }) {
                print("  \(format.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(count)")
            }
        }
        if !survey.shapeCounts.isEmpty {
            print("sizes (width x height x channels):")
            for (shape, count) in survey.shapeCounts.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                print("  \(shape.description.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count)")
            }
        }
        let misnamed = survey.misnamed
        if !misnamed.isEmpty {
            print("named as another format than their bytes (read by content, so harmless): \(misnamed.count), e.g. "
                  + "\(misnamed[0].file.lastPathComponent) is \(misnamed[0].format.rawValue)")
        }
        let failures = survey.failures
        if !failures.isEmpty {
            print("failures:")
            let shown = maxFailures > 0 ? Array(failures.prefix(maxFailures)) : failures
            for failure in shown {
                print("  \(failure.file.lastPathComponent): [\(failure.error.kind.rawValue)] \(failure.error.detail)")
            }
            if shown.count < failures.count { print("  ... and \(failures.count - shown.count) more") }
        }
    }
}
