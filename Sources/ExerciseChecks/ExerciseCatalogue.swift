import Foundation
import Teach

/// The checks of the book's exercises (``BookContents/exercises``), one per exercise.
///
/// A check compares an answer with numbers it computes its own way, never with the reference
/// answer: with the core's layers and optimizers (`Teach`), with central differences for a
/// gradient, or with the property asked for (a truth table). Its report shows what was expected
/// beside what came back.
public enum ExerciseCatalogue {
    /// The check of exercise `id`, or `nil` for an id that is not an exercise.
    public static func check(_ id: String, answers: any ExerciseAnswers.Type) -> CheckReport? {
        guard let check = checks[id] else { return nil }
        do {
            return try check(answers)
        } catch {
            return CheckReport(passed: false, headers: [], rows: [], summary: "Not yet: your answer threw an error: \(error)")
        }
    }

    /// The exercise `id` as the book lists it, or `nil`.
    public static func entry(_ id: String) -> ExerciseEntry? {
        BookContents.exercises.first { $0.id == id }
    }

    /// The ids that have a check, in no particular order (a test keeps them equal to the book's list).
    public static var checkedIDs: Set<String> { Set(checks.keys) }

    typealias Check = @Sendable (any ExerciseAnswers.Type) throws -> CheckReport

    static let checks: [String: Check] = [
        "1.1": perceptronOutput, "1.2": perceptronLearn, "1.3": nand,
        "2.1": xor, "2.2": xnorWithSixUnits,
        "3.1": sigmoidDerivative, "3.2": neuronGradient,
        "4.1": tanhDerivative, "4.2": twoPathGradients, "4.3": denseBackward,
        "5.1": standardized, "5.2": sgdEpoch,
        "6.1": minibatchRanges, "6.2": minibatchGradient,
        "7.1": leakyReLUDerivative, "7.2": softplusDerivative,
        "8.1": xavierUniformBound, "8.2": heNormalStandardDeviation,
        "9.1": momentumStep, "9.2": adamStep,
        "10.1": invertedDropout, "10.2": clippedByGlobalNorm,
        "11.1": convolutionOutputSize, "11.2": convolutionLayerOutput, "11.3": maxPoolBackward,
        "12.1": convolutionParameters, "12.2": convolutionMultiplyAdds,
        "13.1": softmax, "13.2": crossEntropyGradient,
        "14.1": accuracy, "14.2": confusionMatrix,
        "15.1": rnnStep, "15.2": rnnGradients,
        "16.1": lstmStep, "16.2": gruStep,
        "18.1": attentionWeights, "18.2": decoderInputs,
        "17.1": bigramNegativeLogLikelihood, "17.2": sampleIndex, "17.3": sequenceCrossEntropy,
        "19.1": causalAttentionWeights, "19.2": transformerParameterCount, "19.3": textWindows,
    ]

    /// The same random numbers for every check, so a report reads the same on every run.
    static func random(_ seed: UInt64) -> SeededGenerator { SeededGenerator(seed: 9_000 + seed) }

