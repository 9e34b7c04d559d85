import Dataset
import Foundation
import Imaging

extension TrainingConfiguration {
    /// Takes the dataset's classes, so the head has one output per class and config.yaml names them.
    public mutating func resolveClasses(from dataset: PreparedDataset) {
        classes = dataset.classNames
    }

    /// Fills in what follows the images: the band count (`channels` 0) and the stretch (`auto`), from the first
    /// training cutout, so the run's config.yaml records what the run did.
    public mutating func resolveBands(from dataset: PreparedDataset) throws {
        guard channels == 0 || stretch == .auto else { return }
        guard let first = dataset.objects(in: .train).first else { return }
        let data = try Data(contentsOf: first.image, options: .mappedIfSafe)
        let isFITS = ImageFormat.sniff(data.prefix(16)) == .fits
        if channels == 0 { channels = try Image(contentsOf: first.image).channels }
        if stretch == .auto { stretch = isFITS ? .asinh : .none }
    }
}
