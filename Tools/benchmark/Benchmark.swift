// `swift run -c release benchmark`: the speed of the core, for comparison with numpy and PyTorch
// (scripts/compare-with-peers.py runs the same rows with them and prints the ratios).
import ArgumentParser
import Foundation
import Teach
import TeachKernels

@main
struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Times the Float matrix product, AlexNet's forward pass and MLP training, and prints a table (or JSON).")

    @Flag(help: "Print JSON lines (one object per row) instead of a table.")
    var json = false

    @Option(help: "Seconds to spend on each product row (more gives steadier medians).")
    var seconds = 0.5

    @Flag(help: "Only the matrix products.")
    var productsOnly = false

    @Option(help: "Only the rows whose name contains this text (\"784x50\", \"AlexNet\", \"5 x 500\", \"Fashion\").")
    var filter: String?

    @Flag(help: "Products on one core (the kernel called directly, as Matrix.matmul calls it but without the split).")
    var oneCore = false

    @Flag(help: "Products with the AVX2 kernel (6×16 tiles) even where the processor has AVX-512: the kernel other x86-64 machines run.")
    var avx2 = false

    @Flag(help: "Products with the baseline kernel (no AVX2: what a processor without it runs).")
    var baseline = false

    @Flag(help: "Leave the process as it is (no ProcessTuning.forTraining()): what a program that never asks gets.")
    var untuned = false

    /// The most `--seconds` may be: an hour per row is already far past a steady median.
    static let longestBudget = 3600.0

    /// Refuses a time budget that would never end (`inf`, `1e300`) or is not a time at all.
    func validate() throws {
        guard seconds.isFinite, seconds > 0, seconds <= Self.longestBudget else {
            throw ValidationError("--seconds \(seconds) must be a number of seconds above 0 and at most \(Int(Self.longestBudget))")
        }
    }

    func run() throws {
        #if DEBUG
        print("note: a debug build; run `swift run -c release benchmark` for meaningful numbers")
        #endif
        if !untuned { ProcessTuning.forTraining() }
        let instructions: VectorInstructions = baseline ? .baseline : avx2 ? min(.avx2, .best) : .best
        var rows: [[String: String]] = []
        func emit(_ row: [String: String]) {
            if json {
                let data = try! JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                rows.append(row)
            }
        }
        var random = SeededGenerator(seed: 1)
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        func median(budget: Double, minimum: Int = 5, _ body: () throws -> Void) rethrows -> Double {
            try body()
            var times: [Double] = []
            let start = clock.now
            while seconds(clock.now - start) < budget || times.count < minimum {
                let t = clock.now
                try body()
                times.append(seconds(clock.now - t))
            }
            return times.sorted()[times.count / 2]
        }
        let square = [64, 128, 256, 512, 1024, 2048].map { (name: "\($0)", m: $0, k: $0, n: $0, layout: "AB") }
        let steps: [(name: String, m: Int, k: Int, n: Int, layout: String)] = [
            ("128x784 · 784x50", 128, 784, 50, "AB"), ("128x784 · 784x500", 128, 784, 500, "AB"),
            ("784x128ᵀ · 128x50 (weight gradient)", 784, 128, 50, "AtB"), ("784x128ᵀ · 128x500 (weight gradient)", 784, 128, 500, "AtB"),
            ("128x50 · 784x50ᵀ (input gradient)", 128, 50, 784, "ABt"), ("128x500 · 784x500ᵀ (input gradient)", 128, 500, 784, "ABt"),
            ("128x500 · 500x500", 128, 500, 500, "AB"),
            // the LSTM language model's (V 96, E 64, H 256, T 64, batch 32), in the order of a step
            ("2048x64 · 1024x64ᵀ (LSTM input terms)", 2048, 64, 1024, "ABt"), ("32x256 · 1024x256ᵀ (LSTM step)", 32, 256, 1024, "ABt"),
            ("32x1024 · 1024x256 (LSTM step backward)", 32, 1024, 256, "AB"),
            ("2048x1024ᵀ · 2048x256 (LSTM recurrent weight gradient)", 1024, 2048, 256, "AtB"),
            ("2048x1024ᵀ · 2048x64 (LSTM input weight gradient)", 1024, 2048, 64, "AtB"),
            ("2048x1024 · 1024x64 (LSTM input gradient)", 2048, 1024, 64, "AB"),
        ]
        func wanted(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }
        for shape in square + steps where wanted(shape.name) {
            let a = Matrix<Float>.gaussian(rows: shape.layout == "AtB" ? shape.k : shape.m, columns: shape.layout == "AtB" ? shape.m : shape.k, using: &random)
            let b = Matrix<Float>.gaussian(rows: shape.layout == "ABt" ? shape.n : shape.k, columns: shape.layout == "ABt" ? shape.k : shape.n, using: &random)
            let time = try median(budget: self.seconds) {
                if oneCore || instructions != .best {
                    let (ta, tb) = (shape.layout == "AtB", shape.layout == "ABt")
                    var out = [Float](repeating: 0, count: shape.m * shape.n)
                    a.elements.withUnsafeBufferPointer { ap in
                        b.elements.withUnsafeBufferPointer { bp in
                            out.withUnsafeMutableBufferPointer { cp in
                                FloatKernels.product(
                                    m: shape.m, n: shape.n, k: shape.k, a: ap.baseAddress!, aRow: ta ? 1 : a.columns,
                                    aColumn: ta ? a.columns : 1, b: bp.baseAddress!, bRow: tb ? 1 : b.columns, bColumn: tb ? b.columns : 1,
                                    c: cp.baseAddress!, accumulate: false, twoCores: !oneCore, instructions: instructions)
                            }
                        }
                    }
                    return
                }
                switch shape.layout {
                case "AtB": _ = try a.transposedMatmul(b)
                case "ABt": _ = try a.matmulTransposed(b)
                default: _ = try a.matmul(b)
                }
            }
            let flop = 2.0 * Double(shape.m * shape.k * shape.n)
            emit(["kind": "product", "name": shape.name, "m": "\(shape.m)", "k": "\(shape.k)", "n": "\(shape.n)", "layout": shape.layout,
                  "ms": String(format: "%.4f", time * 1000), "gflops": String(format: "%.1f", flop / time / 1e9)])
        }
        if !productsOnly, wanted("AlexNet forward, one 227x227x3 image") {
            let alexNet: Model<Float> = try Architectures.alexNet(using: &random)
            let image = Matrix<Float>.uniform(rows: 1, columns: 227 * 227 * 3, in: 0..<1, using: &random)
            let time = try median(budget: 2, minimum: 7) { _ = try alexNet.predict(image) }
            emit(["kind": "alexnet", "name": "AlexNet forward, one 227x227x3 image", "ms": String(format: "%.1f", time * 1000)])
        }
        if !productsOnly {
            for (name, hidden, epochs) in [("784-50-10", ["dense 50"], 1), ("5 x 500", Array(repeating: "dense 500", count: 5), 1)]
            where wanted("\(name), Adam, batch 128, one epoch of 60,000") {
                // ReLU hidden layers with He's weights, a dense layer of 10 with Xavier's, softmax
                var model: Model<Float> = try LayerSpecification.classifier(input: "784", layers: hidden, classes: 10, using: &random)
                let count = 60_000
                let elapsed = try Self.epochOnRandomImages(&model, count: count, epochs: epochs, using: &random)
                emit(["kind": "training", "name": "\(name), Adam, batch 128, one epoch of 60,000", "seconds": String(format: "%.2f", elapsed),
                      "samples_per_second": String(format: "%.0f", Double(count * epochs) / elapsed)])
            }
        }
        if !productsOnly {
            try convolutionRows(wanted: wanted, emit: emit, median: { budget, body in try median(budget: budget, body) }, random: &random)
        }
        if !productsOnly {
            try sequenceRows(wanted: wanted, emit: emit, random: &random)
        }
        if !productsOnly, wanted("784-50-10 on Fashion-MNIST, Adam, batch 128, 5 epochs"),
            FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
        {
            // the real thing, when Debian's dataset-fashion-mnist is installed: time and test accuracy
            let directory = "/usr/share/datasets/fashion-mnist"
            let train = try LabeledImages.load(images: "\(directory)/train-images-idx3-ubyte.gz", labels: "\(directory)/train-labels-idx1-ubyte.gz")
            let test = try LabeledImages.load(images: "\(directory)/t10k-images-idx3-ubyte.gz", labels: "\(directory)/t10k-labels-idx1-ubyte.gz")
            let targets = Matrix<Float>(rows: train.count, columns: 10) { r, c in train.labels[r] == c ? 1 : 0 }
            var seeded = SeededGenerator(seed: 42)
            var model = try Model<Float>([
                Dense(inputs: 784, units: 50, activation: .relu, initializer: .he, using: &seeded),
                Dense(inputs: 50, units: 10, activation: .identity, initializer: .xavier, using: &seeded), Softmax(),
            ])
            var optimizer = try Optimizer<Float>.adam()
            let start = clock.now
            try model.train(
                inputs: train.images, targets: targets, options: TrainingOptions(epochs: 5, batchSize: 128, loss: .crossEntropy, lossReport: .batchAverage),
                optimizer: &optimizer, using: &seeded)
            let elapsed = seconds(clock.now - start)
            let predictions = try model.predict(test.images)
            let correct = (0..<test.count).filter { r in
                let row = predictions.rowArray(r)
                return row.firstIndex(of: row.max()!) == test.labels[r]
            }.count
            emit(["kind": "fashion", "name": "784-50-10 on Fashion-MNIST, Adam, batch 128, 5 epochs", "seconds": String(format: "%.2f", elapsed),
                  "accuracy": String(format: "%.4f", Double(correct) / Double(test.count)),
                  "samples_per_second": String(format: "%.0f", Double(train.count * 5) / elapsed)])
        }
        if !json {
            print("Float product kernel: \(instructions); two cores\(oneCore ? " except for products (--one-core)" : "")\(untuned ? "; process not tuned (--untuned)" : "")")
            print()
            print(Markdown.table(
                ["row", "time", "rate"],
                rows.map { row in
                    switch row["kind"] {
                    case "product": ["\(row["name"]!) (\(row["layout"]!))", "\(row["ms"]!) ms", "\(row["gflops"]!) GFLOP/s"]
                    case "alexnet", "step", "convolution": [row["name"]!, "\(row["ms"]!) ms", ""]
                    case "fashion": [row["name"]!, "\(row["seconds"]!) s", "\(row["samples_per_second"]!) samples/s, test accuracy \(row["accuracy"]!)"]
                    case "sequence": [row["name"]!, "\(row["seconds"]!) s", "\(row["tokens_per_second"]!) tokens/s"]
                    default: [row["name"]!, "\(row["seconds"]!) s", "\(row["samples_per_second"]!) samples/s"]
                    }
                }, alignments: [.left, .right, .right]))
        }
    }

    /// The convolutional networks of chapter 14 (one epoch of 60,000 images, and the forward and
    /// backward pass of one batch of 128) and the convolutions of residual networks, one layer at a
    /// time, forward and backward, on random data (the speed does not depend on the numbers).
    func convolutionRows(
        wanted: (String) -> Bool, emit: ([String: String]) -> Void, median: (Double, () throws -> Void) throws -> Double,
        random: inout SeededGenerator
    ) throws {
        for (name, layers) in Self.convolutionalNetworks {
            let count = 60_000, batch = 128
            let epochName = "\(name), Adam, batch 128, one epoch of 60,000", stepName = "\(name), forward and backward, batch 128"
            guard wanted(epochName) || wanted(stepName) else { continue }
            var model: Model<Float> = try LayerSpecification.classifier(input: "28x28x1", layers: layers, classes: 10, using: &random)
            if wanted(stepName) {
                let x = Matrix<Float>.uniform(rows: batch, columns: 784, in: 0..<1, using: &random)
                let y = Matrix<Float>(rows: batch, columns: 10) { r, c in r % 10 == c ? 1 : 0 }
                var stepModel = model
                let time = try median(2) { _ = try stepModel.backpropagate(x, targets: y, loss: .crossEntropy, using: &random) }
                emit(["kind": "step", "name": stepName, "network": name, "ms": String(format: "%.2f", time * 1000)])
            }
            if wanted(epochName) {
                let elapsed = try Self.epochOnRandomImages(&model, count: count, epochs: 1, using: &random)
                emit(["kind": "training", "name": epochName, "network": name, "seconds": String(format: "%.2f", elapsed),
                      "samples_per_second": String(format: "%.0f", Double(count) / elapsed)])
            }
        }
        for shape in Self.residualConvolutions {
            let name = "conv \(shape.filters) \(shape.size)x\(shape.size)" + (shape.stride > 1 ? " stride \(shape.stride)" : "")
                + (shape.padding > 0 ? " pad \(shape.padding)" : "") + " on \(shape.side)x\(shape.side)x\(shape.channels), batch 128"
            guard wanted(name) else { continue }
            var layer = try Conv2D<Float>(
                inputShape: ImageShape(shape.side, shape.channels), filters: shape.filters, filterSize: shape.size, stride: shape.stride,
                padding: shape.padding, activation: .identity, using: &random)
            let x = Matrix<Float>.gaussian(rows: 128, columns: layer.inputShape.count, using: &random)
            let gradient = Matrix<Float>.gaussian(rows: 128, columns: layer.outputShape.count, using: &random)
            let geometry = ["channels": "\(shape.channels)", "side": "\(shape.side)", "filters": "\(shape.filters)", "size": "\(shape.size)",
                            "stride": "\(shape.stride)", "padding": "\(shape.padding)"]
            let forward = try median(1) { _ = try layer.forward(x, mode: .training, using: &random) }
            emit(geometry.merging(["kind": "convolution", "pass": "forward", "name": "\(name), forward", "ms": String(format: "%.3f", forward * 1000)]) { $1 })
            let backward = try median(1) {
                _ = try layer.forward(x, mode: .training, using: &random)
                _ = try layer.backward(outputGradient: gradient, needsInputGradient: true)
            } - forward
            emit(geometry.merging(["kind": "convolution", "pass": "backward", "name": "\(name), backward", "ms": String(format: "%.3f", backward * 1000)]) { $1 })
        }
    }

    /// Character language models trained on random token ids: an LSTM (embedding, LSTM, a dense
    /// layer at every position) and a GPT-2-shaped transformer (``Architectures/characterTransformer``),
    /// each at chapter 17's small size and at a larger one, and a GRU in the LSTM's place at the
    /// larger size, with Adam (PyTorch's defaults) and the
    /// cross-entropy over every position. The rate is tokens (positions) per second of training.
    func sequenceRows(wanted: (String) -> Bool, emit: ([String: String]) -> Void, random: inout SeededGenerator) throws {
        for model in Self.sequenceModels where wanted(model.name) {
            var network: Model<Float>
            if model.kind == "LSTM" || model.kind == "GRU" {
                // drawn in the order of the layers
                let embedding = try Embedding<Float>(count: model.vocabulary, dimension: model.width, length: model.length, using: &random)
                let cells: any Layer<Float> = model.kind == "GRU"
                    ? try GRU<Float>(inputs: model.width, hidden: model.hidden, length: model.length, using: &random)
                    : try LSTM<Float>(inputs: model.width, hidden: model.hidden, length: model.length, using: &random)
                network = try Model<Float>([
                    embedding, cells,
                    Dense<Float>(inputs: model.hidden, units: model.vocabulary, activation: .identity, using: &random),
                ])
            } else {
                network = try Architectures.characterTransformer(
                    vocabulary: model.vocabulary, length: model.length, dimension: model.width, heads: model.heads, blocks: model.blocks,
                    using: &random)
            }
            let count = model.batch * model.batches
            let ids = Matrix<Float>(rows: count, columns: model.length) { _, _ in Float(random.integer(below: model.vocabulary)) }
            let next = Matrix<Float>(rows: count, columns: model.length) { _, _ in Float(random.integer(below: model.vocabulary)) }
            var optimizer = try Optimizer<Float>.adam()
            let options = TrainingOptions<Float>(epochs: 1, batchSize: model.batch, loss: .crossEntropyWithLogits(), lossReport: .batchAverage)
            // one update first, so that buffers and the second core's thread are ready
            var warm = network, warmOptimizer = optimizer
            let firstIds = Matrix<Float>(rows: model.batch, columns: model.length) { r, c in ids[r, c] }
            let firstNext = Matrix<Float>(rows: model.batch, columns: model.length) { r, c in next[r, c] }
            try warm.train(inputs: firstIds, targets: firstNext, options: options, optimizer: &warmOptimizer, using: &random)
            let clock = ContinuousClock(), start = clock.now
            try network.train(inputs: ids, targets: next, options: options, optimizer: &optimizer, using: &random)
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            emit(["kind": "sequence", "name": model.name, "model": model.kind, "vocabulary": "\(model.vocabulary)", "width": "\(model.width)",
                  "hidden": "\(model.hidden)", "heads": "\(model.heads)", "blocks": "\(model.blocks)", "length": "\(model.length)",
                  "batch": "\(model.batch)", "batches": "\(model.batches)", "seconds": String(format: "%.3f", seconds),
                  "tokens_per_second": String(format: "%.0f", Double(count * model.length) / seconds)])
        }
    }

    /// The language models of ``sequenceRows``: `width` is the LSTM's embedding or the transformer's
    /// dimension; `batches` updates are timed.
    static let sequenceModels:
        [(name: String, kind: String, vocabulary: Int, width: Int, hidden: Int, heads: Int, blocks: Int, length: Int, batch: Int, batches: Int)] = [
            ("LSTM language model, V 27, E 16, H 32, T 16, Adam, batch 32", "LSTM", 27, 16, 32, 0, 0, 16, 32, 200),
            ("LSTM language model, V 96, E 64, H 256, T 64, Adam, batch 32", "LSTM", 96, 64, 256, 0, 0, 64, 32, 20),
            ("GRU language model, V 96, E 64, H 256, T 64, Adam, batch 32", "GRU", 96, 64, 256, 0, 0, 64, 32, 20),
            ("transformer language model, V 27, E 64, 4 heads, 2 blocks, T 16, Adam, batch 32", "transformer", 27, 64, 0, 4, 2, 16, 32, 100),
            ("transformer language model, V 96, E 128, 4 heads, 4 blocks, T 64, Adam, batch 32", "transformer", 96, 128, 0, 4, 4, 64, 32, 10),
        ]

    /// Seconds for `epochs` epochs of Adam (batch 128, softmax cross-entropy) on `count` random
    /// 784-number records (uniform in [0, 1)) with random labels of 10 classes.
    static func epochOnRandomImages(_ model: inout Model<Float>, count: Int, epochs: Int, using random: inout SeededGenerator) throws -> Double {
        let x = Matrix<Float>.uniform(rows: count, columns: 784, in: 0..<1, using: &random)
        let labels = (0..<count).map { _ in random.integer(below: 10) }
        let y = Matrix<Float>(rows: count, columns: 10) { r, c in labels[r] == c ? 1 : 0 }
        var optimizer = try Optimizer<Float>.adam()
        let clock = ContinuousClock()
        let start = clock.now
        try model.train(
            inputs: x, targets: y, options: TrainingOptions(epochs: epochs, batchSize: 128, loss: .crossEntropy, lossReport: .batchAverage),
            optimizer: &optimizer, using: &random)
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// Chapter 14's two convolutional networks on 28×28×1 images (a dense layer of 10 and a
    /// softmax follow, see `LayerSpecification.classifier`).
    static let convolutionalNetworks: [(name: String, layers: [String])] = [
        ("the article's CNN", ["conv 25 5", "maxpool 2", "conv 25 5", "maxpool 2", "conv 25 4", "dense 50"]),
        ("the wider CNN", ["conv 32 3 pad 1", "maxpool 2", "conv 64 3 pad 1", "maxpool 2", "dense 128", "dropout 0.2"]),
    ]

    /// The convolutions of a residual network's later stages (no activation: batch normalization
    /// follows them there): 3×3 with 64 and 128 channels at 14×14 and 7×7, and 1×1 ones, which are
    /// a plain product.
    static let residualConvolutions: [(channels: Int, side: Int, filters: Int, size: Int, stride: Int, padding: Int)] = [
        (64, 14, 64, 3, 1, 1), (128, 7, 128, 3, 1, 1), (64, 14, 128, 1, 1, 0), (128, 7, 128, 1, 1, 0),
    ]
}
