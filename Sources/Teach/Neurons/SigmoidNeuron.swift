/// One sigmoid neuron with one input, `a = σ(w·x + b)`, trained by gradient descent on a single
/// example: the experiment of chapter 3 of Michael Nielsen's *Neural Networks and Deep Learning*
/// (input 1, target 0), where the half squared error learns slowly exactly when the neuron is
/// badly wrong, and the cross-entropy does not.
///
/// The loss is one of the package's ``Loss`` values on a 1×1 batch, so the numbers are the library's
/// own: ``Loss/halfSquaredError`` (Nielsen's quadratic cost `C = (y − a)²/2`) or
/// ``Loss/binaryCrossEntropy`` (PyTorch's `F.binary_cross_entropy`, Nielsen's cross-entropy
/// `C = −[y ln a + (1 − y) ln(1 − a)]` for one output; PyTorch clamps each logarithm at −100,
/// which never matters here). The chain rule gives
///
///     ∂C/∂z = ∂C/∂a · σ'(z)          ∂C/∂w = ∂C/∂z · x          ∂C/∂b = ∂C/∂z
///
/// which is `(a − y) σ'(z)` for the half squared error and `(a − y)` for the cross-entropy (its
/// `1/(a(1 − a))` cancels the sigmoid's slope `a(1 − a)`).
public struct SigmoidNeuron: Sendable, Equatable {
    /// The weight `w`.
    public var weight: Double
    /// The bias `b`.
    public var bias: Double

    /// A neuron with the given weight and bias.
    public init(weight: Double, bias: Double) {
        self.weight = weight
        self.bias = bias
    }

    /// The weighted sum `z = w·x + b`.
    public func weightedSum(_ input: Double) -> Double { weight * input + bias }

    /// The output `a = σ(w·x + b)`.
    public func output(_ input: Double) -> Double { Activation.sigmoid(weightedSum(input)) }

    /// The loss of the output for `input` against `target`.
    /// - Throws: ``InvalidArgument`` from ``Loss/value(_:_:)`` (an output outside [0, 1] for the
    ///   binary cross-entropy cannot happen with a sigmoid).
    public func cost(input: Double, target: Double, loss: Loss) throws -> Double {
        try loss.value(Matrix(rows: 1, columns: 1, repeating: output(input)), Matrix(rows: 1, columns: 1, repeating: target))
    }

    /// `∂C/∂z`, `∂C/∂w` and `∂C/∂b` for one example, by the chain rule through the loss's own
    /// gradient ``Loss/gradient(_:_:)`` and the sigmoid's slope.
    /// - Throws: as ``cost(input:target:loss:)``.
    public func gradients(input: Double, target: Double, loss: Loss) throws -> (weightedSum: Double, weight: Double, bias: Double) {
        let z = weightedSum(input)
        let dCda = try loss.gradient(Matrix(rows: 1, columns: 1, repeating: Activation.sigmoid(z)), Matrix(rows: 1, columns: 1, repeating: target))[0, 0]
        let dCdz = dCda * Activation.sigmoid.derivative(z)
        return (dCdz, dCdz * input, dCdz)
    }

    /// One epoch's state: the output and the cost after the epoch's step (epoch 0 is the start).
    public struct Epoch: Sendable, Equatable {
        /// 0 for the untrained neuron, then 1, 2, …
        public var epoch: Int
        /// The output `a` for the training input.
        public var output: Double
        /// The cost of that output.
        public var cost: Double
    }

    /// Trains on the one example for `epochs` steps of plain gradient descent
    /// (`w ← w − η ∂C/∂w`, `b ← b − η ∂C/∂b`) and returns the state before the first step and after
    /// each one (`epochs + 1` records).
    /// - Throws: ``InvalidArgument`` for a negative `epochs`; otherwise as ``cost(input:target:loss:)``.
    @discardableResult
    public mutating func train(input: Double, target: Double, loss: Loss, learningRate: Double, epochs: Int) throws -> [Epoch] {
        guard epochs >= 0 else { throw InvalidArgument("SigmoidNeuron.train: epochs \(epochs) must not be negative") }
        var history = [Epoch(epoch: 0, output: output(input), cost: try cost(input: input, target: target, loss: loss))]
        for epoch in stride(from: 1, through: epochs, by: 1) {
            let step = try gradients(input: input, target: target, loss: loss)
            weight -= learningRate * step.weight
            bias -= learningRate * step.bias
            history.append(Epoch(epoch: epoch, output: output(input), cost: try cost(input: input, target: target, loss: loss)))
        }
        return history
    }
}
