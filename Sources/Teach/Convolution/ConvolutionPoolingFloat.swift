import TeachKernels

// A ReLU convolution followed by max pooling whose windows tile its output (the CNNs' `conv …,
// pool 2`), run as one layer for Float, forward and backward. Separately, the convolution writes
// its whole output, the pooling reads it back, and the backward pass writes the convolution's whole
// output gradient (mostly zeros), multiplies it by the ReLU's slope and reads it once more for the
// bias gradient. Together, each block of the convolution's output is pooled while it is in cache
// and never written whole, each pixel of ∂E/∂h is written once, and the bias gradient is summed from
// the pooled gradient. The numbers are the same, bit for bit (FloatConvolution.forwardPooling,
// FloatKernels.maxPoolReluBackward), so a Sequential runs the pair this way whenever it meets one.

extension Array {
    /// The forward pass of layers `index` (a ``Conv2D`` with a ReLU) and `index + 1` (max
    /// ``Pooling`` whose windows tile the convolution's output) together, for Float: the pooled
    /// output, with both layers' saved values set for
    /// ``fusedConvolutionPoolingBackward(at:outputGradient:needsInputGradient:)`` (the
    /// convolution's trace ``ConvolutionTrace/isPooledTogether``). `nil`, and nothing changed, for
    /// any other pair: each layer's own pass then runs.
    /// - Throws: what the convolution's own forward pass throws for an input that does not fit it.
    @inlinable mutating func fusedConvolutionPoolingForward<Scalar>(at index: Int, _ x: Matrix<Scalar>) throws -> Matrix<Scalar>?
    where Element == any Layer<Scalar> {
        guard Scalar.self == Float.self, index + 1 < count else { return nil }
        return try withUnsafeMutablePointer(to: &self) { layers in
            try layers.withMemoryRebound(to: [any Layer<Float>].self, capacity: 1) { layers in
                try floatConvolutionPoolingForward(&layers.pointee, at: index, unsafeBitCast(x, to: Matrix<Float>.self))
            }
        }.map { unsafeBitCast($0, to: Matrix<Scalar>.self) }
    }

    /// The backward pass of layers `index − 1` (a ``Conv2D`` with a ReLU) and `index` (max
    /// ``Pooling`` whose windows tile the convolution's output) together, for Float, after
    /// ``fusedConvolutionPoolingForward(at:_:)``: the convolution's gradients, its input gradient
    /// when `needsInputGradient`, and both layers' saved values released, exactly as their own
    /// backward passes in turn would give them. `nil` (and nothing changed) for any other pair, or
    /// when the saved values or `outputGradient` do not fit: the layers' own passes then run, and
    /// report what is wrong.
    @inlinable mutating func fusedConvolutionPoolingBackward<Scalar>(
        at index: Int, outputGradient: Matrix<Scalar>, needsInputGradient: Bool
    ) throws -> LayerGradients<Scalar>? where Element == any Layer<Scalar> {
        guard Scalar.self == Float.self, index > 0 else { return nil }
        return try withUnsafeMutablePointer(to: &self) { layers in
            try layers.withMemoryRebound(to: [any Layer<Float>].self, capacity: 1) { layers in
                try floatConvolutionPoolingBackward(
                    &layers.pointee, at: index, outputGradient: unsafeBitCast(outputGradient, to: Matrix<Float>.self),
                    needsInputGradient: needsInputGradient)
            }
        }.map { unsafeBitCast($0, to: LayerGradients<Scalar>.self) }
    }
}

/// Whether `pooling` after `convolution` runs as one pass with it for a batch of `images`: a ReLU
/// convolution, max pooling of the convolution's output with windows of at least 2×2 that tile it,
/// and enough windows that the convolution's products take their blocked path (whose numbers the
/// fused passes give; see `floatProductFewRows`).
func poolsTogether(_ convolution: Conv2D<Float>, _ pooling: Pooling<Float>, images: Int) -> Bool {
    let image = convolution.outputShape
    return convolution.activation == .relu && pooling.kind == .max && pooling.inputShape == image && pooling.size >= 2
        && pooling.stride == pooling.size && pooling.outputShape.height * pooling.size == image.height
        && pooling.outputShape.width * pooling.size == image.width && images * image.height * image.width > floatProductFewRows
}

