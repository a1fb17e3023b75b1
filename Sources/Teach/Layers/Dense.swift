/// A fully connected layer: every unit sees every input.
///
/// For a batch `x` of shape `batch×inputs` (one record per row):
///
///     h = x · W + b        // batch×units: h_j = Σ_i x_i w_ij + b_j for every record
///     a = f(h)             // batch×units
///
/// `W` is `inputs×units`, indexed `w_ij` as in the articles (row `i`: input, column `j`: unit), and
/// `b` is `1×units`. This is the article's layer equation `A(i+1) = f(A(i) W(i))` with the bias
/// written separately instead of as a weight on a constant input `x₀ = 1`.
public struct Dense<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `inputs×units` weights `w_ij`.
    public var weights: Matrix<Scalar>
    /// `1×units` biases `b_j` (the weight `w₀` on the constant input `x₀ = 1`).
    public var bias: Matrix<Scalar>
    /// The activation `f` applied to each unit's weighted sum.
    public var activation: Activation

    /// A layer with the given weights (`inputs×units`), biases (one per unit) and activation.
    ///
    /// - Throws: ``ShapeError`` when `bias` is not `1×units`.
    public init(weights: Matrix<Scalar>, bias: Matrix<Scalar>, activation: Activation) throws {
        guard bias.rows == 1, bias.columns == weights.columns else {
            throw ShapeError(
                operation: "Dense", shapes: [weights.shape, bias.shape],
                expected: "the bias must be 1×\(weights.columns), one per unit (column of the weights)")
        }
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// A layer from weights written as rows of `w_ij` (one row per input) and one bias per unit.
    ///
    /// - Throws: ``ShapeError`` when the rows are ragged or the biases do not match the units.
    public init(weights rows: [[Scalar]], bias: [Scalar], activation: Activation) throws {
        try self.init(weights: Matrix(rows), bias: Matrix(row: bias), activation: activation)
    }

    /// Number of inputs each unit sees.
    public var inputCount: Int { weights.rows }
    /// Number of units (outputs).
    public var unitCount: Int { weights.columns }

    /// The weighted sums `h = x · W + b` (`batch×units`).
    ///
    /// - Throws: ``ShapeError`` when `x` does not have ``inputCount`` columns.
    @inlinable public func weightedSums(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard x.columns == weights.rows else {
            throw ShapeError(
                operation: "Dense.forward", shapes: [x.shape, weights.shape],
                expected: "the input needs \(weights.rows) columns (one per input of the layer), got \(x.columns)")
        }
        return try x.matmul(weights).addingToEachRow(bias)
    }

    /// The outputs `a = f(x · W + b)` (`batch×units`).
    @inlinable public func forward(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        activation(try weightedSums(x))
    }
}

extension Array {
    /// The outputs of every layer for the batch `x`: element 0 is `x` itself, element `l + 1` the
    /// output of layer `l`. The last element is the network's output.
    public func forwardAll<Scalar>(_ x: Matrix<Scalar>) throws -> [Matrix<Scalar>] where Element == Dense<Scalar> {
        var outputs = [x]
        for layer in self { outputs.append(try layer.forward(outputs[outputs.count - 1])) }
        return outputs
    }

    /// The network's output for the batch `x`: each layer's output feeds the next.
    public func forward<Scalar>(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> where Element == Dense<Scalar> {
        try reduce(x) { try $1.forward($0) }
    }
}
