import Numerics
import Testing

@testable import Teach

@Suite struct SequenceLayerTests {
    /// A 3-id table of 2-number vectors: row i is [2i, 2i + 1].
    func table() throws -> Embedding<Double> {
        try Embedding(weight: Matrix([[0, 1], [2, 3], [4, 5]]))
    }

    /// `rows×columns` random whole-number ids in `0..<count`.
    func randomIds(rows: Int, columns: Int, count: Int, seed: UInt64) -> Matrix<Double> {
        var random = SeededGenerator(seed: seed)
        return Matrix(rows: rows, columns: columns) { _, _ in Double(random.integer(below: count)) }
    }

    // MARK: Embedding, hand-worked

    @Test func embeddingLooksUpOneRowPerId() throws {
        var embedding = try table()
        // record 0: ids 2, 0 → [4, 5 | 0, 1]; record 1: ids 1, 2 → [2, 3 | 4, 5]
        let y = try embedding(Matrix([[2, 0], [1, 2]]))
        #expect(y == (try Matrix([[4, 5, 0, 1], [2, 3, 4, 5]])))
        #expect(try embedding.outputShape(for: .sequence(SequenceShape(length: 2, features: 1))) == .sequence(SequenceShape(length: 2, features: 2)))
        #expect(try embedding.outputShape(for: .features(7)) == .sequence(SequenceShape(length: 7, features: 2)))
        #expect(embedding.name == "embedding 3×2")
        #expect(embedding.requiredInputShape == nil)
        #expect(embedding.parameterNames == ["weight"])
        #expect(embedding.penalizedParameters.isEmpty)
        #expect(embedding.parameterCount == 6)
    }

    @Test func embeddingGradientAccumulatesForARepeatedId() throws {
        var embedding = try table()
        var random = SeededGenerator(seed: 0)
        // one record of ids 1, 1, 0: positions 0 and 1 both add to row 1
        _ = try embedding.forward(Matrix([[1, 1, 0]]), mode: .training, using: &random)
        let g = try Matrix<Double>([[1, 2, 3, 4, 5, 6]])
        let backward = try embedding.backward(outputGradient: g, needsInputGradient: true)
        // row 0: [5, 6]; row 1: [1 + 3, 2 + 4] = [4, 6]; row 2 unused: [0, 0]
        #expect(backward.parameters == [try Matrix([[5, 6], [4, 6], [0, 0]])])
        #expect(backward.input.count == 0)  // ids have no gradient

        // across records too: two records of id 2
        _ = try embedding.forward(Matrix([[2], [2]]), mode: .training, using: &random)
        let across = try embedding.backward(outputGradient: Matrix([[1, -1], [0.5, 2]]), needsInputGradient: false)
        #expect(across.parameters == [try Matrix([[0, 0], [0, 0], [1.5, 1]])])
    }

    @Test func paddingRowStartsAtZeroAndGetsNoGradient() throws {
        var random = SeededGenerator(seed: 3)
        var embedding = try Embedding<Double>(count: 4, dimension: 3, paddingIndex: -1, using: &random)
        #expect(embedding.paddingIndex == 3)
        #expect(embedding.weight.rowArray(3) == [0, 0, 0])
        #expect(embedding.weight.rowArray(0).allSatisfy { $0 != 0 })
        _ = try embedding.forward(Matrix([[3, 1, 3]]), mode: .training, using: &random)
        let backward = try embedding.backward(outputGradient: Matrix(rows: 1, columns: 9, repeating: 1), needsInputGradient: false)
        #expect(backward.parameters[0].rowArray(3) == [0, 0, 0])
        #expect(backward.parameters[0].rowArray(1) == [1, 1, 1])
        #expect(throws: InvalidArgument.self) { try Embedding<Double>(count: 4, dimension: 3, paddingIndex: 4, using: &random) }
    }

    @Test func embeddingStartsAsAStandardNormal() throws {
        var random = SeededGenerator(seed: 11)
        let embedding = try Embedding<Double>(count: 200, dimension: 50, using: &random)
        let values = embedding.weight.elements
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        #expect(abs(mean) < 0.03)  // 10 000 draws: standard error 0.01
        #expect(abs(variance - 1) < 0.05)
    }

    // MARK: LayerNorm, hand-worked

