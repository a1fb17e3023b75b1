import Numerics
import Testing

@testable import Teach

@Suite struct ScalarAndMatrixBackpropTests {
    /// A 3-4-3-2 network with mixed activations and a batch of 5 records.
    func setup() throws -> (Network<Double>, Matrix<Double>, Matrix<Double>) {
        var random = SeededGenerator(seed: 11)
        var network = try Network<Double>(sizes: [3, 4, 3, 2], hidden: .tanh, output: .sigmoid, using: &random)
        network.layers[1].activation = .sigmoid
        for l in network.layers.indices { network.layers[l].bias = Matrix.uniform(rows: 1, columns: network.layers[l].unitCount, in: -0.5..<0.5, using: &random) }
        let x = Matrix<Double>.uniform(rows: 5, columns: 3, in: -1..<1, using: &random)
        let y = Matrix<Double>.uniform(rows: 5, columns: 2, in: 0..<1, using: &random)
        return (network, x, y)
    }

    @Test func loopsAndMatricesAgree() throws {
        let (network, x, y) = try setup()
        let pass = try network.backpropagate(x, targets: y, loss: .halfSquaredError)
        let prediction = try network.predict(x)
        var worst = 0.0
        for r in 0..<x.rows {
            let loop = ScalarBackprop.forward(network.layers, x.rowArray(r))
            for k in 0..<2 { worst = max(worst, abs(loop.outputs[3][k] - prediction[r, k])) }
            let deltas = ScalarBackprop.errorTerms(network.layers, x.rowArray(r), target: y.rowArray(r))
            for l in 0..<3 {
                for j in 0..<network.layers[l].unitCount { worst = max(worst, abs(deltas[l][j] - pass.errorTerms[l][r, j])) }
            }
        }
        let steps = ScalarBackprop.weightSteps(network.layers, inputs: x, targets: y)
        for l in 0..<3 {
            worst = max(worst, try (steps[l].weights - pass.gradients[l].weights * -5).maxMagnitude())
            worst = max(worst, try (steps[l].bias - pass.gradients[l].bias * -5).maxMagnitude())
        }
        #expect(worst < 1e-12)
        #expect(pass.errorTerms[2].maxMagnitude() > 1e-3, "the comparison must not be between zeros")
    }

    @Test func generalAlgorithmEqualsOneFullBatchStep() throws {
        let (network, x, y) = try setup()
        var loops = network.layers
        ScalarBackprop.trainEpoch(&loops, inputs: x, targets: y, learningRate: 0.7)
        var matrices = network
        try matrices.descend(try network.backpropagate(x, targets: y, loss: .halfSquaredError).gradients, learningRate: 0.7)
        for l in 0..<3 {
            #expect(try (loops[l].weights - matrices.layers[l].weights).maxMagnitude() < 1e-12)
            #expect(try (loops[l].bias - matrices.layers[l].bias).maxMagnitude() < 1e-12)
            #expect(try (loops[l].weights - network.layers[l].weights).maxMagnitude() > 1e-6, "the step changed the weights")
        }
    }
}

@Suite struct GradientCheckTests {
    static let cases: [(sizes: [Int], hidden: Activation, output: Activation, hasBias: Bool, records: Int)] = {
        var cases: [(sizes: [Int], hidden: Activation, output: Activation, hasBias: Bool, records: Int)] = []
        for sizes in [[3, 2], [3, 4, 2], [3, 5, 4, 3, 2]] {
            for hidden in [Activation.sigmoid, .tanh, .relu] {
                for hasBias in [true, false] {
                    for records in [1, 6] {
                        cases.append((sizes, hidden, hidden == .relu ? .identity : .sigmoid, hasBias, records))
                    }
                }
            }
        }
        return cases
    }()

