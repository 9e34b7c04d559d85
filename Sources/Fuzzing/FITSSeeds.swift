import CFITSIO
import Foundation

/// Small FITS files written with cfitsio (not with our readers' code): the layouts the readers claim to handle.
enum FITSSeeds {
    struct WriteError: Error, CustomStringConvertible {
        let status: Int32
        var description: String { "cfitsio status \(status) writing a FITS seed" }
    }

    /// A 2-D float image with NaNs, a 16-bit cube with BSCALE/BZERO and BLANK, and a multi-extension file
    /// (empty primary, one band per extension, three pixel types).
    static func images() throws -> [[UInt8]] {
        [
            try write { file, status in
                var axes = [24, 16]
                ffcrim(file, FLOAT_IMG, 2, &axes, &status)
                var data = (0..<(24 * 16)).map { $0 % 17 == 0 ? Float.nan : Float($0) * 0.5 - 20 }
                ffppr(file, TFLOAT, 1, Int64(data.count), &data, &status)
            },
            try write { file, status in
                var axes = [12, 10, 3]
                ffcrim(file, SHORT_IMG, 3, &axes, &status)
                var scale = 0.01, zero = 100.0, blank: Int32 = -32768
                ffpky(file, TDOUBLE, "BSCALE", &scale, nil, &status)
                ffpky(file, TDOUBLE, "BZERO", &zero, nil, &status)
                ffpky(file, TINT, "BLANK", &blank, nil, &status)
                ffpscl(file, 1, 0, &status)  // the values below are stored as they are
                var data = (0..<360).map { Int16($0 * 90 - 16000) }
                data[5] = -32768
                ffppr(file, TSHORT, 1, Int64(data.count), &data, &status)
            },
            try write { file, status in
                var none: [Int] = []
                ffcrim(file, BYTE_IMG, 0, &none, &status)
                var axes = [8, 8]
                ffcrim(file, BYTE_IMG, 2, &axes, &status)
                var bytes = (0..<64).map { UInt8($0 * 3) }
                ffppr(file, TBYTE, 1, 64, &bytes, &status)
                ffcrim(file, LONG_IMG, 2, &axes, &status)
                var ints = (0..<64).map { Int32($0 * 1000 - 30000) }
                ffppr(file, TINT, 1, 64, &ints, &status)
                ffcrim(file, DOUBLE_IMG, 2, &axes, &status)
                var doubles = (0..<64).map { Double($0) / 7 }
                ffppr(file, TDOUBLE, 1, 64, &doubles, &status)
            },
        ]
    }

    /// A binary table with the SDSS columns the catalogue reader maps (64-bit objID, ra/dec, magnitudes with a
    /// NaN, flags, a string class, a vector and a logical column), and an ASCII table.
    static func tables() throws -> [[UInt8]] {
        [
            try write { file, status in
                var none: [Int] = []
                ffcrim(file, BYTE_IMG, 0, &none, &status)
                let names = ["objID", "ra", "dec", "modelMag_r", "class", "flags", "z", "vec", "ok"]
                let forms = ["K", "D", "D", "E", "8A", "K", "D", "3E", "L"]
                var ttype = cStrings(names), tform = cStrings(forms)
                defer { (ttype + tform).forEach { free($0) } }
                ffcrtb(file, BINARY_TBL, 3, Int32(names.count), &ttype, &tform, nil, "PHOTOOBJ", &status)
                var ids: [Int64] = [1_237_661_055_281_529_331, 1_237_661_055_281_594_421, Int64.max]
                ffpcl(file, TLONGLONG, 1, 1, 1, 3, &ids, &status)
                var ras = [49.9467, 50.01, 359.99], decs = [41.5131, 41.6, -89.9]
                ffpcl(file, TDOUBLE, 2, 1, 1, 3, &ras, &status)
                ffpcl(file, TDOUBLE, 3, 1, 1, 3, &decs, &status)
                var mags: [Float] = [17.2, .nan, 19.4]
                ffpcl(file, TFLOAT, 4, 1, 1, 3, &mags, &status)
                var classes = cStrings(["GALAXY", "STAR", "QSO"])
                defer { classes.forEach { free($0) } }
                ffpcl(file, TSTRING, 5, 1, 1, 3, &classes, &status)
                var flags: [Int64] = [268_435_472, 0, 1 << 62]
                ffpcl(file, TLONGLONG, 6, 1, 1, 3, &flags, &status)
                var zs = [0.0179, 0.0002, 0.5]
                ffpcl(file, TDOUBLE, 7, 1, 1, 3, &zs, &status)
                var vec: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
                ffpcl(file, TFLOAT, 8, 1, 1, 9, &vec, &status)
                var ok: [CChar] = [1, 0, 1]
                ffpcl(file, TLOGICAL, 9, 1, 1, 3, &ok, &status)
            },
            try write { file, status in
                var none: [Int] = []
                ffcrim(file, BYTE_IMG, 0, &none, &status)
                let names = ["ID", "RA", "DEC", "MAG"]
                let forms = ["A10", "F12.6", "F12.6", "E12.4"]
                var ttype = cStrings(names), tform = cStrings(forms)
                defer { (ttype + tform).forEach { free($0) } }
                ffcrtb(file, ASCII_TBL, 2, Int32(names.count), &ttype, &tform, nil, "ASCII", &status)
                var ids = cStrings(["PCC-0001", "PCC-0002"])
                defer { ids.forEach { free($0) } }
                ffpcl(file, TSTRING, 1, 1, 1, 2, &ids, &status)
                var ras = [49.2355, 49.9467], decs = [41.5722, 41.5131], mags = [17.82, 19.4]
                ffpcl(file, TDOUBLE, 2, 1, 1, 2, &ras, &status)
                ffpcl(file, TDOUBLE, 3, 1, 1, 2, &decs, &status)
                ffpcl(file, TDOUBLE, 4, 1, 1, 2, &mags, &status)
            },
        ]
    }

    private static func cStrings(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] { strings.map { strdup($0) } }

    /// Runs `body` on a new FITS file in a temporary folder and returns the file's bytes.
    private static func write(_ body: (UnsafeMutablePointer<fitsfile>?, inout Int32) -> Void) throws -> [UInt8] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-fuzz-seed-\(UUID().uuidString).fits")
        defer { try? FileManager.default.removeItem(at: url) }
        var file: UnsafeMutablePointer<fitsfile>?
        var status: Int32 = 0
        ffinit(&file, url.path, &status)
        body(file, &status)
        ffclos(file, &status)
        guard status == 0 else { throw WriteError(status: status) }
        return [UInt8](try Data(contentsOf: url))
    }
}
