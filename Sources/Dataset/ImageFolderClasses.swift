import Foundation
import Imaging

/// A labelled image set laid out one subfolder per class (torchvision's ImageFolder, Keras's
/// image_dataset_from_directory): the subfolder's name is the class's name, classes in sorted order, images with any
/// names. Each image is an object with id `<class>/<file name without extension>`, split by object as a catalogue's
/// objects are. There are no positions, magnitudes or colours.
///
/// To judge a trained run (`split` nil), every image goes into the test split and `classes` are the run's: each
/// subfolder must be one of them, its label that class's index, and one class is enough.
public func prepareImageFolders(_ folder: URL, split: SplitOptions?, classes: [String]? = nil) throws -> Preparation {
    let top = try ImageFolderIndex(folder: folder)
    let classFolders = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil,
                                                                   options: [.skipsHiddenFiles])
        .filter { url in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
        }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
    if let classes, let stranger = classFolders.first(where: { !classes.contains($0.lastPathComponent) }) {
        throw ConfigurationError(message: "\(stranger.path): '\(stranger.lastPathComponent)' is not one of the run's classes (\(classes.joined(separator: ", "))); rename or remove the folder")
    }
    guard classFolders.count >= (classes == nil ? 2 : 1) else {
        let found = classFolders.first.map { "only one class folder, '\($0.lastPathComponent)'" } ?? "no class folders"
        throw ConfigurationError(message: "\(folder.path): \(found)\(top.count > 0 ? " (\(top.count) loose files)" : ""); --image-folders needs one subfolder per class, two or more, each named after its class and holding its images")
    }
    var objects: [(id: String, label: Int, image: URL)] = []
    var notes = ["\(folder.path): \(classFolders.count) classes, one subfolder each"]
    for classFolder in classFolders {
        let label = classes?.firstIndex(of: classFolder.lastPathComponent) ?? classFolders.firstIndex(of: classFolder)!
        let index = try ImageFolderIndex(folder: classFolder)
        guard index.count > 0 else {
            throw ConfigurationError(message: "\(classFolder.path): the class folder '\(classFolder.lastPathComponent)' is empty; put its images in it or remove it")
        }
        let images = index.imageFiles
        guard !images.isEmpty else {
            throw ConfigurationError(message: "\(classFolder.path): none of its \(index.count) files is a JPEG, PNG or FITS image (e.g. \(index.files[0].lastPathComponent)); `perseus inspect images \(classFolder.path)` says why")
        }
        let skipped = index.count - images.count
        notes.append("\(classFolder.lastPathComponent): \(images.count) images" + (skipped > 0 ? " (\(skipped) other files left out)" : ""))
        objects += images.map { ("\(classFolder.lastPathComponent)/\($0.deletingPathExtension().lastPathComponent)", label, $0) }
    }
    let classNames = classes ?? classFolders.map(\.lastPathComponent)
    let chosen = split.map { splitByObject(ids: objects.map(\.id), labels: objects.map(\.label), options: $0) }
        ?? DatasetSplit(train: [], validation: [], test: Array(objects.indices))
    var prepared: [PreparedObject] = []
    for (indices, name) in [(chosen.train, SplitName.train), (chosen.validation, .validation), (chosen.test, .test)] {
        prepared += indices.map { i in
            PreparedObject(id: objects[i].id, source: "images", ra: .nan, dec: .nan, objectClass: classNames[objects[i].label],
                           label: objects[i].label, split: name, image: objects[i].image)
        }
    }
    prepared.sort { $0.id < $1.id }
    try checkSameBands(prepared.map(\.image))
    let counts = Dictionary(grouping: prepared, by: { Optional($0.label) }).mapValues(\.count)
    return Preparation(dataset: PreparedDataset(objects: prepared, parameterNames: [], classNames: classNames),
                       catalogCleaning: CleaningReport(initial: prepared.count, steps: [], labelCounts: counts, classNames: classNames),
                       spectraCleaning: nil, notes: notes)
}
