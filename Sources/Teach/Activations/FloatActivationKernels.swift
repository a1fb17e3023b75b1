import TeachKernels

// ReLU and GELU on Float matrices, the training case, through TeachKernels' vector loops
// (optimised even in debug builds). ReLU's arithmetic is the generic code's, so its results are the
// same bit for bit; GELU's Φ is a vector polynomial within a few units in the last place of the
// C library's erfc-based one (the scalar rule, which Double uses).

/// `h <= 0 ? 0 : h` element by element (−0 gives +0, NaN gives NaN).
@usableFromInline
func floatReLU(_ h: [Float]) -> [Float] { floatMap(h, FloatKernels.relu) }

/// `g · (h <= 0 ? 0 : 1)` element by element (a NaN `h` passes `g` through); `g` and `h` have the same count.
@usableFromInline
func floatReLUGradient(_ g: [Float], _ h: [Float]) -> [Float] { floatZipMap(g, h, FloatKernels.reluGradient) }

/// GELU, `x·Φ(x)`, element by element.
@usableFromInline
func floatGELU(_ h: [Float]) -> [Float] { floatMap(h) { FloatKernels.gelu(count: $0, $1, into: $2) } }

/// `g · GELU'(h)` element by element; `g` and `h` have the same count.
@usableFromInline
func floatGELUGradient(_ g: [Float], _ h: [Float]) -> [Float] {
    floatZipMap(g, h) { FloatKernels.geluGradient(count: $0, $1, weightedSums: $2, into: $3) }
}

/// A new array from `kernel(count, source, target)` over the numbers of `h`.
func floatMap(_ h: [Float], _ kernel: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: h.count) { output, initialized in
        h.withUnsafeBufferPointer { input in
            if let source = input.baseAddress, let target = output.baseAddress { kernel(input.count, source, target) }
        }
        initialized = h.count
    }
}

/// A new array from `kernel(count, gradient, weightedSums, target)` over `g` and `h` (the same count).
func floatZipMap(
    _ g: [Float], _ h: [Float], _ kernel: (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
) -> [Float] {
    [Float](unsafeUninitializedCapacity: g.count) { output, initialized in
        g.withUnsafeBufferPointer { gradient in
            h.withUnsafeBufferPointer { sums in
                if let g = gradient.baseAddress, let h = sums.baseAddress, let target = output.baseAddress { kernel(gradient.count, g, h, target) }
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
