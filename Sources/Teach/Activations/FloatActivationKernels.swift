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

/// GELU (`x·Φ(x)`) element by element, through a vector kernel whose `Φ` is within a couple of
/// units in the last place of the C library's `erfc`-based one (the scalar rule, which Double uses).
@usableFromInline
func floatGELU(_ h: [Float]) -> [Float] {
    [Float](unsafeUninitializedCapacity: h.count) { output, initialized in
        h.withUnsafeBufferPointer { input in
            if let source = input.baseAddress, let target = output.baseAddress { FloatKernels.gelu(count: input.count, source, into: target) }
        }
        initialized = h.count
    }
}

/// `g · GELU'(h)` element by element, through the vector kernel; `g` and `h` have the same count.
@usableFromInline
func floatGELUGradient(_ g: [Float], _ h: [Float]) -> [Float] {
    [Float](unsafeUninitializedCapacity: g.count) { output, initialized in
        g.withUnsafeBufferPointer { gradient in
            h.withUnsafeBufferPointer { sums in
                if let g = gradient.baseAddress, let h = sums.baseAddress, let target = output.baseAddress {
                    FloatKernels.geluGradient(count: gradient.count, g, weightedSums: h, into: target)
                }
            }
        }
        initialized = g.count
    }
}

/// `f` applied to every element, in two halves on both cores when there are enough of them to pay
/// for the second core: for functions that cost tens of nanoseconds an element (exponentials,
/// `erf`, `tanh`). Each element is computed as it is on one core, so the numbers do not depend on
/// the split.
@usableFromInline
@_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
func mapOnTwoCores<Scalar: MatrixScalar>(_ elements: [Scalar], _ f: @escaping (Scalar) -> Scalar) -> [Scalar] {
    let count = elements.count
    return [Scalar](unsafeUninitializedCapacity: count) { output, initialized in
        elements.withUnsafeBufferPointer { input in
            if let source = input.baseAddress, let target = output.baseAddress {
                FloatKernels.inTwoHalves(count, split: count >= elementsWorthTwoCores) { first, count in
                    for index in first..<(first + count) { (target + index).initialize(to: f(source[index])) }
                }
            }
        }
        initialized = count
    }
}

/// The elements from which ``mapOnTwoCores(_:_:)`` splits its work: some tens of microseconds of
/// exponentials, where handing half to the second core costs a few.
@usableFromInline let elementsWorthTwoCores = 4096
