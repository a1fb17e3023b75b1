/// Multi-head attention from one sequence to another, as PyTorch's
/// `torch.nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)` called as
/// `attention(query, memory, memory, key_padding_mask=padding)`: every position of the query
/// sequence (a decoder's states) looks at every position of the memory (an encoder's states) and
/// takes a weighted average of what they offer.
///
/// Per record, with the query sequence `X` (`Tq×E`), the memory `M` (`Tk×E`) and head `h` of `H`
/// (each `d = E/H` numbers wide):
///
///     Q = X W_qᵀ + b_q     K = M W_kᵀ + b_k     V = M W_vᵀ + b_v      (W_q, W_k, W_v: the three E×E blocks of W_in)
///     S_h = Q_h K_hᵀ / √d                       Tq×Tk: how well each query matches each key
///     S_h[i, j] = −∞ where memory position j is padding
///     P_h = softmax of each row of S_h          the attention weights, each row sums to 1
///     O_h = P_h V_h                             Tq×d
///     Y = [O_1 … O_H] W_outᵀ + b_out            Tq×E
///
/// **Parameters**, PyTorch's layout and names, as in ``CausalSelfAttention``: `in_proj_weight`
/// `3E×E` (rows `0..<E` make the queries from `X`, then the keys and the values from `M`),
/// `in_proj_bias` `1×3E`, `out_proj.weight` `E×E`, `out_proj.bias` `1×E`; Xavier-uniform for
/// `in_proj_weight`, `U(−1/√E, 1/√E)` for `out_proj.weight`, biases 0.
///
/// **Backward**, per record and head, from `G = ∂E/∂Y`:
///
///     ∂W_out += Gᵀ O    ∂b_out += Σ G    ∂O = G W_out
///     ∂V_h = P_hᵀ ∂O_h     ∂P_h = ∂O_h V_hᵀ
///     ∂S_h = P_h ⊙ (∂P_h − rowsum(∂P_h ⊙ P_h))      (0 where masked)
///     ∂Q_h = ∂S_h K_h / √d     ∂K_h = ∂S_hᵀ Q_h / √d
///     ∂X = ∂Q W_q      ∂M = ∂K W_k + ∂V W_v
///     ∂W_q += ∂Qᵀ X    ∂W_k += ∂Kᵀ M    ∂W_v += ∂Vᵀ M    ∂b_in += Σ ∂[Q K V]
///
/// Not a ``Layer``: it takes two inputs. ``EncoderDecoder`` calls it; ``attentionWeights`` keeps
/// the last forward pass's `P` for figures.
///
/// Differences from PyTorch: the query and the memory have the same width `E` (PyTorch's `kdim`
/// and `vdim` default to it too); the key and the value are the same sequence; no dropout on the
/// weights; PyTorch's `need_weights` averages the heads' weights, ``attentionWeights`` keeps them
/// per head.
public struct CrossAttention<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `W_in`, `3E×E` (PyTorch's `in_proj_weight`): `W_q`, `W_k`, `W_v` stacked.
    public var inputWeights: Matrix<Scalar>
    /// `b_in`, `1×3E` (PyTorch's `in_proj_bias`).
    public var inputBias: Matrix<Scalar>
    /// `W_out`, `E×E` (PyTorch's `out_proj.weight`).
    public var outputWeights: Matrix<Scalar>
    /// `b_out`, `1×E` (PyTorch's `out_proj.bias`).
    public var outputBias: Matrix<Scalar>
    /// `H`, the heads; each attends over `E/H` numbers.
    public let heads: Int
    /// What the forward pass keeps: the query sequences `X` (`(B·Tq)×E`), the memory `M`
    /// (`(B·Tk)×E`), `Q` (`(B·Tq)×E`), `[K V]` (`(B·Tk)×2E`), the heads' outputs before `W_out`
    /// (`(B·Tq)×E`) and the weights `P`, one `Tq×Tk` matrix per record and head.
    @usableFromInline var saved = Saved<
        (
            queries: Matrix<Scalar>, memory: Matrix<Scalar>, q: Matrix<Scalar>, keysAndValues: Matrix<Scalar>, mixed: Matrix<Scalar>,
            weights: [Matrix<Scalar>]
        )
    >()
    /// The attention weights `P` of the last forward pass: `attentionWeights[b·H + h][i, j]` is how
    /// much query position `i` of record `b` took from memory position `j` in head `h` (0 for padding).
    public private(set) var attentionWeights: [Matrix<Scalar>] = []

    /// An attention with the given parameters, in PyTorch's layout.
    /// - Throws: ``ShapeError`` when they do not fit one `E`; ``InvalidArgument`` when `heads`
    ///   does not divide `E`.
    public init(inputWeights: Matrix<Scalar>, inputBias: Matrix<Scalar>, outputWeights: Matrix<Scalar>, outputBias: Matrix<Scalar>, heads: Int) throws {
        try ScaledDotProductAttention.checkParameters(
            "CrossAttention", inputWeights: inputWeights, inputBias: inputBias, outputWeights: outputWeights, outputBias: outputBias, heads: heads)
        self.inputWeights = inputWeights
        self.inputBias = inputBias
        self.outputWeights = outputWeights
        self.outputBias = outputBias
        self.heads = heads
    }

    /// An attention over `dimension` numbers with `heads` heads, initialized as PyTorch
    /// initializes `nn.MultiheadAttention`.
    /// - Throws: ``InvalidArgument`` for a dimension below 1 or heads that do not divide it.
    public init(dimension: Int, heads: Int, using generator: inout SeededGenerator) throws {
        let (wIn, wOut): (Matrix<Scalar>, Matrix<Scalar>) = try ScaledDotProductAttention.drawWeights(
            "CrossAttention", dimension: dimension, using: &generator)
        try self.init(
            inputWeights: wIn, inputBias: Matrix(rows: 1, columns: 3 * dimension), outputWeights: wOut,
            outputBias: Matrix(rows: 1, columns: dimension), heads: heads)
    }

    /// `E`, the numbers per position.
    public var dimension: Int { inputWeights.columns }

    /// The parameters in PyTorch's order: `in_proj_weight`, `in_proj_bias`, `out_proj.weight`, `out_proj.bias`.
    public var parameters: [Matrix<Scalar>] { [inputWeights, inputBias, outputWeights, outputBias] }

    /// PyTorch's names in `nn.MultiheadAttention`'s state dict.
    public var parameterNames: [String] { ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"] }

    /// Calls `update` on each parameter with its index in ``parameters``.
    public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try update(&inputWeights, 0)
        try update(&inputBias, 1)
        try update(&outputWeights, 2)
        try update(&outputBias, 3)
    }

    // book: cross-attention-forward
    /// `Y`, `B×(Tq·E)`, for the query sequences `queries` (`B×(Tq·E)`) looking at `memory`
    /// (`B×(Tk·E)`); `padding[b][j]` true leaves memory position `j` of record `b` out (PyTorch's
    /// `key_padding_mask`).
    /// - Throws: ``ShapeError`` when the widths are not whole sequences of `E` numbers, the batch
    ///   sizes differ, or `padding` is not `B` rows of `Tk`; ``InvalidArgument`` when a record's
    ///   memory is all padding.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(queries: Matrix<Scalar>, memory: Matrix<Scalar>, padding: [[Bool]]? = nil) throws -> Matrix<Scalar> {
        let e = dimension, d = e / heads, b = queries.rows
        let (tq, tk) = try lengths(queries: queries, memory: memory, padding: padding)
        let x = try queries.reshaped(rows: b * tq, columns: e), m = try memory.reshaped(rows: b * tk, columns: e)
        let q = try x.matmulTransposed(inputWeights.block(rows: 0, e, columns: 0, e)).addingToEachRow(inputBias.block(rows: 0, 1, columns: 0, e))
        let keysAndValues = try m.matmulTransposed(inputWeights.block(rows: e, 2 * e, columns: 0, e))
            .addingToEachRow(inputBias.block(rows: 0, 1, columns: e, 2 * e))
        var mixed = Matrix<Scalar>(rows: b * tq, columns: e)
        var weights: [Matrix<Scalar>] = []
        for record in 0..<b {
            for head in 0..<heads {
                let (p, o) = try ScaledDotProductAttention.forward(
                    queries: q.block(rows: record * tq, tq, columns: head * d, d),
                    keys: keysAndValues.block(rows: record * tk, tk, columns: head * d, d),
                    values: keysAndValues.block(rows: record * tk, tk, columns: e + head * d, d)
                ) { scores in
                    guard let padding else { return }
                    for j in 0..<tk where padding[record][j] { for i in 0..<tq { scores[i, j] = -Scalar.infinity } }
                }
                mixed.setBlock(rows: record * tq, columns: head * d, o)
                weights.append(p)
            }
        }
        saved.value = (x, m, q, keysAndValues, mixed, weights)
        attentionWeights = weights
        return try mixed.matmulTransposed(outputWeights).addingToEachRow(outputBias).reshaped(rows: b, columns: tq * e)
    }
    // book: end cross-attention-forward

    /// `∂E/∂queries` (`B×(Tq·E)`), `∂E/∂memory` (`B×(Tk·E)`) and the gradients of the
    /// parameters in ``parameters``' order (formulas in the type's documentation).
    /// - Throws: ``ShapeError`` when `outputGradient` is not the output's shape; ``InvalidArgument``
    ///   without a forward pass before.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>) throws -> (queries: Matrix<Scalar>, memory: Matrix<Scalar>, parameters: [Matrix<Scalar>]) {
        let (x, m, q, keysAndValues, mixed, weights) = try saved.take(for: "CrossAttention")
        let e = dimension, d = e / heads
        let b = weights.count / heads, tq = x.rows / b, tk = m.rows / b
        guard outputGradient.shape == Shape(b, tq * e) else {
            throw ShapeError(
                operation: "CrossAttention.backward", shapes: [outputGradient.shape, Shape(b, tq * e)], expected: "the output's shape B×(Tq·E)")
        }
        let g = try outputGradient.reshaped(rows: b * tq, columns: e)
        let dOutputWeights = try g.transposedMatmul(mixed), dOutputBias = g.columnSums()
        let dMixed = try g.matmul(outputWeights)
        var dq = Matrix<Scalar>(rows: b * tq, columns: e), dKeysAndValues = Matrix<Scalar>(rows: b * tk, columns: 2 * e)
        for record in 0..<b {
            for head in 0..<heads {
                let gradients = try ScaledDotProductAttention.backward(
                    weights: weights[record * heads + head], queries: q.block(rows: record * tq, tq, columns: head * d, d),
                    keys: keysAndValues.block(rows: record * tk, tk, columns: head * d, d),
                    values: keysAndValues.block(rows: record * tk, tk, columns: e + head * d, d),
                    outputGradient: dMixed.block(rows: record * tq, tq, columns: head * d, d))
                dq.setBlock(rows: record * tq, columns: head * d, gradients.queries)
                dKeysAndValues.setBlock(rows: record * tk, columns: head * d, gradients.keys)
                dKeysAndValues.setBlock(rows: record * tk, columns: e + head * d, gradients.values)
            }
        }
        let wq = inputWeights.block(rows: 0, e, columns: 0, e), wkv = inputWeights.block(rows: e, 2 * e, columns: 0, e)
        var dInputWeights = Matrix<Scalar>(rows: 3 * e, columns: e)
        dInputWeights.setBlock(rows: 0, columns: 0, try dq.transposedMatmul(x))
        dInputWeights.setBlock(rows: e, columns: 0, try dKeysAndValues.transposedMatmul(m))
        var dInputBias = Matrix<Scalar>(rows: 1, columns: 3 * e)
        dInputBias.setBlock(rows: 0, columns: 0, dq.columnSums())
        dInputBias.setBlock(rows: 0, columns: e, dKeysAndValues.columnSums())
        let dQueries = try dq.matmul(wq).reshaped(rows: b, columns: tq * e)
        let dMemory = try dKeysAndValues.matmul(wkv).reshaped(rows: b, columns: tk * e)
        return (dQueries, dMemory, [dInputWeights, dInputBias, dOutputWeights, dOutputBias])
    }

    /// `Tq` and `Tk` from the inputs' widths, after checking the shapes and the padding.
    private func lengths(queries: Matrix<Scalar>, memory: Matrix<Scalar>, padding: [[Bool]]?) throws -> (Int, Int) {
        let e = dimension
        guard queries.rows == memory.rows, queries.rows >= 1, queries.columns >= e, queries.columns % e == 0, memory.columns >= e,
            memory.columns % e == 0
        else {
            throw ShapeError(
                operation: "CrossAttention", shapes: [queries.shape, memory.shape],
                expected: "queries B×(Tq·\(e)) and memory B×(Tk·\(e)) with the same B")
        }
        let tk = memory.columns / e
        if let padding {
            guard padding.count == memory.rows, padding.allSatisfy({ $0.count == tk }) else {
                throw ShapeError(
                    operation: "CrossAttention", shapes: [Shape(padding.count, padding.first?.count ?? 0), Shape(memory.rows, tk)],
                    expected: "a padding mask of B rows of Tk = \(tk) flags")
            }
            if let record = padding.firstIndex(where: { $0.allSatisfy { $0 } }) {
                throw InvalidArgument("CrossAttention: the memory of record \(record) is all padding; expected at least one position to attend to")
            }
        }
        return (queries.columns / e, tk)
    }
}
