import Testing

import Teach

/// A dense layer with Xavier weights and small random biases (zero biases would hide bias bugs).
private func dense(_ inputs: Int, _ units: Int, _ activation: Activation, _ random: inout SeededGenerator) throws -> Dense<Double> {
    var layer = try Dense<Double>(inputs: inputs, units: units, activation: activation, initializer: .xavier, using: &random)
    layer.bias = Matrix.uniform(rows: 1, columns: units, in: -0.5..<0.5, using: &random)
    return layer
}

/// A convolution with He weights and small random biases.
private func convolution(
    _ input: ImageShape, filters: Int, size: Int, stride: Int = 1, padding: Int = 0, _ activation: Activation,
    _ random: inout SeededGenerator
) throws -> Conv2D<Double> {
    var layer = try Conv2D<Double>(
        inputShape: input, filters: filters, filterSize: size, stride: stride, padding: padding, activation: activation, using: &random)
    layer.bias = Matrix.uniform(rows: 1, columns: filters, in: -0.5..<0.5, using: &random)
    return layer
}

/// `GradientCheck.run` over every parameter and (with `checkInput`) every input, expecting a
/// largest relative error below 1e-6 and every number checked.
@discardableResult
private func expectGradientsMatch(
    _ model: Model<Double>, _ x: Matrix<Double>, _ y: Matrix<Double>, loss: Loss = .halfSquaredError, penalty: Penalty = .none,
    checkInput: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
) throws -> GradientCheck {
    let check = try GradientCheck.run(model, inputs: x, targets: y, loss: loss, penalty: penalty, checkInput: checkInput)
    #expect(
        check.maxRelativeError < 1e-6, "\(check.worstParameter): analytic \(check.worstAnalytic), numeric \(check.worstNumeric)",
        sourceLocation: sourceLocation)
    let expectedCount = model.parameters.reduce(0) { $0 + $1.count } + (checkInput ? x.count : 0)
    #expect(check.parametersChecked == expectedCount, sourceLocation: sourceLocation)
    return check
}

/// One pooling geometry: a `side×side×2` input, a `size×size` window and a stride.
struct PoolingGeometry: Sendable, CustomTestStringConvertible {
    var side: Int, size: Int, stride: Int?, roundDown: Bool
    var testDescription: String { "\(side)×\(side), window \(size), stride \(stride ?? size)\(roundDown ? ", round down" : "")" }
}

/// `y = x ⊙ s` with a learned scale per feature, whose backward pass is deliberately wrong: both
/// gradients come back 10% too large.
private struct MisScaledLayer: Layer, Equatable {
    var scale: Matrix<Double>
    var input = Saved<Matrix<Double>>()

    var name: String { "wrong scale" }
    func outputShape(for input: RecordShape) throws -> RecordShape { input }

    mutating func forward(_ x: Matrix<Double>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Double> {
        input.value = x
        let s = scale
        return Matrix(rows: x.rows, columns: x.columns) { r, c in x[r, c] * s[0, c] }
    }

    mutating func backward(outputGradient g: Matrix<Double>, needsInputGradient: Bool) throws -> LayerGradients<Double> {
        let x = try input.take(for: name), s = scale
        let wrong = 1.1
        var scaleGradient = Matrix<Double>(rows: 1, columns: x.columns)
        for r in 0..<x.rows {
            for c in 0..<x.columns { scaleGradient[0, c] += wrong * g[r, c] * x[r, c] }
        }
        return LayerGradients(input: Matrix(rows: x.rows, columns: x.columns) { r, c in wrong * g[r, c] * s[0, c] }, parameters: [scaleGradient])
    }

    var parameters: [Matrix<Double>] { [scale] }
    mutating func updateParameters(_ update: (inout Matrix<Double>, Int) throws -> Void) rethrows { try update(&scale, 0) }
}

@Suite struct GradientCheckModelTests {
    static let activations: [Activation] = [
        .sigmoid, .tanh, .relu, .leakyReLU(), .leakyReLU(negativeSlope: 0.2), .identity, .softplus, .elu(), .elu(alpha: 0.5), .silu,
        .gelu(approximate: .none), .gelu(approximate: .tanh),
    ]

    @Test(arguments: activations)
    func denseLayer(_ activation: Activation) throws {
        var random = SeededGenerator(seed: 90)
        let model = try Model<Double>([dense(3, 4, activation, &random), dense(4, 2, activation, &random)])
        let x = Matrix<Double>.gaussian(rows: 5, columns: 3, using: &random)
        let y = Matrix<Double>.uniform(rows: 5, columns: 2, in: 0..<1, using: &random)
        try expectGradientsMatch(model, x, y)
    }

