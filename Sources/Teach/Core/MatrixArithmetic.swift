// Element-wise arithmetic, broadcasting, reductions and maps: single passes over contiguous memory.

extension Matrix {
    @inlinable func checkSameShape(_ other: Matrix, _ operation: String) throws {
        guard shape == other.shape else {
            throw ShapeError(
                operation: operation, shapes: [shape, other.shape], expected: "element-wise operations need equal shapes")
        }
    }

    /// `f(self[r, c], other[r, c])` for every element.
    ///
    /// - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public func zipMap(
        _ other: Matrix, operation: String = "zipMap", _ f: (Scalar, Scalar) -> Scalar
    ) throws -> Matrix {
        try checkSameShape(other, operation)
        var out = self
        out.storage.withUnsafeMutableBufferPointer { o in
            other.storage.withUnsafeBufferPointer { b in
                for i in 0..<o.count { o[i] = f(o[i], b[i]) }
            }
        }
        return out
    }

    /// `f(element)` for every element.
    @inlinable public func map(_ f: (Scalar) -> Scalar) -> Matrix {
        var out = self
        out.mapInPlace(f)
        return out
    }

    /// Replaces every element with `f(element)`.
    @inlinable public mutating func mapInPlace(_ f: (Scalar) -> Scalar) {
        storage.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count { o[i] = f(o[i]) }
        }
    }

    /// Element-wise sum. - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public static func + (lhs: Matrix, rhs: Matrix) throws -> Matrix {
        try lhs.zipMap(rhs, operation: "+", +)
    }

    /// Element-wise difference. - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public static func - (lhs: Matrix, rhs: Matrix) throws -> Matrix {
        try lhs.zipMap(rhs, operation: "-", -)
    }

    /// Element-wise (Hadamard) product, as `*` in numpy. The matrix product is ``matmul(_:)``.
    /// - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public static func * (lhs: Matrix, rhs: Matrix) throws -> Matrix {
        try lhs.zipMap(rhs, operation: "* (element-wise)", *)
    }

    /// Adds `rhs` to `lhs` in place. - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public static func += (lhs: inout Matrix, rhs: Matrix) throws {
        try lhs.add(rhs, scaledBy: 1)
    }

    /// `self += factor * other`, in place (the "axpy" of BLAS; also a weight update
    /// `w += learningRate * step`).
    ///
    /// - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public mutating func add(_ other: Matrix, scaledBy factor: Scalar) throws {
        try checkSameShape(other, "add(_:scaledBy:)")
        storage.withUnsafeMutableBufferPointer { o in
            other.storage.withUnsafeBufferPointer { b in
                for i in 0..<o.count { o[i] += factor * b[i] }
            }
        }
    }

    /// Every element times `scalar`.
    @inlinable public static func * (scalar: Scalar, matrix: Matrix) -> Matrix {
        matrix.map { scalar * $0 }
    }

    /// Every element times `scalar`.
    @inlinable public static func * (matrix: Matrix, scalar: Scalar) -> Matrix {
        matrix.map { $0 * scalar }
    }

    /// Every element divided by `scalar`.
    @inlinable public static func / (matrix: Matrix, scalar: Scalar) -> Matrix {
        matrix.map { $0 / scalar }
    }

    /// `scalar` plus every element.
    @inlinable public static func + (scalar: Scalar, matrix: Matrix) -> Matrix {
        matrix.map { scalar + $0 }
    }

    /// `scalar` minus every element (e.g. `1 - a` for the sigmoid's derivative).
    @inlinable public static func - (scalar: Scalar, matrix: Matrix) -> Matrix {
        matrix.map { scalar - $0 }
    }

    /// Every element negated.
    @inlinable public static prefix func - (matrix: Matrix) -> Matrix {
        matrix.map { -$0 }
    }

    /// Adds the `1×columns` row vector `row` to every row: the bias add `x · W + b` of a layer.
    ///
    /// - Throws: ``ShapeError`` unless `row` is `1×columns`.
    @inlinable public func addingToEachRow(_ row: Matrix) throws -> Matrix {
        var out = self
        try out.addToEachRow(row, operation: "addingToEachRow")
        return out
    }

    /// Adds the row vector `row` (`1×columns`) to every row, in place: the bias of a layer added to
    /// the weighted sums it has just computed, without a copy of them.
    ///
    /// - Throws: ``ShapeError`` when `row` is not `1×columns`.
    @inlinable public mutating func addToEachRow(_ row: Matrix) throws {
        try addToEachRow(row, operation: "addToEachRow")
    }

    @inlinable mutating func addToEachRow(_ row: Matrix, operation: String) throws {
        guard row.rows == 1, row.columns == columns else {
            throw ShapeError(
                operation: operation, shapes: [shape, row.shape],
                expected: "the row vector must be 1×\(columns)")
        }
        let n = columns, rowCount = rows
        storage.withUnsafeMutableBufferPointer { o in
            row.storage.withUnsafeBufferPointer { b in
                for r in 0..<rowCount {
                    let base = r &* n
                    for c in 0..<n { o[base &+ c] += b[c] }
                }
            }
        }
    }

    /// The sum down each column, as a `1×columns` row vector (numpy's `sum(axis=0)`): summing a
    /// batch of per-record gradients, such as the bias gradient.
    @inlinable public func columnSums() -> Matrix {
        var out = [Scalar](repeating: 0, count: columns)
        let n = columns
        storage.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { o in
                if Scalar.self == Float.self, let a = a.baseAddress, let o = o.baseAddress {
                    // the same sums in a vector kernel, by columns on both cores for a large matrix
                    floatColumnSums(rows: rows, columns: n, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self),
                                    into: UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self))
                    return
                }
                for r in 0..<rows {
                    let base = r &* n
                    for c in 0..<n { o[c] += a[base &+ c] }
                }
            }
        }
        return Matrix(unchecked: 1, columns, out)
    }

    /// The sum along each row, as a `rows×1` column vector (numpy's `sum(axis=1)`).
    @inlinable public func rowSums() -> Matrix {
        var out = [Scalar](repeating: 0, count: rows)
        let n = columns
        storage.withUnsafeBufferPointer { a in
            for r in 0..<rows {
                var sum: Scalar = 0
                let base = r &* n
                for c in 0..<n { sum += a[base &+ c] }
                out[r] = sum
            }
        }
        return Matrix(unchecked: rows, 1, out)
    }

    /// The sum of every element.
    @inlinable public func sum() -> Scalar {
        storage.withUnsafeBufferPointer { a in
            var sum: Scalar = 0
            for x in a { sum += x }
            return sum
        }
    }

    /// The mean of every element (0 for an empty matrix).
    @inlinable public func mean() -> Scalar {
        count == 0 ? 0 : sum() / Scalar(count)
    }

    /// The largest absolute element (0 for an empty matrix).
    @inlinable public func maxMagnitude() -> Scalar {
        storage.reduce(0) { Swift.max($0, Swift.abs($1)) }
    }

    /// The sum of the squared elements, `Σ m_ij²`, accumulated in Double whatever the scalar, so
    /// that a Float gradient's norm does not lose its small elements to rounding.
    ///
    /// Each square is added to `total` in turn, so summing several matrices by passing each one's
    /// result to the next rounds as one running sum over all their elements (as ``globalNorm(_:)``
    /// does).
    @inlinable public func sumOfSquares(addingTo total: Double = 0) -> Double {
        storage.reduce(total) { $0 + Double($1) * Double($1) }
    }

    /// The Frobenius norm `√Σ m_ij²` (the Euclidean length of the elements as one vector), in Double.
    @inlinable public func norm() -> Double { sumOfSquares().squareRoot() }

    /// Whether any element is NaN or infinite.
    ///
    /// Training asks this of every gradient and parameter at every update, so Float and Double
    /// take a loop that vectorises: the largest magnitude's bits (sign cleared) are at least the
    /// exponent's all-ones pattern exactly when some element is infinite or NaN.
    @inlinable public var hasNonFiniteElements: Bool {
        if Scalar.self == Float.self {
            return storage.withUnsafeBytes { bytes in
                var largest: UInt32 = 0
                for bits in bytes.bindMemory(to: UInt32.self) { largest = Swift.max(largest, bits & 0x7fff_ffff) }
                return largest >= 0x7f80_0000
            }
        }
        if Scalar.self == Double.self {
            return storage.withUnsafeBytes { bytes in
                var largest: UInt64 = 0
                for bits in bytes.bindMemory(to: UInt64.self) { largest = Swift.max(largest, bits & 0x7fff_ffff_ffff_ffff) }
                return largest >= 0x7ff0_0000_0000_0000
            }
        }
        return storage.contains { !$0.isFinite }
    }

    /// The matrix converted to another scalar type (e.g. `Double` to `Float` for training).
    @inlinable public func converted<Other: MatrixScalar>(to: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(unchecked: rows, columns, storage.map { Other($0) })
    }

    /// How far this matrix is from `reference`, relative to the reference's size:
    /// `‖self − reference‖ / ‖reference‖` with Frobenius norms (the square root of the sum of the
    /// squared elements), summed in Double. How much training moved a layer's weights from their
    /// starting values, as a fraction of those values.
    ///
    /// - Throws: ``ShapeError`` when the shapes differ; ``InvalidArgument`` when `reference` is all zeros.
    public func relativeDistance(to reference: Matrix) throws -> Double {
        try checkSameShape(reference, "relativeDistance")
        var difference = 0.0, size = 0.0
        for (value, base) in zip(storage, reference.storage) {
            let d = Double(value) - Double(base), b = Double(base)
            difference += d * d
            size += b * b
        }
        guard size > 0 else { throw InvalidArgument("relativeDistance: the reference is all zeros, so no relative distance exists") }
        return (difference / size).squareRoot()
    }
}
