// `swift run pytorch-bridge`: trains small Teach models and exports them for PyTorch, or loads a
// PyTorch state dict into the same architecture and predicts; scripts/check-pytorch-bridge.py
// drives it and compares the predictions with PyTorch's.
import ArgumentParser
import Foundation
import Teach

@main
struct PyTorchBridgeTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pytorch-bridge",
        abstract: "Exports small trained Teach models for PyTorch, and imports PyTorch state dicts into them.",
        subcommands: [Export.self, Import.self])
}

/// The architectures the check uses, each a small model that crosses the bridge's hard places.
enum Architecture: String, ExpressibleByArgument, CaseIterable {
    /// Dense layers with batch and layer normalization, dropout and a softmax: plain features.
    case dense
    /// Padding, two convolutions of several channels, max and average pooling, a flatten, a batch
    /// normalization of the flattened image (its vectors permuted) and a nested block of dense
    /// layers (the first one's columns permuted).
    case conv
    /// An embedding, layer normalization per time step and a dense layer on each time step.
    case tokens

    var inputShape: RecordShape {
        switch self {
        case .dense: .features(6)
        case .conv: .image(ImageShape(height: 8, width: 8, channels: 3))
        case .tokens: .sequence(SequenceShape(length: 5, features: 1))
        }
    }

    var classes: Int { 3 }

    func model(seed: UInt64) throws -> Model<Float> {
        var random = SeededGenerator(seed: seed)
        switch self {
        case .dense:
            return try Model([
                try Dense<Float>(inputs: 6, units: 16, activation: .relu, using: &random),
                try BatchNorm<Float>(features: 16),
                try Dense<Float>(inputs: 16, units: 8, activation: .gelu(approximate: .tanh), using: &random),
                try LayerNorm<Float>(features: 8),
                try Dropout<Float>(rate: 0.1),
                try Dense<Float>(inputs: 8, units: 3, activation: .identity, using: &random),
                Softmax<Float>(),
            ])
        case .conv:
            let image = ImageShape(height: 8, width: 8, channels: 3)
            let first = try Conv2D<Float>(inputShape: ImageShape(height: 10, width: 10, channels: 3), filters: 4, filterSize: 3, using: &random)
            let pooled = try Pooling<Float>(.max, inputShape: first.outputShape, size: 2)
            let second = try Conv2D<Float>(inputShape: pooled.outputShape, filters: 5, filterSize: 3, padding: 1, activation: .elu(), using: &random)
            let averaged = try Pooling<Float>(.average, inputShape: second.outputShape, size: 2)
            let features = averaged.outputShape.count
            return try Model([
                try ZeroPadding<Float>(inputShape: image, padding: 1), first, pooled, second, averaged,
                Flatten<Float>(inputShape: averaged.outputShape),
                try BatchNorm<Float>(features: features),
                Sequential<Float>([
                    try Dense<Float>(inputs: features, units: 6, activation: .silu, using: &random),
                    try Dense<Float>(inputs: 6, units: 3, activation: .identity, using: &random),
                ]),
                Softmax<Float>(),
            ])
        case .tokens:
            return try Model([
                try Embedding<Float>(count: 10, dimension: 4, length: 5, using: &random),
                try LayerNorm<Float>(features: 4),
                try Dense<Float>(inputs: 4, units: 3, activation: .tanh, using: &random),
            ])
        }
    }

    /// Records to train and check on, and one-hot targets (a class from the records' numbers).
    func data(count: Int, seed: UInt64) throws -> (inputs: Matrix<Float>, targets: Matrix<Float>) {
        var random = SeededGenerator(seed: seed)
        let width = inputShape.count
        let inputs: Matrix<Float>
        if self == .tokens {
            inputs = Matrix(rows: count, columns: width) { _, _ in Float(Int(random.uniform() * 10) % 10) }
        } else {
            inputs = Matrix(rows: count, columns: width) { _, _ in Float(random.gaussian()) }
        }
        let targets = Matrix<Float>(rows: count, columns: classes) { row, column in
            let sum = (0..<width).reduce(Float(0)) { $0 + inputs[row, $1] * Float($1 % 3 == 0 ? 1 : -0.5) }
            return Int((sum * 7).magnitude) % classes == column ? 1 : 0
        }
        return (inputs, targets)
    }
}

extension PyTorchBridgeTool {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Trains a model and writes NAME.safetensors (PyTorch's state dict), NAME.py (its nn.Sequential) and NAME-check.safetensors (inputs and Teach's outputs).")

        @Option(help: "The architecture: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
        var model: Architecture

        @Option(help: "The directory to write into.")
        var directory: String

        @Option(help: "Training epochs (0: the random initial model).")
        var epochs = 5

        func run() throws {
            var model = try model.model(seed: 1)
            let (inputs, targets) = try self.model.data(count: 256, seed: 2)
            if epochs > 0, self.model != .tokens {
                var optimizer = try Optimizer<Float>.adam(learningRate: 0.01)
                var random = SeededGenerator(seed: 3)
                let history = try model.train(
                    inputs: inputs, targets: targets, options: TrainingOptions(epochs: epochs, batchSize: 32, loss: .crossEntropy),
                    optimizer: &optimizer, using: &random)
                print("\(self.model.rawValue): trained \(epochs) epochs, loss \(history[0].loss) → \(history[history.count - 1].loss)")
            }
            let name = self.model.rawValue
            try model.exportPyTorch(to: "\(directory)/\(name).safetensors", python: "\(directory)/\(name).py")
            let check = try Matrix<Float>(rows: 64, columns: inputs.columns, elements: Array(inputs.elements.prefix(64 * inputs.columns)))
            try SafeTensors(tensors: ["inputs": try .init(check), "outputs": try .init(model.predict(check))]).write(to: "\(directory)/\(name)-check.safetensors")
            print("\(name): wrote \(directory)/\(name).safetensors, \(name).py and \(name)-check.safetensors")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Loads a PyTorch state dict into a fresh model of the architecture and writes its predictions for the check file's inputs.")

        @Option(help: "The architecture: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
        var model: Architecture

        @Option(help: "The PyTorch state dict (safetensors).")
        var stateDict: String

        @Option(help: "A safetensors file with an `inputs` tensor.")
        var inputs: String

        @Option(help: "Where to write the predictions (safetensors, tensor `outputs`).")
        var output: String

        func run() throws {
            var model = try model.model(seed: 99)
            try model.loadPyTorchStateDict(from: stateDict)
            guard let tensor = try SafeTensors.read(path: inputs).tensors["inputs"] else {
                throw ValidationError("\(inputs) has no tensor \"inputs\"")
            }
            let x: Matrix<Float> = try tensor.matrix()
            try SafeTensors(tensors: ["outputs": try .init(model.predict(x))]).write(to: output)
            print("\(self.model.rawValue): loaded \(stateDict), wrote \(output)")
        }
    }
}
