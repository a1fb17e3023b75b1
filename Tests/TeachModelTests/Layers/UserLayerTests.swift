import Numerics
import Testing

import Teach  // not @testable: the layer below uses only what any package depending on Teach sees

/// A layer written outside the library: PyTorch's `nn.PReLU(num_parameters: n)`, a ReLU whose
/// negative side has one learned slope per feature,
///
///     y = x        where x > 0
///     y = a_j · x  elsewhere (feature j)
///
/// Backward, from `g = ∂E/∂y` (PyTorch's convention at `x = 0`: the slope side):
///
///     ∂E/∂x   = g where x > 0, a_j · g elsewhere
///     ∂E/∂a_j = Σ over records of g · x where x ≤ 0
struct ParametricReLU<Scalar: MatrixScalar>: Layer, Equatable {
    /// `1×features`, one slope per feature.
    var slopes: Matrix<Scalar>
    /// `x`, `batch×features`.
    var input = Saved<Matrix<Scalar>>()

    init(features: Int, slope: Scalar = 0.25) {
        slopes = Matrix(rows: 1, columns: features, repeating: slope)
    }

    init(slopes: [Scalar]) {
        self.slopes = Matrix(row: slopes)
    }

    var name: String { "PReLU \(slopes.columns)" }

    var requiredInputShape: RecordShape? { .features(slopes.columns) }

    func outputShape(for input: RecordShape) throws -> RecordShape {
        guard input.count == slopes.columns else { throw shapeError(input, needs: "\(slopes.columns) features") }
        return input
    }

    mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        guard x.columns == slopes.columns else { throw widthError(x, expected: .features(slopes.columns)) }
        input.value = x
        let a = slopes
        return Matrix(rows: x.rows, columns: x.columns) { r, c in x[r, c] > 0 ? x[r, c] : a[0, c] * x[r, c] }
    }

    mutating func backward(outputGradient g: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let x = try input.take(for: name)
        guard g.shape == x.shape else {
            throw ShapeError(operation: "\(name).backward", shapes: [x.shape, g.shape], expected: "the gradient must have the output's shape")
        }
        var slopeGradient = Matrix<Scalar>(rows: 1, columns: x.columns)
        for r in 0..<x.rows {
            for c in 0..<x.columns where x[r, c] <= 0 { slopeGradient[0, c] += g[r, c] * x[r, c] }
        }
        let a = slopes
        let inputGradient = needsInputGradient
            ? Matrix(rows: x.rows, columns: x.columns) { r, c in x[r, c] > 0 ? g[r, c] : a[0, c] * g[r, c] }
            : Matrix(rows: 0, columns: 0)
        return LayerGradients(input: inputGradient, parameters: [slopeGradient])
    }

    var parameters: [Matrix<Scalar>] { [slopes] }
    var parameterNames: [String] { ["weight"] }

    mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try update(&slopes, 0)
    }
}

/// A dense layer with Xavier weights and small random biases (zero biases would hide bias bugs).
private func randomDense<Scalar>(
    _ inputs: Int, _ units: Int, _ activation: Activation, _ random: inout SeededGenerator
) throws -> Dense<Scalar> {
    var layer = try Dense<Scalar>(inputs: inputs, units: units, activation: activation, initializer: .xavier, using: &random)
    layer.bias = Matrix.uniform(rows: 1, columns: units, in: -0.5..<0.5, using: &random)
    return layer
}

@Suite struct UserLayerTests {
    @Test func forwardAndBackwardByHand() throws {
        var prelu = ParametricReLU<Double>(slopes: [0.25, 0.5, 2])
        let x = try Matrix<Double>([[-2, 3, -1], [4, -0.5, 0]])
        // y = x where x > 0, a_j·x elsewhere: [[0.25·−2, 3, 2·−1], [4, 0.5·−0.5, 2·0]]
        let y = try prelu(x)
        #expect(y == (try Matrix([[-0.5, 3, -2], [4, -0.25, 0]])))
        // callAsFunction is an inference-mode forward: it keeps x for the backward pass
        let g = try Matrix<Double>([[1, 1, 1], [1, 2, 3]])
        let backward = try prelu.backward(outputGradient: g, needsInputGradient: true)
        // ∂E/∂x = g where x > 0, a_j·g elsewhere: [[0.25·1, 1, 2·1], [1, 0.5·2, 2·3]]
        #expect(backward.input == (try Matrix([[0.25, 1, 2], [1, 1, 6]])))
        // ∂E/∂a_j = Σ g·x over x ≤ 0: a₀: 1·−2 = −2; a₁: 2·−0.5 = −1; a₂: 1·−1 + 3·0 = −1
        #expect(backward.parameters == [Matrix(row: [-2, -1, -1])])
        // the saved input was used up
        #expect(throws: InvalidArgument.self) { try prelu.backward(outputGradient: g, needsInputGradient: true) }
    }

