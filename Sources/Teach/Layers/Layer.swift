/// One layer of a ``Model``: a network is a list of layers, each feeding the next.
///
/// Every case has a forward pass that keeps a ``LayerTrace`` and a backward pass that turns the
/// gradient of the layer's output into the gradients of its parameters and of its input. The
/// parameters of a layer, in order: a dense layer's weights then biases (if it has them), batch
/// normalization's `γ` then `β`; dropout and a lone activation have none.
public enum Layer<Scalar: MatrixScalar>: Sendable, Equatable {
    case dense(Dense<Scalar>)
    case dropout(Dropout)
    case batchNorm(BatchNorm<Scalar>)
    /// An activation applied on its own (after batch normalization, say): `a = f(x)`,
    /// `∂E/∂x = ∂E/∂a ⊙ f'(x)`. No parameters.
    case activation(Activation)

    /// The parameters the optimizer updates, in the order ``backward(_:outputGradient:)`` returns their gradients.
    public var parameters: [Matrix<Scalar>] {
        switch self {
        case .dense(let dense): dense.hasBias ? [dense.weights, dense.bias] : [dense.weights]
        case .dropout, .activation: []
        case .batchNorm(let norm): [norm.scale, norm.shift]
        }
    }

    /// How many numbers the layer learns.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The forward pass. Batch normalization in training mode updates its running averages.
    @inlinable public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> LayerTrace<Scalar> {
        switch self {
        case .dense(let dense):
            return .dense(try dense.forwardTrace(x))
        case .dropout(let dropout):
            let (output, mask) = try dropout.forward(x, mode: mode, using: &generator)
            return .dropout(output: output, mask: mask)
        case .batchNorm(var norm):
            let trace = try norm.forwardTrace(x, mode: mode)
            self = .batchNorm(norm)
            return .batchNorm(trace)
        case .activation(let activation):
            return .activation(input: x, output: activation(x))
        }
    }

    /// The backward pass: the gradient of the layer's input and of each of its ``parameters``.
    /// - Throws: ``ShapeError`` when the gradient does not fit, ``InvalidArgument`` when the trace
    ///   belongs to another kind of layer.
    @inlinable public func backward(
        _ trace: LayerTrace<Scalar>, outputGradient: Matrix<Scalar>
    ) throws -> (inputGradient: Matrix<Scalar>, parameterGradients: [Matrix<Scalar>]) {
        switch (self, trace) {
        case (.dense(let dense), .dense(let trace)):
            let backward = try dense.backward(trace, outputGradient: outputGradient)
            let gradients = backward.gradients
            return (backward.inputGradient, dense.hasBias ? [gradients.weights, gradients.bias] : [gradients.weights])
        case (.dropout(let dropout), .dropout(_, let mask)):
            return (try dropout.backward(mask: mask, outputGradient: outputGradient), [])
        case (.batchNorm(let norm), .batchNorm(let trace)):
            let backward = try norm.backward(trace, outputGradient: outputGradient)
            return (backward.inputGradient, [backward.scale, backward.shift])
        case (.activation(let activation), .activation(let input, _)):
            return (try outputGradient.zipMap(activation.derivative(input), operation: "Activation.backward") { $0 * $1 }, [])
        default:
            throw InvalidArgument("Layer.backward: the trace is not from this kind of layer")
        }
    }

    /// Replaces the parameters by updating each in place with `update(&parameter, index)`, where
    /// `index` counts the layer's parameters from 0.
    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        switch self {
        case .dense(var dense):
            self = .dropout(.none)  // releases the payload, so the update does not copy it
            try update(&dense.weights, 0)
            if dense.hasBias { try update(&dense.bias, 1) }
            self = .dense(dense)
        case .dropout, .activation: return
        case .batchNorm(var norm):
            self = .dropout(.none)
            try update(&norm.scale, 0)
            try update(&norm.shift, 1)
            self = .batchNorm(norm)
        }
    }

    /// The layer's output width for an input `inputs` wide.
    public func outputCount(inputs: Int) -> Int {
        switch self {
        case .dense(let dense): dense.unitCount
        case .dropout, .activation: inputs
        case .batchNorm(let norm): norm.featureCount
        }
    }

    /// The input width the layer needs, if it has one.
    public var inputCount: Int? {
        switch self {
        case .dense(let dense): dense.inputCount
        case .dropout, .activation: nil
        case .batchNorm(let norm): norm.featureCount
        }
    }
}

/// What a ``Layer``'s forward pass keeps for its backward pass.
public enum LayerTrace<Scalar: MatrixScalar>: Sendable {
    case dense(DenseTrace<Scalar>)
    case dropout(output: Matrix<Scalar>, mask: Matrix<Scalar>?)
    case batchNorm(BatchNormTrace<Scalar>)
    case activation(input: Matrix<Scalar>, output: Matrix<Scalar>)

    /// The layer's output.
    public var output: Matrix<Scalar> {
        switch self {
        case .dense(let trace): trace.output
        case .dropout(let output, _): output
        case .batchNorm(let trace): trace.output
        case .activation(_, let output): output
        }
    }
}
