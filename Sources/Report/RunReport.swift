// The run report assembled from plain values (what a run measured on a set of objects): its configuration, training
// history, classification reports overall and per colour region, and every figure. Building it needs no network
// code; `Training` gathers the inputs from a run folder and a prepared dataset.
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
    public var memberProbability: Double
    public var image: URL?

    public init(id: String, magnitude: Double? = nil, uMinusG: Double? = nil, gMinusR: Double? = nil, rMinusI: Double? = nil,
                gMinusZ: Double? = nil, objectClass: String? = nil, truth: Int, memberProbability: Double, image: URL? = nil) {
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
    /// Anything the reader should know (missing files, unreadable cutouts).
    public var notes: [String]

    public init(title: String, about: [(String, String)] = [], configuration: [(String, String)] = [],
                history: [EpochRecord] = [], objects: [ReportedObject], threshold: Double = 0.5, loss: Double? = nil,
                classNames: [String] = ["background", "member"], sequence: RedSequence? = nil,
                boundaries: ColourRegionBoundaries = .init(), regions: [RegionEvaluation] = [], notes: [String] = []) {
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
        self.notes = notes
    }

    public var predicted: [Int] { objects.map { $0.memberProbability >= threshold ? 1 : 0 } }
}

/// The titles of the report's sections, in order (tests and readers can rely on them).
public enum RunReportSection {
    public static let run = "Run"
    public static let configuration = "Configuration"
    public static let training = "Training curves"
    public static let metrics = "Metrics"
    public static let confusion = "Confusion matrix"
    public static let regions = "Metrics per colour region"
    public static let cmd = "Colour-magnitude diagram"
    public static let labels = "True and predicted labels in the colour-magnitude diagram"
    public static let colours = "Colour pair plots"
    public static let calibration = "Calibration"
    public static let gallery = "Cutouts"
    public static let all = [run, configuration, training, metrics, confusion, regions, cmd, labels, colours, calibration, gallery]
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
        var html = HTMLReport(title: input.title, subtitle: input.about.first { $0.0 == "run" }.map { "run \($0.1)" })
        var figures: [ReportFigure] = []
        func figure(_ name: String, _ canvas: Canvas) -> Canvas {
            figures.append(ReportFigure(name: name, canvas: canvas))
            return canvas
        }
        let objects = input.objects, names = input.classNames
        let truth = objects.map(\.truth), predicted = input.predicted
        let report = try ClassificationReport(truth: truth, predicted: predicted, classCount: names.count, classNames: names)

        // Run: what was judged, the headline numbers and anything missing.
        var headline: [(String, String)] = [("objects judged", String(objects.count)),
                                            ("accuracy", String(format: "%.3f", report.accuracy))]
        if names.count == 2 {
            headline += [("member precision", String(format: "%.3f", report.perClass[1].precision)),
                         ("member recall", String(format: "%.3f", report.perClass[1].recall)),
                         ("member F1", String(format: "%.3f", report.perClass[1].f1))]
            if let auc = try? rocAUC(scores: objects.map(\.memberProbability), labels: truth) {
                headline.append(("ROC AUC", String(format: "%.3f", auc)))
            }
        }
        if let loss = input.loss { headline.append(("cross-entropy loss", String(format: "%.4f", loss))) }
        headline.append(("threshold on p(member)", String(format: "%.2f", input.threshold)))
        var runBlocks: [ReportBlock] = [.keyValues(input.about), .keyValues(headline)]
        runBlocks += input.notes.map { .paragraph($0) }
        let repeated = Dictionary(grouping: objects.map(\.id), by: { $0 }).filter { $0.value.count > 1 }
        if !repeated.isEmpty {
            runBlocks.append(.paragraph("\(repeated.count) ids occur more than once (\(repeated.values.map(\.count).reduce(0, +)) rows), "
                + "e.g. \(repeated.keys.sorted().prefix(3).joined(separator: ", ")); each row is counted in every number here."))
        }
        html.add(ReportSection(RunReportSection.run, runBlocks))

        // Three settings a row, so the configuration does not push everything else down the page.
        let perRow = 3
        let settingRows = stride(from: 0, to: input.configuration.count, by: perRow).map { start in
            (start..<(start + perRow)).flatMap { $0 < input.configuration.count ? [input.configuration[$0].0, input.configuration[$0].1] : ["", ""] }
        }
        html.add(ReportSection(RunReportSection.configuration, input.configuration.isEmpty
            ? [.paragraph("The run has no configuration file.")]
            : [.table(header: Array(repeating: ["setting", "value"], count: perRow).flatMap { $0 }, rows: settingRows)]))

