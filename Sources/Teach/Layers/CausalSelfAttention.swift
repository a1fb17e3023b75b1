import TeachKernels

/// Causal multi-head self-attention, as PyTorch's
/// `torch.nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)` called with the same
/// sequence as query, key and value and a causal mask (`attn_mask` true above the diagonal).
///
/// Every position of a sequence looks back at itself and the positions before it and takes a
/// weighted average of what they offer. Per sequence `X` (`T×E`) and head `h` of `H` (each `d = E/H`
/// numbers wide):
///
///     [Q K V] = X · W_inᵀ + b_in                  T×3E: queries, keys, values (each T×E)
///     S_h = Q_h K_hᵀ / √d                          T×T: how well each query matches each key
///     S_h[i, j] = −∞ for j > i                     the causal mask: no looking ahead
///     P_h = softmax of each row of S_h             the attention weights, each row sums to 1
///     O_h = P_h V_h                                T×d
///     Y = [O_1 … O_H] · W_outᵀ + b_out             T×E
///
/// **Parameters**, PyTorch's layout and names: `in_proj_weight` `3E×E` (rows `0..<E` make the
/// queries, then keys, then values), `in_proj_bias` `1×3E`, `out_proj.weight` `E×E`,
/// `out_proj.bias` `1×E`. The projections are drawn as PyTorch draws them: Xavier-uniform for
/// `in_proj_weight`, `U(−1/√E, 1/√E)` (a `Linear`'s default) for `out_proj.weight`, biases 0.
///
/// **Backward**, per sequence and head, from `G = ∂E/∂Y`:
///
///     ∂W_out += Gᵀ O    ∂b_out += Σ G    ∂O = G W_out
///     ∂V_h = P_hᵀ ∂O_h     ∂P_h = ∂O_h V_hᵀ
///     ∂S_h = P_h ⊙ (∂P_h − rowsum(∂P_h ⊙ P_h))      (the softmax's backward; 0 where masked)
///     ∂Q_h = ∂S_h K_h / √d     ∂K_h = ∂S_hᵀ Q_h / √d
///     ∂W_in += ∂[Q K V]ᵀ X    ∂b_in += Σ ∂[Q K V]    ∂X = ∂[Q K V] W_in
///
/// ``attentionWeights`` keeps the last forward pass's `P` for figures.
///
/// Differences from PyTorch: self-attention only (query, key and value are the same sequence), the
/// causal mask always on, no dropout on the weights, no key padding mask.
public struct CausalSelfAttention<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `W_in`, `3E×E` (PyTorch's `in_proj_weight`).
    public var inputWeights: Matrix<Scalar>
    /// `b_in`, `1×3E` (PyTorch's `in_proj_bias`).
    public var inputBias: Matrix<Scalar>
    /// `W_out`, `E×E` (PyTorch's `out_proj.weight`).
    public var outputWeights: Matrix<Scalar>
    /// `b_out`, `1×E` (PyTorch's `out_proj.bias`).
    public var outputBias: Matrix<Scalar>
    /// `H`, the heads; each attends over `E/H` numbers of the queries, keys and values.
    public let heads: Int
    /// `T`, the positions of each sequence.
    public let length: Int
    /// What the forward pass keeps, per sequence: the input `X` (`B×(T·E)`), `[Q K V]`
    /// (`(B·T)×3E`), the heads' outputs before `W_out` (`(B·T)×E`), and the weights `P`, one
    /// `T×T` matrix per sequence and head (sequence `b`, head `h` at `b·H + h`).
    @usableFromInline var saved = Saved<
        (input: Matrix<Scalar>, projections: Matrix<Scalar>, mixed: Matrix<Scalar>, weights: [Matrix<Scalar>])
    >()
    /// The attention weights `P` of the last forward pass: `weights[b·H + h][i, j]` is how much
    /// position `i` of sequence `b` took from position `j` in head `h` (0 for `j > i`).
    public private(set) var attentionWeights: [Matrix<Scalar>] = []

    /// A layer with the given parameters, in PyTorch's layout.
    /// - Throws: ``ShapeError`` when they do not fit one `E`; ``InvalidArgument`` when `heads`
    ///   does not divide `E` or `length` is below 1.
    public init(
        inputWeights: Matrix<Scalar>, inputBias: Matrix<Scalar>, outputWeights: Matrix<Scalar>, outputBias: Matrix<Scalar>, heads: Int,
        length: Int
    ) throws {
        try ScaledDotProductAttention.checkParameters(
            "CausalSelfAttention", inputWeights: inputWeights, inputBias: inputBias, outputWeights: outputWeights, outputBias: outputBias,
            heads: heads)
        guard length >= 1 else { throw InvalidArgument("CausalSelfAttention: sequences of \(length) positions; expected at least 1") }
        self.inputWeights = inputWeights
        self.inputBias = inputBias
        self.outputWeights = outputWeights
        self.outputBias = outputBias
        self.heads = heads
        self.length = length
    }

    /// A layer for sequences of `length` positions of `dimension` numbers with `heads` heads,
    /// initialized as PyTorch initializes `nn.MultiheadAttention`.
    /// - Throws: ``InvalidArgument`` as ``init(inputWeights:inputBias:outputWeights:outputBias:heads:length:)``.
    public init(dimension: Int, heads: Int, length: Int, using generator: inout SeededGenerator) throws {
        let (wIn, wOut): (Matrix<Scalar>, Matrix<Scalar>) = try ScaledDotProductAttention.drawWeights(
            "CausalSelfAttention", dimension: dimension, using: &generator)
        try self.init(
            inputWeights: wIn, inputBias: Matrix(rows: 1, columns: 3 * dimension), outputWeights: wOut,
            outputBias: Matrix(rows: 1, columns: dimension), heads: heads, length: length)
    }

    /// `E`, the numbers per position.
    public var dimension: Int { inputWeights.columns }
}

