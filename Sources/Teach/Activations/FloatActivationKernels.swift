import TeachKernels

// ReLU on Float matrices, the training case, through TeachKernels' vector loops (optimised even in
// debug builds). The arithmetic is the generic code's, so results are the same bit for bit.

/// `h <= 0 ? 0 : h` element by element (−0 gives +0, NaN gives NaN).
@usableFromInline
func floatReLU(_ h: [Float]) -> [Float] {
    [Float](unsafeUninitializedCapacity: h.count) { output, initialized in
        h.withUnsafeBufferPointer { input in
            if let source = input.baseAddress, let target = output.baseAddress { FloatKernels.relu(count: input.count, source, into: target) }
        }
        initialized = h.count
    }
}

/// `g · (h <= 0 ? 0 : 1)` element by element (a NaN `h` passes `g` through); `g` and `h` have the same count.
@usableFromInline
func floatReLUGradient(_ g: [Float], _ h: [Float]) -> [Float] {
    [Float](unsafeUninitializedCapacity: g.count) { output, initialized in
        g.withUnsafeBufferPointer { gradient in
            h.withUnsafeBufferPointer { sums in
                if let g = gradient.baseAddress, let h = sums.baseAddress, let target = output.baseAddress {
                    FloatKernels.reluGradient(count: gradient.count, g, weightedSums: h, into: target)
                }
            }
        }
        initialized = g.count
    }
}
