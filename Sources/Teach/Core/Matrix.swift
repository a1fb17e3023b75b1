/// A dense matrix of `Float` or `Double` in contiguous row-major storage.
///
/// Row `r`, column `c` lives at `elements[r * columns + c]`. Layouts are batch-first: a batch of
/// `m` records with `n` features is an `m×n` matrix, one record per row. A layer's weights are
/// `inputs×units`, indexed `w_ij` as in the articles (row `i`: input, column `j`: unit), so a whole
/// layer is `h = x · W + b` for a batch `x`.
///
/// Operations that need shapes to agree check them and throw ``ShapeError`` naming both shapes
/// and the operation; they never trap on a mismatch.
public struct Matrix<Scalar: MatrixScalar>: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    @usableFromInline var storage: [Scalar]

    /// The elements in row-major order (`rows * columns` of them).
    @inlinable public var elements: [Scalar] { storage }

    /// The matrix's shape, `rows×columns`.
    @inlinable public var shape: Shape { Shape(rows, columns) }

    /// Number of elements.
    @inlinable public var count: Int { storage.count }

    @inlinable init(unchecked rows: Int, _ columns: Int, _ storage: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A `rows×columns` matrix with every element equal to `value` (zero by default).
    ///
    /// Negative sizes are a programming error and stop the program.
    @inlinable public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix(rows: \(rows), columns: \(columns)): sizes must be ≥ 0")
        self.init(unchecked: rows, columns, [Scalar](repeating: value, count: rows * columns))
    }

    /// A `rows×columns` matrix from its elements in row-major order.
    ///
    /// - Throws: ``ShapeError`` when `elements.count != rows * columns`.
    @inlinable public init(rows: Int, columns: Int, elements: [Scalar]) throws {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw ShapeError(
                operation: "Matrix(rows:columns:elements:)", shapes: [Shape(rows, columns)],
                expected: "\(max(rows, 0) * max(columns, 0)) elements, got \(elements.count)")
        }
        self.init(unchecked: rows, columns, elements)
    }

    /// A matrix from an array of rows, e.g. `Matrix([[0, 0], [0, 1], [1, 0], [1, 1]])`.
    ///
    /// - Throws: ``ShapeError`` when the rows have different lengths.
    @inlinable public init(_ rowArrays: [[Scalar]]) throws {
        let columns = rowArrays.first?.count ?? 0
        if let bad = rowArrays.firstIndex(where: { $0.count != columns }) {
            throw ShapeError(
                operation: "Matrix([[...]])", shapes: [Shape(rowArrays.count, columns)],
                expected: "every row must have \(columns) elements like row 0; row \(bad) has \(rowArrays[bad].count)")
        }
        self.init(unchecked: rowArrays.count, columns, rowArrays.flatMap { $0 })
    }

    /// A `1×n` matrix holding `values` (a row vector, e.g. a bias or one record).
    @inlinable public init(row values: [Scalar]) {
        self.init(unchecked: 1, values.count, values)
    }

    /// An `n×1` matrix holding `values` (a column vector, e.g. one target per record).
    @inlinable public init(column values: [Scalar]) {
        self.init(unchecked: values.count, 1, values)
    }

    /// A `rows×columns` matrix whose element at `(r, c)` is `value(r, c)`.
    @inlinable public init(rows: Int, columns: Int, _ value: (Int, Int) throws -> Scalar) rethrows {
        precondition(rows >= 0 && columns >= 0, "Matrix(rows: \(rows), columns: \(columns)): sizes must be ≥ 0")
        var storage = [Scalar]()
        storage.reserveCapacity(rows * columns)
        for r in 0..<rows {
            for c in 0..<columns { storage.append(try value(r, c)) }
        }
        self.init(unchecked: rows, columns, storage)
    }

    /// The `n×n` identity matrix.
    @inlinable public static func identity(_ n: Int) -> Matrix {
        Matrix(rows: n, columns: n) { r, c in r == c ? 1 : 0 }
    }

    /// The element at row `row`, column `column`. An index out of range stops the program with
    /// a message that names it.
    @inlinable public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "Matrix[\(row), \(column)] is outside a \(shape) matrix")
            return storage[row &* columns &+ column]
        }
        set {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "Matrix[\(row), \(column)] is outside a \(shape) matrix")
            storage[row &* columns &+ column] = newValue
        }
    }

    /// Row `index` as a `1×columns` matrix.
    @inlinable public func row(_ index: Int) -> Matrix {
        precondition(index >= 0 && index < rows, "row \(index) is outside a \(shape) matrix")
        return Matrix(unchecked: 1, columns, Array(storage[index * columns..<(index + 1) * columns]))
    }

    /// Row `index` as an array.
    @inlinable public func rowArray(_ index: Int) -> [Scalar] { row(index).storage }

    /// Column `index` as an array.
    @inlinable public func columnArray(_ index: Int) -> [Scalar] {
        precondition(index >= 0 && index < columns, "column \(index) is outside a \(shape) matrix")
        return (0..<rows).map { storage[$0 * columns + index] }
    }

    /// The rows as arrays (for printing and tests; not for hot paths).
    public var rowArrays: [[Scalar]] { (0..<rows).map { rowArray($0) } }

    /// The rows at `indices`, in that order, as a new `indices.count×columns` matrix (a minibatch).
    ///
    /// - Throws: ``InvalidArgument`` when an index is outside `0..<rows`.
    @inlinable public func gatherRows<Indices: Collection>(_ indices: Indices) throws -> Matrix
    where Indices.Element == Int {
        var out = [Scalar]()
        out.reserveCapacity(indices.count * columns)
        for i in indices {
            guard i >= 0 && i < rows else {
                throw InvalidArgument("gatherRows: row \(i) is outside a \(shape) matrix (rows 0..<\(rows))")
            }
            out.append(contentsOf: storage[i * columns..<(i + 1) * columns])
        }
        return Matrix(unchecked: indices.count, columns, out)
    }

    /// The same elements read as a `rows×columns` matrix.
    ///
    /// - Throws: ``ShapeError`` when the element count differs.
    @inlinable public func reshaped(rows: Int, columns: Int) throws -> Matrix {
        guard rows >= 0, columns >= 0, rows * columns == count else {
            throw ShapeError(
                operation: "reshaped", shapes: [shape, Shape(rows, columns)],
                expected: "the same number of elements (\(count)), got \(rows * columns)")
        }
        return Matrix(unchecked: rows, columns, storage)
    }

    /// Calls `body` with the elements, read-only, in row-major order.
    @inlinable public func withUnsafeBufferPointer<R>(
        _ body: (UnsafeBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the elements, writable, in row-major order. The shape cannot change.
    @inlinable public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }
}

