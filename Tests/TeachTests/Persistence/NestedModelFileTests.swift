import Foundation
import Testing

@testable import Teach

/// A layer kind the library does not know, for saving and loading layers of one's own.
private struct Shift: StorableLayer, Equatable {
    var offset: Matrix<Float>
    var name: String { "shift" }
    func outputShape(for input: RecordShape) throws -> RecordShape { input }
    mutating func forward(_ x: Matrix<Float>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Float> {
        var y = x
        try y.addToEachRow(offset)
        return y
    }
    mutating func backward(outputGradient: Matrix<Float>, needsInputGradient: Bool) throws -> LayerGradients<Float> {
        LayerGradients(input: outputGradient, parameters: [outputGradient.columnSums()])
    }
    var parameters: [Matrix<Float>] { [offset] }
    mutating func updateParameters(_ update: (inout Matrix<Float>, Int) throws -> Void) rethrows { try update(&offset, 0) }

    static var kind: String { "shift" }
    func store(into writer: inout LayerWriter) throws { try writer.tensor("offset", offset, vector: true) }
    init(offset: Matrix<Float>) { self.offset = offset }
    init(reading reader: inout LayerReader) throws { offset = try reader.tensor("offset", shape: [4], "one offset per feature") }
}

@Suite struct NestedModelFileTests {
    /// Blocks inside blocks: a residual block with a projection, a sequential block holding a
    /// residual block with an identity shortcut and batch normalization, and a frozen layer,
    /// trained for a few steps so nothing is at its initial value.
    static func nestedModel() throws -> (model: Model<Double>, inputs: Matrix<Double>) {
        var random = SeededGenerator(seed: 21)
        func dense(_ inputs: Int, _ units: Int, _ activation: Activation) throws -> Dense<Double> {
            try Dense(inputs: inputs, units: units, activation: activation, using: &random)
        }
        var model = try Model<Double>(input: .features(3), [
            Residual([try dense(3, 4, .tanh), try dense(4, 4, .identity)], projection: [try dense(3, 4, .identity)]),
            Sequential([
                Residual([try dense(4, 4, .relu), BatchNorm<Double>(features: 4)]),
                Dropout<Double>(rate: 0.2),
            ]),
            Frozen(try dense(4, 4, .sigmoid)),
            try dense(4, 2, .identity), Softmax<Double>(),
        ])
        let inputs = Matrix<Double>.uniform(rows: 16, columns: 3, in: -1..<1, using: &random)
        let targets = Matrix<Double>(rows: 16, columns: 2) { r, c in r % 2 == c ? 1 : 0 }
        var optimizer = try Optimizer<Double>.adam(learningRate: 0.01)
        try model.train(
            inputs: inputs, targets: targets, options: TrainingOptions(epochs: 3, batchSize: 4, loss: .crossEntropy), optimizer: &optimizer,
            using: &random)
        return (model, inputs)
    }

    @Test func aNestedModelSavedAndLoadedPredictsBitForBit() throws {
        let (model, inputs) = try Self.nestedModel()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nested-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/nested.safetensors"
        try model.save(to: path)
        let loaded = try Model<Double>.load(from: path)
        #expect(loaded == model)
        #expect(try loaded.predict(inputs).elements == model.predict(inputs).elements)
        #expect(loaded.parameterCount == model.parameterCount)
        #expect(loaded.parameters.count == model.parameters.count)  // the frozen layer stays frozen
        // saving the loaded model gives the same bytes
        #expect(try loaded.safeTensors().encoded() == model.safeTensors().encoded())
    }