extension CausalSelfAttention: Layer {
    /// `causal attention 4 heads × 16`.
    public var name: String { "causal attention \(heads) heads × \(dimension / heads)" }

    public var requiredInputShape: RecordShape? { .sequence(SequenceShape(length: length, features: dimension)) }

    /// The same shape, `T steps × E`.
    public func outputShape(for input: RecordShape) throws -> RecordShape {
        guard input.count == length * dimension else { throw shapeError(input, needs: "\(length) steps × \(dimension)") }
        return .sequence(SequenceShape(length: length, features: dimension))
    }

    /// `Y`, `B×(T·E)` (formulas in the type's documentation). The projections are one product each
    /// for the whole batch; each sequence's heads are computed apart, a large batch's sequences in
    /// two halves on both cores (`workWorthTwoCores`), so the numbers do not depend on the split.
    /// - Throws: ``ShapeError`` when `x` is not `B×(T·E)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let b = x.rows, t = length, e = dimension, heads = heads, d = e / heads
        guard x.columns == t * e else {
            throw ShapeError(operation: name, shapes: [x.shape], expected: "B×(T·E) with T·E = \(t)·\(e) = \(t * e) columns")
        }
        let rows = try x.reshaped(rows: b * t, columns: e)
        let projections = try rows.matmulTransposed(inputWeights).addingToEachRow(inputBias)
        var mixed = Matrix<Scalar>(rows: b * t, columns: e)
        var weights = [Matrix<Scalar>](repeating: Matrix(rows: 0, columns: 0), count: b * heads)
        try mixed.withUnsafeMutableBufferPointer { mixedElements in
            try weights.withUnsafeMutableBufferPointer { weightSlots in
                let (mixedElements, weightSlots) = (mixedElements.baseAddress!, weightSlots.baseAddress!)
                try Self.eachSequence(b, split: b * heads * t * t * d >= Self.workWorthTwoCores) { sequence in
                    for head in 0..<heads {
                        let (p, o) = try ScaledDotProductAttention.forward(
                            queries: projections.block(rows: sequence * t, t, columns: head * d, d),
                            keys: projections.block(rows: sequence * t, t, columns: e + head * d, d),
                            values: projections.block(rows: sequence * t, t, columns: 2 * e + head * d, d)
                        ) { scores in for i in 0..<t { for j in (i + 1)..<max(t, i + 1) { scores[i, j] = -Scalar.infinity } } }
                        o.copy(into: mixedElements + sequence * t * e + head * d, rowStride: e)
                        weightSlots[sequence * heads + head] = p
                    }
                }
            }
        }
        saved.value = (x, projections, mixed, weights)
        attentionWeights = weights
        return try mixed.matmulTransposed(outputWeights).addingToEachRow(outputBias).reshaped(rows: b, columns: t * e)
    }

    /// `∂E/∂X` and the gradients of `in_proj_weight`, `in_proj_bias`, `out_proj.weight`,
    /// `out_proj.bias`, in that order (formulas in the type's documentation).
    /// - Throws: ``ShapeError`` when `outputGradient` is not `B×(T·E)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let (x, projections, mixed, weights) = try saved.take(for: name)
        let b = x.rows, t = length, e = dimension, heads = heads, d = e / heads
        guard outputGradient.shape == x.shape else {
            throw ShapeError(operation: "\(name).backward", shapes: [outputGradient.shape, x.shape], expected: "the output's shape B×(T·E)")
        }
        let g = try outputGradient.reshaped(rows: b * t, columns: e)
        let dOutputWeights = try g.transposedMatmul(mixed), dOutputBias = g.columnSums()
        let dMixed = try g.matmul(outputWeights)
        var dProjections = Matrix<Scalar>(rows: b * t, columns: 3 * e)
        try dProjections.withUnsafeMutableBufferPointer { dProjections in
            let dProjections = dProjections.baseAddress!
            try Self.eachSequence(b, split: b * heads * t * t * d >= Self.workWorthTwoCores) { sequence in
                for head in 0..<heads {
                    let gradients = try ScaledDotProductAttention.backward(
                        weights: weights[sequence * heads + head], queries: projections.block(rows: sequence * t, t, columns: head * d, d),
                        keys: projections.block(rows: sequence * t, t, columns: e + head * d, d),
                        values: projections.block(rows: sequence * t, t, columns: 2 * e + head * d, d),
                        outputGradient: dMixed.block(rows: sequence * t, t, columns: head * d, d))
                    let sequenceRows = dProjections + sequence * t * 3 * e + head * d
                    gradients.queries.copy(into: sequenceRows, rowStride: 3 * e)
                    gradients.keys.copy(into: sequenceRows + e, rowStride: 3 * e)
                    gradients.values.copy(into: sequenceRows + 2 * e, rowStride: 3 * e)
                }
            }
        }
        let rows = try x.reshaped(rows: b * t, columns: e)
        let dInputWeights = try dProjections.transposedMatmul(rows), dInputBias = dProjections.columnSums()
        let dx = needsInputGradient ? try dProjections.matmul(inputWeights).reshaped(rows: b, columns: t * e) : Matrix(rows: 0, columns: 0)
        return LayerGradients(input: dx, parameters: [dInputWeights, dInputBias, dOutputWeights, dOutputBias])
    }

    /// Multiply-adds of attention (`B·H·T²·d`) from which the sequences go in two halves on both
    /// cores: each sequence and head is computed as on one core, so the numbers do not depend on it.
    static var workWorthTwoCores: Int { 1 << 17 }

    /// Runs `body` for each of `count` sequences, in two halves on both cores when `split`, and
    /// rethrows the first error either half threw.
    static func eachSequence(_ count: Int, split: Bool, _ body: @escaping (_ sequence: Int) throws -> Void) throws {
        var errors: [(any Error)?] = [nil, nil]
        errors.withUnsafeMutableBufferPointer { errors in
            let errors = errors.baseAddress!
            FloatKernels.inTwoHalves(count, split: split) { first, count in
                do {
                    for sequence in first..<(first + count) { try body(sequence) }
                } catch {
                    errors[first == 0 ? 0 : 1] = error
                }
            }
        }
        if let error = errors.compactMap({ $0 }).first { throw error }
    }

    public var parameters: [Matrix<Scalar>] { [inputWeights, inputBias, outputWeights, outputBias] }

    /// PyTorch's names in `nn.MultiheadAttention`'s state dict.
    public var parameterNames: [String] { ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"] }

    /// The two projections' weights.
    public var penalizedParameters: [Int] { [0, 2] }

    public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try update(&inputWeights, 0)
        try update(&inputBias, 1)
        try update(&outputWeights, 2)
        try update(&outputBias, 3)
    }

    /// Per sequence: the projections `T·4E²` and the scores and mixing `2·T²·E`.
    public func multiplyAdds(for input: RecordShape) -> Int { length * 4 * dimension * dimension + 2 * length * length * dimension }
}