    @Test func layerNormOnOneRecord() throws {
        var norm = try LayerNorm<Double>(features: 4)
        norm.weight = try Matrix([[1, 2, 3, 4]])
        norm.bias = try Matrix([[0, 0, 1, 0]])
        // x = [1, 2, 3, 4]: μ = 10/4 = 2.5; x − μ = [−1.5, −0.5, 0.5, 1.5];
        // σ² = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25 (biased); inv = 1/√(1.25 + 1e-5) = 0.894423613…
        // x̂ = (x − μ)·inv = [−1.341635420, −0.447211807, 0.447211807, 1.341635420]
        // y = γ⊙x̂ + β = [−1.341635420, −0.894423613, 1.341635420 + 1, 5.366541680]
        let y = try norm(Matrix([[1, 2, 3, 4]]))
        let expected = [-1.3416354199689269, -0.894423613312618, 2.341635419968927, 5.3665416798757075]
        for (a, b) in zip(y.elements, expected) { #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: 1e-12)) }
        #expect(norm.name == "layer norm 4")
        #expect(norm.parameterNames == ["weight", "bias"])
    }

    @Test func layerNormNormalizesEachTimeStepOnItsOwn() throws {
        var norm = try LayerNorm<Double>(features: 2)
        // one record of 2 steps × 2 features: [0, 2 | 10, 30] → each step becomes [−1, 1] (up to ε)
        let y = try norm(Matrix([[0, 2, 10, 30]]))
        let expected = [-1 / (1 + 1e-5).squareRoot(), 1 / (1 + 1e-5).squareRoot(), -1 / (1 + 1e-5 / 100).squareRoot(), 1 / (1 + 1e-5 / 100).squareRoot()]
        for (a, b) in zip(y.elements, expected) { #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: 1e-12)) }
        let sequence = RecordShape.sequence(SequenceShape(length: 2, features: 2))
        #expect(try norm.outputShape(for: sequence) == sequence)
        #expect(try norm.outputShape(for: .image(ImageShape(3, 2))) == .image(ImageShape(3, 2)))
    }

    // MARK: Against central differences

    @Test func embeddingThenDenseMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 5)
        let (count, dimension, length, records) = (5, 3, 4, 3)
        for fixedLength in [true, false] {
            let embedding = try Embedding<Double>(count: count, dimension: dimension, length: fixedLength ? length : nil, using: &random)
            let dense = try Dense<Double>(inputs: dimension, units: 2, activation: .tanh, using: &random)
            let model = fixedLength
                ? try Model<Double>([embedding, dense])
                : try Model<Double>(input: .sequence(SequenceShape(length: length, features: 1)), [embedding, dense])
            #expect(model.outputShape == .sequence(SequenceShape(length: length, features: 2)))
            // 12 ids from 5: some repeat, so accumulation is checked too
            let x = randomIds(rows: records, columns: length, count: count, seed: 6)
            let y = Matrix<Double>.uniform(rows: records, columns: length * 2, in: -1..<1, using: &random)
            let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .meanSquaredError, checkInput: false)
            #expect(check.parametersChecked == count * dimension + dimension * 2 + 2)
            #expect(check.maxRelativeError < 1e-7, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
        }
    }

    @Test func layerNormOnFeaturesMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 7)
        var norm = try LayerNorm<Double>(features: 4)
        norm.weight = Matrix.uniform(rows: 1, columns: 4, in: 0.5..<2, using: &random)
        norm.bias = Matrix.uniform(rows: 1, columns: 4, in: -1..<1, using: &random)
        let dense = try Dense<Double>(inputs: 4, units: 3, activation: .tanh, using: &random)
        let model = try Model<Double>([norm, dense])
        let x = Matrix<Double>.gaussian(rows: 5, columns: 4, standardDeviation: 2, using: &random)
        let y = Matrix<Double>.uniform(rows: 5, columns: 3, in: -1..<1, using: &random)
        let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .halfSquaredError, checkInput: true)
        #expect(check.parametersChecked == 4 + 4 + 12 + 3 + 20)
        #expect(check.maxRelativeError < 1e-7, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
    }

    @Test func layerNormOnSequencesMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 8)
        var norm = try LayerNorm<Double>(features: 3)
        norm.weight = Matrix.uniform(rows: 1, columns: 3, in: 0.5..<2, using: &random)
        norm.bias = Matrix.uniform(rows: 1, columns: 3, in: -1..<1, using: &random)
        let dense = try Dense<Double>(inputs: 3, units: 2, activation: .sigmoid, using: &random)
        let shape = RecordShape.sequence(SequenceShape(length: 4, features: 3))
        let model = try Model<Double>(input: shape, [norm, dense])
        let x = Matrix<Double>.gaussian(rows: 3, columns: 12, standardDeviation: 2, using: &random)
        let y = Matrix<Double>.uniform(rows: 3, columns: 8, in: 0..<1, using: &random)
        let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .meanSquaredError, checkInput: true)
        #expect(check.parametersChecked == 3 + 3 + 6 + 2 + 36)
        #expect(check.maxRelativeError < 1e-7, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")

        // the same layer between an embedding and a dense layer, all trainable parameters checked
        let embedding = try Embedding<Double>(count: 6, dimension: 3, length: 4, using: &random)
        let stack = try Model<Double>([embedding, norm, dense])
        let ids = randomIds(rows: 3, columns: 4, count: 6, seed: 9)
        let stackCheck = try GradientCheck.run(stack, inputs: ids, targets: y, loss: .meanSquaredError, checkInput: false)
        #expect(stackCheck.maxRelativeError < 1e-7, "\(stackCheck.worstParameter): \(stackCheck.worstAnalytic) vs \(stackCheck.worstNumeric)")
    }

    // MARK: Errors

    @Test func idsOutOfRangeOrNotWholeAreThrownErrors() throws {
        var embedding = try table()
        for (value, text) in [(3.0, "3.0"), (-1.0, "-1.0"), (1.5, "1.5"), (Double.nan, "nan"), (Double.infinity, "inf")] {
            let error = #expect(throws: InvalidArgument.self) { try embedding(Matrix([[0, 1, 2], [2, 1, value]])) }
            let message = error?.message ?? ""
            #expect(message.contains("row 1, column 2"), "\(message)")
            #expect(message.contains(text), "\(message)")
            #expect(message.contains("0..<3"), "\(message)")
        }
    }

    @Test func wrongWidthsAreThrownErrors() throws {
        var random = SeededGenerator(seed: 1)
        var embedding = try Embedding<Double>(count: 10, dimension: 4, length: 5, using: &random)
        #expect(embedding.requiredInputShape == .sequence(SequenceShape(length: 5, features: 1)))
        let width = #expect(throws: ShapeError.self) { try embedding(Matrix(rows: 2, columns: 3)) }
        #expect(width?.description.contains("got 3 columns") == true, "\(String(describing: width))")
        #expect(width?.description.contains("5 columns") == true, "\(String(describing: width))")
        let model = #expect(throws: ShapeError.self) {
            try Model<Double>(input: .sequence(SequenceShape(length: 5, features: 2)), [embedding])
        }
        #expect(model?.description.contains("token ids") == true, "\(String(describing: model))")
        #expect(throws: ShapeError.self) { try embedding.outputShape(for: .features(4)) }
        // a gradient of the wrong width
        _ = try embedding.forward(Matrix(rows: 2, columns: 5), mode: .training, using: &random)
        #expect(throws: ShapeError.self) { try embedding.backward(outputGradient: Matrix(rows: 2, columns: 19), needsInputGradient: false) }
        // backward without a forward pass
        #expect(throws: InvalidArgument.self) { try embedding.backward(outputGradient: Matrix(rows: 2, columns: 20), needsInputGradient: false) }

        var norm = try LayerNorm<Double>(features: 4)
        let error = #expect(throws: ShapeError.self) { try norm(Matrix(rows: 2, columns: 6)) }
        #expect(error?.description.contains("got 6 columns") == true, "\(String(describing: error))")
        #expect(error?.description.contains("4") == true, "\(String(describing: error))")
        let shapeError = #expect(throws: ShapeError.self) { try norm.outputShape(for: .sequence(SequenceShape(length: 3, features: 5))) }
        #expect(shapeError?.description.contains("4 features") == true, "\(String(describing: shapeError))")
        #expect(throws: ShapeError.self) { try norm.outputShape(for: .features(8)) }
        _ = try norm.forward(Matrix(rows: 2, columns: 8), mode: .training, using: &random)
        #expect(throws: ShapeError.self) { try norm.backward(outputGradient: Matrix(rows: 2, columns: 4), needsInputGradient: true) }
        #expect(throws: InvalidArgument.self) { try LayerNorm<Double>(features: 0) }
        #expect(throws: InvalidArgument.self) { try Embedding<Double>(count: 0, dimension: 4, using: &random) }
    }

    // MARK: Training

    @Test func embeddingLayerNormDenseTrains() throws {
        var random = SeededGenerator(seed: 42)
        let (count, length, records) = (6, 4, 96)
        // each step's target depends on its id: 1 for even ids, −1 for odd ones, plus the id / 6
        let ids = Matrix<Float>(rows: records, columns: length) { _, _ in Float(random.integer(below: count)) }
        let targets = Matrix<Float>(rows: records, columns: length) { r, t in
            let id = Int(ids[r, t])
            return (id % 2 == 0 ? 1 : -1) + Float(id) / 6
        }
        var model = try Model<Float>([
            Embedding<Float>(count: count, dimension: 8, length: length, using: &random),
            LayerNorm<Float>(features: 8),
            Dense<Float>(inputs: 8, units: 1, activation: .identity, using: &random),
        ])
        #expect(model.outputShape == .sequence(SequenceShape(length: length, features: 1)))
        var optimizer = try Optimizer<Float>.adam(learningRate: 0.02)
        let history = try model.train(
            inputs: ids, targets: targets, options: TrainingOptions(epochs: 30, batchSize: 16, loss: .meanSquaredError),
            optimizer: &optimizer, using: &random)
        let first = history[0].loss, last = history[history.count - 1].loss
        #expect(last < first / 10, "loss \(first) → \(last)")
        #expect(last < 0.05, "loss \(first) → \(last)")
    }
}