        // Training curves from metrics.csv.
        if input.history.isEmpty {
            html.add(ReportSection(RunReportSection.training, [.paragraph("The run has no per-epoch metrics (metrics.csv).")]))
        } else {
            let best = input.history.filter { $0.validationLoss != nil }.min { $0.validationLoss! < $1.validationLoss! }
            var text = "\(input.history.count) epochs"
            if let best {
                text += String(format: "; lowest validation loss %.4f at epoch %d (validation accuracy %.3f)",
                               best.validationLoss!, best.epoch, best.validationAccuracy ?? .nan)
            }
            html.add(ReportSection(RunReportSection.training, [
                .paragraph(text + "."),
                .figure(figure("training-curves", trainingCurves(input.history)),
                        caption: "Loss and accuracy per epoch on the training and validation objects; the dashed line marks the epoch of lowest validation loss."),
            ]))
        }

        html.add(ReportSection(RunReportSection.metrics, [
            .paragraph("Classification report of the \(objects.count) objects (scikit-learn's layout)."),
            .preformatted(report.text()),
        ]))
        html.add(ReportSection(RunReportSection.confusion, [
            .figure(figure("confusion-matrix", confusionMatrixFigure(report.confusion, classNames: names)),
                    caption: "Rows are the true classes, columns the predicted ones; right, each row divided by its total (recall on the diagonal)."),
        ]))

        // Colours: which objects can be placed.
        let placed = objects.indices.filter { objects[$0].magnitude != nil && objects[$0].gMinusZ != nil }
        let missingCMD = objects.count - placed.count
        let missingNote = missingCMD > 0
            ? "\(missingCMD) of \(objects.count) objects have no r magnitude or g \u{2212} z colour and are not placed in the diagram or any region."
            : nil

        // Per colour region.
        var regionBlocks: [ReportBlock] = []
        if let s = input.sequence {
            regionBlocks.append(.paragraph(String(
                format: "Red sequence fitted on the dataset's cluster members in r vs g \u{2212} z: g \u{2212} z = %.3f %+.4f (r \u{2212} %.2f), scatter \u{03C3} = %.3f mag. "
                    + "Red sequence: at most %.1f\u{03C3} below the line; green valley/red shoulder: %.1f\u{03C3} to %.1f\u{03C3} below; blue cloud: bluer.",
                s.colour(atMagnitude: s.pivot), s.slope, s.pivot, s.scatter, input.boundaries.redSequenceBelow,
                input.boundaries.redSequenceBelow, input.boundaries.blueCloudBelow)))
        }
        if input.regions.isEmpty {
            regionBlocks.append(.paragraph(input.sequence == nil
                ? "No red sequence could be fitted (too few cluster members with r and g \u{2212} z), so there are no colour regions."
                : "No object has the colours to place it in a region."))
        } else {
            regionBlocks.append(.table(header: ["region", "objects", "members", "accuracy", "member precision", "member recall", "member F1"],
                                       rows: input.regions.map { r in
                let m = r.report.perClass.count > 1 ? r.report.perClass[1] : nil
                return [r.region.rawValue, String(r.members.count), String(m?.support ?? 0), String(format: "%.3f", r.report.accuracy),
                        m.map { String(format: "%.3f", $0.precision) } ?? "", m.map { String(format: "%.3f", $0.recall) } ?? "",
                        m.map { String(format: "%.3f", $0.f1) } ?? ""]
            }))
            for r in input.regions {
                regionBlocks.append(.paragraph("\(r.region.rawValue): \(r.members.count) objects"))
                regionBlocks.append(.preformatted(r.members.isEmpty ? "no objects" : r.report.text()))
            }
        }
        if let missingNote { regionBlocks.append(.paragraph(missingNote)) }
        html.add(ReportSection(RunReportSection.regions, regionBlocks))

