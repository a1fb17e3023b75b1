import Foundation
import Testing

@testable import Teach

@Suite struct PReLUTests {
    @Test func startsAsPyTorchDoes() throws {
        let layer = try PReLU<Float>()
        #expect(layer.slopeCount == 1)
        #expect(layer.weight == Matrix(row: [0.25]))
        #expect(layer.parameterNames == ["weight"])
        #expect(layer.parameterCount == 1)
        #expect(layer.penalizedParameters.isEmpty)
        #expect(try PReLU<Double>(parameterCount: 3, initialSlope: 0.1).weight == Matrix(row: [0.1, 0.1, 0.1]))
        #expect(throws: InvalidArgument.self) { try PReLU<Double>(parameterCount: 0) }
        #expect(throws: InvalidArgument.self) { try PReLU<Double>(initialSlope: .nan) }
    }

    @Test func forwardAndBackwardByHand() throws {
        // a = 0.25: y = x for x > 0, 0.25·x otherwise
        var layer = try PReLU<Double>()
        var random = SeededGenerator(seed: 0)
        let x = Matrix<Double>(row: [-2, -1, 0, 3])
        #expect(try layer.forward(x, mode: .training, using: &random) == Matrix(row: [-0.5, -0.25, 0, 3]))
        // ∂E/∂x = g where x > 0, 0.25·g elsewhere (x = 0 included, as PyTorch);
        // ∂E/∂a = Σ g·min(0, x) = 1·(−2) + 2·(−1) + 3·0 = −4
        let gradients = try layer.backward(outputGradient: Matrix(row: [1, 2, 3, 4]), needsInputGradient: true)
        #expect(gradients.input == Matrix(row: [0.25, 0.5, 0.75, 4]))
        #expect(gradients.parameters == [Matrix(row: [-4])])
    }

    @Test func oneSlopePerChannelOfAChannelsLastImage() throws {
        // a 1×2 image with 2 channels: numbers (pixel 1: c0, c1), (pixel 2: c0, c1); slopes 0.1 and 0.5
        var layer = try PReLU<Float>(parameterCount: 2)
        layer.weight = Matrix(row: [0.1, 0.5])
        #expect(try layer.outputShape(for: .image(ImageShape(height: 1, width: 2, channels: 2))) == .image(ImageShape(height: 1, width: 2, channels: 2)))
        var random = SeededGenerator(seed: 0)
        let x = try Matrix<Float>([[-1, -2, -3, 4], [5, -6, 7, -8]])
        #expect(try layer.forward(x, mode: .inference, using: &random) == Matrix([[-0.1, -1, -0.3, 4], [5, -3, 7, -4]]))
        let g = try Matrix<Float>([[1, 1, 1, 1], [2, 2, 2, 2]])
        let gradients = try layer.backward(outputGradient: g, needsInputGradient: true)
        #expect(gradients.input == (try Matrix([[0.1, 0.5, 0.1, 1], [2, 1, 2, 1]])))
        // channel 0 sees −1 and −3 (g = 1); channel 1 sees −2 (g = 1), −6 and −8 (g = 2)
        #expect(gradients.parameters == [Matrix(row: [-4, -30])])
    }

    @Test func checksTheChannelCount() throws {
        let layer = try PReLU<Double>(parameterCount: 3)
        #expect(try layer.outputShape(for: .features(3)) == .features(3))
        #expect(try layer.outputShape(for: .sequence(SequenceShape(length: 4, features: 3))) == .sequence(SequenceShape(length: 4, features: 3)))
        #expect(throws: ShapeError.self) { try layer.outputShape(for: .features(4)) }
        #expect(throws: ShapeError.self) { try layer.outputShape(for: .image(ImageShape(height: 3, width: 1, channels: 1))) }
        var copy = layer
        var random = SeededGenerator(seed: 0)
        #expect(throws: ShapeError.self) { try copy.forward(Matrix(row: [1, 2, 3, 4]), mode: .training, using: &random) }
        #expect(try PReLU<Double>().outputShape(for: .features(7)) == .features(7))
    }