extension CausalSelfAttention: StorableLayer {
    /// In a model file: kind `causal_self_attention` with `dimension`, `heads` and `length`; tensors
    /// named and shaped as `nn.MultiheadAttention`'s: `in_proj_weight` `[3E, E]`, `in_proj_bias`
    /// `[3E]`, `out_proj.weight` `[E, E]`, `out_proj.bias` `[E]`.
    public static var kind: String { "causal_self_attention" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("dimension", dimension)
        try writer.set("heads", heads)
        try writer.set("length", length)
        try writer.tensor("in_proj_weight", inputWeights)
        try writer.tensor("in_proj_bias", inputBias, vector: true)
        try writer.tensor("out_proj.weight", outputWeights)
        try writer.tensor("out_proj.bias", outputBias, vector: true)
    }

    public init(reading reader: inout LayerReader) throws {
        let e = try reader.integer("dimension", atLeast: 1), heads = try reader.integer("heads", atLeast: 1)
        let length = try reader.integer("length", atLeast: 1)
        let wIn: Matrix<Scalar> = try reader.tensor("in_proj_weight", shape: [3 * e, e], "the queries', keys' and values' weights, 3E×E")
        let bIn: Matrix<Scalar> = try reader.tensor("in_proj_bias", shape: [3 * e], "their biases")
        let wOut: Matrix<Scalar> = try reader.tensor("out_proj.weight", shape: [e, e], "the output projection, E×E")
        let bOut: Matrix<Scalar> = try reader.tensor("out_proj.bias", shape: [e], "its bias")
        self = try reader.build {
            try CausalSelfAttention(inputWeights: wIn, inputBias: bIn, outputWeights: wOut, outputBias: bOut, heads: heads, length: length)
        }
    }
}

