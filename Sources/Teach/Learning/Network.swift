/// A feed-forward network: ``Dense`` layers, each feeding the next.
///
/// The forward pass runs the layers in order; ``backpropagate(_:targets:loss:)`` runs them backwards,
/// each layer turning the gradient of its output into the gradients of its weights and of its input.
public struct Network<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The layers, input side first.
    public var layers: [Dense<Scalar>]

    /// A network from layers whose sizes chain: each layer has as many inputs as the one before has units.
    /// - Throws: ``ShapeError`` naming the two layers that do not fit, ``InvalidArgument`` for no layers.
    public init(_ layers: [Dense<Scalar>]) throws {
        guard !layers.isEmpty else { throw InvalidArgument("Network: a network needs at least one layer") }
        for (index, pair) in zip(layers, layers.dropFirst()).enumerated() where pair.0.unitCount != pair.1.inputCount {
            throw ShapeError(
                operation: "Network", shapes: [pair.0.weights.shape, pair.1.weights.shape],
                expected: "layer \(index + 2) must have as many inputs as layer \(index + 1) has units (\(pair.0.unitCount))")
        }
        self.layers = layers
    }

    /// A network with layer sizes `sizes` (inputs first, e.g. `[2, 2, 1]`), `hidden` activation on
    /// every layer but the last and `output` on the last, Gaussian random weights (see
    /// ``Dense/init(inputs:units:activation:hasBias:standardDeviation:using:)``) and zero biases.
    public init(
        sizes: [Int], hidden: Activation, output: Activation, hasBias: Bool = true, standardDeviation: Double? = nil,
        using generator: inout SeededGenerator
    ) throws {
        guard sizes.count >= 2 else {
            throw InvalidArgument("Network: sizes \(sizes) must list the inputs and at least one layer")
        }
        var layers: [Dense<Scalar>] = []
        for index in 1..<sizes.count {
            layers.append(
                try Dense(
                    inputs: sizes[index - 1], units: sizes[index], activation: index == sizes.count - 1 ? output : hidden,
                    hasBias: hasBias, standardDeviation: standardDeviation, using: &generator))
        }
        try self.init(layers)
    }

    /// The inputs, then each layer's units: `[2, 2, 1]` for a 2-2-1 network.
    public var sizes: [Int] { [layers[0].inputCount] + layers.map(\.unitCount) }

    /// How many numbers the network learns.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// The network's outputs for the batch `x` (`batch×inputs` → `batch×outputs`).
    @inlinable public func predict(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try layers.forward(x)
    }

    /// The loss of the network's outputs for `x` against `targets`.
    @inlinable public func loss(_ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: Loss) throws -> Scalar {
        try loss.value(predict(x), targets)
    }

    /// One forward and one backward pass over the batch `x`: the loss, and the gradient of the
    /// loss with respect to every weight and bias.
    ///
    /// - Throws: ``ShapeError`` when `x` or `targets` do not fit the network.
    @inlinable public func backpropagate(_ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: Loss) throws -> Backpropagation<Scalar> {
        var traces: [DenseTrace<Scalar>] = []
        traces.reserveCapacity(layers.count)
        var input = x
        for layer in layers {
            let trace = try layer.forwardTrace(input)
            input = trace.output
            traces.append(trace)
        }
        let output = input
        var outputGradient = try loss.gradient(output, targets)
        var gradients = [DenseGradients<Scalar>]()
        var weightedSumGradients = [Matrix<Scalar>]()
        for index in layers.indices.reversed() {
            let backward = try layers[index].backward(traces[index], outputGradient: outputGradient)
            gradients.append(backward.gradients)
            weightedSumGradients.append(backward.weightedSumGradient)
            outputGradient = backward.inputGradient
        }
        return Backpropagation(
            loss: try loss.value(output, targets), output: output, traces: traces, gradients: gradients.reversed(),
            weightedSumGradients: weightedSumGradients.reversed())
    }

    /// One step of gradient descent on every layer: `W ← W − η ∂E/∂W`, `b ← b − η ∂E/∂b`.
    @inlinable public mutating func descend(_ gradients: [DenseGradients<Scalar>], learningRate: Scalar) throws {
        guard gradients.count == layers.count else {
            throw InvalidArgument("Network.descend: \(gradients.count) gradients for \(layers.count) layers")
        }
        for index in layers.indices { try layers[index].descend(gradients[index], learningRate: learningRate) }
    }
}

/// The result of one forward and backward pass over a batch.
public struct Backpropagation<Scalar: MatrixScalar>: Sendable {
    /// The loss of the batch.
    public var loss: Scalar
    /// The network's outputs, `batch×outputs`.
    public var output: Matrix<Scalar>
    /// Each layer's input, weighted sums and output.
    public var traces: [DenseTrace<Scalar>]
    /// `∂E/∂W` and `∂E/∂b` for each layer, input side first.
    public var gradients: [DenseGradients<Scalar>]
    /// `∂E/∂h` for each layer, `batch×units`.
    public var weightedSumGradients: [Matrix<Scalar>]

    /// The results of one forward and backward pass.
    @inlinable public init(
        loss: Scalar, output: Matrix<Scalar>, traces: [DenseTrace<Scalar>], gradients: [DenseGradients<Scalar>],
        weightedSumGradients: [Matrix<Scalar>]
    ) {
        self.loss = loss
        self.output = output
        self.traces = traces
        self.gradients = gradients
        self.weightedSumGradients = weightedSumGradients
    }

    /// The article's error terms `δ` for each layer (`batch×units`): `δ = −m·∂E/∂h`, where `m` is
    /// the batch size. The output layer's is `(y − ŷ)·f'(h)`, and a hidden layer's
    /// `δ_j = (Σ_k w_jk δ_k)·f'(h_j)`, record by record.
    public var errorTerms: [Matrix<Scalar>] {
        let m = Scalar(output.rows)
        return weightedSumGradients.map { $0 * (-m) }
    }
}
