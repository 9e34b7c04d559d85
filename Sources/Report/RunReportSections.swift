import Evaluation
import Foundation
import Imaging

/// The run report's sections, built one at a time from its input, in the order a reader meets them.
struct RunReportBuilder {
    let input: RunReportInput
    let objects: [ReportedObject]
    let names: [String]
    let truth: [Int]
    let predicted: [Int]
    let report: ClassificationReport
    /// The objects with an r magnitude and a g \u{2212} z colour: those the diagram and the regions can place.
    let placed: [Int]
    /// What to say of the objects that cannot be placed, when there are any.
    let missingNote: String?
    var html: HTMLReport
    var figures: [ReportFigure] = []

    init(_ input: RunReportInput) throws {
        self.input = input
        html = HTMLReport(title: input.title, subtitle: input.about.first { $0.0 == "run" }.map { "run \($0.1)" })
        objects = input.objects
        names = input.classNames
        truth = objects.map(\.truth)
        predicted = input.predicted
        report = try ClassificationReport(truth: truth, predicted: predicted, classCount: names.count, classNames: names)
        let objects = objects
        placed = objects.indices.filter { objects[$0].magnitude != nil && objects[$0].gMinusZ != nil }
        let missingCMD = objects.count - placed.count
        missingNote = missingCMD > 0
            ? "\(missingCMD) of \(objects.count) objects have no r magnitude or g \u{2212} z colour and are not placed in the diagram or any region."
            : nil
    }

    mutating func add(_ section: RunReportSection, _ blocks: [ReportBlock]) {
        html.add(ReportSection(section.rawValue, blocks))
    }

    /// Keeps `canvas` as a figure file called `name` and hands it back for the page.
    mutating func figure(_ name: String, _ canvas: Canvas) -> Canvas {
        figures.append(ReportFigure(name: name, canvas: canvas))
        return canvas
    }

    mutating func addRun() {
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
        if names.count == 2 { headline.append(("threshold on p(member)", String(format: "%.2f", input.threshold))) }
        var runBlocks: [ReportBlock] = [.keyValues(input.about), .keyValues(headline)]
        runBlocks += input.notes.map { .paragraph($0) }
        let repeated = Dictionary(grouping: objects.map(\.id), by: { $0 }).filter { $0.value.count > 1 }
        if !repeated.isEmpty {
            runBlocks.append(.paragraph("\(repeated.count) ids occur more than once (\(repeated.values.map(\.count).reduce(0, +)) rows), "
                + "e.g. \(repeated.keys.sorted().prefix(3).joined(separator: ", ")); each row is counted in every number here."))
        }
        add(.run, runBlocks)
    }

    mutating func addConfiguration() {
        // Three settings a row, so the configuration does not push everything else down the page.
        let perRow = 3
        let settingRows = stride(from: 0, to: input.configuration.count, by: perRow).map { start in
            (start..<(start + perRow)).flatMap { $0 < input.configuration.count ? [input.configuration[$0].0, input.configuration[$0].1] : ["", ""] }
        }
        add(.configuration, input.configuration.isEmpty
            ? [.paragraph("The run has no configuration file.")]
            : [.table(header: Array(repeating: ["setting", "value"], count: perRow).flatMap { $0 }, rows: settingRows)])
    }

    mutating func addTrainingCurves() {
        // Training curves from metrics.csv.
        if input.history.isEmpty {
            add(.training, [.paragraph("The run has no per-epoch metrics (metrics.csv).")])
        } else {
            let best = input.history.filter { $0.validationLoss != nil }.min { $0.validationLoss! < $1.validationLoss! }
            var text = "\(input.history.count) epochs"
            if let best {
                text += String(format: "; lowest validation loss %.4f at epoch %d (validation accuracy %.3f)",
                               best.validationLoss!, best.epoch, best.validationAccuracy ?? .nan)
            }
            add(.training, [
                .paragraph(text + "."),
                .figure(figure("training-curves", trainingCurves(input.history)),
                        caption: "Loss and accuracy per epoch on the training and validation objects; the dashed line marks the epoch of lowest validation loss."),
            ])
        }
    }

    mutating func addMetrics() {
        var blocks: [ReportBlock] = [
            .paragraph("Classification report of the \(objects.count) objects (scikit-learn's layout)."),
            .preformatted(report.text()),
        ]
        if !input.magnitudeBins.isEmpty {
            func figure(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "\u{2013}" }
            blocks.append(.paragraph("Members by r magnitude: where members are found or missed, and how many of those called members are."))
            blocks.append(.table(header: ["r magnitude", "objects", "members", "member recall", "member precision"],
                                 rows: input.magnitudeBins.map { b in
                [b.bin.label, String(b.objects), String(b.members), figure(b.recall), figure(b.precision)]
            }))
        }
        add(.metrics, blocks)
        add(.confusion, [
            .figure(figure("confusion-matrix", confusionMatrixFigure(report.confusion, classNames: names)),
                    caption: "Rows are the true classes, columns the predicted ones; right, each row divided by its total (recall on the diagonal)."),
        ])
    }

    mutating func addColourRegions() {
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
        add(.regions, regionBlocks)
    }

