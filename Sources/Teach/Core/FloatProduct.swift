import TeachKernels

/// The Float product's entry point for `Matrix.product` (which is `@inlinable`, so it reaches the
/// kernel through this plain function): the kernel itself lives in the `TeachKernels` module,
/// whose C kernels pick the processor's instruction set at run time (Sources/CKernels).
@usableFromInline
func floatProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int,
    c: UnsafeMutablePointer<Float>, accumulate: Bool
) {
    FloatKernels.product(m: m, n: n, k: k, a: a, aRow: aRow, aColumn: aColumn, b: b, bRow: bRow, bColumn: bColumn, c: c, accumulate: accumulate)
}
