import RealModule

/// The softmax of each row: `s_k = e^(z_k) / Σ_j e^(z_j)`, numbers between 0 and 1 that sum to 1,
/// used to turn a classifier's scores (logits) into class probabilities.
///
/// Unlike the element-wise ``Activation``s, each output depends on the whole row. Computed the
/// stable way, as PyTorch does: subtract the row's maximum first, `e^(z_k − max)`, which gives the
/// same result (the factor `e^(−max)` cancels) but never overflows: `e^1000` is infinite in Double,
/// `e^0` is 1.
///
/// As a layer (`Softmax()`, PyTorch's `nn.Softmax(dim=-1)` over each record) it keeps its output
/// for the backward pass. Followed by ``Loss/crossEntropy`` at the end of a ``Model``, the two
/// backward passes are taken together: the gradient of the scores is `(ŷ − y)/m`.
public struct Softmax<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The output of the last forward pass (`batch×classes`), for the backward pass.
    @usableFromInline var saved = Saved<Matrix<Scalar>>()

    /// The softmax as a layer.
    public init() {}

    /// The softmax of every row of `logits` (`batch×classes`).
    @inlinable public static func forward(_ logits: Matrix<Scalar>) -> Matrix<Scalar> {
        var out = logits
        let columns = logits.columns
        guard columns > 0 else { return out }
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<logits.rows {
                let row = UnsafeMutableBufferPointer(rebasing: o[(r * columns)..<((r + 1) * columns)])
                let largest = row.max()!
                var sum: Scalar = 0
                for c in 0..<columns {
                    row[c] = Scalar.exp(row[c] - largest)
                    sum += row[c]
                }
                for c in 0..<columns { row[c] /= sum }
            }
        }
        return out
    }

    /// The softmax without subtracting the maximum, `e^(z_k) / Σ e^(z_j)`, exactly as the formula
    /// reads; it overflows for large logits. Here only to show why ``forward(_:)`` is written as it is.
    @inlinable public static func naive(_ logits: Matrix<Scalar>) -> Matrix<Scalar> {
        let exps = logits.map { Scalar.exp($0) }
        let sums = exps.rowSums()
        return Matrix(rows: logits.rows, columns: logits.columns) { r, c in exps[r, c] / sums[r, 0] }
    }

    /// The backward pass: from `∂E/∂s` (`outputGradient`) and the softmax output `s` to `∂E/∂z`.
    /// The Jacobian is `∂s_k/∂z_j = s_k (δ_kj − s_j)`, so row by row
    ///
    ///     ∂E/∂z_j = s_j · (∂E/∂s_j − Σ_k ∂E/∂s_k · s_k)
    ///
    /// - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public static func backward(
        output s: Matrix<Scalar>, outputGradient g: Matrix<Scalar>
    ) throws -> Matrix<Scalar> {
        let dot = try (s * g).rowSums()
        return try s.zipMap(g, operation: "Softmax.backward") { $0 * $1 }
            .zipMap(Matrix(rows: s.rows, columns: s.columns) { r, c in s[r, c] * dot[r, 0] }) { $0 - $1 }
    }
}

extension Softmax: Layer {
    public var name: String { "softmax" }

    public func outputShape(for input: RecordShape) throws -> RecordShape { input }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let output = Self.forward(x)
        saved.value = output
        return output
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        LayerGradients(input: try Self.backward(output: saved.take(for: name), outputGradient: outputGradient))
    }

    public var parameters: [Matrix<Scalar>] { [] }
    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {}
}

extension Softmax: StorableLayer {
    /// In a model file: kind `softmax`, nothing else.
    public static var kind: String { "softmax" }

    public func store(into writer: inout LayerWriter) throws {}

    public init(reading reader: inout LayerReader) throws { self.init() }
}
