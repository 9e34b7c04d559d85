import ArgumentParser
import Astro
import Foundation

/// `perseus inspect catalog FILE`: rows, columns, class counts, magnitude range, and the rows that failed and why.
struct InspectCatalog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Read a catalogue (PCC export, SDSS CSV, any CSV, FITS table) and summarise it.")

    @Argument(help: "The catalogue file.") var file: String
    @Option(help: "FITS extension name (default: the first table).") var hdu: String?
    @Option(help: "Column mapping for a CSV or FITS table: the id column.") var id: String?
    @Option(help: "Right ascension column (with --id).") var ra = "ra"
    @Option(help: "Declination column (with --id).") var dec = "dec"
    @Option(help: "Magnitude column (with --id).") var mag: String?
    @Option(name: .customLong("class"), help: "Class column (with --id).") var objectClass: String?
    @Option(help: "Label column, integer 0/1 (with --id).") var label: String?
    @Option(help: "List at most this many failed rows.") var maxFailures = 20

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let table: CatalogTable
        let catalog: Catalog
        // A CatalogError (unreadable file, missing column) ends the command with its message: file, line, column.
        table = hdu != nil ? try CatalogTable.readFITS(url, hdu: hdu) : try CatalogTable.read(url)
        if let id {
            let mapping = ColumnMapping(id: id, ra: ra, dec: dec, magnitude: mag, objectClass: objectClass,
                                        label: label)
            catalog = try Catalog(table: table, mapping: mapping, policy: .skip)
        } else {
            catalog = try Catalog(table: table, policy: .skip)
        }
        print(summary(table: table, catalog: catalog))
    }

    func summary(table: CatalogTable, catalog: Catalog) -> String {
        var out: [String] = []
        let format = table.columns == CatalogTable.pccColumns ? "PCC fixed-width export" : "table"
        out.append("\(catalog.source) (\(format))")
        out.append("rows: \(catalog.objects.count) read, \(catalog.skipped.count) failed")
        out.append("columns (\(catalog.columns.count)): " + catalog.columns.joined(separator: ", "))
        func counts(_ title: String, _ values: [String?]) {
            let present = values.compactMap { $0 }
            guard !present.isEmpty else { return }
            out.append("\(title):")
            let grouped = Dictionary(grouping: present, by: { $0 }).mapValues(\.count)
            for (name, n) in grouped.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
                out.append(String(format: "  %6d  %@", n, name))
            }
            if present.count < values.count { out.append(String(format: "  %6d  (none)", values.count - present.count)) }
        }
        counts("classes", catalog.objects.map(\.objectClass))
        counts("labels", catalog.objects.map { $0.label.map(String.init) })
        counts("spectral classes", catalog.objects.map(\.spectralClass))
        counts("photometric types", catalog.objects.map(\.photoType))
        let mags = catalog.objects.compactMap(\.magnitude)
        if let lo = mags.min(), let hi = mags.max() {
            let bright = mags.filter { $0 <= 19.4 }.count
            out.append(String(format: "magnitude: %.2f .. %.2f (%d with a value; %d <= 19.4)", lo, hi, mags.count, bright))
        } else {
            out.append("magnitude: no magnitude column mapped")
        }
        let z = catalog.objects.compactMap(\.redshift)
        if let lo = z.min(), let hi = z.max() {
            out.append(String(format: "redshift: %.5f .. %.5f (%d with a value)", lo, hi, z.count))
        }
        if !catalog.skipped.isEmpty {
            out.append("failed rows:")
            for e in catalog.skipped.prefix(maxFailures) { out.append("  " + e.description) }
            if catalog.skipped.count > maxFailures { out.append("  ... and \(catalog.skipped.count - maxFailures) more") }
        }
        return out.joined(separator: "\n")
    }
}
