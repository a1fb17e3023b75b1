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
    /// A 2-D convolution with its activation (see ``Conv2D``).
    case conv2D(Conv2D<Scalar>)
    /// Max or average pooling.
    case pool(Pooling)
    /// Zeros around each image.
    case zeroPadding(ZeroPadding)
    /// Images become plain feature vectors for the dense layers that follow. The package's images
    /// are already flat rows (see ``ImageShape``), so this changes only the bookkeeping, as Keras's
    /// `Flatten` does for channels-last data.
    case flatten(ImageShape)
    /// Softmax over each row (see ``Softmax``): scores to probabilities.
    case softmax

    /// The parameters the optimizer updates, in the order ``backward(_:outputGradient:)`` returns their gradients.
    public var parameters: [Matrix<Scalar>] {
        switch self {
        case .dense(let dense): dense.hasBias ? [dense.weights, dense.bias] : [dense.weights]
        case .dropout, .activation, .pool, .zeroPadding, .flatten, .softmax: []
        case .batchNorm(let norm): [norm.scale, norm.shift]
        case .conv2D(let conv): [conv.weights, conv.bias]
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
        case .conv2D(let conv):
            return .conv2D(try conv.forwardTrace(x))
        case .pool(let pooling):
            let (output, sources) = try pooling.forward(x)
            return .pool(output: output, sources: sources)
        case .zeroPadding(let padding):
            return .reshaped(output: try padding.forward(x))
        case .flatten(let shape):
            guard x.columns == shape.count else {
                throw ShapeError(operation: "Flatten", shapes: [x.shape], expected: "one \(shape) image per row (\(shape.count) columns)")
            }
            return .reshaped(output: x)
        case .softmax:
            return .softmax(output: Softmax.forward(x))
        }
    }

    /// The backward pass: the gradient of the layer's input and of each of its ``parameters``.
    /// - Throws: ``ShapeError`` when the gradient does not fit, ``InvalidArgument`` when the trace
    ///   belongs to another kind of layer.
    ///
    /// With `inputGradient` false a dense or convolution layer skips `∂E/∂x` (an empty matrix comes back).
    @inlinable public func backward(
        _ trace: LayerTrace<Scalar>, outputGradient: Matrix<Scalar>, inputGradient needed: Bool = true
    ) throws -> (inputGradient: Matrix<Scalar>, parameterGradients: [Matrix<Scalar>]) {
        switch (self, trace) {
        case (.dense(let dense), .dense(let trace)):
            let backward = try dense.backward(trace, outputGradient: outputGradient, inputGradient: needed)
            let gradients = backward.gradients
            return (backward.inputGradient, dense.hasBias ? [gradients.weights, gradients.bias] : [gradients.weights])
        case (.dropout(let dropout), .dropout(_, let mask)):
            return (try dropout.backward(mask: mask, outputGradient: outputGradient), [])
        case (.batchNorm(let norm), .batchNorm(let trace)):
            let backward = try norm.backward(trace, outputGradient: outputGradient)
            return (backward.inputGradient, [backward.scale, backward.shift])
        case (.activation(let activation), .activation(let input, _)):
            return (try outputGradient.zipMap(activation.derivative(input), operation: "Activation.backward") { $0 * $1 }, [])
        case (.conv2D(let conv), .conv2D(let trace)):
            let backward = try conv.backward(trace, outputGradient: outputGradient, inputGradient: needed)
            return (backward.inputGradient, [backward.weights, backward.bias])
        case (.pool(let pooling), .pool(_, let sources)):
            return (try pooling.backward(sources: sources, outputGradient: outputGradient), [])
        case (.zeroPadding(let padding), .reshaped):
            return (try padding.backward(outputGradient: outputGradient), [])
        case (.flatten, .reshaped):
            return (outputGradient, [])
        case (.softmax, .softmax(let output)):
            return (try Softmax.backward(output: output, outputGradient: outputGradient), [])
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
        case .dropout, .activation, .pool, .zeroPadding, .flatten, .softmax: return
        case .batchNorm(var norm):
            self = .dropout(.none)
            try update(&norm.scale, 0)
            try update(&norm.shift, 1)
            self = .batchNorm(norm)
        case .conv2D(var conv):
            self = .dropout(.none)
            try update(&conv.weights, 0)
            try update(&conv.bias, 1)
            self = .conv2D(conv)
        }
    }

    /// The layer's output width for an input `inputs` wide.
    public func outputCount(inputs: Int) -> Int {
        switch self {
        case .dense(let dense): dense.unitCount
        case .dropout, .activation, .softmax: inputs
        case .batchNorm(let norm): norm.featureCount
        case .conv2D(let conv): conv.outputShape.count
        case .pool(let pooling): pooling.outputShape.count
        case .zeroPadding(let padding): padding.outputShape.count
        case .flatten(let shape): shape.count
        }
    }

    /// The input width the layer needs, if it has one.
    public var inputCount: Int? {
        switch self {
        case .dense(let dense): dense.inputCount
        case .dropout, .activation, .softmax: nil
        case .batchNorm(let norm): norm.featureCount
        case .conv2D(let conv): conv.inputShape.count
        case .pool(let pooling): pooling.inputShape.count
        case .zeroPadding(let padding): padding.inputShape.count
        case .flatten(let shape): shape.count
        }
    }

    /// The image shape the layer reads, for image layers.
    public var inputImageShape: ImageShape? {
        switch self {
        case .conv2D(let conv): conv.inputShape
        case .pool(let pooling): pooling.inputShape
        case .zeroPadding(let padding): padding.inputShape
        case .flatten(let shape): shape
        case .dense, .dropout, .batchNorm, .activation, .softmax: nil
        }
    }

    /// The image shape the layer writes, for layers whose output is an image.
    public var outputImageShape: ImageShape? {
        switch self {
        case .conv2D(let conv): conv.outputShape
        case .pool(let pooling): pooling.outputShape
        case .zeroPadding(let padding): padding.outputShape
        case .dense, .dropout, .batchNorm, .activation, .flatten, .softmax: nil
        }
    }

    /// Multiply-adds per record in the forward pass: a dense layer's `inputs·units`, a convolution's
    /// `Ho·Wo·K·(F·F·C)`; the other layers do comparatively little arithmetic and count 0.
    public var multiplyAdds: Int {
        switch self {
        case .dense(let dense): dense.weights.count
        case .conv2D(let conv): conv.multiplyAdds
        default: 0
        }
    }

    /// A short name for tables: `conv 96 11×11 stride 4`, `dense 4096`, `max pool 3×3 stride 2`.
    public var name: String {
        switch self {
        case .dense(let dense): "dense \(dense.unitCount)"
        case .dropout(let dropout): "dropout \(dropout.rate)"
        case .batchNorm: "batch norm"
        case .activation(let activation): "\(activation)"
        case .conv2D(let conv):
            "conv \(conv.filterCount) \(conv.filterSize)×\(conv.filterSize)"
                + (conv.stride == 1 ? "" : " stride \(conv.stride)") + (conv.padding == 0 ? "" : " pad \(conv.padding)")
        case .pool(let pooling): "\(pooling)"
        case .zeroPadding(let padding): "zero padding \(padding.padding)"
        case .flatten: "flatten"
        case .softmax: "softmax"
        }
    }
}

/// What a ``Layer``'s forward pass keeps for its backward pass.
public enum LayerTrace<Scalar: MatrixScalar>: Sendable {
    case dense(DenseTrace<Scalar>)
    case dropout(output: Matrix<Scalar>, mask: Matrix<Scalar>?)
    case batchNorm(BatchNormTrace<Scalar>)
    case activation(input: Matrix<Scalar>, output: Matrix<Scalar>)
    case conv2D(ConvolutionTrace<Scalar>)
    case pool(output: Matrix<Scalar>, sources: [Int32])
    /// Zero padding and flatten: only the output is needed.
    case reshaped(output: Matrix<Scalar>)
    case softmax(output: Matrix<Scalar>)

    /// The layer's output.
    public var output: Matrix<Scalar> {
        switch self {
        case .dense(let trace): trace.output
        case .dropout(let output, _): output
        case .batchNorm(let trace): trace.output
        case .activation(_, let output): output
        case .conv2D(let trace): trace.output
        case .pool(let output, _): output
        case .reshaped(let output): output
        case .softmax(let output): output
        }
    }
}
