import TeachKernels

// Max pooling for Float, the training case, through TeachKernels (C loops, both cores): the same
// comparisons in the same order as Pooling's generic code, so the same numbers and sources.

extension Pooling where Scalar == Float {
    /// ``forward(_:)`` for max pooling.
    @usableFromInline func floatMaxPool(_ x: Matrix<Float>) -> (output: Matrix<Float>, sources: [Int32]) {
        let count = x.rows * outputShape.count
        var sources = [Int32](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        let output = [Float](unsafeUninitializedCapacity: count) { output, initialized in
            initialized = count
            x.storage.withUnsafeBufferPointer { input in
                sources.withUnsafeMutableBufferPointer { sources in
                    guard let input = input.baseAddress, let output = output.baseAddress, let sources = sources.baseAddress else { return }
                    FloatKernels.maxPool(
                        images: x.rows, height: inputShape.height, width: inputShape.width, channels: inputShape.channels,
                        outputHeight: outputShape.height, outputWidth: outputShape.width, size: size, stride: stride, input, into: output,
                        sources: sources)
                }
            }
        }
        return (Matrix(unchecked: x.rows, outputShape.count, output), sources)
    }

    /// ``backward(sources:outputGradient:)`` for max pooling.
    @usableFromInline func floatMaxPoolBackward(sources: [Int32], outputGradient: Matrix<Float>) -> Matrix<Float> {
        let images = outputGradient.rows, count = images * inputShape.count
        let dx = [Float](unsafeUninitializedCapacity: count) { target, initialized in
            initialized = count
            outputGradient.storage.withUnsafeBufferPointer { gradient in
                sources.withUnsafeBufferPointer { sources in
                    guard let gradient = gradient.baseAddress, let sources = sources.baseAddress, let target = target.baseAddress else {
                        target.initialize(repeating: 0)
                        return
                    }
                    FloatKernels.maxPoolBackward(
                        images: images, height: inputShape.height, width: inputShape.width, channels: inputShape.channels,
                        outputHeight: outputShape.height, outputWidth: outputShape.width, size: size, stride: stride, gradient: gradient,
                        sources: sources, into: target)
                }
            }
        }
        return Matrix(unchecked: images, inputShape.count, dx)
    }
}
