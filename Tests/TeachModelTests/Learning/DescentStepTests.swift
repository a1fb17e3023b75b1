import Numerics
import Testing

@testable import Teach

/// Article 003's single gradient-descent step, every number pinned to 1e-8.
@Suite struct DescentStepTests {
    let x = Matrix(row: [1.0, 2, 3, 4])
    let y = Matrix(row: [0.5])
    let neuron = try! Dense<Double>(weights: [[0.5], [-0.5], [0.3], [0.1]], bias: [0], activation: .sigmoid, hasBias: false)
    let learningRate = 0.5

    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-8) -> Bool {
        a.isApproximatelyEqual(to: b, absoluteTolerance: tolerance)
    }

    @Test func forwardNumbers() throws {
        let trace = try neuron.forwardTrace(x)
        #expect(close(trace.weightedSums[0, 0], 0.8))
        #expect(close(trace.output[0, 0], 0.6899744811276125))
        #expect(close(0.5 - trace.output[0, 0], -0.1899744811276125))
        #expect(close(Activation.sigmoid.derivative(trace.weightedSums[0, 0]), 0.2139096965202944))
    }

    @Test func errorTermAndWeightChanges() throws {
        let trace = try neuron.forwardTrace(x)
        let backward = try neuron.backward(trace, outputGradient: Loss.halfSquaredError.gradient(trace.output, y))
        #expect(close(-backward.weightedSumGradient[0, 0], -0.04063738360460799))
        let change = (backward.gradients.weights * -learningRate).elements
        let expected = [-0.020318691802303994, -0.04063738360460799, -0.06095607540691198, -0.08127476720921598]
        for (c, e) in zip(change, expected) { #expect(close(c, e)) }
        // The scalar loops give the same error term.
        #expect(close(ScalarBackprop.errorTerms([neuron], [1, 2, 3, 4], target: [0.5])[0][0], -0.04063738360460799))
        // And descend applies exactly that change.
        var stepped = neuron
        try stepped.descend(backward.gradients, learningRate: learningRate)
        for i in 0..<4 { #expect(close(stepped.weights[i, 0], neuron.weights[i, 0] + expected[i])) }
        #expect(stepped.bias == Matrix(rows: 1, columns: 1), "a layer without biases keeps them at zero")
    }
}

@Suite struct LossTests {
    @Test func halfSquaredErrorByHand() throws {
        let outputs = try Matrix<Double>([[0.5, 1.0], [2.0, 0.0]])
        let targets = try Matrix<Double>([[1.0, 1.0], [0.0, 1.0]])
        // ((0.5)² + 0 + 2² + 1²) / (2·2) = 5.25 / 4
        #expect(try Loss.halfSquaredError.value(outputs, targets) == 1.3125)
        #expect(try Loss.halfSquaredError.gradient(outputs, targets) == Matrix([[-0.25, 0.0], [1.0, -0.5]]))
    }

    @Test func shapeMismatchNamesBothShapes() {
        #expect(throws: ShapeError.self) { try Loss.halfSquaredError.value(Matrix<Double>(rows: 2, columns: 1), Matrix(rows: 1, columns: 2)) }
        do { _ = try Loss.halfSquaredError.gradient(Matrix<Double>(rows: 2, columns: 1), Matrix(rows: 3, columns: 1)) } catch {
            #expect("\(error)".contains("2×1") && "\(error)".contains("3×1"))
        }
    }
}

@Suite struct ActivationDerivativeTests {
    @Test(arguments: [Activation.sigmoid, .tanh, .relu, .leakyReLU(), .leakyReLU(negativeSlope: 0.2), .identity])
    func derivativeMatchesCentralDifferences(_ activation: Activation) {
        for h in stride(from: -3.0, through: 3.0, by: 0.37) where abs(h) > 1e-3 {
            let numeric = (activation(h + 1e-6) - activation(h - 1e-6)) / 2e-6
            #expect(activation.derivative(h).isApproximatelyEqual(to: numeric, absoluteTolerance: 1e-7), "\(activation) at \(h)")
        }
    }

    @Test func valuesAtKnownPoints() {
        #expect(Activation.relu(-2.0) == 0 && Activation.relu(1.5) == 1.5)
        #expect(Activation.relu.derivative(0.0) == 0)
        #expect(Activation.tanh(0.0) == 0)
        #expect(Activation.tanh(1.0).isApproximatelyEqual(to: 0.7615941559557649, absoluteTolerance: 1e-15))
        #expect(Activation.identity(-3.0) == -3 && Activation.identity.derivative(7.0) == 1)
        // PyTorch's LeakyReLU: negative_slope = 0.01 by default.
        #expect(Activation.leakyReLU()(-2.0) == -0.02 && Activation.leakyReLU()(3.0) == 3)
        #expect(Activation.leakyReLU().derivative(-2.0) == 0.01 && Activation.leakyReLU(negativeSlope: 0.2).derivative(-1.0) == 0.2)
    }
}

@Suite struct SoftmaxTests {
    @Test func rowsSumToOneAndStayFiniteForHugeLogits() throws {
        let logits = try Matrix<Double>([[2, 1, 0.1], [1000, 999, 998], [-1000, 0, 1000], [3, 3, 3]])
        let s = Softmax.forward(logits)
        #expect(!s.hasNonFiniteElements)
        for r in 0..<s.rows { #expect(abs(s.rowArray(r).reduce(0, +) - 1) < 1e-12) }
        // Only differences matter: [1000, 999, 998] is [2, 1, 0].
        let shifted = Softmax.forward(Matrix(row: [2.0, 1, 0]))
        for c in 0..<3 { #expect(abs(s[1, c] - shifted[0, c]) < 1e-15) }
        #expect(abs(s[0, 0] - 0.6590011388859679) < 1e-12)
        #expect(s.rowArray(3).allSatisfy { abs($0 - 1.0 / 3) < 1e-15 })
        // The formula as written overflows where the stable one does not.
        #expect(Softmax.naive(logits).rowArray(1).allSatisfy { $0.isNaN })
        #expect(try (Softmax.naive(Matrix(row: [2.0, 1, 0.1])) - s.row(0)).maxMagnitude() < 1e-15)
    }

    @Test func backwardMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 6)
        let z = Matrix<Double>.gaussian(rows: 3, columns: 4, using: &random)
        let weights = Matrix<Double>.gaussian(rows: 3, columns: 4, using: &random)
        // E = Σ weights ⊙ softmax(z), so ∂E/∂s = weights.
        func energy(_ z: Matrix<Double>) throws -> Double { try (Softmax.forward(z) * weights).sum() }
        let analytic = try Softmax.backward(output: Softmax.forward(z), outputGradient: weights)
        for r in 0..<3 {
            for c in 0..<4 {
                var plus = z, minus = z
                plus[r, c] += 1e-6
                minus[r, c] -= 1e-6
                let numeric = (try energy(plus) - energy(minus)) / 2e-6
                #expect(abs(analytic[r, c] - numeric) < 1e-8, "(\(r), \(c))")
            }
        }
        #expect(analytic.maxMagnitude() > 1e-3)
        #expect(throws: ShapeError.self) { try Softmax.backward(output: z, outputGradient: Matrix(rows: 3, columns: 3)) }
    }
}