extension Matrix: CustomStringConvertible {
    /// The matrix as rows of numbers, e.g. `[[1.0, 2.0], [3.0, 4.0]]`, with the shape first when
    /// it is large (only the corners are shown then).
    public var description: String {
        func rowText(_ r: Int) -> String {
            let values = rowArray(r)
            if values.count <= 8 { return "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
            return "[" + values.prefix(3).map { "\($0)" }.joined(separator: ", ") + ", …, "
                + values.suffix(3).map { "\($0)" }.joined(separator: ", ") + "]"
        }
        if rows <= 8 { return "[" + (0..<rows).map(rowText).joined(separator: ", ") + "]" }
        return "\(shape) [" + (0..<3).map(rowText).joined(separator: ", ") + ", …, "
            + (rows - 3..<rows).map(rowText).joined(separator: ", ") + "]"
    }
}

extension Matrix {
    /// Rows `row ..< row + rowCount`, columns `column ..< column + columnCount`, as a matrix.
    func block(rows row: Int, _ rowCount: Int, columns column: Int, _ columnCount: Int) -> Matrix {
        Matrix(rows: rowCount, columns: columnCount) { r, c in self[row + r, column + c] }
    }

    /// A `rows×columns` matrix whose elements are not set, for a buffer whose every element the
    /// caller writes before any is read (Float and Double only, for which any bits are a number).
    /// A recurrent layer's pass fills buffers of megabytes step by step; clearing them first cost
    /// about 4% of an LSTM's training step.
    init(uninitializedRows rows: Int, columns: Int) {
        self.init(unchecked: rows, columns, [Scalar](unsafeUninitializedCapacity: rows * columns) { _, initialized in initialized = rows * columns })
    }

    /// Copies the rows into memory whose rows are `rowStride` apart (a block of a larger matrix,
    /// written through its pointer).
    func copy(into target: UnsafeMutablePointer<Scalar>, rowStride: Int) {
        storage.withUnsafeBufferPointer { source in
            for r in 0..<rows { (target + r * rowStride).update(from: source.baseAddress! + r * columns, count: columns) }
        }
    }

    /// Writes `value` with its top-left element at (`row`, `column`).
    mutating func setBlock(rows row: Int, columns column: Int, _ value: Matrix) {
        for r in 0..<value.rows { for c in 0..<value.columns { self[row + r, column + c] = value[r, c] } }
    }
}