    @Test func matchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 41)
        for slopes in [1, 4] {
            var prelu = try PReLU<Double>(parameterCount: slopes)
            prelu.weight = Matrix.uniform(rows: 1, columns: slopes, in: -0.5..<0.8, using: &random)
            let model = try Model<Double>([
                Dense<Double>(inputs: 3, units: 4, activation: .identity, using: &random),
                prelu,
                Dense<Double>(inputs: 4, units: 2, activation: .tanh, using: &random),
            ])
            let x = Matrix<Double>.gaussian(rows: 6, columns: 3, standardDeviation: 2, using: &random)
            let y = Matrix<Double>.uniform(rows: 6, columns: 2, in: -1..<1, using: &random)
            let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .halfSquaredError, checkInput: true)
            #expect(check.parametersChecked == 12 + 4 + slopes + 8 + 2 + 18)
            #expect(check.maxRelativeError < 1e-7, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
        }
    }

    @Test func floatAgreesWithDouble() throws {
        var random = SeededGenerator(seed: 42)
        let x = Matrix<Double>.gaussian(rows: 5, columns: 6, using: &random)
        let g = Matrix<Double>.gaussian(rows: 5, columns: 6, using: &random)
        var double = try PReLU<Double>(parameterCount: 3)
        double.weight = try Matrix([[0.1, -0.4, 0.7]])
        var float = try PReLU<Float>(parameterCount: 3)
        float.weight = try Matrix([[0.1, -0.4, 0.7]])
        let yDouble = try double.forward(x, mode: .training, using: &random)
        let yFloat = try float.forward(x.converted(to: Float.self), mode: .training, using: &random)
        let dDouble = try double.backward(outputGradient: g, needsInputGradient: true)
        let dFloat = try float.backward(outputGradient: g.converted(to: Float.self), needsInputGradient: true)
        for (a, b) in zip(yDouble.elements, yFloat.elements) { #expect(abs(a - Double(b)) < 1e-6) }
        for (a, b) in zip(dDouble.input.elements, dFloat.input.elements) { #expect(abs(a - Double(b)) < 1e-6) }
        for (a, b) in zip(dDouble.parameters[0].elements, dFloat.parameters[0].elements) { #expect(abs(a - Double(b)) < 1e-5) }
    }

    func roundTrip<Scalar: MatrixScalar>(_: Scalar.Type) throws {
        var random = SeededGenerator(seed: 43)
        var prelu = try PReLU<Scalar>(parameterCount: 4)
        prelu.weight = Matrix.uniform(rows: 1, columns: 4, in: -0.5..<0.8, using: &random)
        let model = try Model<Scalar>([
            Dense<Scalar>(inputs: 3, units: 4, activation: .identity, using: &random), prelu, try PReLU<Scalar>(initialSlope: 0.3),
        ])
        let path = NSTemporaryDirectory() + "prelu-\(Scalar.self)-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        #expect(try model.safeTensors().metadata["teach.architecture"]?.contains(#"{"kind":"prelu","num_parameters":4}"#) == true)
        let loaded = try Model<Scalar>.load(from: path)
        #expect(loaded == model)
        let x = Matrix<Scalar>.uniform(rows: 5, columns: 3, in: -1..<1, using: &random)
        #expect(try loaded.predict(x) == model.predict(x))
    }

    @Test func aFloatModelFileKeepsTheSlopes() throws { try roundTrip(Float.self) }
    @Test func aDoubleModelFileKeepsTheSlopes() throws { try roundTrip(Double.self) }

    /// Chapter 7's experiment: one unit, then PReLU, then one output, fitted to `|x|`, which needs
    /// `a = −1`. From the chapter's seeds 62 (quickly) and 65 (after a long stop near 0) the slope
    /// gets there from its start at 0.25, where ReLU cannot fit; from seed 2, as the chapter says,
    /// it stays on the one-armed fit, no better than ReLU.
    @Test func learnsTheSlopeOfTheAbsoluteValue() throws {
        for seed: UInt64 in [62, 65] {
            let fit = try AbsoluteValueFit.run(.prelu, seed: seed)
            #expect(abs(fit.slope! + 1) < 0.01, "seed \(seed): a = \(fit.slope!)")
            #expect(fit.loss < 1e-6, "seed \(seed): loss \(fit.loss)")
            let relu = try AbsoluteValueFit.run(.relu, seed: seed)
            #expect(relu.slope == nil)
            #expect(relu.loss > 0.05, "seed \(seed): ReLU loss \(relu.loss)")
        }
        let stuck = try AbsoluteValueFit.run(.prelu, seed: 2), relu = try AbsoluteValueFit.run(.relu, seed: 2)
        #expect(stuck.slope! > 0 && stuck.loss > 0.05 && stuck.loss > relu.loss / 2, "seed 2: a = \(stuck.slope!), loss \(stuck.loss)")
    }
}