    @Test func gradientCheckInsideAModel() throws {
        var random = SeededGenerator(seed: 61)
        let first = try Model<Double>([ParametricReLU(slopes: [0.1, 0.3, -0.2]), randomDense(3, 2, .tanh, &random)])
        let middle = try Model<Double>([
            randomDense(3, 4, .identity, &random), ParametricReLU(slopes: [0.25, 0.5, 0.1, 0.8]),
            randomDense(4, 2, .sigmoid, &random),
        ])
        // inside library blocks too: a residual whose body ends with the user layer
        let nested = try Model<Double>([
            Residual([randomDense(3, 3, .identity, &random) as Dense<Double>, ParametricReLU(slopes: [0.2, 0.4, 0.6])]),
            randomDense(3, 2, .identity, &random),
        ])
        let x = Matrix<Double>.gaussian(rows: 6, columns: 3, using: &random)
        let y = Matrix<Double>.uniform(rows: 6, columns: 2, in: 0..<1, using: &random)
        #expect(x.elements.contains { $0 < 0 } && x.elements.contains { $0 > 0 })  // both sides of the kink
        for model in [first, middle, nested] {
            let check = try GradientCheck.run(model, inputs: x, targets: y, checkInput: true)
            #expect(check.maxRelativeError < 1e-6, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
            #expect(check.parametersChecked == model.parameters.reduce(0) { $0 + $1.count } + x.count)
        }
    }

    @Test func trainsInAFloatModelWithLibraryLayers() throws {
        var random = SeededGenerator(seed: 62)
        // y = |x₀| − x₁/2: a PReLU unit with slope −1 makes |·| exactly
        let x = Matrix<Float>.gaussian(rows: 64, columns: 2, using: &random)
        let y = Matrix<Float>(rows: 64, columns: 1) { r, _ in abs(x[r, 0]) - x[r, 1] / 2 }
        let prelu = ParametricReLU<Float>(features: 4)
        var model = try Model<Float>([
            randomDense(2, 4, .identity, &random) as Dense<Float>, prelu, randomDense(4, 1, .identity, &random),
        ])
        #expect(model.parameterNames == ["0.weight", "0.bias", "1.weight", "2.weight", "2.bias"])
        var optimizer = try Optimizer<Float>.adam(learningRate: 0.02)
        let history = try model.train(
            inputs: x, targets: y, options: TrainingOptions(epochs: 40, batchSize: 16), optimizer: &optimizer, using: &random)
        #expect(history.count == 41)
        #expect(history[40].loss < 0.25 * history[0].loss, "\(history.map(\.loss))")
        let trained = try #require(model.layers[1] as? ParametricReLU<Float>)
        #expect(trained.slopes != prelu.slopes)
        #expect(trained.slopes.elements.allSatisfy { $0.isFinite })
    }

    @Test func summaryShowsTheLayer() throws {
        var random = SeededGenerator(seed: 63)
        let model = try Model<Double>([
            randomDense(3, 4, .identity, &random) as Dense<Double>, ParametricReLU(features: 4), randomDense(4, 2, .sigmoid, &random),
        ])
        let row = try #require(model.summary.first { $0.layer == "PReLU 4" })
        #expect(row == SummaryRow(layer: "PReLU 4", output: "4", parameters: 4, multiplyAdds: 0, depth: 0))
        #expect(model.parameterCount == 16 + 4 + 10)
        // and its shape is checked when the model is built
        #expect(throws: ShapeError.self) { try Model<Double>([randomDense(3, 4, .identity, &random) as Dense<Double>, ParametricReLU(features: 5)]) }
    }
}