    @Test func nestedTensorsAreNamedByTheirPlace() throws {
        let file = try Self.nestedModel().model.safeTensors()
        #expect(
            Set(file.tensors.keys) == [
                "layers.0.body.0.weight", "layers.0.body.0.bias", "layers.0.body.1.weight", "layers.0.body.1.bias",
                "layers.0.shortcut.0.weight", "layers.0.shortcut.0.bias",
                "layers.1.layers.0.body.0.weight", "layers.1.layers.0.body.0.bias",
                "layers.1.layers.0.body.1.weight", "layers.1.layers.0.body.1.bias",
                "layers.1.layers.0.body.1.running_mean", "layers.1.layers.0.body.1.running_var",
                "layers.2.layer.0.weight", "layers.2.layer.0.bias",
                "layers.3.weight", "layers.3.bias",
            ])
        let architecture = file.metadata[ModelFile.architectureKey] ?? ""
        #expect(architecture.contains(#""kind":"residual","shortcut":[{"activation":"identity""#), "\(architecture)")
        #expect(architecture.contains(#"{"kind":"frozen","layer":[{"#), "\(architecture)")
    }

    @Test func aBrokenNestedEntryNamesItsPlace() throws {
        var file = try Self.nestedModel().model.safeTensors()
        file.metadata[ModelFile.architectureKey] = file.metadata[ModelFile.architectureKey]?
            .replacingOccurrences(of: #""features":4,"kind":"batch_norm""#, with: #""features":5,"kind":"batch_norm""#)
        #expect {
            try Model<Double>(file, source: "nested.safetensors")
        } throws: { error in
            "\(error)".contains("layers.1.layers.0.body.1 (batch_norm): tensor layers.1.layers.0.body.1.weight (γ) has shape [4], expected [5]")
        }
        file = try Self.nestedModel().model.safeTensors()
        file.metadata[ModelFile.architectureKey] = file.metadata[ModelFile.architectureKey]?
            .replacingOccurrences(of: #""kind":"frozen","layer":["#, with: #""kind":"frozen","layer":[],"extra":["#)
        #expect(throws: DataFileError.self) { try Model<Double>(file, source: "nested.safetensors") }
    }

    @Test func sequenceLayersAreSavedAndLoaded() throws {
        var random = SeededGenerator(seed: 8)
        var norm = try LayerNorm<Float>(features: 4, epsilon: 1e-3)
        norm.weight = Matrix(row: [1, 2, 0.5, -1])
        norm.bias = Matrix(row: [0, 0.25, -0.5, 1])
        let model = try Model<Float>([
            try Embedding<Float>(count: 7, dimension: 4, length: 3, paddingIndex: 0, using: &random), norm,
            try Dense<Float>(inputs: 4, units: 2, activation: .identity, using: &random),
        ])
        let file = try model.safeTensors()
        #expect(file.tensors["layers.0.weight"]?.shape == [7, 4])
        #expect(file.tensors["layers.1.weight"]?.shape == [4])
        let loaded = try Model<Float>(file)
        #expect(loaded == model)
        let ids = try Matrix<Float>([[1, 0, 6], [3, 3, 2]])
        #expect(try loaded.predict(ids) == model.predict(ids))
    }

    /// The recurrent layers, a character transformer (positions and causal attention inside
    /// residual blocks) and LastStep: saved, loaded, the same layers and the same predictions bit
    /// for bit; the tensors carry PyTorch's names and shapes.
    @Test(arguments: ["RNN", "LSTM", "GRU", "transformer"])
    func sequenceModelsAreSavedAndLoaded(kind: String) throws {
        var random = SeededGenerator(seed: 9)
        let model: Model<Float>
        if kind == "transformer" {
            model = try Architectures.characterTransformer(vocabulary: 7, length: 5, dimension: 8, heads: 2, blocks: 2, using: &random)
        } else {
            let recurrent: any Layer<Float> = switch kind {
            case "RNN": try RNN<Float>(inputs: 4, hidden: 3, length: 5, using: &random)
            case "LSTM": try LSTM<Float>(inputs: 4, hidden: 3, length: 5, using: &random)
            default: try GRU<Float>(inputs: 4, hidden: 3, length: 5, using: &random)
            }
            model = try Model<Float>([
                try Embedding<Float>(count: 7, dimension: 4, length: 5, using: &random), recurrent, try LastStep<Float>(features: 3),
                try Dense<Float>(inputs: 3, units: 2, activation: .identity, using: &random),
            ])
        }
        let file = try model.safeTensors()
        if kind == "transformer" {
            let attention = file.tensors.filter { $0.key.hasSuffix(".in_proj_weight") }
            #expect(attention.count == 2 && attention.values.allSatisfy { $0.shape == [24, 8] }, "\(attention.keys.sorted())")
            #expect(file.tensors["layers.1.weight"]?.shape == [5, 8])
        } else {
            let rows = (kind == "RNN" ? 1 : kind == "LSTM" ? 4 : 3) * 3
            #expect(file.tensors["layers.1.weight_ih_l0"]?.shape == [rows, 4])
            #expect(file.tensors["layers.1.bias_hh_l0"]?.shape == [rows])
        }
        let loaded = try Model<Float>(file)
        #expect(loaded == model)
        let ids = try Matrix<Float>([[1, 0, 6, 2, 3], [3, 3, 2, 5, 4]])
        #expect(try loaded.predict(ids) == model.predict(ids))
    }

    /// A recurrent layer's tensor of the wrong shape is named with the shape expected.
    @Test func aRecurrentTensorOfTheWrongShapeIsNamed() throws {
        var random = SeededGenerator(seed: 10)
        let model = try Model<Float>([try LSTM<Float>(inputs: 2, hidden: 3, length: 4, using: &random)])
        var file = try model.safeTensors()
        file.tensors["layers.0.weight_hh_l0"] = try SafeTensors.Tensor(Matrix<Float>(rows: 12, columns: 2))
        let error = #expect(throws: DataFileError.self) { try Model<Float>(file) }
        #expect(error.map { "\($0)" }?.contains("weight_hh_l0") == true)
        #expect(error.map { "\($0)" }?.contains("[12, 3]") == true)
    }

    @Test func aLayerOfYourOwnIsSavedAndLoadedWhenItsKindIsGiven() throws {
        var random = SeededGenerator(seed: 3)
        let model = try Model<Float>([
            try Dense<Float>(inputs: 2, units: 4, activation: .tanh, using: &random), Shift(offset: Matrix(row: [0.5, -1, 2, 0.25])),
        ])
        let file = try model.safeTensors()
        #expect(file.tensors["layers.1.offset"]?.shape == [4])
        #expect {
            try Model<Float>(file, source: "own.safetensors")
        } throws: { error in
            "\(error)".contains(#"layers.1 (?): unknown layer kind "shift""#)
        }
        let loaded = try Model<Float>(file, source: "own.safetensors", layers: [LayerKind(Shift.self)])
        #expect(loaded == model)
        let x = Matrix<Float>.uniform(rows: 3, columns: 2, in: 0..<1, using: &random)
        #expect(try loaded.predict(x) == model.predict(x))
    }

    @Test func aLayerThatCannotBeStoredIsAClearError() throws {
        struct Unstorable: Layer {
            var name: String { "unstorable" }
            func outputShape(for input: RecordShape) throws -> RecordShape { input }
            mutating func forward(_ x: Matrix<Float>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Float> { x }
            mutating func backward(outputGradient: Matrix<Float>, needsInputGradient: Bool) throws -> LayerGradients<Float> {
                LayerGradients(input: outputGradient)
            }
            var parameters: [Matrix<Float>] { [] }
            mutating func updateParameters(_ update: (inout Matrix<Float>, Int) throws -> Void) rethrows {}
        }
        let model = try Model<Float>(input: .features(3), [Unstorable()])
        #expect {
            try model.safeTensors()
        } throws: { error in
            "\(error)".contains("layers.0 (unstorable)") && "\(error)".contains("StorableLayer")
        }
    }
}
