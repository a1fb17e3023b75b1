import Numerics
import Testing

@testable import Teach

@Suite struct PerceptronTests {
    @Test func weightedSumAndStepOutput() {
        let neuron = Perceptron(weights: [-0.5, 0.8, 0.4])
        #expect(neuron.weightedSum([0.7, 0.2]).isApproximatelyEqual(to: 0.14, absoluteTolerance: 1e-15))
        #expect(neuron.output([0.7, 0.2]) == 1)
        #expect(neuron.output([0, 0]) == 0)
    }

    @Test func theRuleMovesWeightsOnlyOnMistakes() {
        var p = Perceptron(weights: [0, 0, 0])  // h = 0 → output 1
        let rightAnswer = p.learn([1, 1], target: 1, learningRate: 0.1)
        #expect(!rightAnswer)
        #expect(p.weights == [0, 0, 0])
        let mistake = p.learn([1, 0], target: 0, learningRate: 0.1)
        #expect(mistake)
        #expect(p.weights == [-0.1, -0.1, 0])
    }

    @Test(arguments: 0..<20)
    func convergesOnAndAndOr(seed: UInt64) throws {
        for gate in [LogicGate.and, .or] {
            var generator = SeededGenerator(seed: seed)
            var p = Perceptron(inputs: 2, using: &generator)
            let history = try p.train(inputs: LogicGate.inputs, targets: gate.targets, learningRate: 0.1, maxEpochs: 100)
            #expect(history.converged, "\(gate) with seed \(seed): \(history.errorsPerEpoch)")
            for row in 0..<4 { #expect(p.output(LogicGate.inputs.rowArray(row)) == gate.targets[row]) }
        }
    }

    @Test(arguments: 0..<20)
    func neverConvergesOnXnor(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var p = Perceptron(inputs: 2, using: &generator)
        let history = try p.train(inputs: LogicGate.inputs, targets: LogicGate.xnor.targets, learningRate: 0.1, maxEpochs: 1000)
        #expect(!history.converged)
        #expect(history.epochs == 1000)
        #expect(history.errorsPerEpoch.allSatisfy { $0 >= 1 })
        // And whatever weights it ends with get at least one of the four examples wrong.
        let wrong = (0..<4).filter { p.output(LogicGate.inputs.rowArray($0)) != LogicGate.xnor.targets[$0] }
        #expect(!wrong.isEmpty)
    }

    @Test func badTrainingInputsAreErrors() {
        var p = Perceptron(weights: [0, 0, 0])
        #expect(throws: ShapeError.self) {
            try p.train(inputs: Matrix(rows: 4, columns: 3), targets: [0, 0, 0, 1], learningRate: 0.1, maxEpochs: 5)
        }
        #expect(throws: ShapeError.self) {
            try p.train(inputs: LogicGate.inputs, targets: [0, 1], learningRate: 0.1, maxEpochs: 5)
        }
        #expect(throws: InvalidArgument("Perceptron.train: target 2.0 is not 0 or 1")) {
            try p.train(inputs: LogicGate.inputs, targets: [0, 0, 0, 2], learningRate: 0.1, maxEpochs: 5)
        }
        #expect(throws: InvalidArgument.self) {
            try p.train(inputs: LogicGate.inputs, targets: [0, 0, 0, 1], learningRate: .nan, maxEpochs: 5)
        }
        #expect(throws: InvalidArgument.self) {
            try p.train(inputs: LogicGate.inputs, targets: [0, 0, 0, 1], learningRate: 0.1, maxEpochs: 0)
        }
    }

    @Test func decisionLine() {
        let line = Perceptron(weights: [-1.5, 1, 1]).decisionLine
        #expect(line?.slope == -1)
        #expect(line?.intercept == 1.5)
        #expect(Perceptron(weights: [1, 1, 0]).decisionLine == nil)
    }
}