        // Colour-magnitude diagrams.
        let cmd = ColourMagnitudeData(magnitude: placed.map { objects[$0].magnitude! }, colour: placed.map { objects[$0].gMinusZ! },
                                      truth: placed.map { truth[$0] }, predicted: placed.map { predicted[$0] })
        if placed.isEmpty {
            html.add(ReportSection(RunReportSection.cmd, [.paragraph(missingNote ?? "No objects.")]))
            html.add(ReportSection(RunReportSection.labels, [.paragraph(missingNote ?? "No objects.")]))
        } else {
            let note: [ReportBlock] = missingNote.map { [.paragraph($0)] } ?? []
            html.add(ReportSection(RunReportSection.cmd, note + [
                .figure(figure("cmd-regions", colourMagnitudeDiagram(cmd, sequence: input.sequence, boundaries: input.boundaries,
                                                                     colouring: .region, classNames: names)),
                        caption: input.sequence == nil ? "r against g \u{2212} z (no red sequence fitted)."
                            : "r against g \u{2212} z with the fitted red sequence (solid line) and the region boundaries (dashed)."),
            ]))
            let panels = [(CMDColouring.truth, "cmd-truth", "by true label"), (.prediction, "cmd-prediction", "by predicted label"),
                          (.outcome, "cmd-outcome", "by outcome: TP and TN correct, FP background called member, FN member missed")]
            html.add(ReportSection(RunReportSection.labels, note + [
                .figureRow(panels.map { colouring, name, caption in
                    (figure(name, colourMagnitudeDiagram(cmd, sequence: input.sequence, boundaries: input.boundaries,
                                                         colouring: colouring, classNames: names)), caption)
                }),
            ]))
            figures.append(ReportFigure(name: "cmd-comparison", canvas: colourMagnitudeComparison(
                cmd, sequence: input.sequence, boundaries: input.boundaries, classNames: names)))
        }

        html.add(ReportSection(RunReportSection.colours, colourPairBlocks(objects, truth: truth, predicted: predicted,
                                                                          classNames: names, figure: figure)))

        // Calibration of the membership probabilities.
        if names.count == 2, !objects.isEmpty,
           let calibration = try? Calibration(probabilities: objects.map { [1 - $0.memberProbability, $0.memberProbability] }, labels: truth) {
            html.add(ReportSection(RunReportSection.calibration, [
                .figure(figure("reliability", reliabilityDiagram([("predictions", calibration)])),
                        caption: "Fraction correct against the confidence of the predicted class, in ten bins; below, the objects per bin."),
            ]))
        }

        // Cutouts: the misclassified (background called member, then members missed), most confidently wrong first,
        // then a few correct ones of each class.
        var galleryBlocks: [ReportBlock] = []
        var unreadable: [String] = []
        let wrong = objects.indices.filter { predicted[$0] != truth[$0] }
            .sorted { abs(objects[$0].memberProbability - input.threshold) > abs(objects[$1].memberProbability - input.threshold) }
        galleryBlocks.append(.paragraph(wrong.isEmpty ? "No object is misclassified." : "\(wrong.count) objects are misclassified"
            + (wrong.count > Self.misclassifiedShown ? "; up to \(Self.misclassifiedShown) of each kind are shown, the most confidently wrong first." : ".")
            + " Under each cutout: its true label, r magnitude (mag) and catalogue class, and the predicted membership probability."))
        let kinds = names.count == 2
            ? [("gallery-false-positives", "Background objects called members", "FP", wrong.filter { truth[$0] == 0 }),
               ("gallery-false-negatives", "Members missed", "FN", wrong.filter { truth[$0] == 1 })]
            : [("gallery-misclassified", "Misclassified objects", "wrong", wrong)]
        for (name, title, kind, indices) in kinds where !indices.isEmpty {
            let shown = Array(indices.prefix(Self.misclassifiedShown))
            let items = galleryItems(shown, objects, predicted: predicted, classNames: names, unreadable: &unreadable)
            galleryBlocks.append(.figure(figure(name, cutoutGallery(items, columns: 6, tileSize: 150, title: "\(title) (\(kind), \(indices.count))")),
                                         caption: title + (shown.count < indices.count ? ": the \(shown.count) most confidently wrong of \(indices.count)." : ".")))
        }
        var correct: [Int] = []
        for c in names.indices {
            let ofClass = objects.indices.filter { truth[$0] == c && predicted[$0] == c }
            correct += evenlySpaced(ofClass, count: Self.correctShownPerClass)
        }
        if !correct.isEmpty {
            let items = galleryItems(correct, objects, predicted: predicted, classNames: names, unreadable: &unreadable)
            galleryBlocks.append(.figure(figure("gallery-correct", cutoutGallery(items, columns: 5, tileSize: 150,
                                                                                 title: "Correctly classified objects")),
                                         caption: "Up to \(Self.correctShownPerClass) correctly classified objects of each class, spread over the judged objects."))
        }
        if !unreadable.isEmpty {
            galleryBlocks.append(.paragraph("\(unreadable.count) cutouts could not be read and are left out: "
                + unreadable.prefix(5).joined(separator: "; ") + (unreadable.count > 5 ? "; ..." : "")))
        }
        html.add(ReportSection(RunReportSection.gallery, galleryBlocks))

