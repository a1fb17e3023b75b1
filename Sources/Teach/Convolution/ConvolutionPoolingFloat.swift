import TeachKernels

// A ReLU convolution followed by max pooling whose windows tile its output (the CNNs' `conv …,
// pool 2`), backward in one pass for Float. Separately, the pooling's backward pass writes the
// convolution's whole output gradient (mostly zeros), the ReLU's multiplies it by its slope, and
// the bias gradient reads it once more; together, each pixel of ∂E/∂h is written once and the bias
// gradient is summed from the pooled gradient. The numbers are the same, bit for bit
// (FloatKernels.maxPoolReluBackward), so a Sequential runs the pair this way whenever it meets one.

extension Array {
    /// The backward pass of layers `index − 1` (a ``Conv2D`` with a ReLU) and `index` (max
    /// ``Pooling`` whose windows tile the convolution's output) together, for Float: the
    /// convolution's gradients, its input gradient when `needsInputGradient`, and both layers'
    /// saved values released, exactly as their own backward passes in turn would. `nil` (and
    /// nothing changed) for any other pair, or when the saved values or `outputGradient` do not
    /// fit: the layers' own passes then run, and report what is wrong.
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

/// ``Swift/Array/fusedConvolutionPoolingBackward(at:outputGradient:needsInputGradient:)`` for Float.
@usableFromInline func floatConvolutionPoolingBackward(
    _ layers: inout [any Layer<Float>], at index: Int, outputGradient: Matrix<Float>, needsInputGradient: Bool
) throws -> LayerGradients<Float>? {
    guard var pooling = layers[index] as? Pooling<Float>, var convolution = layers[index - 1] as? Conv2D<Float>,
        pooling.kind == .max, convolution.activation == .relu, pooling.inputShape == convolution.outputShape,
        pooling.stride == pooling.size, pooling.outputShape.height * pooling.size == pooling.inputShape.height,
        pooling.outputShape.width * pooling.size == pooling.inputShape.width,
        let (batch, sources) = pooling.saved.value, let trace = convolution.saved.value,
        outputGradient.rows == batch, outputGradient.columns == pooling.outputShape.count, sources.count == outputGradient.count,
        trace.input.rows == batch, trace.input.columns == convolution.inputShape.count,
        trace.weightedSums.rows == batch, trace.weightedSums.columns == convolution.outputShape.count,
        batch * convolution.outputShape.height * convolution.outputShape.width > floatProductFewRows
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
                trace.weightedSums.storage.withUnsafeBufferPointer { a in
                    biasGradient.withUnsafeMutableBufferPointer { sums in
                        guard let g = g.baseAddress, let sources = sources.baseAddress, let a = a.baseAddress, let target = target.baseAddress,
                            let sums = sums.baseAddress
                        else { return }
                        FloatKernels.maxPoolReluBackward(
                            images: batch, height: image.height, width: image.width, channels: filters,
                            outputHeight: pooling.outputShape.height, outputWidth: pooling.outputShape.width, size: pooling.size,
                            gradient: g, sources: sources, a: a, into: target, sums: sums)
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