    @Test(arguments: activations)
    func activationLayer(_ activation: Activation) throws {
        var random = SeededGenerator(seed: 91)
        let model = try Model<Double>(input: .features(3), [
            ActivationLayer(activation), dense(3, 4, .identity, &random), ActivationLayer(activation), dense(4, 2, .identity, &random),
        ])
        let x = Matrix<Double>.gaussian(rows: 5, columns: 3, using: &random)
        let y = Matrix<Double>.gaussian(rows: 5, columns: 2, using: &random)
        try expectGradientsMatch(model, x, y)
    }

    @Test func convolutionWithStrideAndPadding() throws {
        var random = SeededGenerator(seed: 92)
        // 5×5×2, 3 filters 3×3, stride 2, padding 1: (5 − 3 + 2)/2 + 1 = 3, so 3×3×3
        let conv = try convolution(ImageShape(5, 2), filters: 3, size: 3, stride: 2, padding: 1, .tanh, &random)
        #expect(conv.outputShape == ImageShape(3, 3))
        let model = try Model<Double>([conv, Flatten(inputShape: ImageShape(3, 3)), dense(27, 2, .identity, &random)])
        let x = Matrix<Double>.gaussian(rows: 3, columns: 50, using: &random)
        let y = Matrix<Double>.gaussian(rows: 3, columns: 2, using: &random)
        try expectGradientsMatch(model, x, y)
    }

    static let poolingGeometries = [
        PoolingGeometry(side: 4, size: 2, stride: nil, roundDown: false),
        PoolingGeometry(side: 7, size: 3, stride: 2, roundDown: false),  // overlapping windows
        PoolingGeometry(side: 5, size: 2, stride: nil, roundDown: true),  // 2×2, last row and column ignored
        PoolingGeometry(side: 6, size: 3, stride: 2, roundDown: true),  // ⌊3/2⌋ + 1 = 2, last row and column ignored
        PoolingGeometry(side: 7, size: 2, stride: 3, roundDown: true),  // ⌊5/3⌋ + 1 = 2, rows 2, 5 and 6 ignored
    ]

    @Test(arguments: [PoolingKind.max, .average], poolingGeometries)
    func pooling(_ kind: PoolingKind, _ geometry: PoolingGeometry) throws {
        var random = SeededGenerator(seed: 93)
        let pool = try Pooling<Double>(
            kind, inputShape: ImageShape(geometry.side, 2), size: geometry.size, stride: geometry.stride, roundDown: geometry.roundDown)
        let model = try Model<Double>([
            pool, Flatten(inputShape: pool.outputShape), dense(pool.outputShape.count, 2, .tanh, &random),
        ])
        // distinct values, so no window has a tie for its maximum
        let x = Matrix<Double>.gaussian(rows: 3, columns: pool.inputShape.count, using: &random)
        let y = Matrix<Double>.gaussian(rows: 3, columns: 2, using: &random)
        try expectGradientsMatch(model, x, y)
    }

    @Test func poolingAfterAConvolution() throws {
        var random = SeededGenerator(seed: 94)
        let conv = try convolution(ImageShape(5, 1), filters: 2, size: 3, padding: 1, .tanh, &random)
        let pool = try Pooling<Double>(.max, inputShape: ImageShape(5, 2), size: 2, roundDown: true)
        let model = try Model<Double>([conv, pool, Flatten(inputShape: pool.outputShape), dense(8, 2, .identity, &random)])
        let x = Matrix<Double>.gaussian(rows: 3, columns: 25, using: &random)
        let y = Matrix<Double>.gaussian(rows: 3, columns: 2, using: &random)
        try expectGradientsMatch(model, x, y)
    }

    @Test func zeroPaddingAndFlatten() throws {
        var random = SeededGenerator(seed: 95)
        let model = try Model<Double>([
            ZeroPadding(inputShape: ImageShape(4, 2), padding: 1),  // 6×6×2
            convolution(ImageShape(6, 2), filters: 2, size: 3, .tanh, &random),  // 4×4×2
            Flatten(inputShape: ImageShape(4, 2)), dense(32, 2, .identity, &random),
        ])
        let x = Matrix<Double>.gaussian(rows: 3, columns: 32, using: &random)
        let y = Matrix<Double>.gaussian(rows: 3, columns: 2, using: &random)
        try expectGradientsMatch(model, x, y)
        // Flatten first: its input gradient is its output gradient, reshaped
        let flat = try Model<Double>([Flatten(inputShape: ImageShape(3, 2)), dense(18, 3, .tanh, &random)])
        try expectGradientsMatch(flat, Matrix.gaussian(rows: 4, columns: 18, using: &random), Matrix.gaussian(rows: 4, columns: 3, using: &random))
    }

