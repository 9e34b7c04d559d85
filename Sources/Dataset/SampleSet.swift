import Imaging

/// The objects a run trains on or is judged on: one entry per object, whose image is produced on demand under an
/// augmentation, already at the network's input size and channel count.
public struct SampleSet: Sendable {
    public var ids: [String]
    public var labels: [Int]
    /// Each object's catalogue class (the PCC morphology, or SDSS's class of a spectroscopic object) when known: what
    /// an auxiliary target (`AuxiliaryTarget`) learns. Empty for sets made without objects.
    public var objectClasses: [String?] = []
    /// Each object's catalogue parameters by column (a missing value is absent): what a parameter target
    /// (`parameterWeight`) regresses. Empty for sets made without objects.
    public var parameters: [[String: Double]] = []
    public var load: @Sendable (_ index: Int, _ augmentation: Augmentation) throws -> Image

    public init(ids: [String], labels: [Int],
                load: @escaping @Sendable (_ index: Int, _ augmentation: Augmentation) throws -> Image) {
        precondition(ids.count == labels.count, "SampleSet: \(ids.count) ids for \(labels.count) labels")
        self.ids = ids
        self.labels = labels
        self.load = load
    }

    public var count: Int { ids.count }

    /// The subset at `indices`, in that order.
    public func subset(_ indices: [Int]) -> SampleSet {
        let load = self.load
        var subset = SampleSet(ids: indices.map { ids[$0] }, labels: indices.map { labels[$0] }) { i, a in
            try load(indices[i], a)
        }
        if !objectClasses.isEmpty { subset.objectClasses = indices.map { objectClasses[$0] } }
        if !parameters.isEmpty { subset.parameters = indices.map { parameters[$0] } }
        return subset
    }
}

extension SampleSet {
    /// The prepared objects' cutouts as network inputs: the cutout (or, for a rotation, the wider cutout, so the
    /// rotated field has no empty corners), decoded at the smallest scale that keeps `inputSize`, under the
    /// augmentation, area-resized to `inputSize`, then one grey
    /// plane if `grey`, else `channels` bands: a one-band image is repeated into each, any other must have them.
    /// With `magnitudePlane`, one more plane holds the object's magnitude.
    public init(objects: [PreparedObject], inputSize: Int, grey: Bool, channels: Int = 3, magnitudePlane: Bool = false) {
        self.init(ids: objects.map(\.id), labels: objects.map(\.label)) { i, augmentation in
            let object = objects[i]
            // Decoded no larger than the input needs (a JPEG straight from its DCT), the wider cutout at the same
            // scale so the rotation crops the same field.
            let (cutout, scale) = try Image.decode(contentsOf: object.image, keepingAtLeast: inputSize)
            var source = cutout
            if augmentation.rotationDegrees.truncatingRemainder(dividingBy: 360) != 0, let wide = object.wideImage {
                source = try Image(contentsOf: wide, scale: scale)
            }
            var image = try augmentation.apply(to: source, width: cutout.width, height: cutout.height)
            if image.width != inputSize || image.height != inputSize {
                image = try image.resized(width: inputSize, height: inputSize)
            }
            if grey {
                if image.channels != 1 { image = try image.greyscale() }
            } else if image.channels == 1 && channels != 1 {
                image = try image.selectingChannels(Array(repeating: 0, count: channels))
            } else if image.channels != channels {
                throw ConfigurationError(message:
                    "\(object.image.path): \(image.channels) bands, but the network takes \(channels); all cutouts of a run, or given to a model, need the bands it was trained on")
            }
            if magnitudePlane {
                guard let magnitude = object.magnitude, magnitude.isFinite else {
                    throw ConfigurationError(message:
                        "\(object.id): no magnitude, but the network takes the magnitude as an input (magnitudeInput); give the catalogue's magnitude column")
                }
                image = Image(width: image.width, height: image.height, channels: image.channels + 1,
                              pixels: image.pixels + [Float](repeating: Float(magnitude), count: image.width * image.height))
            }
            return image
        }
        objectClasses = objects.map(\.objectClass)
        parameters = objects.map(\.parameters)
    }

    /// The objects as a trained run's model takes them.
    public init(objects: [PreparedObject], preprocessing: Preprocessing) {
        self.init(objects: objects, inputSize: preprocessing.inputSize, grey: preprocessing.grey,
                  channels: preprocessing.bands, magnitudePlane: preprocessing.magnitudePlane ?? false)
    }
}
