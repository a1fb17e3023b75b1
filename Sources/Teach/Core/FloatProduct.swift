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

/// Column sums of a row-major Float matrix for `Matrix.columnSums` (row after row from 0, each
/// column as the plain loop sums it), split by columns over both cores when large.
@usableFromInline
func floatColumnSums(rows: Int, columns: Int, _ elements: UnsafePointer<Float>, into sums: UnsafeMutablePointer<Float>) {
    FloatKernels.reluGradientAndColumnSums(rows: rows, columns: columns, gradient: elements, relu: nil, sums: sums)
}
