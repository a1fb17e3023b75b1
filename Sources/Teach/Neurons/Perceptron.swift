/// Rosenblatt's perceptron: one neuron with a step activation.
///
/// Its output is `a = f(w₀·x₀ + w₁·x₁ + … + wₙ·xₙ)` with the bias input `x₀ = 1` and
/// `f(h) = 1` for `h ≥ 0`, else `0` (``Activation/step``). The weights are stored with the bias
/// weight first: `weights[0]` is `w₀`, `weights[i]` multiplies input `xᵢ`.
public struct Perceptron: Sendable, Equatable {
    /// `[w₀, w₁, …, wₙ]`: the bias weight, then one weight per input.
    public var weights: [Double]

    /// A perceptron with the given weights, bias weight first.
    public init(weights: [Double]) {
        precondition(!weights.isEmpty, "Perceptron(weights:) needs at least the bias weight w0")
        self.weights = weights
    }

    /// A perceptron for `inputs` inputs with every weight (bias too) drawn uniformly from `range`.
    public init(inputs: Int, weightsIn range: Range<Double> = -0.5..<0.5, using generator: inout SeededGenerator) {
        precondition(inputs >= 1, "Perceptron(inputs: \(inputs)): needs at least one input")
        weights = (0...inputs).map { _ in generator.uniform(in: range) }
    }

    /// Number of inputs (not counting the bias input `x₀`).
    public var inputCount: Int { weights.count - 1 }

    /// The weighted sum `h = w₀ + Σᵢ wᵢ xᵢ`.
    public func weightedSum(_ x: [Double]) -> Double {
        precondition(x.count == inputCount, "Perceptron with \(inputCount) inputs was given \(x.count)")
        var h = weights[0]
        for i in 0..<x.count { h += weights[i + 1] * x[i] }
        return h
    }

    /// The output `a = step(h)`: 0 or 1.
    public func output(_ x: [Double]) -> Double {
        Activation.step(weightedSum(x))
    }

    /// One application of the perceptron learning rule to the example `(x, target)`:
    /// `wᵢ ← wᵢ + η (y − a) xᵢ` for every `i` (with `x₀ = 1`). Nothing changes when the output
    /// `a` already equals the target `y`.
    ///
    /// - Returns: whether the perceptron got this example wrong (and so changed its weights).
    @discardableResult
    public mutating func learn(_ x: [Double], target: Double, learningRate: Double) -> Bool {
        let error = target - output(x)
        guard error != 0 else { return false }
        weights[0] += learningRate * error
        for i in 0..<x.count { weights[i + 1] += learningRate * error * x[i] }
        return true
    }

    /// The decision boundary of a two-input perceptron, `w₀ + w₁x₁ + w₂x₂ = 0`, solved for `x₂`:
    /// the line `x₂ = −(w₀ + w₁x₁) / w₂`. `nil` when `w₂ = 0` (a vertical line, or none).
    public var decisionLine: (slope: Double, intercept: Double)? {
        guard weights.count == 3, weights[2] != 0 else { return nil }
        return (slope: -weights[1] / weights[2], intercept: -weights[0] / weights[2])
    }
}

/// What happened while a perceptron learned: mistakes and weights after every epoch.
public struct PerceptronHistory: Sendable {
    /// Mistakes made in each epoch (each one triggered a weight update).
    public var errorsPerEpoch: [Int] = []
    /// The weights at the end of each epoch.
    public var weightsPerEpoch: [[Double]] = []
    /// The weights before training.
    public var initialWeights: [Double]

    /// Whether some epoch went through every example without a mistake.
    public var converged: Bool { errorsPerEpoch.last == 0 }
    /// Epochs run (including the final mistake-free one when it converged).
    public var epochs: Int { errorsPerEpoch.count }
}

extension Perceptron {
    /// Runs the perceptron learning rule over the examples (the rows of `inputs`, in order) until
    /// an epoch passes with no mistake, or `maxEpochs` epochs have run.
    ///
    /// - Throws: ``ShapeError`` when `inputs` has a column count other than ``inputCount`` or its
    ///   row count differs from `targets.count`; ``InvalidArgument`` for a target other than 0 or 1,
    ///   a learning rate that is not positive, or `maxEpochs < 1`.
    public mutating func train(
        inputs: Matrix<Double>, targets: [Double], learningRate: Double, maxEpochs: Int
    ) throws -> PerceptronHistory {
        guard inputs.columns == inputCount, inputs.rows == targets.count else {
            throw ShapeError(
                operation: "Perceptron.train", shapes: [inputs.shape, Shape(targets.count, 1)],
                expected: "inputs must be (examples)×\(inputCount) with one target per row")
        }
        if let bad = targets.first(where: { $0 != 0 && $0 != 1 }) {
            throw InvalidArgument("Perceptron.train: target \(bad) is not 0 or 1")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw InvalidArgument("Perceptron.train: learning rate \(learningRate) must be a positive number")
        }
        guard maxEpochs >= 1 else { throw InvalidArgument("Perceptron.train: maxEpochs \(maxEpochs) must be ≥ 1") }
        var history = PerceptronHistory(initialWeights: weights)
        let rows = inputs.rowArrays
        for _ in 0..<maxEpochs {
            var mistakes = 0
            for (x, y) in zip(rows, targets) where learn(x, target: y, learningRate: learningRate) {
                mistakes += 1
            }
            history.errorsPerEpoch.append(mistakes)
            history.weightsPerEpoch.append(weights)
            if mistakes == 0 { break }
        }
        return history
    }
}