        self.html = html
        self.figures = figures
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

/// The pair plots of r and the colours, by true and by predicted label, over the objects that have every colour
/// some object has (a colour no object has, such as u − g of a synthetic field, is left out and said).
private func colourPairBlocks(_ objects: [ReportedObject], truth: [Int], predicted: [Int], classNames: [String],
                              figure: (String, Canvas) -> Canvas) -> [ReportBlock] {
    let all: [(String, KeyPath<ReportedObject, Double?>)] = [
        ("r (mag)", \.magnitude), ("u \u{2212} g (mag)", \.uMinusG), ("g \u{2212} r (mag)", \.gMinusR),
        ("r \u{2212} i (mag)", \.rMinusI), ("g \u{2212} z (mag)", \.gMinusZ),
    ]
    let present = all.filter { v in objects.contains { $0[keyPath: v.1]?.isFinite == true } }
    let absent = all.filter { v in !present.contains { $0.0 == v.0 } }.map(\.0)
    var blocks: [ReportBlock] = []
    if !absent.isEmpty {
        blocks.append(.paragraph("No object has \(absent.joined(separator: ", ")); \(absent.count == 1 ? "it is" : "they are") left out of the pair plots."))
    }
    guard present.count >= 2 else {
        blocks.append(.paragraph("Too few colours to plot."))
        return blocks
    }
    let complete = objects.indices.filter { i in present.allSatisfy { objects[i][keyPath: $0.1]?.isFinite == true } }
    if complete.count < objects.count {
        blocks.append(.paragraph("\(objects.count - complete.count) of \(objects.count) objects lack one of these values and are left out of the pair plots."))
    }
    guard !complete.isEmpty else { return blocks }
    let variables = present.map { v in PairVariable(v.0, complete.map { objects[$0][keyPath: v.1]! }) }
    for (name, labels, what) in [("pairs-truth", truth, "true"), ("pairs-prediction", predicted, "predicted")] {
        let canvas = pairPlot(variables, classes: complete.map { labels[$0] }, classNames: classNames,
                              title: "Colours and magnitude by \(what) label", cellSize: 150)
        blocks.append(.figure(figure(name, canvas),
                              caption: "Each colour against r and against each other, coloured by \(what) label; the diagonal holds each class's histogram (fractions)."))
    }
    return blocks
}

/// Gallery tiles for `indices`, each cutout shrunk to the tile size so the report stays small.
private func galleryItems(_ indices: [Int], _ objects: [ReportedObject], predicted: [Int], classNames: [String],
                          unreadable: inout [String]) -> [GalleryItem] {
    func name(_ c: Int) -> String { c < classNames.count ? classNames[c] : String(c) }
    var items: [GalleryItem] = []
    for i in indices {
        let o = objects[i]
        guard let url = o.image else { unreadable.append("\(o.id) (no image file)"); continue }
        let image: Image
        do {
            let full = try Image(contentsOf: url)
            image = full.width > 150 ? try full.resized(width: 150, height: 150 * full.height / full.width) : full
        } catch {
            unreadable.append("\(o.id) (\(error))")
            continue
        }
        var caption = name(o.truth)
        if let r = o.magnitude { caption += String(format: " \u{00B7} r %.1f", r) }
        if let c = o.objectClass, !c.isEmpty { caption += "\n" + c }
        let frame: RGBColor = switch (o.truth, predicted[i]) {
        case (1, 1): Palette.blue
        case (0, 0): .grey
        case (0, _): Palette.vermillion
        default: Palette.orange
        }
        items.append(GalleryItem(image: image, title: o.id, caption: caption, probability: o.memberProbability, frame: frame))
    }
    return items
}

/// Up to `count` elements spread evenly over `values` (first and last included).
func evenlySpaced<T>(_ values: [T], count: Int) -> [T] {
    guard values.count > count else { return values }
    guard count > 1 else { return Array(values.prefix(count)) }
    return (0..<count).map { values[$0 * (values.count - 1) / (count - 1)] }
}