    static func randomMatrix(_ rows: Int, _ columns: Int, _ generator: inout SeededGenerator) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns) { _, _ in generator.uniform(in: -1..<1) }
    }

    static func shapesAgree(_ comparisons: inout Comparisons, _ name: String, expected: Matrix<Double>, got: Matrix<Double>) -> Bool {
        guard expected.shape == got.shape else {
            comparisons.problem("\(name) is \(got.shape); expected \(expected.shape)")
            return false
        }
        return true
    }

    /// One row per element: `name[r, c]`, expected, yours.
    static func compareElements(
        _ comparisons: inout Comparisons, _ name: String, expected: Matrix<Double>, got: Matrix<Double>, tolerance: Double = 1e-9
    ) {
        guard shapesAgree(&comparisons, name, expected: expected, got: got) else { return }
        for r in 0..<expected.rows {
            for c in 0..<expected.columns {
                comparisons.number(["\(name)[\(r), \(c)]"], expected: expected[r, c], got: got[r, c], tolerance: tolerance)
            }
        }
    }

    // MARK: Chapter 1

    static let perceptronCases: [(weights: [Double], inputs: [Double])] = [
        ([-1, 1, 1], [0, 0]), ([-1, 1, 1], [1, 0]), ([-1, 1, 1], [1, 1]), ([0.5, -2, 1], [0.25, 0]), ([0.3, 0.2, -0.1, 0.4], [1, -2, 0.5]),
    ]

    static func perceptronOutput(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["weights", "inputs"])
        for (weights, inputs) in perceptronCases {
            comparisons.number(
                ["\(weights)", "\(inputs)"], expected: Perceptron(weights: weights).output(inputs),
                got: answers.perceptronOutput(weights: weights, inputs: inputs))
        }
        return comparisons.report("the step of the weighted sum; a sum of exactly 0 gives 1")
    }

    static func perceptronLearn(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["weights", "inputs", "target"])
        for ((weights, inputs), target) in zip(perceptronCases, [1.0, 0, 0, 1, 0]) {
            var perceptron = Perceptron(weights: weights)
            perceptron.learn(inputs, target: target, learningRate: 0.25)
            comparisons.exactly(
                ["\(weights)", "\(inputs)", "\(target)"], expected: perceptron.weights,
                got: answers.perceptronLearn(weights: weights, inputs: inputs, target: target, learningRate: 0.25))
        }
        return comparisons.report("one application of the rule with η = 0.25")
    }

    static func truthTable(
        _ comparisons: inout Comparisons, _ gate: (Double, Double) -> Double, _ output: (Double, Double) throws -> Double
    ) rethrows {
        for x1 in [0.0, 1] {
            for x2 in [0.0, 1] { comparisons.number(["\(Int(x1))", "\(Int(x2))"], expected: gate(x1, x2), got: try output(x1, x2)) }
        }
    }

    static func nand(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["x1", "x2"])
        let weights = answers.nandWeights()
        guard weights.count == 3 else {
            comparisons.problem("\(weights.count) weights; expected 3: [w₀, w₁, w₂]")
            return comparisons.report("NAND's truth table")
        }
        truthTable(&comparisons, { x1, x2 in x1 == 1 && x2 == 1 ? 0 : 1 }) { x1, x2 in Perceptron(weights: weights).output([x1, x2]) }
        return comparisons.report("NAND's truth table")
    }

    // MARK: Chapter 2

    static func stepNetwork(_ comparisons: inout Comparisons, _ network: [Dense<Double>]) -> Bool {
        guard let first = network.first, first.inputCount == 2, network.last?.unitCount == 1 else {
            comparisons.problem("the network needs 2 inputs and 1 output unit (\(network.count) layers given)")
            return false
        }
        if let other = network.first(where: { $0.activation != .step }) {
            comparisons.problem("every unit must be a step unit; one layer has \(other.activation)")
            return false
        }
        return true
    }

    static func xor(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["x1", "x2"])
        let network = try answers.xorNetwork()
        if stepNetwork(&comparisons, network) {
            try truthTable(&comparisons, { $0 == $1 ? 0 : 1 }) { x1, x2 in try network.forwardAll(Matrix(row: [x1, x2])).last![0, 0] }
        }
        return comparisons.report("XOR's truth table")
    }

    static func xnorWithSixUnits(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["x1", "x2"])
        let network = try answers.xnorWithSixUnits()
        if stepNetwork(&comparisons, network) {
            try truthTable(&comparisons, { $0 == $1 ? 1 : 0 }) { x1, x2 in try network.forwardAll(Matrix(row: [x1, x2])).last![0, 0] }
            let units = network.map(\.unitCount).reduce(0, +)
            if units > 6 { comparisons.problem("\(units) units; at most 6 allowed") }
        }
        return comparisons.report("XNOR's truth table with at most 6 step units")
    }

    // MARK: Chapter 3

    static func sigmoid(_ h: Double) -> Double { Activation.sigmoid(h) }

    static func sigmoidDerivative(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["h", "a = σ(h)"])
        for h in [-4.0, -1, 0, 0.5, 3] {
            let a = sigmoid(h)
            comparisons.number(
                [h.fixed(1), a.fixed(4)], expected: centralDifference(sigmoid, at: h), got: answers.sigmoidDerivative(output: a), tolerance: 1e-8)
        }
        return comparisons.report("σ′(h) against the central difference of σ")
    }

    static func neuronGradient(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["parameter"])
        let weights = [0.4, -0.7, 0.2], bias = 0.1, inputs = [1.0, 2, -0.5], target = 1.0
        func cost(_ w: [Double], _ b: Double) -> Double {
            let a = sigmoid(zip(w, inputs).reduce(b) { $0 + $1.0 * $1.1 })
            return 0.5 * (target - a) * (target - a)
        }
        let yours = answers.neuronGradient(weights: weights, bias: bias, inputs: inputs, target: target)
        guard yours.weights.count == weights.count else {
            comparisons.problem("\(yours.weights.count) weight gradients; expected \(weights.count), one per weight")
            return comparisons.report("the gradient check")
        }
        for i in weights.indices {
            let numeric = centralDifference({ w in var all = weights; all[i] = w; return cost(all, bias) }, at: weights[i])
            comparisons.number(["∂E/∂w\(i + 1)"], expected: numeric, got: yours.weights[i], tolerance: 1e-8)
        }
        comparisons.number(["∂E/∂b"], expected: centralDifference({ cost(weights, $0) }, at: bias), got: yours.bias, tolerance: 1e-8)
        return comparisons.report("the gradient check: your gradient against central differences of E")
    }

    // MARK: Chapter 4

    static func tanhDerivative(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["h"])
        for h in [-3.0, -0.5, 0, 0.25, 2] {
            comparisons.number([h.fixed(2)], expected: centralDifference({ Activation.tanh($0) }, at: h), got: answers.tanhDerivative(h), tolerance: 1e-8)
        }
        return comparisons.report("tanh′(h) against the central difference of tanh")
    }

    static func twoPathGradients(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["at (m, b, c)", "gradient"])
        for (m, b, c) in [(3.0, 1.0, 2.0), (-1.5, 0.5, 4.0)] {
            let yours = answers.twoPathGradients(m: m, b: b, c: c)
            func e(_ m: Double, _ b: Double, _ c: Double) -> Double { (m - b) * (m * c) }
            let point = "(\(m), \(b), \(c))"
            comparisons.number([point, "∂e/∂m"], expected: centralDifference({ e($0, b, c) }, at: m), got: yours.m, tolerance: 1e-8)
            comparisons.number([point, "∂e/∂b"], expected: centralDifference({ e(m, $0, c) }, at: b), got: yours.b, tolerance: 1e-8)
            comparisons.number([point, "∂e/∂c"], expected: centralDifference({ e(m, b, $0) }, at: c), got: yours.c, tolerance: 1e-8)
        }
        return comparisons.report("the gradient check: your gradients against central differences of e")
    }

    static func denseBackward(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["parameter"])
        var generator = random(4)
        let x = randomMatrix(3, 4, &generator), w = randomMatrix(4, 2, &generator), b = randomMatrix(1, 2, &generator)
        let g = randomMatrix(3, 2, &generator)
        // E = Σ G ∘ Y, so that ∂E/∂Y = G exactly.
        func error(_ x: Matrix<Double>, _ w: Matrix<Double>, _ b: Matrix<Double>) throws -> Double {
            let layer = try Dense<Double>(weights: w, bias: b, activation: .identity)
            return try (layer.forward(x) * g).sum()
        }
        let yours = try answers.denseBackward(input: x, weights: w, outputGradient: g)
        compareElements(&comparisons, "∂E/∂W", expected: try numericGradient({ try error(x, $0, b) }, at: w), got: yours.weights, tolerance: 1e-8)
        compareElements(&comparisons, "∂E/∂b", expected: try numericGradient({ try error(x, w, $0) }, at: b), got: yours.bias, tolerance: 1e-8)
        compareElements(&comparisons, "∂E/∂X", expected: try numericGradient({ try error($0, w, b) }, at: x), got: yours.input, tolerance: 1e-8)
        return comparisons.report("the gradient check: a batch of 3 records, 4 inputs, 2 units, against central differences")
    }

    // MARK: Chapter 5

    static func standardized(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["element"])
        var generator = random(5)
        let x = Matrix<Double>(rows: 6, columns: 3) { _, c in generator.uniform(in: 0..<1) * [1, 100, 5][c] + [0, 500, -2][c] }
        let expected = try Dataset(name: "exercise", featureNames: ["a", "b", "c"], inputs: x, targets: Matrix(rows: 6, columns: 1))
            .standardized().dataset.inputs
        compareElements(&comparisons, "x", expected: expected, got: answers.standardized(x), tolerance: 1e-9)
        return comparisons.report("6 records of 3 features on different scales")
    }

    static func sgdEpoch(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["parameter"])
        var generator = random(6)
        let inputs = randomMatrix(8, 3, &generator), targets = randomMatrix(8, 1, &generator)
        let weights = randomMatrix(3, 1, &generator), bias = 0.2
        var network = try Network<Double>([Dense(weights: weights, bias: Matrix(row: [bias]), activation: .identity)])
        for r in 0..<inputs.rows {
            let pass = try network.backpropagate(inputs.row(r), targets: targets.row(r), loss: .halfSquaredError)
            try network.descend(pass.gradients, learningRate: 0.1)
        }
        let yours = try answers.sgdEpoch(weights: weights, bias: bias, inputs: inputs, targets: targets, learningRate: 0.1)
        compareElements(&comparisons, "w", expected: network.layers[0].weights, got: yours.weights)
        comparisons.number(["b"], expected: network.layers[0].bias[0, 0], got: yours.bias)
        return comparisons.report("8 records, 3 features, η = 0.1, against the core's Network")
    }

    // MARK: Chapter 6

    static func minibatchRanges(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["records", "batch size"])
        for (count, batchSize) in [(10, 5), (10, 4), (3, 8), (7, 1), (0, 4)] {
            let expected = stride(from: 0, to: count, by: batchSize).map { "\($0)..<\(min($0 + batchSize, count))" }
            comparisons.exactly(
                ["\(count)", "\(batchSize)"], expected: expected,
                got: answers.minibatchRanges(count: count, batchSize: batchSize).map { "\($0.lowerBound)..<\($0.upperBound)" })
        }
        return comparisons.report("every record in exactly one batch, in order")
    }

    static func minibatchGradient(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["parameter"])
        var generator = random(7)
        let inputs = randomMatrix(5, 3, &generator), targets = randomMatrix(5, 1, &generator)
        let weights = randomMatrix(3, 1, &generator), bias = -0.3
        // The mean over the batch of ½(ŷ − y)², through the core's loss.
        func error(_ w: Matrix<Double>, _ b: Double) throws -> Double {
            let network = try Network<Double>([Dense(weights: w, bias: Matrix(row: [b]), activation: .identity)])
            return try network.loss(inputs, targets: targets, loss: .halfSquaredError)
        }
        let yours = try answers.minibatchGradient(weights: weights, bias: bias, inputs: inputs, targets: targets)
        compareElements(&comparisons, "∂E/∂w", expected: try numericGradient({ try error($0, bias) }, at: weights), got: yours.weights, tolerance: 1e-8)
        comparisons.number(["∂E/∂b"], expected: centralDifference({ (try? error(weights, $0)) ?? .nan }, at: bias), got: yours.bias, tolerance: 1e-8)
        return comparisons.report("the gradient check on a batch of 5 records, against central differences of the mean loss")
    }

    // MARK: Chapter 7

    static func leakyReLUDerivative(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["h", "slope"])
        for (h, slope) in [(2.0, 0.01), (-2.0, 0.01), (0.0, 0.01), (-0.5, 0.2), (0.5, 0.2)] {
            comparisons.number(
                ["\(h)", "\(slope)"], expected: Activation.leakyReLU(negativeSlope: slope).derivative(h),
                got: answers.leakyReLUDerivative(h, negativeSlope: slope))
        }
        return comparisons.report("against the core's leakyReLU, PyTorch's value at 0")
    }

    static func softplusDerivative(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["h"])
        for h in [-800.0, -30, -1, 0, 2, 30, 800] {
            comparisons.number(["\(h)"], expected: Activation.sigmoid(h), got: answers.softplusDerivative(h), tolerance: 1e-12)
        }
        return comparisons.report("softplus′(h) is σ(h); it must stay finite far from 0")
    }

    // MARK: Chapter 8

    static func xavierUniformBound(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["fan in", "fan out"])
        // torch.nn.init.xavier_uniform_: the bound √3 · √(2 / (fan_in + fan_out)); √(6/20) for 10 and 10.
        for (fanIn, fanOut) in [(10, 10), (784, 50), (3, 500)] {
            let standardDeviation = (2 / Double(fanIn + fanOut)).squareRoot()
            comparisons.number(
                ["\(fanIn)", "\(fanOut)"], expected: 3.0.squareRoot() * standardDeviation,
                got: answers.xavierUniformBound(fanIn: fanIn, fanOut: fanOut), tolerance: 1e-12)
        }
        return comparisons.report("a uniform draw's variance is a²/3, and Xavier's is 2 / (fan in + fan out)")
    }

    static func heNormalStandardDeviation(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["fan in"])
        for fanIn in [2, 50, 784] {
            // torch: gain √2 for ReLU, std = gain / √fan_in.
            comparisons.number(
                ["\(fanIn)"], expected: 2.0.squareRoot() / Double(fanIn).squareRoot(), got: answers.heNormalStandardDeviation(fanIn: fanIn),
                tolerance: 1e-12)
        }
        return comparisons.report("PyTorch's gain √2 for ReLU over √fan in")
    }

    // MARK: Chapter 9

    /// Runs the core's optimizer on one weight for the given gradients; the weights after each step.
    static func coreSteps(_ optimizer: Optimizer<Double>, start: Double, gradients: [Double]) throws -> [Double] {
        var optimizer = optimizer
        var weight = Matrix<Double>(row: [start])
        return try gradients.map { g in
            try optimizer.update(&weight, gradient: Matrix(row: [g]), slot: 0)
            return weight[0, 0]
        }
    }

    static let optimizerGradients = [0.5, -1.2, 0.3, 2.0, -0.1]

    static func momentumStep(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["step", "gradient"])
        let expected = try coreSteps(.sgd(learningRate: 0.1, momentum: 0.9), start: 1, gradients: optimizerGradients)
        var weight = 1.0, velocity = 0.0
        for (step, g) in optimizerGradients.enumerated() {
            (weight, velocity) = answers.momentumStep(weight: weight, velocity: velocity, gradient: g, learningRate: 0.1, momentum: 0.9)
            comparisons.number(["\(step + 1)", "\(g)"], expected: expected[step], got: weight, tolerance: 1e-12)
        }
        return comparisons.report("5 steps from w = 1, v = 0 with γ = 0.1 and μ = 0.9, against the core's Optimizer.sgd")
    }

    static func adamStep(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["step", "gradient"])
        let expected = try coreSteps(.adam(learningRate: 0.1), start: 1, gradients: optimizerGradients)
        var weight = 1.0, m = 0.0, v = 0.0
        for (step, g) in optimizerGradients.enumerated() {
            (weight, m, v) = answers.adamStep(
                weight: weight, m: m, v: v, step: step + 1, gradient: g, learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
            comparisons.number(["\(step + 1)", "\(g)"], expected: expected[step], got: weight, tolerance: 1e-12)
        }
        return comparisons.report("5 steps from w = 1 with γ = 0.1 and PyTorch's defaults, against the core's Optimizer.adam")
    }

    // MARK: Chapter 10

    static func invertedDropout(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["element"])
        var generator = random(10)
        let x = randomMatrix(2, 5, &generator)
        // The core's training mask holds 1/(1 − p) for a kept unit; the exercise's holds 1.
        let coreMask = try Dropout<Double>(rate: 0.4).mask(rows: 2, columns: 5, using: &generator)
        let mask = coreMask.map { $0 == 0 ? 0 : 1 }
        compareElements(&comparisons, "output", expected: try x * coreMask, got: try answers.invertedDropout(x, mask: mask, rate: 0.4), tolerance: 1e-12)
        return comparisons.report("p = 0.4 on a 2×5 batch, against the core's Dropout")
    }

    static func clippedByGlobalNorm(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["element"])
        for (name, maxNorm) in [("large", 1.0), ("small", 100.0)] {
            var expected = [try Matrix<Double>([[3, 0.5], [-2, 1]]), Matrix<Double>(row: [4, -0.25])]
            let gradients = expected
            try clipByGlobalNorm(&expected, maxNorm: maxNorm)
            let yours = answers.clippedByGlobalNorm(gradients, maxNorm: maxNorm)
            guard yours.count == expected.count else {
                comparisons.problem("\(yours.count) gradients came back for \(expected.count)")
                continue
            }
            for (i, (e, y)) in zip(expected, yours).enumerated() {
                compareElements(&comparisons, "\(name) max \(Int(maxNorm)): g\(i + 1)", expected: e, got: y, tolerance: 1e-12)
            }
        }
        return comparisons.report("two gradients of global norm 5.6, clipped to 1 and left alone under 100, against the core's clipByGlobalNorm")
    }

    // MARK: Chapter 11

    static func convolutionOutputSize(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["input", "kernel", "stride", "padding"])
        for (n, k, s, p) in [(28, 5, 1, 0), (28, 5, 1, 2), (227, 11, 4, 0), (27, 3, 2, 0), (224, 7, 2, 3), (10, 4, 3, 1)] {
            // Counted: the window's left edge at 0, s, 2s, … as long as the window fits in the padded input.
            let positions = Array(stride(from: 0, through: n + 2 * p - k, by: s)).count
            comparisons.number(
                ["\(n)", "\(k)", "\(s)", "\(p)"], expected: Double(positions),
                got: Double(answers.convolutionOutputSize(input: n, kernel: k, stride: s, padding: p)))
        }
        return comparisons.report("the window's positions counted one by one; the last two do not fit evenly")
    }

    static func convolutionLayerOutput(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["pixel"])
        var generator = random(11)
        let image = randomMatrix(5, 6, &generator), filter = randomMatrix(3, 3, &generator)
        let layer = try Conv2D<Double>(
            inputShape: ImageShape(height: 5, width: 6, channels: 1), weights: filter.reshaped(rows: 9, columns: 1),
            bias: Matrix(rows: 1, columns: 1), filterSize: 3, activation: .identity)
        let expected = try layer.forward(image.reshaped(rows: 1, columns: 30)).reshaped(rows: 3, columns: 4)
        compareElements(&comparisons, "output", expected: expected, got: try answers.convolutionLayerOutput(image: image, filter: filter), tolerance: 1e-12)
        return comparisons.report("a 5×6 image and a 3×3 filter, against the core's Conv2D")
    }

    static func maxPoolBackward(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["pixel"])
        var generator = random(12)
        let input = randomMatrix(4, 6, &generator), outputGradient = randomMatrix(2, 3, &generator)
        let pooling = try Pooling<Double>(.max, inputShape: ImageShape(height: 4, width: 6, channels: 1), size: 2)
        let sources = try pooling.forward(input.reshaped(rows: 1, columns: 24)).sources
        let expected = try pooling.backward(sources: sources, outputGradient: outputGradient.reshaped(rows: 1, columns: 6))
        compareElements(
            &comparisons, "∂E/∂x", expected: try expected.reshaped(rows: 4, columns: 6),
            got: try answers.maxPoolBackward(input: input, window: 2, outputGradient: outputGradient), tolerance: 1e-12)
        return comparisons.report("2×2 windows over a 4×6 input, against the core's Pooling")
    }

    // MARK: Chapter 12

    /// AlexNet's five convolutions (one tower's worth of channels, as the chapter counts them).
    static let alexNetConvolutions: [(name: String, output: Int, kernel: Int, channels: Int, filters: Int)] = [
        ("conv 1", 55, 11, 3, 96), ("conv 2", 27, 5, 96, 256), ("conv 3", 13, 3, 256, 384), ("conv 4", 13, 3, 384, 384),
        ("conv 5", 13, 3, 384, 256),
    ]

    static func alexNetLayer(_ layer: (name: String, output: Int, kernel: Int, channels: Int, filters: Int)) throws -> Conv2D<Double> {
        // The input size that gives this output with stride 1 and "same" padding (conv 1: stride 4 on 227).
        let stride = layer.kernel == 11 ? 4 : 1, padding = layer.kernel == 11 ? 0 : layer.kernel / 2
        let input = layer.kernel == 11 ? 227 : layer.output
        var generator = random(13)
        return try Conv2D<Double>(
            inputShape: ImageShape(input, layer.channels), filters: layer.filters, filterSize: layer.kernel, stride: stride, padding: padding,
            using: &generator)
    }

    static func convolutionParameters(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["layer"])
        for layer in alexNetConvolutions {
            let core = try alexNetLayer(layer)
            comparisons.number(
                [layer.name], expected: Double(core.weights.count + core.bias.count),
                got: Double(answers.convolutionParameters(kernel: layer.kernel, inputChannels: layer.channels, filters: layer.filters)))
        }
        return comparisons.report("AlexNet's five convolutions, against the core's Conv2D")
    }

    static func convolutionMultiplyAdds(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["layer"])
        for layer in alexNetConvolutions {
            let core = try alexNetLayer(layer)
            comparisons.number(
                [layer.name], expected: Double(core.multiplyAdds),
                got: Double(answers.convolutionMultiplyAdds(
                    outputSize: layer.output, kernel: layer.kernel, inputChannels: layer.channels, filters: layer.filters)))
        }
        return comparisons.report("AlexNet's five convolutions, against the core's Conv2D")
    }

    // MARK: Chapter 13

    static func softmax(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["logits", "class"])
        for logits in [[1.0, 2, 3], [1000, 999, 0], [-1000, -1001, -999.5], [0.5]] {
            let expected = Softmax<Double>.forward(Matrix(row: logits))
            let yours = answers.softmax(logits)
            guard yours.count == logits.count else {
                comparisons.problem("\(yours.count) probabilities for \(logits.count) logits")
                continue
            }
            for i in logits.indices { comparisons.number(["\(logits)", "\(i)"], expected: expected[0, i], got: yours[i], tolerance: 1e-12) }
        }
        return comparisons.report("against the core's softmax, for small and very large logits")
    }

    static func crossEntropyGradient(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["logit"])
        let logits = [0.3, -1.2, 2.0, 0.7], target = 1
        func error(_ z: Matrix<Double>) -> Double { -log(Softmax<Double>.forward(z)[0, target]) }
        let numeric = numericGradient(error, at: Matrix(row: logits))
        let yours = answers.crossEntropyGradient(logits: logits, target: target)
        compareElements(&comparisons, "∂E/∂z", expected: numeric, got: Matrix(row: yours.count == logits.count ? yours : [yours.first ?? .nan]), tolerance: 1e-8)
        return comparisons.report("the gradient check: 4 logits, class 1, against central differences of −log softmax")
    }

    // MARK: Chapter 14

    static func accuracy(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["case"])
        let outputs = try Matrix<Double>([[0.1, 0.7, 0.2], [2, 1, 0], [0.3, 0.3, 0.1], [-1, -2, -0.5], [0, 0, 0]])
        let predicted = outputs.predictedClasses()
        for (name, labels) in [("all right", predicted), ("none right", predicted.map { ($0 + 1) % 3 }), ("some right", [1, 0, 1, 2, 2])] {
            let expected = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
            comparisons.number([name], expected: expected, got: answers.accuracy(outputs: outputs, labels: labels))
        }
        return comparisons.report("5 records of 3 classes, ties included, against the core's predictedClasses")
    }

    static func confusionMatrix(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["true label"])
        let predicted = [0, 1, 1, 2, 2, 2, 0], labels = [0, 1, 2, 2, 0, 2, 1]
        let core = try ConfusionMatrix(predicted: predicted, labels: labels, classes: 3)
        let yours = answers.confusionMatrix(predicted: predicted, labels: labels, classes: 3)
        for t in 0..<3 {
            comparisons.exactly(["\(t)"], expected: (0..<3).map { core.counts[t * 3 + $0] }, got: t < yours.count ? yours[t] : [])
        }
        return comparisons.report("7 records of 3 classes: row the true label, column the prediction, against the core's ConfusionMatrix")
    }

    // MARK: Chapter 15

    /// Step `t` (`H` columns) of a `1×(T·H)` output as a `1×H` row.
    static func step(_ output: Matrix<Double>, _ t: Int, width: Int) -> Matrix<Double> {
        Matrix(rows: 1, columns: width) { _, k in output[0, t * width + k] }
    }

    /// A recurrent layer's parameters drawn as PyTorch draws them, for `inputs` features and `hidden` units.
    static func recurrentParameters<L: RecurrentLayer>(_ type: L.Type, inputs: Int, hidden: Int, seed: UInt64) throws -> L where L.Scalar == Double {
        var generator = random(seed)
        return try L(inputs: inputs, hidden: hidden, length: 2, using: &generator)
    }

    static func rnnStep(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["element"])
        var generator = random(15)
        var rnn = try recurrentParameters(RNN<Double>.self, inputs: 3, hidden: 4, seed: 15)
        let x = randomMatrix(1, 6, &generator)
        let output = try rnn(x)
        // The layer's second step from its first: the answer gets h_1 and x_2 and must give h_2.
        let yours = try answers.rnnStep(
            input: step(x, 1, width: 3), state: step(output, 0, width: 4), inputWeights: rnn.inputWeights, hiddenWeights: rnn.hiddenWeights,
            inputBias: rnn.inputBias, hiddenBias: rnn.hiddenBias)
        compareElements(&comparisons, "h_2", expected: step(output, 1, width: 4), got: yours, tolerance: 1e-12)
        return comparisons.report("a 3-input, 4-unit RNN's second step, from its first, against the core's RNN run over both steps")
    }

    static func rnnGradients(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["parameter"])
        var generator = random(16)
        let (i, h, t) = (2, 3, 2)
        let inputWeights = randomMatrix(h, i, &generator), hiddenWeights = randomMatrix(h, h, &generator), bias = randomMatrix(1, h, &generator)
        let inputs = randomMatrix(t, i, &generator), target = randomMatrix(1, h, &generator)
        // E through the core's RNN, with the one bias as b_ih and b_hh = 0.
        func error(_ wih: Matrix<Double>, _ whh: Matrix<Double>, _ b: Matrix<Double>) throws -> Double {
            var rnn = try RNN<Double>(inputWeights: wih, hiddenWeights: whh, inputBias: b, hiddenBias: Matrix(rows: 1, columns: h), length: t)
            let last = step(try rnn(inputs.reshaped(rows: 1, columns: t * i)), t - 1, width: h)
            return 0.5 * (try last - target).elements.map { $0 * $0 }.reduce(0, +)
        }
        let yours = try answers.rnnGradients(inputs: inputs, target: target, inputWeights: inputWeights, hiddenWeights: hiddenWeights, bias: bias)
        compareElements(
            &comparisons, "∂E/∂W_ih", expected: try numericGradient({ try error($0, hiddenWeights, bias) }, at: inputWeights), got: yours.inputWeights,
            tolerance: 1e-8)
        compareElements(
            &comparisons, "∂E/∂W_hh", expected: try numericGradient({ try error(inputWeights, $0, bias) }, at: hiddenWeights), got: yours.hiddenWeights,
            tolerance: 1e-8)
        compareElements(
            &comparisons, "∂E/∂b", expected: try numericGradient({ try error(inputWeights, hiddenWeights, $0) }, at: bias), got: yours.bias,
            tolerance: 1e-8)
        return comparisons.report("the gradient check: a 2-input, 3-unit RNN over two steps, against central differences of E")
    }

    // MARK: Chapter 16

    static func lstmStep(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["element"])
        var generator = random(17)
        let lstm = try recurrentParameters(LSTM<Double>.self, inputs: 3, hidden: 4, seed: 17)
        let x = randomMatrix(1, 6, &generator)
        let trace = try lstm.trace(x)
        let yours = try answers.lstmStep(
            input: step(x, 1, width: 3), state: step(trace.state, 0, width: 4), memory: step(trace.memory, 0, width: 4),
            inputWeights: lstm.inputWeights, hiddenWeights: lstm.hiddenWeights, inputBias: lstm.inputBias, hiddenBias: lstm.hiddenBias)
        compareElements(&comparisons, "h_2", expected: step(trace.state, 1, width: 4), got: yours.state, tolerance: 1e-12)
        compareElements(&comparisons, "c_2", expected: step(trace.memory, 1, width: 4), got: yours.memory, tolerance: 1e-12)
        return comparisons.report("a 3-input, 4-unit LSTM's second step, from its first, against the core's LSTM run over both steps")
    }

    static func gruStep(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["element"])
        var generator = random(18)
        var gru = try recurrentParameters(GRU<Double>.self, inputs: 3, hidden: 4, seed: 18)
        let x = randomMatrix(1, 6, &generator)
        let output = try gru(x)
        let yours = try answers.gruStep(
            input: step(x, 1, width: 3), state: step(output, 0, width: 4), inputWeights: gru.inputWeights, hiddenWeights: gru.hiddenWeights,
            inputBias: gru.inputBias, hiddenBias: gru.hiddenBias)
        compareElements(&comparisons, "h_2", expected: step(output, 1, width: 4), got: yours, tolerance: 1e-12)
        return comparisons.report("a 3-input, 4-unit GRU's second step, from its first, against the core's GRU run over both steps")
    }

    static func attentionWeights(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["case", "key"])
        // the core's CrossAttention with every projection the identity and one head computes the same weights
        let d = 3
        var identity = Matrix<Double>(rows: 3 * d, columns: d)
        for block in 0..<3 { for i in 0..<d { identity[block * d + i, i] = 1 } }
        var attention = try CrossAttention<Double>(
            inputWeights: identity, inputBias: Matrix(rows: 1, columns: 3 * d), outputWeights: Matrix(rows: d, columns: d) { r, c in r == c ? 1 : 0 },
            outputBias: Matrix(rows: 1, columns: d), heads: 1)
        let query = [0.5, -1.0, 2.0]
        let keys = [[1.0, 0.0, 0.5], [-0.3, 0.8, 1.2], [2.0, 2.0, -1.0], [0.0, -1.5, 0.4]]
        for (name, padding) in [("no padding", [false, false, false, false]), ("the first key is padding", [true, false, false, false])] {
            _ = try attention.forward(queries: Matrix(row: query), memory: Matrix(row: keys.flatMap { $0 }), padding: [padding])
            let expected = attention.attentionWeights[0]
            let yours = answers.attentionWeights(query: query, keys: keys, padding: padding)
            guard yours.count == keys.count else {
                comparisons.problem("\(yours.count) weights for \(keys.count) keys")
                continue
            }
            for j in keys.indices { comparisons.number([name, "\(j)"], expected: expected[0, j], got: yours[j], tolerance: 1e-12) }
        }
        return comparisons.report("a query of 3 numbers against 4 keys, against the core's CrossAttention with identity projections")
    }

    static func decoderInputs(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["targets"])
        for targets in [[1, 9, 9, 8, 10, 0, 3, 10, 0, 3], [4], [2, 2, 5]] {
            // what the decoder reads at step j is the target of step j − 1, the start token first
            let expected = (0..<targets.count).map { $0 == 0 ? 11 : targets[$0 - 1] }
            comparisons.exactly(["\(targets)"], expected: expected, got: answers.decoderInputs(targets: targets, start: 11))
        }
        return comparisons.report("the start token 11, then each target one step late")
    }

    // MARK: Chapter 17

    static func bigramNegativeLogLikelihood(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["word", "α"])
        let training = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia"]
        for smoothing in [1.0, 0.5] {
            let model = try BigramModel(words: training, smoothing: smoothing)
            for word in ["ava", "mila", "zoe", "a"] {
                let (total, characters) = try model.negativeLogLikelihood(of: word)
                comparisons.number(
                    [word, "\(smoothing)"], expected: total / Double(characters),
                    got: answers.bigramNegativeLogLikelihood(word: word, counts: model.counts, smoothing: smoothing), tolerance: 1e-12)
            }
        }
        return comparisons.report("per character, the end counted, against the core's BigramModel counted from 7 names")
    }

    static func sampleIndex(_ answers: any ExerciseAnswers.Type) -> CheckReport {
        var comparisons = Comparisons(["probabilities", "u"])
        for probabilities in [[0.1, 0.2, 0.7], [0.5, 0, 0.25, 0.25], [1.0]] {
            // the index k is right when the cumulative probability before it is ≤ u and through it is > u
            var cumulative = [0.0]
            for p in probabilities { cumulative.append(cumulative.last! + p) }
            for u in [0.0, 0.05, 0.1, 0.29, 0.31, 0.5, 0.74, 0.75, 0.999] {
                let expected = (0..<probabilities.count).first { cumulative[$0] <= u && u < cumulative[$0 + 1] }!
                comparisons.exactly(["\(probabilities)", "\(u)"], expected: expected, got: answers.sampleIndex(probabilities: probabilities, uniform: u))
            }
        }
        return comparisons.report("the index whose slice of [0, 1) holds u: cumulative sum before it ≤ u < cumulative sum through it")
    }

    static func sequenceCrossEntropy(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["targets"])
        var generator = random(17)
        let logits = randomMatrix(5, 4, &generator).map { 3 * $0 }
        for targets in [[1, 3, 0, 2, 2], [2, 0, 1, -100, -100], [3, -1, -1, 0, -1]] {
            let ignoreIndex = targets.contains(-1) ? -1 : -100
            let core = try Loss.crossEntropyWithLogits(ignoreIndex: ignoreIndex).value(logits, Matrix(column: targets.map(Double.init)))
            comparisons.number(
                ["\(targets)"], expected: core, got: answers.sequenceCrossEntropy(logits: logits, targets: targets, ignoreIndex: ignoreIndex),
                tolerance: 1e-12)
        }
        return comparisons.report("5 positions of 4 classes, some ignored, against the core's Loss.crossEntropyWithLogits(ignoreIndex:)")
    }

    // MARK: Chapter 19

    static func causalAttentionWeights(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["position", "reads"])
        // the core's CausalSelfAttention with one head and every projection the identity: Q = K = V = X
        let (t, e) = (4, 3)
        var identity = Matrix<Double>(rows: 3 * e, columns: e)
        for block in 0..<3 { for i in 0..<e { identity[block * e + i, i] = 1 } }
        var attention = try CausalSelfAttention<Double>(
            inputWeights: identity, inputBias: Matrix(rows: 1, columns: 3 * e), outputWeights: Matrix(rows: e, columns: e) { r, c in r == c ? 1 : 0 },
            outputBias: Matrix(rows: 1, columns: e), heads: 1, length: t)
        var generator = random(19)
        let x = randomMatrix(t, e, &generator).map { 2 * $0 }
        var unused = SeededGenerator(seed: 0)
        _ = try attention.forward(x.reshaped(rows: 1, columns: t * e), mode: .inference, using: &unused)
        let expected = attention.attentionWeights[0], yours = answers.causalAttentionWeights(x)
        guard yours.shape == expected.shape else {
            comparisons.problem("the weights are \(yours.shape); expected \(expected.shape), one row and one column per position")
            return comparisons.report("4 positions of 3 numbers")
        }
        for i in 0..<t { for j in 0..<t { comparisons.number(["\(i)", "\(j)"], expected: expected[i, j], got: yours[i, j], tolerance: 1e-12) } }
        return comparisons.report("4 positions of 3 numbers, against the core's CausalSelfAttention with one head and identity projections")
    }

    static func transformerParameterCount(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["V", "T", "E", "L"])
        for (v, t, e, l) in [(27, 19, 16, 2), (96, 64, 32, 2), (5, 3, 4, 1), (65, 8, 8, 3)] {
            var generator = SeededGenerator(seed: 0)
            let model: Model<Float> = try Architectures.characterTransformer(vocabulary: v, length: t, dimension: e, heads: 2, blocks: l, using: &generator)
            comparisons.exactly(
                ["\(v)", "\(t)", "\(e)", "\(l)"], expected: model.parameterCount,
                got: answers.transformerParameterCount(vocabulary: v, length: t, dimension: e, blocks: l))
        }
        return comparisons.report("the parameter count of the core's Architectures.characterTransformer")
    }

    static func textWindows(_ answers: any ExerciseAnswers.Type) throws -> CheckReport {
        var comparisons = Comparisons(["ids", "T", "part"])
        for (ids, length) in [([5, 6, 7, 8, 9, 10, 11], 3), ([1, 2, 3, 4, 5], 3), ([3, 1, 4, 1, 5, 9, 2, 6], 4), ([7, 8], 5)] {
            let windows = try EncodedText<Double>(ids, length: length)
            func rows(_ m: Matrix<Double>) -> [[Int]] { (0..<m.rows).map { r in (0..<m.columns).map { Int(m[r, $0]) } } }
            let yours = answers.textWindows(ids: ids, length: length)
            comparisons.exactly(["\(ids)", "\(length)", "inputs"], expected: rows(windows.inputs), got: yours.inputs)
            comparisons.exactly(["\(ids)", "\(length)", "targets"], expected: rows(windows.targets), got: yours.targets)
        }
        return comparisons.report("against the core's EncodedText: windows every T ids, the targets one later, padded with 0 and −100")
    }
}
