// The run report assembled from plain values (what a run measured on a set of objects): its configuration, training
// history, classification reports overall and per colour region, and every figure. Building it needs no network
// code; `Runs` gathers the inputs from a run folder and a prepared dataset, and `RunReportSections.swift` builds each section.
import Evaluation
import Foundation
import Imaging

/// One judged object as the report shows it: its photometry, true label, predicted membership probability and cutout.
public struct ReportedObject: Sendable {
    public var id: String
    /// r magnitude and colours (mag); nil when the catalogue has none.
    public var magnitude: Double?
    public var uMinusG: Double?
    public var gMinusR: Double?
    public var rMinusI: Double?
    public var gMinusZ: Double?
    /// Catalogue class (e.g. "dE", "Star"), shown in the gallery.
    public var objectClass: String?
    public var truth: Int
    /// The membership probability; with more than two classes, the probability of the predicted class.
    public var memberProbability: Double
    public var image: URL?
    /// The predicted class when there are more than two (nil: membership, called by the threshold).
    public var predicted: Int?

    public init(id: String, magnitude: Double? = nil, uMinusG: Double? = nil, gMinusR: Double? = nil, rMinusI: Double? = nil,
                gMinusZ: Double? = nil, objectClass: String? = nil, truth: Int, memberProbability: Double, image: URL? = nil,
                predicted: Int? = nil) {
        self.predicted = predicted
        self.id = id
        self.magnitude = magnitude
        self.uMinusG = uMinusG
        self.gMinusR = gMinusR
        self.rMinusI = rMinusI
        self.gMinusZ = gMinusZ
        self.objectClass = objectClass
        self.truth = truth
        self.memberProbability = memberProbability
        self.image = image
    }
}

/// Everything a run report shows.
public struct RunReportInput: Sendable {
    public var title: String
    /// What was judged, as name/value pairs (run folder, dataset, split, checkpoint, test-time augmentation).
    public var about: [(String, String)]
    /// The run's resolved configuration, in file order.
    public var configuration: [(String, String)]
    /// Per-epoch metrics; empty when the run has none.
    public var history: [EpochRecord]
    public var objects: [ReportedObject]
    public var threshold: Double
    /// Mean cross-entropy of the predictions.
    public var loss: Double?
    public var classNames: [String]
    /// The red sequence fitted on the dataset's members, when there were enough with colours.
    public var sequence: RedSequence?
    public var boundaries: ColourRegionBoundaries
    /// Metrics per colour region (`members` index `objects`).
    public var regions: [RegionEvaluation]
    /// Member recall and precision per r-magnitude bin (membership only).
    public var magnitudeBins: [MagnitudeBinEvaluation]
    /// Anything the reader should know (missing files, unreadable cutouts).
    public var notes: [String]

    public init(title: String, about: [(String, String)] = [], configuration: [(String, String)] = [],
                history: [EpochRecord] = [], objects: [ReportedObject], threshold: Double = 0.5, loss: Double? = nil,
                classNames: [String] = ["background", "member"], sequence: RedSequence? = nil,
                boundaries: ColourRegionBoundaries = .init(), regions: [RegionEvaluation] = [], magnitudeBins: [MagnitudeBinEvaluation] = [], notes: [String] = []) {
        self.title = title
        self.about = about
        self.configuration = configuration
        self.history = history
        self.objects = objects
        self.threshold = threshold
        self.loss = loss
        self.classNames = classNames
        self.sequence = sequence
        self.boundaries = boundaries
        self.regions = regions
        self.magnitudeBins = magnitudeBins
        self.notes = notes
    }

    public var predicted: [Int] { objects.map { $0.predicted ?? ($0.memberProbability >= threshold ? 1 : 0) } }
}

/// The report's sections, in order; the raw values are their titles (tests and readers can rely on them).
public enum RunReportSection: String, CaseIterable, Sendable {
    case run = "Run"
    case configuration = "Configuration"
    case training = "Training curves"
    case metrics = "Metrics"
    case confusion = "Confusion matrix"
    case regions = "Metrics per colour region"
    case cmd = "Colour-magnitude diagram"
    case labels = "True and predicted labels in the colour-magnitude diagram"
    case colours = "Colour pair plots"
    case calibration = "Calibration"
    case gallery = "Cutouts"

    public static var all: [String] { allCases.map(\.rawValue) }
}

/// A named figure of the report, written as `name.svg` and `name.png`.
public struct ReportFigure: Sendable {
    public var name: String
    public var canvas: Canvas
}

/// The assembled report: the HTML document and its figures.
public struct RunReport: Sendable {
    public var html: HTMLReport
    public var figures: [ReportFigure]

    /// How many misclassified objects of each kind (FP, FN) and correct ones per class the galleries show at most.
    public static let misclassifiedShown = 18
    public static let correctShownPerClass = 5

    public init(_ input: RunReportInput) throws {
        var builder = try RunReportBuilder(input)
        builder.addRun()
        builder.addConfiguration()
        builder.addTrainingCurves()
        builder.addMetrics()
        builder.addColourRegions()
        builder.addColourMagnitudeDiagrams()
        builder.addColourPairs()
        builder.addCalibration()
        builder.addGallery()
        html = builder.html
        figures = builder.figures
    }

    /// Writes the HTML report to `report` and each figure as SVG and PNG into `figuresFolder`, all atomically;
    /// returns the figure files written.
    @discardableResult
    public func write(report: URL, figuresFolder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: figuresFolder, withIntermediateDirectories: true)
        var written: [URL] = []
        for figure in figures {
            let svg = figuresFolder.appendingPathComponent("\(figure.name).svg")
            let png = figuresFolder.appendingPathComponent("\(figure.name).png")
            try figure.canvas.writeSVG(to: svg)
            try figure.canvas.writePNG(to: png, supersampling: 2)
            written += [svg, png]
        }
        try html.write(to: report)
        return written
    }
}
