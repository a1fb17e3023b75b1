// The public face of this module: plain functions over raw pointers, nothing generic, no SIMD
// types and nothing `@inlinable`, so that the module can be compiled with `-O` while code that
// calls it is compiled at `-Onone` (see Package.swift).

/// The single-precision kernels that training spends its time in.
public enum FloatKernels {
    /// `C = op(A)·op(B)` (or `C += …` when `accumulate`), with `A(i, p) = a[i·aRow + p·aColumn]`
    /// (`m×k`), `B(p, j) = b[p·bRow + j·bColumn]` (`k×n`) and `C` row-major `m×n`. A transposed
    /// operand is just a swap of its two strides.
    ///
    /// Products of at least a million multiply-adds use both cores unless `twoCores` is false, and
    /// the AVX-512 kernel runs when the processor has it unless `wideVectors` is false (the tests
    /// compare every way; the numbers are the same).
    public static func product(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int,
        c: UnsafeMutablePointer<Float>, accumulate: Bool, twoCores: Bool = true, wideVectors: Bool = true
    ) {
        floatProduct(
            m: m, n: n, k: k, a: a, aRow: aRow, aColumn: aColumn, b: b, bRow: bRow, bColumn: bColumn, c: c, accumulate: accumulate,
            twoCores: twoCores, wideVectors: wideVectors)
    }

    /// Whether the processor has AVX-512, so that products run the 16-float kernel.
    public static var hasWideVectors: Bool { FloatProductBlocking.avx512 }

    /// Adam's update of `count` Float parameters in place (the rule in Teach's Optimizer.swift,
    /// bit for bit); large tensors are split over both cores.
    public static func adam(
        count: Int, parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, first: UnsafeMutablePointer<Float>,
        second: UnsafeMutablePointer<Float>, learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
        correction1: Float, correction2: Float, decay: Float
    ) {
        adamFloatUpdate(
            count: count, parameters: parameters, gradients: gradients, first: first, second: second, learningRate: learningRate,
            beta1: beta1, beta2: beta2, epsilon: epsilon, correction1: correction1, correction2: correction2, decay: decay)
    }
}
