import TeachKernels

// Conv2D's passes for Float, the training case, by the kernels that never make the patch matrix
// (TeachKernels' FloatConvolution). Plain functions, not `@inlinable`: Conv2D's generic code reaches
// them through `Scalar.self == Float.self`, and the kernels stay behind this file.

/// Up to this many rows, a Float product takes the few-rows path, whose sums are one chain over
/// the whole depth: a convolution with so few windows (or so short a patch, for the weight
/// gradient) keeps the patch matrix, so that its numbers stay those of that path.
@usableFromInline var floatProductFewRows: Int { FloatKernels.fewRows }

extension Conv2D where Scalar == Float {
    /// The Float kernels' geometry for this layer.
    var floatConvolution: FloatConvolution {
        FloatConvolution(
            height: inputShape.height, width: inputShape.width, channels: inputShape.channels, outputHeight: outputShape.height,
            outputWidth: outputShape.width, filters: filterCount, filterSize: filterSize, stride: stride, padding: padding)
    }

    /// ``forwardTrace(_:)`` for Float: `h = patches · W + b` block by block in cache, and `a = relu(h)`
    /// beside it (any other activation after). With a ReLU only `a` is made, and the trace holds it
    /// as its weighted sums too: it is positive exactly where `h` is, which is all the ReLU's backward
    /// pass reads of `h` (``ConvolutionTrace/weightedSums``).
    @usableFromInline func floatForwardTrace(_ x: Matrix<Float>) -> ConvolutionTrace<Float> {
        let count = x.rows * outputShape.count, images = x.rows
        let relu = activation == .relu, kernels = floatConvolution
        // a with a ReLU (h made in its place), else h
        let values = [Float](unsafeUninitializedCapacity: count) { values, initialized in
            initialized = count
            x.storage.withUnsafeBufferPointer { input in
                weights.storage.withUnsafeBufferPointer { w in
                    bias.storage.withUnsafeBufferPointer { b in
                        guard let input = input.baseAddress, let w = w.baseAddress, let b = b.baseAddress, let out = values.baseAddress else { return }
                        kernels.forward(images: images, x: input, weights: w, bias: b, weightedSums: relu ? nil : out, output: out, relu: relu)
                    }
                }
            }
        }
        let made = Matrix<Float>(unchecked: x.rows, outputShape.count, values)
        return ConvolutionTrace(input: x, weightedSums: made, output: relu ? made : activation(made))
    }

    /// `∂E/∂h = ∂E/∂a ⊙ f'(h)` and the bias gradient (its column sums over every window) for Float,
    /// in one pass on both cores when `f` is a ReLU or the identity (`nil` for any other activation).
    @usableFromInline func floatSumGradient(_ outputGradient: Matrix<Float>, at h: Matrix<Float>) -> (sums: Matrix<Float>, bias: Matrix<Float>)? {
        guard activation == .relu || activation == .identity, outputGradient.shape == h.shape else { return nil }
        let relu = activation == .relu, windows = h.count / filterCount, count = h.count
        var biasGradient = [Float](repeating: 0, count: filterCount)
        let dh = [Float](unsafeUninitializedCapacity: relu ? count : 0) { output, initialized in
            initialized = relu ? count : 0
            outputGradient.storage.withUnsafeBufferPointer { g in
                h.storage.withUnsafeBufferPointer { h in
                    biasGradient.withUnsafeMutableBufferPointer { sums in
                        guard let g = g.baseAddress, let h = h.baseAddress, let sums = sums.baseAddress else { return }
                        FloatKernels.reluGradientAndColumnSums(
                            rows: windows, columns: filterCount, gradient: g, relu: relu ? output.baseAddress.map { (h, $0) } : nil, sums: sums)
                    }
                }
            }
        }
        let sums = Matrix<Float>(unchecked: windows, filterCount, relu ? dh : outputGradient.storage)
        return (sums, Matrix(unchecked: 1, filterCount, biasGradient))
    }

    /// The backward pass from `∂E/∂h` (`sums`, one row per window) and the bias gradient on, for
    /// Float: the weight gradient and, when `needed`, the input gradient.
    @usableFromInline func floatGradients(
        _ trace: ConvolutionTrace<Float>, sumGradient sums: Matrix<Float>, biasGradient: Matrix<Float>, inputGradient needed: Bool
    ) throws -> (inputGradient: Matrix<Float>, weights: Matrix<Float>, bias: Matrix<Float>) {
        // (patches so short that the product takes its few-rows path go through the product)
        let weightGradient = weights.rows > floatProductFewRows
            ? floatWeightGradient(trace, sumGradient: sums) : try patches(trace.input).transposedMatmul(sums)
        let inputGradient = needed ? floatInputGradient(images: trace.input.rows, sumGradient: sums) : Matrix(rows: 0, columns: 0)
        return (inputGradient, weightGradient, biasGradient)
    }

    /// The weight gradient `patchesᵀ · ∂E/∂h` for Float, from the input the trace kept.
    @usableFromInline func floatWeightGradient(_ trace: ConvolutionTrace<Float>, sumGradient dh: Matrix<Float>) -> Matrix<Float> {
        let rows = weights.rows, count = weights.count, images = trace.input.rows
        let out = [Float](unsafeUninitializedCapacity: count) { target, initialized in
            initialized = count
            trace.input.storage.withUnsafeBufferPointer { source in
                dh.storage.withUnsafeBufferPointer { gradient in
                    guard let source = source.baseAddress, let gradient = gradient.baseAddress, let target = target.baseAddress else { return }
                    floatConvolution.weightGradient(images: images, x: source, gradient: gradient, into: target)
                }
            }
        }
        return Matrix(unchecked: rows, filterCount, out)
    }

    /// The input gradient `col2im(∂E/∂h · Wᵀ)` for Float, for a batch of `images`.
    @usableFromInline func floatInputGradient(images: Int, sumGradient dh: Matrix<Float>) -> Matrix<Float> {
        let count = images * inputShape.count
        let out = [Float](unsafeUninitializedCapacity: count) { target, initialized in
            initialized = count
            dh.storage.withUnsafeBufferPointer { gradient in
                weights.storage.withUnsafeBufferPointer { w in
                    guard let gradient = gradient.baseAddress, let w = w.baseAddress, let target = target.baseAddress else { return }
                    floatConvolution.inputGradient(images: images, gradient: gradient, weights: w, into: target)
                }
            }
        }
        return Matrix(unchecked: images, inputShape.count, out)
    }
}
