import Testing

@testable import Teach

@Suite struct TransformerBlockTests {
    /// A whole character model: ids → embeddings + positions → one block → norm → logits at every
    /// position, against the next ids, every parameter against central differences.
    @Test func aCharacterTransformerMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 60)
        let small: Model<Double> = try Architectures.characterTransformer(
            vocabulary: 5, length: 4, dimension: 4, heads: 2, blocks: 1, using: &random)
        // GPT-2's embeddings (standard deviation 0.02) make every position's vector nearly equal,
        // where the first LayerNorm's curvature is so large that a central difference with ε = 1e-5
        // is off by 1e-6; at N(0, 1) the check is as sharp as for each layer alone.
        var layers = small.layers
        var tokens = try #require(layers[0] as? Embedding<Double>), positions = try #require(layers[1] as? PositionalEmbedding<Double>)
        tokens.weight = tokens.weight * 50
        positions.weight = positions.weight * 50
        layers[0] = tokens
        layers[1] = positions
        let model = try Model<Double>(layers)
        let ids = try Matrix<Double>([[0, 3, 4, 1], [2, 2, 1, 0]])
        let next = try Matrix<Double>([[3, 4, 1, 2], [2, 1, 0, 4]])
        let check = try GradientCheck.run(model, inputs: ids, targets: next, loss: .crossEntropyWithLogits(), checkInput: false)
        // embeddings 20 + 16; block: norms 2·8, attention 80, MLP 4·16 + 16 + 16·4 + 4; norm 8; head 4·5 + 5
        #expect(check.parametersChecked == 36 + 16 + 80 + 148 + 8 + 25)
        #expect(check.maxAbsoluteError < 1e-9, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric), relative \(check.maxRelativeError)")
        #expect(model.layers.count == 5)
    }

    /// After training on one repeating text, the model predicts each next character of it.
    @Test func learnsARepeatingSequence() throws {
        var random = SeededGenerator(seed: 61)
        var model: Model<Double> = try Architectures.characterTransformer(
            vocabulary: 4, length: 6, dimension: 8, heads: 2, blocks: 1, using: &random)
        // "abcdabcd…" cut into windows of 6 at every offset; the target is the window moved by one.
        let text = (0..<40).map { Double($0 % 4) }
        let windows = (0..<(text.count - 6)).map { Array(text[$0..<($0 + 6)]) }
        let inputs = Matrix<Double>(rows: windows.count, columns: 6) { r, c in windows[r][c] }
        let targets = Matrix<Double>(rows: windows.count, columns: 6) { r, c in text[r + c + 1] }
        let before = try Loss.crossEntropyWithLogits().value(try model.predict(inputs), targets)
        var optimizer = try Optimizer<Double>.adam(learningRate: 0.01)
        let options = TrainingOptions<Double>(epochs: 30, batchSize: 8, loss: .crossEntropyWithLogits())
        try model.train(inputs: inputs, targets: targets, options: options, optimizer: &optimizer, using: &random)
        let after = try Loss.crossEntropyWithLogits().value(try model.predict(inputs), targets)
        #expect(before > 1.2 && after < 0.05, "loss \(before) → \(after)")
        let predicted = try model.predict(inputs).reshaped(rows: windows.count * 6, columns: 4).predictedClasses()
        #expect(predicted.map(Double.init) == targets.elements)
    }
}