    mutating func addColourMagnitudeDiagrams() {
        // Colour-magnitude diagrams.
        let cmd = ColourMagnitudeData(magnitude: placed.map { objects[$0].magnitude! }, colour: placed.map { objects[$0].gMinusZ! },
                                      truth: placed.map { truth[$0] }, predicted: placed.map { predicted[$0] })
        if placed.isEmpty {
            add(.cmd, [.paragraph(missingNote ?? "No objects.")])
            add(.labels, [.paragraph(missingNote ?? "No objects.")])
        } else {
            let note: [ReportBlock] = missingNote.map { [.paragraph($0)] } ?? []
            add(.cmd, note + [
                .figure(figure("cmd-regions", colourMagnitudeDiagram(cmd, sequence: input.sequence, boundaries: input.boundaries,
                                                                     colouring: .region, classNames: names)),
                        caption: input.sequence == nil ? "r against g \u{2212} z (no red sequence fitted)."
                            : "r against g \u{2212} z with the fitted red sequence (solid line) and the region boundaries (dashed)."),
            ])
            let panels = [(CMDColouring.truth, "cmd-truth", "by true label"), (.prediction, "cmd-prediction", "by predicted label"),
                          (.outcome, "cmd-outcome", "by outcome: TP and TN correct, FP background called member, FN member missed")]
            add(.labels, note + [
                .figureRow(panels.map { colouring, name, caption in
                    (figure(name, colourMagnitudeDiagram(cmd, sequence: input.sequence, boundaries: input.boundaries,
                                                         colouring: colouring, classNames: names)), caption)
                }),
            ])
            figures.append(ReportFigure(name: "cmd-comparison", canvas: colourMagnitudeComparison(
                cmd, sequence: input.sequence, boundaries: input.boundaries, classNames: names)))
        }
    }

    mutating func addColourPairs() {
        add(.colours, colourPairBlocks(objects, truth: truth, predicted: predicted,
                                                                          classNames: names, figure: { figure($0, $1) }))
    }

    mutating func addCalibration() {
        // Calibration of the membership probabilities.
        if names.count == 2, !objects.isEmpty,
           let calibration = try? Calibration(probabilities: objects.map { [1 - $0.memberProbability, $0.memberProbability] }, labels: truth) {
            add(.calibration, [
                .figure(figure("reliability", reliabilityDiagram([("predictions", calibration)])),
                        caption: "Fraction correct against the confidence of the predicted class, in ten bins; below, the objects per bin."),
            ])
        }
    }

    mutating func addGallery() {
        // Cutouts: the misclassified (background called member, then members missed), most confidently wrong first,
        // then a few correct ones of each class.
        var galleryBlocks: [ReportBlock] = []
        var unreadable: [String] = []
        let wrong = objects.indices.filter { predicted[$0] != truth[$0] }
            .sorted { abs(objects[$0].memberProbability - input.threshold) > abs(objects[$1].memberProbability - input.threshold) }
        galleryBlocks.append(.paragraph(wrong.isEmpty ? "No object is misclassified." : "\(wrong.count) objects are misclassified"
            + (wrong.count > RunReport.misclassifiedShown ? "; up to \(RunReport.misclassifiedShown) of each kind are shown, the most confidently wrong first." : ".")
            + " Under each cutout: its true label, r magnitude (mag) and catalogue class, and the predicted membership probability."))
        let kinds = names.count == 2
            ? [("gallery-false-positives", "Background objects called members", "FP", wrong.filter { truth[$0] == 0 }),
               ("gallery-false-negatives", "Members missed", "FN", wrong.filter { truth[$0] == 1 })]
            : [("gallery-misclassified", "Misclassified objects", "wrong", wrong)]
        for (name, title, kind, indices) in kinds where !indices.isEmpty {
            let shown = Array(indices.prefix(RunReport.misclassifiedShown))
            let items = galleryItems(shown, objects, predicted: predicted, classNames: names, unreadable: &unreadable)
            galleryBlocks.append(.figure(figure(name, cutoutGallery(items, columns: 6, tileSize: 150, title: "\(title) (\(kind), \(indices.count))")),
                                         caption: title + (shown.count < indices.count ? ": the \(shown.count) most confidently wrong of \(indices.count)." : ".")))
        }
        var correct: [Int] = []
        for c in names.indices {
            let ofClass = objects.indices.filter { truth[$0] == c && predicted[$0] == c }
            correct += evenlySpaced(ofClass, count: RunReport.correctShownPerClass)
        }
        if !correct.isEmpty {
            let items = galleryItems(correct, objects, predicted: predicted, classNames: names, unreadable: &unreadable)
            galleryBlocks.append(.figure(figure("gallery-correct", cutoutGallery(items, columns: 5, tileSize: 150,
                                                                                 title: "Correctly classified objects")),
                                         caption: "Up to \(RunReport.correctShownPerClass) correctly classified objects of each class, spread over the judged objects."))
        }
        if !unreadable.isEmpty {
            galleryBlocks.append(.paragraph("\(unreadable.count) cutouts could not be read and are left out: "
                + unreadable.prefix(5).joined(separator: "; ") + (unreadable.count > 5 ? "; ..." : "")))
        }
        add(.gallery, galleryBlocks)
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
