// swift-tools-version:6.0
// Perseus: convolutional networks that find galaxy-cluster members in survey images.
// Data flows one way through the stages below: catalogue -> objects -> samples -> model -> runs -> metrics and
// pictures. Each target imports only targets declared above it (scripts/check-architecture.sh checks it).
import PackageDescription

let package = Package(
    name: "Perseus",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "perseus", targets: ["PerseusCLI"]),
        .library(name: "PerseusKit", targets: ["Tensor", "Autodiff", "NN", "Imaging", "Astro", "Dataset", "Survey", "Training", "Evaluation", "Tabular", "Report", "Runs", "Scale"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries (Debian packages; `.ci/run` installs them).
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CFITSIO", path: "Sources/CFITSIO"),

        // Files: the one atomic file writer, JSON string escaper and content hash (FNV-1a) every module uses.
        .target(name: "Files"),
        // The one seeded random generator (SplitMix64): the engine, the data stages, the fuzzer and the tests draw from it.
        .target(name: "SeededRandom"),

        // Engine: tensors and kernels (the oneDNN calls live here), then reverse-mode autodiff, then networks.
        .target(name: "Tensor", dependencies: ["CDNNL", "SeededRandom"]),
        .target(name: "Autodiff", dependencies: ["Tensor", "SeededRandom"]),
        .target(name: "NN", dependencies: ["Autodiff", "Tensor", "SeededRandom", "Files"]),

        // Data: images, catalogues, then labelled and cleaned datasets.
        .target(name: "Imaging", dependencies: ["CTurboJPEG", "CPNG", "CFITSIO", "Tensor", "Files"]),
        .target(name: "Astro", dependencies: ["CFITSIO", "Files"]),
        .target(name: "Dataset", dependencies: ["Astro", "Imaging", "Tensor", "SeededRandom", "Files"]),
        // Survey: fetching cutouts and catalogues from the archives (network through FoundationNetworking).
        .target(name: "Survey", dependencies: ["Astro", "Imaging", "Files"]),

        // Model: training runs (configuration, the loop with early stopping, resume, checkpoints, weight averaging).
        .target(name: "Training", dependencies: [
            "NN", "Autodiff", "Tensor", "SeededRandom", "Dataset", "Imaging", "Files", .product(name: "Yams", package: "Yams"),
        ]),

        // Judging and showing, for the runs stage below: metrics, the trees of the catalogue model, and pictures.
        // None of them knows a network.
        .target(name: "Evaluation", dependencies: ["Files"]),
        .target(name: "Tabular"),
        .target(name: "Report", dependencies: ["Evaluation", "Imaging", "Files"]),

        // Runs: what is done with finished runs (inference, evaluation, calibration, the catalogue model, saliency,
        // reports, the study driver); the only stage that imports Report and Tabular.
        .target(name: "Runs", dependencies: [
            "Training", "NN", "Autodiff", "Tensor", "Dataset", "Imaging", "Astro", "Evaluation", "Tabular", "Report", "Files",
            "SeededRandom", .product(name: "Yams", package: "Yams"),
        ]),

        // Survey-scale prediction: shards streamed over a catalogue, resumable, and their merge.
        .target(name: "Scale", dependencies: ["Runs", "Training", "NN", "Autodiff", "Tensor", "Dataset", "Astro", "Imaging", "Files"]),

        .executableTarget(
            name: "PerseusCLI",
            dependencies: [
                "Tensor", "Autodiff", "NN", "Imaging", "Astro", "Dataset", "Survey", "Training", "Evaluation", "Report", "Runs", "Scale", "Files",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Reliability: seeded mutation fuzzing of every reader of outside bytes (scripts/fuzz.sh runs it).
        .target(name: "Fuzzing", dependencies: ["Imaging", "Astro", "NN", "Training", "Tensor", "SeededRandom", "CFITSIO"]),
        .executableTarget(name: "PerseusFuzz", dependencies: ["Fuzzing", "Files"]),

        // Throughput benchmark beside ../shared/bench/torch_resnet_bench.py (scripts/bench.sh runs both).
        .executableTarget(name: "PerseusBench", dependencies: ["Tensor", "SeededRandom", "Autodiff", "NN", "Dataset", "Training"]),

        .testTarget(name: "FilesTests", dependencies: ["Files"]),
        .testTarget(name: "TensorTests", dependencies: ["SeededRandom", "Tensor"]),
        .testTarget(name: "AutodiffTests", dependencies: ["SeededRandom", "Autodiff", "Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["SeededRandom", "NN", "Autodiff", "Tensor"]),
        .testTarget(name: "ImagingTests", dependencies: ["SeededRandom", "Imaging", "Tensor", "CFITSIO", "CPNG"]),
        .testTarget(name: "AstroTests", dependencies: ["SeededRandom", "Astro", "CFITSIO"]),
        .testTarget(name: "DatasetTests", dependencies: ["SeededRandom", "Dataset", "Astro", "Imaging", "Tensor"]),
        .testTarget(name: "SurveyTests", dependencies: ["Survey", "Astro", "Imaging"]),
        .testTarget(name: "TrainingTests", dependencies: ["SeededRandom", "Training", "Runs", "NN", "Autodiff", "Dataset", "Tensor", "Imaging", "Evaluation", "Files"]),
        .testTarget(name: "FuzzingTests", dependencies: ["SeededRandom", "Fuzzing", "Imaging", "Astro", "NN", "Training"]),
        .testTarget(name: "ScaleTests", dependencies: ["SeededRandom", "Scale", "Runs", "Training", "Dataset", "Astro", "Imaging", "Files", "Tabular"]),
        .testTarget(name: "EvaluationTests", dependencies: ["SeededRandom", "Evaluation"]),
        .testTarget(name: "TabularTests", dependencies: ["SeededRandom", "Tabular"]),
        .testTarget(name: "ReportTests", dependencies: ["SeededRandom", "Report", "Evaluation", "Imaging", "Training", "Runs", "Dataset", "Files"]),
    ],
    swiftLanguageModes: [.v6]
)
