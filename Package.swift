// swift-tools-version: 6.0
//
// Teach: neural networks from scratch, as a runnable book.
//
// - `Teach` is the core library: matrices, activations, layers, losses, initializers, optimizers,
//   data loading, plotting and the book's Markdown. The chapters and real training use this same code.
// - `TeachBook` runs a chapter as a program (`Chapter.run`, its flags and knobs).
// - Every chapter is an executable under `Chapters/NN-name/` (`swift run name`).
// - `book` runs every chapter in order and writes `book.md` and `plots/` (`swift run book`).
import PackageDescription

/// The chapters, in reading order: directory under `Chapters/` and executable name.
/// `BookContents.chapters` in the library lists the same chapters; a test checks they agree.
let chapters: [(directory: String, name: String)] = [
    ("01-perceptron", "perceptron"),
    ("02-gates", "gates"),
    ("03-descent", "descent"),
    ("04-backprop", "backprop"),
    ("05-sgd", "sgd"),
    ("06-minibatch", "minibatch"),
    ("07-activations", "activations"),
    ("08-initializers", "initializers"),
    ("09-optimizers", "optimizers"),
    ("10-regularization", "regularization"),
    ("11-cnn-shapes", "cnn-shapes"),
    ("12-alexnet", "alexnet"),
    ("13-classification", "classification"),
    ("14-training", "training"),
    ("15-recurrent", "recurrent"),
    ("16-gated", "gated"),
    ("17-language-model", "language-model"),
    ("18-attention", "attention"),
    ("19-transformer", "transformer"),
]

let numerics = Target.Dependency.product(name: "Numerics", package: "swift-numerics")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

/// The `Teach` library needs no compiler flags (`unsafeFlags`): SwiftPM refuses them in any package
/// that others depend on by version, and Teach is meant to be depended on.
///
/// - The vector instruction sets are named in the C kernels themselves (Sources/CKernels): each
///   kernel function carries its own target (`avx2,fma` or `avx512f`), and the processor is asked at
///   run time which one to call, so the package runs on any x86-64 (or ARM64) processor at the
///   speed of the best kernel it can run.
/// - Release builds (`-c release`: `./run-book`, the benchmark, `./run-tests`, real training)
///   compile every target whole-module at `-O`. Swift's default cross-module optimisation shares
///   only small functions across modules, so the generic hot paths that chapters and tools call in
///   `Teach` (matrix arithmetic, activations, layers, losses, optimizers, `Model.train`) are
///   `@inlinable`: they are specialised for Float or Double where they are used (a generic dot
///   product called across modules without it ran about 220 times slower here). That works for any
///   package that depends on Teach.
///
/// The tests and the chapters (not part of the library product, so SwiftPM lets them have flags)
/// are optimised even in debug builds: they call the library's `@inlinable` code, which they then
/// compile themselves at `-O`. The library itself is unoptimised in a debug build, like any
/// dependency's: the unit tests take about 37 s that way (`swift test --skip BookTests`). The
/// quick loop optimises everything, the library and its C kernels included, from the command line
/// (`./run-tests --quick`), which is allowed because the flags are the caller's, not the package's.
/// The DocC plugin (`swift package generate-documentation`) only when `scripts/build-docs` asks for
/// it with `TEACH_DOCS=1`: every build of a package compiles its plugins first, and the DocC
/// plugin's took 13 s of each clean build and test run.
let documentationPlugin: [Package.Dependency] =
    Context.environment["TEACH_DOCS"] == "1" ? [.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0")] : []

let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Teach",
    products: [
        .library(name: "Teach", targets: ["Teach"]), .executable(name: "book", targets: ["book"]),
        .executable(name: "shapes", targets: ["shapes"]), .executable(name: "benchmark", targets: ["benchmark"]),
        .executable(name: "exercises", targets: ["exercises"]),
    ]
        + chapters.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ] + documentationPlugin,
    targets: [
        // zlib, for the gzip-compressed IDX files of MNIST and Fashion-MNIST.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The Float kernels in C, one per instruction set, each function with its own target: the
        // packed matrix product, ReLU, Adam's update (see Sources/CKernels/include/CKernels.h).
        .target(name: "CKernels", path: "Sources/CKernels"),
        // The kernels' Swift face: the choice of instruction set, the split over two cores.
        .target(name: "TeachKernels", dependencies: ["CKernels"], path: "Sources/TeachKernels"),
        .target(
            name: "Teach", dependencies: [numerics, "CZlib", "CKernels", "TeachKernels"], path: "Sources/Teach"),
        // What makes a chapter a program: `Chapter.run`, the common flags and a chapter's knobs
        // (swift-argument-parser). Apart from `Teach`, so that the library depends on nothing but
        // swift-numerics and compiles while ArgumentParser does.
        .target(name: "TeachBook", dependencies: ["Teach", argumentParser], path: "Sources/TeachBook"),
        // The book depends on every chapter so that `swift run book` builds them all first.
        .executableTarget(
            name: "book", dependencies: ["Teach", argumentParser] + chapters.map { .target(name: $0.name) },
            path: "Sources/book"),
        // `swift run shapes`: chapter 11's shape calculator for networks written on the command line.
        .executableTarget(name: "shapes", dependencies: ["Teach", argumentParser], path: "Tools/shapes"),
        // `swift run pytorch-bridge`: exports small models for PyTorch and imports PyTorch's state
        // dicts; scripts/check-pytorch-bridge.py drives it and compares predictions with PyTorch.
        .executableTarget(name: "pytorch-bridge", dependencies: ["Teach", argumentParser], path: "Tools/pytorch-bridge"),
        // The book's exercises: their checks, the reader's answers (stubs until answered), the
        // reference answers, and `swift run exercises` to list and check them.
        .target(name: "ExerciseChecks", dependencies: ["Teach"], path: "Sources/ExerciseChecks"),
        .target(name: "Exercises", dependencies: ["Teach", "ExerciseChecks"], path: "Exercises"),
        .target(name: "Solutions", dependencies: ["Teach", "ExerciseChecks"], path: "Solutions"),
        .executableTarget(
            name: "exercises", dependencies: ["ExerciseChecks", "Exercises", "Solutions", "Teach", argumentParser], path: "Tools/exercises"),
        // `swift run -c release benchmark`: the core's speed; scripts/compare-with-peers.py adds numpy and PyTorch.
        .executableTarget(name: "benchmark", dependencies: ["Teach", "TeachKernels", argumentParser], path: "Tools/benchmark"),
        // Two test targets, so that a release build compiles them side by side on two cores: the
        // core, data, persistence and the book check; and the layers, models and training.
        .testTarget(
            name: "TeachTests", dependencies: ["Teach", "TeachBook", "TeachKernels", numerics, argumentParser], path: "Tests/TeachTests",
            swiftSettings: optimizedInDebug),
        .testTarget(
            name: "ExerciseTests", dependencies: ["ExerciseChecks", "Exercises", "Solutions", "Teach"], path: "Tests/ExerciseTests",
            swiftSettings: optimizedInDebug),
        .testTarget(
            name: "TeachModelTests", dependencies: ["Teach", "TeachKernels", numerics], path: "Tests/TeachModelTests",
            swiftSettings: optimizedInDebug),
    ]
        + chapters.map {
            .executableTarget(
                name: $0.name, dependencies: ["Teach", "TeachBook", argumentParser], path: "Chapters/\($0.directory)",
                swiftSettings: optimizedInDebug)
        }
)
