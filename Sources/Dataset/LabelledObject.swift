import Astro
import Foundation
import Imaging

/// A catalogue object on its way to training: its binary label (nil = left out by the labelling) and its image file.
public struct LabelledObject: Sendable, Equatable {
    public var object: CatalogObject
    public var label: Int?
    public var image: URL?

    public init(object: CatalogObject, label: Int?, image: URL?) {
        self.object = object
        self.label = label
        self.image = image
    }

    public var id: String { object.id }
}

/// Labels every object of a catalogue from its PCC class, finding its image through `image`.
public func labelled(_ catalog: Catalog, by mapping: PCCLabelMapping = .study,
                     image: (CatalogObject) -> URL? = { _ in nil }) -> [LabelledObject] {
    catalog.objects.map { LabelledObject(object: $0, label: mapping.label(forClass: $0.objectClass), image: image($0)) }
}

/// Labels every object of a catalogue from its spectroscopic redshift (no redshift: no label).
public func labelled(_ catalog: Catalog, byRedshift labeling: RedshiftLabeling,
                     image: (CatalogObject) -> URL? = { _ in nil }) -> [LabelledObject] {
    catalog.objects.map { LabelledObject(object: $0, label: $0.redshift.map(labeling.label), image: image($0)) }
}

extension ImageFolderIndex {
    /// The image named after the object's id, or else after its objID.
    public func url(for object: CatalogObject) -> URL? {
        file(named: object.id) ?? object.objID.flatMap { file(named: String($0)) }
    }
}

/// Per-object red-pixel fractions (0...1) from a catalogue column holding percentages (the study's `reds`), by id.
public func redFractions(fromPercentColumn column: String, of catalog: Catalog) -> [String: Double] {
    var out: [String: Double] = [:]
    for o in catalog.objects { if let v = o.extraNumber(column) { out[o.id] = v / 100 } }
    return out
}