/// ``Swift/Array/fusedConvolutionPoolingForward(at:_:)`` for Float.
@usableFromInline func floatConvolutionPoolingForward(_ layers: inout [any Layer<Float>], at index: Int, _ x: Matrix<Float>) throws
    -> Matrix<Float>?
{
    guard var convolution = layers[index] as? Conv2D<Float>, var pooling = layers[index + 1] as? Pooling<Float>,
        poolsTogether(convolution, pooling, images: x.rows)
    else { return nil }
    try convolution.checkInput(x)
    let kernels = convolution.floatConvolution, images = x.rows, count = images * pooling.outputShape.count
    var sources = [Int32](unsafeUninitializedCapacity: count) { _, done in done = count }
    let pooled = [Float](unsafeUninitializedCapacity: count) { pooled, initialized in
        initialized = count
        x.storage.withUnsafeBufferPointer { input in
            convolution.weights.storage.withUnsafeBufferPointer { w in
                convolution.bias.storage.withUnsafeBufferPointer { b in
                    sources.withUnsafeMutableBufferPointer { sources in
                        guard let input = input.baseAddress, let w = w.baseAddress, let b = b.baseAddress, let out = pooled.baseAddress,
                            let sources = sources.baseAddress
                        else { return }
                        kernels.forwardPooling(
                            images: images, x: input, weights: w, bias: b, pool: pooling.size, pooled: out, sources: sources)
                    }
                }
            }
        }
    }
    let output = Matrix<Float>(unchecked: images, pooling.outputShape.count, pooled)
    convolution.saved.value = ConvolutionTrace(input: x, weightedSums: output, output: output, isPooledTogether: true)
    pooling.saved.value = (images, sources)
    layers[index] = convolution
    layers[index + 1] = pooling
    return output
}

/// ``Swift/Array/fusedConvolutionPoolingBackward(at:outputGradient:needsInputGradient:)`` for Float.
@usableFromInline func floatConvolutionPoolingBackward(
    _ layers: inout [any Layer<Float>], at index: Int, outputGradient: Matrix<Float>, needsInputGradient: Bool
) throws -> LayerGradients<Float>? {
    guard var pooling = layers[index] as? Pooling<Float>, var convolution = layers[index - 1] as? Conv2D<Float>,
        let (batch, sources) = pooling.saved.value, let trace = convolution.saved.value, trace.isPooledTogether,
        poolsTogether(convolution, pooling, images: batch),
        outputGradient.rows == batch, outputGradient.columns == pooling.outputShape.count, sources.count == outputGradient.count,
        trace.output.shape == outputGradient.shape, trace.input.rows == batch, trace.input.columns == convolution.inputShape.count
    else { return nil }
    pooling.saved.value = nil
    convolution.saved.value = nil
    layers[index] = pooling
    layers[index - 1] = convolution

    let image = convolution.outputShape, filters = convolution.filterCount
    let windows = batch * image.height * image.width, count = batch * image.count
    var biasGradient = [Float](repeating: 0, count: filters)
    let dh = [Float](unsafeUninitializedCapacity: count) { target, initialized in
        initialized = count
        outputGradient.storage.withUnsafeBufferPointer { g in
            sources.withUnsafeBufferPointer { sources in
                trace.output.storage.withUnsafeBufferPointer { pooled in
                    biasGradient.withUnsafeMutableBufferPointer { sums in
                        guard let g = g.baseAddress, let sources = sources.baseAddress, let pooled = pooled.baseAddress,
                            let target = target.baseAddress, let sums = sums.baseAddress
                        else { return }
                        FloatKernels.maxPoolReluBackward(
                            images: batch, height: image.height, width: image.width, channels: filters,
                            outputHeight: pooling.outputShape.height, outputWidth: pooling.outputShape.width, size: pooling.size,
                            gradient: g, sources: sources, pooled: pooled, into: target, sums: sums)
                    }
                }
            }
        }
    }
    let gradients = try convolution.floatGradients(
        trace, sumGradient: Matrix(unchecked: windows, filters, dh), biasGradient: Matrix(unchecked: 1, filters, biasGradient),
        inputGradient: needsInputGradient)
    return LayerGradients(input: gradients.inputGradient, parameters: [gradients.weights, gradients.bias])
}