    @Test func batchNormInTrainingMode() throws {
        var random = SeededGenerator(seed: 96)
        var first = try BatchNorm<Double>(features: 4), second = try BatchNorm<Double>(features: 3)
        first.scale = Matrix.uniform(rows: 1, columns: 4, in: 0.5..<2, using: &random)
        first.shift = Matrix.uniform(rows: 1, columns: 4, in: -1..<1, using: &random)
        second.scale = Matrix.uniform(rows: 1, columns: 3, in: 0.5..<2, using: &random)
        second.shift = Matrix.uniform(rows: 1, columns: 3, in: -1..<1, using: &random)
        let model = try Model<Double>([first, dense(4, 3, .identity, &random), second, ActivationLayer(.tanh), dense(3, 2, .sigmoid, &random)])
        let x = Matrix<Double>.gaussian(rows: 6, columns: 4, standardDeviation: 2, using: &random).map { $0 + 1 }
        let y = Matrix<Double>.uniform(rows: 6, columns: 2, in: 0..<1, using: &random)
        try expectGradientsMatch(model, x, y)
    }

    @Test func dropoutWithTheSameMaskEveryEvaluation() throws {
        var random = SeededGenerator(seed: 97)
        let model = try Model<Double>(input: .features(4), [
            Dropout(rate: 0.5), dense(4, 6, .tanh, &random), Dropout(rate: 0.5), dense(6, 2, .identity, &random),
        ])
        let x = Matrix<Double>.gaussian(rows: 5, columns: 4, using: &random)
        let y = Matrix<Double>.gaussian(rows: 5, columns: 2, using: &random)
        // the masks drop something with the check's seed (0), so the check is not of a dropout-free model
        var copy = model, seeded = SeededGenerator(seed: 0)
        #expect(try copy.forward(x, mode: .training, using: &seeded) != model.predict(x))
        try expectGradientsMatch(model, x, y)
    }

    @Test func softmaxWithCrossEntropy() throws {
        var random = SeededGenerator(seed: 98)
        let model = try Model<Double>([dense(4, 5, .tanh, &random), dense(5, 3, .identity, &random), Softmax()])
        let x = Matrix<Double>.gaussian(rows: 6, columns: 4, using: &random)
        let y = Matrix<Double>(rows: 6, columns: 3) { r, c in r % 3 == c ? 1 : 0 }
        try expectGradientsMatch(model, x, y, loss: .crossEntropy)
    }

    @Test(arguments: [Penalty.l2(0.1), .l1(0.1)])
    func weightPenalty(_ penalty: Penalty) throws {
        var random = SeededGenerator(seed: 99)
        var first = try dense(3, 4, .tanh, &random), second = try dense(4, 2, .sigmoid, &random)
        // |w| ≥ 0.1, far from L1's kink at 0 (the nudge is 1e-5): every weight has a clear sign
        first.weights = first.weights.map { ($0 < 0 ? -1 : 1) * (0.1 + abs($0)) }
        second.weights = second.weights.map { ($0 < 0 ? -1 : 1) * (0.1 + abs($0)) }
        let model = try Model<Double>([first, second])
        let x = Matrix<Double>.gaussian(rows: 5, columns: 3, using: &random)
        let y = Matrix<Double>.uniform(rows: 5, columns: 2, in: 0..<1, using: &random)
        // the penalty is really there: it changes the weights' gradients (not the biases')
        var a = model, b = model, r1 = SeededGenerator(seed: 0), r2 = SeededGenerator(seed: 0)
        let with = try a.backpropagate(x, targets: y, loss: .halfSquaredError, penalty: penalty, using: &r1)
        let without = try b.backpropagate(x, targets: y, loss: .halfSquaredError, using: &r2)
        #expect(with.penalty > 0)
        #expect(with.gradients[0] != without.gradients[0])
        #expect(with.gradients[1] == without.gradients[1])
        try expectGradientsMatch(model, x, y, penalty: penalty)
    }

    @Test func aWrongBackwardPassFailsTheCheck() throws {
        var random = SeededGenerator(seed: 100)
        let wrong = MisScaledLayer(scale: Matrix.uniform(rows: 1, columns: 3, in: 0.5..<2, using: &random))
        let x = Matrix<Double>.gaussian(rows: 4, columns: 3, using: &random)
        let y = Matrix<Double>.gaussian(rows: 4, columns: 2, using: &random)
        // as the last layer: its own parameter's gradient is 10% off
        let last = try GradientCheck.run(
            Model<Double>([dense(3, 3, .tanh, &random), wrong]), inputs: x, targets: Matrix.gaussian(rows: 4, columns: 3, using: &random),
            checkInput: false)
        #expect(last.maxRelativeError > 1e-3)
        // as the first layer, only its input gradient and its parameter are wrong
        let first = try GradientCheck.run(Model<Double>(input: .features(3), [wrong, dense(3, 2, .tanh, &random)]), inputs: x, targets: y, checkInput: true)
        #expect(first.maxRelativeError > 1e-3)
        #expect(first.worstParameter.hasPrefix("input") || first.worstParameter.hasPrefix("0.parameter0"), "\(first.worstParameter)")
        // (1.1n − n)/(1.1n + n) = 0.1/2.1
        #expect(abs(first.maxRelativeError - 0.1 / 2.1) < 1e-6)
    }
}
