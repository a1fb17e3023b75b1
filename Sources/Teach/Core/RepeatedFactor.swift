import TeachKernels

/// The right-hand factor of many products by the same matrix: a recurrent layer's `W_hh`, which
/// every time step's states meet (`h_{t−1} W_hhᵀ` forward, `∂a W_hh` backward). It is laid out
/// once for all the steps instead of on every product.
///
/// Each product gives the numbers `Matrix.matmul` (or `matmulTransposed`) gives for the same rows,
/// bit for bit: Float through the kernel's packed factor (`PackedFloatFactor`) where the product
/// would pack, Double through the plain loop over a transpose made once.
struct RepeatedFactor<Scalar: MatrixScalar> {
    /// `op(W)`'s rows: the depth of each product.
    let depth: Int
    /// `op(W)`'s columns: the columns of each product.
    let columns: Int
    /// `W` as given, for Float products the kernel streams unpacked (a few rows, `W` untransposed).
    private let matrix: Matrix<Scalar>
    /// Float: `op(W)` packed for the kernel. Double: `op(W)` laid out row-major for the loop.
    private let packed: PackedFloatFactor?
    private let laidOut: Matrix<Scalar>?

    /// `op(W)`, `W` or `Wᵀ`, for products of `rows` rows.
    init(_ matrix: Matrix<Scalar>, transposed: Bool, rows: Int) {
        self.matrix = matrix
        let (depth, columns) = transposed ? (matrix.columns, matrix.rows) : (matrix.rows, matrix.columns)
        (self.depth, self.columns) = (depth, columns)
        if Scalar.self == Float.self {
            // Matrix.product streams an untransposed W for a few rows, and packs it otherwise.
            let streams = rows <= FloatKernels.fewRows && !transposed
            packed = streams ? nil : matrix.withUnsafeBufferPointer { w in
                PackedFloatFactor(
                    depth: depth, columns: columns, b: floats(w.baseAddress!), bRow: transposed ? 1 : columns, bColumn: transposed ? depth : 1)
            }
            laidOut = nil
        } else {
            packed = nil
            laidOut = transposed ? matrix.transposed() : matrix
        }
    }

    /// `C = A·op(W)` into `c` (its rows are `A`'s, its columns ``columns``), for `A`'s rows at `a`,
    /// `aRow` apart.
    func multiply(_ a: UnsafePointer<Scalar>, aRow: Int, into c: inout Matrix<Scalar>) {
        let rows = c.rows
        c.withUnsafeMutableBufferPointer { c in multiply(rows: rows, a, aRow: aRow, into: c.baseAddress!) }
    }

    /// `C = A·op(W)` for `rows` rows of `A` at `a`, each `depth` numbers, `aRow` apart (a time step
    /// of a `B×(T·width)` batch: `aRow = T·width`), into the `rows×columns` row-major `c`.
    func multiply(rows: Int, _ a: UnsafePointer<Scalar>, aRow: Int, into c: UnsafeMutablePointer<Scalar>) {
        if let packed {
            packed.product(m: rows, a: floats(a), aRow: aRow, aColumn: 1, c: floats(c), accumulate: false)
            return
        }
        if Scalar.self == Float.self {
            matrix.withUnsafeBufferPointer { w in
                FloatKernels.product(
                    m: rows, n: columns, k: depth, a: floats(a), aRow: aRow, aColumn: 1, b: floats(w.baseAddress!), bRow: columns, bColumn: 1,
                    c: floats(c), accumulate: false)
            }
            return
        }
        // Double: Matrix.product's loop (C += a_ip · row p of op(W), from zeros) on A's rows made contiguous
        let k = depth
        var rowsOfA = [Scalar](repeating: 0, count: rows * k)
        for i in 0..<rows { for p in 0..<k { rowsOfA[i * k + p] = a[i * aRow + p] } }
        c.update(repeating: 0, count: rows * columns)
        rowsOfA.withUnsafeBufferPointer { ap in
            laidOut!.withUnsafeBufferPointer { wp in
                Matrix<Scalar>.multiplyAccumulate(
                    m: rows, n: columns, k: k, a: ap.baseAddress, aTransposed: false, b: wp.baseAddress, c: c)
            }
        }
    }
}
