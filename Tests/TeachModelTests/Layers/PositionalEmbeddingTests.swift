import Testing

@testable import Teach

@Suite struct PositionalEmbeddingTests {
    @Test func addsEachPositionsVectorAndSumsItsGradientOverTheBatch() throws {
        var positions = try PositionalEmbedding<Double>(weight: Matrix([[1, 2], [10, 20], [100, 200]]))
        let x = try Matrix<Double>([[0, 0, 1, 1, 2, 2], [5, 5, 5, 5, 5, 5]])
        var generator = SeededGenerator(seed: 1)
        let y = try positions.forward(x, mode: .training, using: &generator)
        #expect(y == (try Matrix([[1, 2, 11, 21, 102, 202], [6, 7, 15, 25, 105, 205]])))
        let g = try Matrix<Double>([[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]])
        let gradients = try positions.backward(outputGradient: g, needsInputGradient: true)
        #expect(gradients.input == g)
        #expect(gradients.parameters == [try Matrix([[11, 22], [33, 44], [55, 66]])])
        #expect(positions.parameterNames == ["weight"])
    }

    @Test func matchesCentralDifferencesBetweenAnEmbeddingAndAttention() throws {
        var random = SeededGenerator(seed: 40)
        let tokens = try Embedding<Double>(count: 5, dimension: 4, length: 3, using: &random)
        let positions = try PositionalEmbedding<Double>(length: 3, dimension: 4, standardDeviation: 0.5, using: &random)
        let attention = try CausalSelfAttention<Double>(dimension: 4, heads: 2, length: 3, using: &random)
        let model = try Model<Double>([tokens, positions, attention])
        let ids = try Matrix<Double>([[0, 3, 4], [2, 2, 1]])
        let y = Matrix<Double>.gaussian(rows: 2, columns: 12, using: &random)
        let check = try GradientCheck.run(model, inputs: ids, targets: y, loss: .meanSquaredError, checkInput: false)
        #expect(check.parametersChecked == 20 + 12 + 48 + 12 + 16 + 4)
        #expect(check.maxAbsoluteError < 1e-9, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
    }

    @Test func badShapesAreThrownErrors() throws {
        var random = SeededGenerator(seed: 41)
        #expect(throws: InvalidArgument.self) { try PositionalEmbedding<Double>(length: 0, dimension: 4, using: &random) }
        var positions = try PositionalEmbedding<Double>(length: 3, dimension: 4, using: &random)
        #expect(throws: ShapeError.self) { try positions(Matrix(rows: 2, columns: 8)) }
    }
}
