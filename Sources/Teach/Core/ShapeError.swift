/// The shape of a matrix: rows by columns. Printed as `4×2`.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    /// Number of rows (in a batch-first layout: the number of records).
    public var rows: Int
    /// Number of columns (in a batch-first layout: the number of features or units).
    public var columns: Int

    /// The shape `rows×columns`.
    @inlinable public init(_ rows: Int, _ columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// Number of elements, `rows * columns`.
    @inlinable public var count: Int { rows * columns }

    /// `rows×columns`, e.g. `4×2`.
    public var description: String { "\(rows)×\(columns)" }
}

/// An operation was given matrices (or sizes) whose shapes do not fit together.
///
/// The message names the operation, every shape involved and the rule that was broken, e.g.
/// `matmul: 2×3 and 4×5 do not fit: the left's columns (3) must equal the right's rows (4)`.
public struct ShapeError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The operation that refused its operands, e.g. `matmul` or `+`.
    public var operation: String
    /// The shapes it was given, in argument order.
    public var shapes: [Shape]
    /// What was expected, in words.
    public var expected: String

    /// An error for `operation`, which was given `shapes` and expected what `expected` says.
    public init(operation: String, shapes: [Shape], expected: String) {
        self.operation = operation
        self.shapes = shapes
        self.expected = expected
    }

    /// The message: the operation, the shapes and what was expected.
    public var description: String {
        let given = shapes.map(\.description)
        let list = given.count == 2 ? "\(given[0]) and \(given[1])" : given.joined(separator: ", ")
        return "\(operation): \(list) do\(shapes.count == 1 ? "es" : "") not fit: \(expected)"
    }
}

/// A value outside what a function accepts (a negative size, a batch size of 0, NaN where a number
/// is needed). The message names the value and what was expected.
public struct InvalidArgument: Error, Sendable, CustomStringConvertible, Equatable {
    /// What was wrong, naming the value and what was expected.
    public var message: String
    /// An error with `message`, e.g. `Dropout: the rate 1.5 must be in [0, 1)`.
    public init(_ message: String) { self.message = message }
    /// The ``message``.
    public var description: String { message }
}
