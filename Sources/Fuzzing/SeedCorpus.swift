import CFITSIO
import Foundation
import Imaging
import NN
import Tensor
import Training

/// The inputs mutation starts from: real files from the shared Perseus data when it is there (a handful of
/// cutouts, slices of the PCC catalogue and the SDSS CSVs), plus small files made here with the project's own
/// writers and cfitsio, so every target has seeds (and the tests can run) without the data.
public enum SeedCorpus {
    /// `$PERSEUS_DATA`, else `../shared/data/perseus` beside `packageRoot`, when it exists.
    public static func dataFolder(packageRoot: URL) -> URL? {
        let env = ProcessInfo.processInfo.environment["PERSEUS_DATA"].map { URL(fileURLWithPath: $0) }
        let url = env ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/perseus")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("pcc").path) ? url : nil
    }

    public static func seeds(for target: FuzzTarget, data: URL?) throws -> [[UInt8]] {
        var seeds = try generated(target)
        if let data { seeds += try real(target, data: data) }
        return seeds
    }

    // MARK: - Real files

    static func real(_ target: FuzzTarget, data: URL) throws -> [[UInt8]] {
        switch target {
        case .jpeg:
            return try files(data.appendingPathComponent("pcc/cutouts"), ext: "jpg", take: 6)
                + files(data.appendingPathComponent("pcc/cutouts-400"), ext: "jpg", take: 2)
        case .png:
            return try files(data.appendingPathComponent("spec/cutouts"), ext: "png", take: 6)
        case .pcc:
            // Slices of the 1.5 MB catalogue: mutating it whole would spend every execution copying text.
            let lines = try String(contentsOf: data.appendingPathComponent("pcc/PCC_cat.txt"), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false)
            let header = lines.prefix { $0.hasPrefix("#") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
            let body = lines.dropFirst(header.count)
            var slices: [[UInt8]] = []
            for start in stride(from: body.startIndex, to: body.endIndex, by: max(1, body.count / 6)) {
                let slice = Array(header) + body[start..<min(body.endIndex, start + 12)]
                slices.append(Array(slice.joined(separator: "\n").utf8))
            }
            return slices
        case .csv:
            return try ["pcc/sdss_crossmatch_bright.csv", "spec/spec_search_45arcmin.csv",
                        "spec/radial_search_90arcmin.csv", "spec/flag_sweep.csv"].map { path in
                let text = try String(contentsOf: data.appendingPathComponent(path), encoding: .utf8)
                return Array(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(14)
                    .joined(separator: "\n").utf8)
            }
        case .fitsImage, .fitsTable, .safetensors, .yaml:
            return []  // the shared data has none: the generated seeds are the corpus
        }
    }

    private static func files(_ folder: URL, ext: String, take: Int) throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("." + ext) }
            .sorted()
        // Spread over the folder rather than its first few files.
        let step = max(1, names.count / take)
        return try stride(from: 0, to: names.count, by: step).prefix(take).map {
            [UInt8](try Data(contentsOf: folder.appendingPathComponent(names[$0])))
        }
    }

    // MARK: - Generated files

    static func generated(_ target: FuzzTarget) throws -> [[UInt8]] {
        switch target {
        case .jpeg:
            return try [(8, 8, 1, 90), (16, 16, 3, 95), (33, 17, 3, 50)].map { w, h, c, q in
                [UInt8](try pattern(w, h, c).jpegData(quality: q))
            }
        case .png:
            return try [(8, 8, 1, 8), (16, 12, 3, 8), (9, 7, 2, 16), (12, 12, 4, 16)].map { w, h, c, bits in
                [UInt8](try pattern(w, h, c).pngData(bitDepth: bits))
            }
        case .fitsImage:
            return try FITSSeeds.images()
        case .fitsTable:
            return try FITSSeeds.tables()
        case .pcc:
            return [Array(pccSample.utf8)]
        case .csv:
            return csvSamples.map { Array($0.utf8) }
        case .safetensors:
            return safetensorsSamples()
        case .yaml:
            var config = TrainingConfiguration()
            config.classWeights = [1, 2.5]
            return [Array(try config.yaml().utf8)] + yamlSamples.map { Array($0.utf8) }
        }
    }

    private static func pattern(_ w: Int, _ h: Int, _ c: Int) -> Image {
        var image = Image(width: w, height: h, channels: c)
        for i in 0..<image.pixels.count { image.pixels[i] = Float((i * 37) % 101) / 100 }
        return image
    }

    /// Rows in the PCC export's layout (21 fields, 22 for dE candidates with a nucleation class).
    static let pccSample = """
        # Perseus Cluster Catalog (sample in the GAVO export layout)
        N/A  PCC-0001  49.235500  41.572200  17.82  1.23  0.45  N/A  2.10  0.33  12.5  0.81  0.12  3.4  N/A  0.02  1.10  20.1  0.5  Likely dE/ETGcluster candidate  Nucleated  http://dc.zah.uni-heidelberg.de/pcc/q/s/dl?ID=1
        N/A  PCC-0002  49.946700  41.513100  19.40  1.02  0.41  0.9  2.00  0.30  11.5  0.71  0.22  3.1  0.3  0.01  1.00  21.0  0.4  Likely background ETG or unresolved source  http://dc.zah.uni-heidelberg.de/pcc/q/s/dl?ID=2
        N/A  PCC-0003  50.125000  41.250000  N/A  N/A  N/A  N/A  N/A  N/A  N/A  N/A  N/A  N/A  N/A  N/A  N/A  N/A  N/A  Cluster or background LTG  http://dc.zah.uni-heidelberg.de/pcc/q/s/dl?ID=3
        """

    /// The SDSS CSV shapes the project reads: SkyServer (`#Table1`), a pandas export (unnamed index), quoting.
    static let csvSamples = [
        """
        #Table1
        files,name,labels,reds,objID,type,ra,dec,modelMag_r,u_g,g_z,g_r,g_i,r_i,r_z,petroRad_r
        sdss_ra=49.9985_dec=41.3856.png,PCC-0001,0,3.3975,1237661055281858002,GALAXY,49.9984859667094,41.3856061598763,18.58372,2.33016,2.217403,1.269188,1.837666,0.5684776,0.9482155,5.380006
        sdss_ra=50.1_dec=41.5.png,PCC-0002,1,12.5,1237661055281529789,STAR,50.1,41.5,19.4,1.2,0.9,0.5,0.7,0.2,0.4,1.9
        """,
        """
        ,objID,specObjID,ra,dec,u,g,r,i,z,r0,g_z0,flags,flag_text,z,zErr,zWarning,class,distance
        0,1237661055281529331,2376461867123456000,49.9467,41.5131,19.1,17.9,17.2,16.9,16.7,17.1,1.2,268435472,"CHILD NODEBLEND",0.0179,1e-5,0,GALAXY,0.5
        1,1237661055281594421,18446744073709551615,50.01,41.6,N/A,18.2,17.5,17.1,16.9,17.4,1.3,0,,0.5,2e-5,4,STAR,3.25
        """,
    ]

    static let yamlSamples = [
        "model: resnet10\nepochs: 3\nbatchSize: 4\nlearningRate: 0.01\nclassWeights: [1.0, 2.0]\n",
        "# comment only\n",
        "optimizer: adamw\nschedule: cosine\nwarmupEpochs: 2\naugmentation: online\nseed: 18446744073709551615\n",
        "grey: true\ninputSize: 64\nthreads: 2\npatience: 0\nlabelSmoothing: 0.1\n",
    ]

    static func safetensorsSamples() -> [[UInt8]] {
        let weights = Tensor(shape: [2, 3], scalars: [0.5, -1, 2, 3.25, 0, 1e-3])
        let bias = Tensor(shape: [2], scalars: [0.125, -0.25])
        let files = [
            SafeTensors(tensors: ["fc.weight": .float32(weights), "fc.bias": .float32(bias)],
                        metadata: ["perseus.architecture": "resnet10", "perseus.classes": "2"]),
            SafeTensors(tensors: ["bn.num_batches_tracked": .int64(shape: [], values: [7]),
                                  "empty": .float32(Tensor(shape: [0, 4], scalars: []))]),
            SafeTensors(),
        ]
        return files.map { [UInt8]($0.encoded()) }
    }
}