    @Test(arguments: cases.indices)
    func backpropMatchesCentralDifferences(_ index: Int) throws {
        let c = Self.cases[index]
        var random = SeededGenerator(seed: UInt64(100 + index))
        var network = try Network<Double>(sizes: c.sizes, hidden: c.hidden, output: c.output, hasBias: c.hasBias, using: &random)
        if c.hasBias {
            for l in network.layers.indices { network.layers[l].bias = Matrix.uniform(rows: 1, columns: network.layers[l].unitCount, in: -0.3..<0.3, using: &random) }
        }
        let x = Matrix<Double>.uniform(rows: c.records, columns: c.sizes[0], in: -1..<1, using: &random)
        let y = Matrix<Double>.uniform(rows: c.records, columns: c.sizes.last!, in: 0..<1, using: &random)
        let check = try GradientCheck.run(network, inputs: x, targets: y)
        #expect(check.maxRelativeError < 1e-6, "\(c.sizes) \(c.hidden) bias \(c.hasBias) m \(c.records): \(check.worstParameter) \(check.worstAnalytic) vs \(check.worstNumeric)")
        #expect(check.parametersChecked == network.parameterCount)
    }
}

@Suite struct GradientCheckCanFailTests {
    /// A ReLU unit sitting exactly on its kink (h = 0): backprop uses f'(0) = 0, while the central
    /// difference straddles the kink and reads −½. The check must flag it, so it is able to fail.
    @Test func aKinkIsReportedAsALargeError() throws {
        let layer = try Dense<Double>(weights: [[0]], bias: [0], activation: .relu)
        let check = try GradientCheck.run(try Network([layer]), inputs: Matrix(row: [1]), targets: Matrix(row: [1]))
        #expect(check.parametersChecked == 2)
        #expect(check.maxRelativeError > 0.5)
        #expect(check.worstAnalytic == 0)
        #expect(check.worstNumeric.isApproximatelyEqual(to: -0.5, absoluteTolerance: 1e-5))
    }
}

@Suite struct NetworkShapeTests {
    @Test func layersThatDoNotChainAreAShapeError() throws {
        let a = try Dense<Double>(weights: [[1, 2]], bias: [0, 0], activation: .sigmoid)
        let b = try Dense<Double>(weights: [[1], [2], [3]], bias: [0], activation: .sigmoid)
        #expect(throws: ShapeError.self) { try Network([a, b]) }
        #expect(throws: InvalidArgument.self) { try Network<Double>([]) }
    }

    @Test func wrongInputsOrTargetsAreShapeErrors() throws {
        var random = SeededGenerator(seed: 1)
        let network = try Network<Double>(sizes: [2, 3, 1], hidden: .tanh, output: .sigmoid, using: &random)
        #expect(throws: ShapeError.self) { try network.backpropagate(Matrix(rows: 4, columns: 3), targets: Matrix(rows: 4, columns: 1), loss: .halfSquaredError) }
        #expect(throws: ShapeError.self) { try network.backpropagate(Matrix(rows: 4, columns: 2), targets: Matrix(rows: 4, columns: 2), loss: .halfSquaredError) }
        var stepped = network
        #expect(throws: InvalidArgument.self) { try stepped.descend([], learningRate: 0.1) }
        #expect(throws: InvalidArgument.self) { try Network<Double>(sizes: [2], hidden: .tanh, output: .sigmoid, using: &random) }
        #expect(throws: InvalidArgument.self) { try Dense<Double>(inputs: 2, units: 0, activation: .tanh, using: &random) }
        #expect(network.sizes == [2, 3, 1])
        #expect(network.parameterCount == 2 * 3 + 3 + 3 + 1)
    }
}

@Suite struct ComputationGraphTests {
    @Test func articleChainRuleExample() {
        let a = GraphNode(3, name: "a"), b = GraphNode(1, name: "b"), c = GraphNode(-2, name: "c")
        let d = a - b
        let e = d * c
        e.backward()
        #expect(d.value == 2 && e.value == -4)
        #expect(a.gradient == -2 && b.gradient == 2 && c.gradient == 2 && d.gradient == -2 && e.gradient == 1)
    }

    @Test func fanOutSumsBothPaths() {
        let m = GraphNode(2, name: "m"), b = GraphNode(1, name: "b"), c = GraphNode(-3, name: "c")
        let e = (m - b) * (m * c)
        e.backward()
        #expect(m.gradient == -9)  // c·(2m − b)
        e.backward()
        #expect(m.gradient == -9, "gradients are reset, not accumulated across calls")
        #expect(e.topologicalOrder.count == 6)
    }

    @Test func sigmoidNodeMatchesTheActivation() {
        let x = GraphNode(0.8, name: "x")
        let s = x.sigmoid()
        s.backward()
        #expect(s.value == Activation.sigmoid(0.8))
        #expect(x.gradient == Activation.sigmoid.derivative(0.8))
    }
}
