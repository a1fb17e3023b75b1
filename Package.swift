// swift-tools-version: 6.0
//
// Teach: neural networks from scratch, as a runnable book.
//
// - `Teach` is the core library: matrices, activations, layers, losses, initializers, optimizers,
//   data loading, plotting and the book helpers. The chapters and real training use this same code.
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
    ("13-training", "training"),
]

let numerics = Target.Dependency.product(name: "Numerics", package: "swift-numerics")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

/// The chapters, the library `Teach` and the tests are optimised even in debug builds: a model's
/// layers are called through the `Layer` protocol, so their code runs as the library compiled it,
/// and at `-Onone` a chapter's experiments took minutes instead of seconds. The three share the
/// setting, because levels are not mixed for a module with `@inlinable` code (a `-O` library used
/// by `-Onone` tests crashed here, Swift 6.3.1). A debug build compiles file by file, which leaves
/// generic code in other files of the library unspecialised, so the book check is run from a
/// release build (`./run-tests`), where the library is optimised as a whole module.
///
/// `TeachKernels` (the Float matrix product, its worker thread and Adam's Float update) is the
/// exception: it is optimised in every configuration, because those kernels are not `@inlinable`
/// (nothing else could optimise them) and at `-Onone` the product crawled: chapter 12's debug build
/// took 14.0 s with the product at `-Onone` and 9.5 s with it here (most of the rest is drawing
/// AlexNet's 62 million random weights in unoptimised `Teach` code). Mixing levels is safe there because its public
/// interface is plain: non-generic, non-`@inlinable` functions over raw pointers and scalars, no
/// SIMD types; `Teach` reaches it only through two internal forwarding functions. The same holds
/// for `TeachKernelsAVX512` and for `TeachKernelsShared`, whose `@inlinable` packing and micro-kernel are
/// compiled into the two kernel modules only, both at `-O`.
///
/// Release builds (`-c release`: `./run-book`, the benchmark, real training) compile every target
/// whole-module at `-O`. Swift's default cross-module optimisation shares only small functions
/// across modules, so the generic hot paths that chapters and tools call in `Teach` (matrix
/// arithmetic and products, activations, layers, losses, optimizers, `Model.train`) are
/// `@inlinable`: they are specialised for Float or Double where they are used (a generic dot
/// product called across modules without it ran about 220 times slower here). That works for any
/// package that depends on Teach, which a `-cross-module-optimization` flag here would not.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// The single-precision matrix product's micro-kernel uses fused multiply-adds on 8-float vectors.
/// Without AVX2 and FMA enabled, Swift's SIMD8<Float>.addProduct compiles to eight calls of `fmaf`
/// and the kernel runs about 25 times slower, so the kernels (and the core, whose own loops gain
/// from 8-wide vectors) are built for x86-64 with AVX2 and FMA (every x86-64 CPU since 2013-2015).
/// Only those two targets get the setting: the kernels are not `@inlinable`, so no other module
/// compiles them, and no public interface passes SIMD types.
///
/// Processors with AVX-512 get a second packed product with 16-float vectors, in its own target
/// (`TeachKernelsAVX512`) compiled for AVX-512 Foundation: TeachKernels asks the processor once
/// (cpuid and the operating system's register state, `Sources/CKernels/cpu.c`) and calls it only
/// when allowed, so the package still runs on any x86-64 processor with AVX2 and FMA.
#if arch(x86_64)
let vectorInstructions: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma"])]
let wideVectorInstructions: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mavx512f"])]
let vectorCFlags = ["-mavx2"]
#else
let vectorInstructions: [SwiftSetting] = []
let wideVectorInstructions: [SwiftSetting] = []
let vectorCFlags: [String] = []
#endif

let package = Package(
    name: "Teach",
    products: [
        .library(name: "Teach", targets: ["Teach"]), .executable(name: "book", targets: ["book"]),
        .executable(name: "shapes", targets: ["shapes"]), .executable(name: "benchmark", targets: ["benchmark"]),
    ]
        + chapters.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // zlib, for the gzip-compressed IDX files of MNIST and Fashion-MNIST.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The one loop that Swift cannot vectorise here (a square root per element): Adam's update.
        .target(
            name: "CKernels", path: "Sources/CKernels",
            cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off", "-fno-math-errno"] + vectorCFlags)]),
        // Packing and the micro-kernel, shared by both products (all `@inlinable`, compiled into each).
        .target(
            name: "TeachKernelsShared", dependencies: ["CKernels"], path: "Sources/TeachKernelsShared",
            swiftSettings: optimizedInDebug + vectorInstructions),
        // The Float product and Adam's Float update: optimised even in debug builds (see above).
        .target(
            name: "TeachKernels", dependencies: ["CKernels", "TeachKernelsAVX512", "TeachKernelsShared"], path: "Sources/TeachKernels",
            swiftSettings: optimizedInDebug + vectorInstructions),
        // The packed product for AVX-512 processors, called by TeachKernels only when the processor has it.
        .target(
            name: "TeachKernelsAVX512", dependencies: ["CKernels", "TeachKernelsShared"], path: "Sources/TeachKernelsAVX512", swiftSettings: optimizedInDebug + wideVectorInstructions),
        .target(
            name: "Teach", dependencies: [numerics, argumentParser, "CZlib", "CKernels", "TeachKernels"], path: "Sources/Teach",
            swiftSettings: optimizedInDebug + vectorInstructions),
        // The book depends on every chapter so that `swift run book` builds them all first.
        .executableTarget(
            name: "book", dependencies: ["Teach", argumentParser] + chapters.map { .target(name: $0.name) },
            path: "Sources/book"),
        // `swift run shapes`: chapter 11's shape calculator for networks written on the command line.
        .executableTarget(name: "shapes", dependencies: ["Teach", argumentParser], path: "Tools/shapes"),
        .executableTarget(name: "pytorch-bridge", dependencies: ["Teach", argumentParser], path: "Tools/pytorch-bridge"),
        // `swift run -c release benchmark`: the core's speed; scripts/compare-with-peers.py adds numpy and PyTorch.
        .executableTarget(name: "benchmark", dependencies: ["Teach", "TeachKernels", argumentParser], path: "Tools/benchmark"),
        // Two test targets, so that a release build compiles them side by side on two cores: the
        // core, data, persistence and the book check; and the layers, models and training.
        .testTarget(
            name: "TeachTests", dependencies: ["Teach", "TeachKernels", "book", numerics], path: "Tests/TeachTests",
            swiftSettings: optimizedInDebug),
        .testTarget(
            name: "TeachModelTests", dependencies: ["Teach", numerics], path: "Tests/TeachModelTests",
            swiftSettings: optimizedInDebug),
    ]
        + chapters.map {
            .executableTarget(
                name: $0.name, dependencies: ["Teach"], path: "Chapters/\($0.directory)", swiftSettings: optimizedInDebug)
        }
)
