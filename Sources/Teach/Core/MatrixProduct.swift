// The matrix product, with either operand optionally transposed (as backpropagation needs:
// `xᵀ · δ` for a weight gradient, `δ · Wᵀ` for the delta of the layer below).

extension Matrix {
    /// The matrix product `self · other` (`m×k` times `k×n` gives `m×n`).
    ///
    /// Entry `(i, j)` is `Σ_p self[i, p] · other[p, j]`; for a batch `x` and weights `W`,
    /// `x.matmul(W)` is every record's weighted sums `h_j = Σ_i x_i w_ij` at once.
    ///
    /// - Throws: ``ShapeError`` when `self.columns != other.rows`.
    @inlinable public func matmul(_ other: Matrix) throws -> Matrix {
        try Matrix.product(self, transposed: false, other, transposed: false)
    }

    /// `selfᵀ · other` without building the transpose (`k×m`ᵀ times `k×n` gives `m×n`).
    ///
    /// - Throws: ``ShapeError`` when `self.rows != other.rows`.
    @inlinable public func transposedMatmul(_ other: Matrix) throws -> Matrix {
        try Matrix.product(self, transposed: true, other, transposed: false)
    }

    /// `self · otherᵀ` (`m×k` times `n×k`ᵀ gives `m×n`).
    ///
    /// - Throws: ``ShapeError`` when `self.columns != other.columns`.
    @inlinable public func matmulTransposed(_ other: Matrix) throws -> Matrix {
        try Matrix.product(self, transposed: false, other, transposed: true)
    }

    /// The transpose: row `r` becomes column `r`.
    @inlinable public func transposed() -> Matrix {
        var out = [Scalar](repeating: 0, count: count)
        let m = rows, n = columns
        storage.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { t in
                // Blocked, so both sides are read and written in cache-sized tiles.
                let tile = 32
                for r0 in stride(from: 0, to: m, by: tile) {
                    for c0 in stride(from: 0, to: n, by: tile) {
                        for r in r0..<Swift.min(r0 &+ tile, m) {
                            for c in c0..<Swift.min(c0 &+ tile, n) { t[c &* m &+ r] = a[r &* n &+ c] }
                        }
                    }
                }
            }
        }
        return Matrix(unchecked: columns, rows, out)
    }

    /// `op(a) · op(b)`, where `op` transposes when asked. Checks the inner sizes, then runs the
    /// kernel.
    @inlinable static func product(_ a: Matrix, transposed ta: Bool, _ b: Matrix, transposed tb: Bool) throws -> Matrix {
        let m = ta ? a.columns : a.rows
        let k = ta ? a.rows : a.columns
        let kb = tb ? b.columns : b.rows
        let n = tb ? b.rows : b.columns
        guard k == kb else {
            let name = ["matmul", "transposedMatmul", "matmulTransposed", "product"][(ta ? 1 : 0) + (tb ? 2 : 0)]
            let left = ta ? "left's rows" : "left's columns"
            let right = tb ? "right's columns" : "right's rows"
            throw ShapeError(
                operation: name, shapes: [a.shape, b.shape],
                expected: "the \(left) (\(k)) must equal the \(right) (\(kb))")
        }
        if Scalar.self == Float.self {
            // Float, the training type: the packed, vectorised, two-core kernel (FloatProduct.swift),
            // reading either operand transposed through its strides.
            let left = unsafeBitCast(a.storage, to: [Float].self), right = unsafeBitCast(b.storage, to: [Float].self)
            // C is written by the kernel, not cleared first: a pass of zeros over a 784×500 weight
            // gradient on one core cost more than a tenth of the product's time on two.
            let out = [Float](unsafeUninitializedCapacity: m * n) { cp, initialized in
                initialized = m * n
                guard let cp = cp.baseAddress else { return }
                left.withUnsafeBufferPointer { ap in
                    right.withUnsafeBufferPointer { bp in
                        guard let ap = ap.baseAddress, let bp = bp.baseAddress else {
                            cp.initialize(repeating: 0, count: m * n)  // k = 0: the empty sum
                            return
                        }
                        floatProduct(
                            m: m, n: n, k: k, a: ap, aRow: ta ? 1 : a.columns, aColumn: ta ? a.columns : 1, b: bp,
                            bRow: tb ? 1 : b.columns, bColumn: tb ? b.columns : 1, c: cp, accumulate: false)
                    }
                }
            }
            return Matrix(unchecked: m, n, unsafeBitCast(out, to: [Scalar].self))
        }
        // Double, where the book checks exact numbers: the plain loop, whose order of additions is
        // easy to state. It streams rows of op(b); a transposed b is laid out once, which costs
        // k·n copies against m·k·n multiply-adds.
        let right = tb ? b.transposed() : b
        var out = [Scalar](repeating: 0, count: m * n)
        a.storage.withUnsafeBufferPointer { ap in
            right.storage.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { cp in
                    multiplyAccumulate(
                        m: m, n: n, k: k, a: ap.baseAddress, aTransposed: ta, b: bp.baseAddress, c: cp.baseAddress)
                }
            }
        }
        return Matrix(unchecked: m, n, out)
    }

    /// `C += op(A) · B` for `m×k` `op(A)`, `k×n` `B` and `m×n` `C`, all row-major.
    ///
    /// The loop order is i-p-j: each `C` row is updated by `a_ip · (row p of B)`, an "axpy" over
    /// contiguous memory that the compiler vectorises without reordering any sum.
    @inlinable static func multiplyAccumulate(
        m: Int, n: Int, k: Int, a: UnsafePointer<Scalar>?, aTransposed: Bool,
        b: UnsafePointer<Scalar>?, c: UnsafeMutablePointer<Scalar>?
    ) {
        guard m > 0, n > 0, k > 0, let a, let b, let c else { return }
        for i in 0..<m {
            let cRow = c + i &* n
            for p in 0..<k {
                let aip = aTransposed ? a[p &* m &+ i] : a[i &* k &+ p]
                let bRow = b + p &* n
                for j in 0..<n { cRow[j] += aip * bRow[j] }
            }
        }
    }
}
