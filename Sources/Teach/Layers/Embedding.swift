/// A lookup table of learned vectors, one per token id, as PyTorch's
/// `torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)`.
///
/// `weight` is `count×dimension` (PyTorch's `num_embeddings × embedding_dim`): row `i` is the vector
/// of token id `i`.
///
/// **Input**: a batch of `B` sequences of `T` token ids, a `B×T` matrix whose entries are whole
/// numbers in `0..<count`, stored as `Scalar` (exact in `Float` up to 2²⁴, in `Double` up to 2⁵³).
/// Its records are `.sequence(SequenceShape(length: T, features: 1))`; `.features(T)` is read the
/// same way (T ids per row).
///
/// **Output**: `B×(T·dimension)`, records `.sequence(SequenceShape(length: T, features: dimension))`:
/// time step `t` of record `n` is row `x[n, t]` of `weight`, in columns `t·dimension ..< (t+1)·dimension`.
///
/// Forward and backward, for ids `x` (`B×T`) and `∂E/∂y` (`B×(T·dimension)`):
///
///     y[n, t·D + d] = W[x[n, t], d]
///     ∂E/∂W[i, d]   = Σ over every (n, t) with x[n, t] = i of ∂E/∂y[n, t·D + d]
///
/// so an id used more than once in a batch gets the sum of all its positions' gradients (PyTorch's
/// `index_add`), and rows of ids not used get zero. There is **no input gradient**: ids are not
/// differentiable (PyTorch's integer index tensors have no `grad`), so the backward pass returns an
/// empty matrix as `∂E/∂x`, and an embedding belongs first in a model.
///
/// **The sequence length.** With `length` given, ``requiredInputShape`` is
/// `.sequence(length steps × 1)`, so `Model([Embedding(count:dimension:length:using:), …])` needs
/// no input shape, and inputs of another width are refused. Without it (`nil`, the default) the
/// layer takes sequences of any length from its input, and the model must be given one:
/// `Model(input: .sequence(SequenceShape(length: T, features: 1)), [...])`.
///
/// **Padding.** With `paddingIndex` (PyTorch's `padding_idx`) that row starts at zeros (in
/// ``init(count:dimension:length:paddingIndex:using:)``) and its gradient is always zero, so it
/// stays what it was. As in PyTorch a negative index counts from the end (`-1` is `count − 1`) and
/// is stored as the non-negative one; as `from_pretrained`, ``init(weight:length:paddingIndex:)``
/// does not zero the row.
///
/// Differences from PyTorch: no `max_norm`, `norm_type`, `scale_grad_by_freq` or `sparse`; an id
/// that is not a whole number in range is a thrown ``InvalidArgument`` (PyTorch raises
/// `IndexError`); to freeze pretrained vectors (`from_pretrained(freeze=True)`) wrap the layer in
/// ``Frozen``. The weight is not penalized by a ``Penalty`` (PyTorch applies weight decay in the
/// optimizer; Keras does not regularize embeddings by default).
public struct Embedding<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `count×dimension`: row `i` is the vector of token id `i`.
    public var weight: Matrix<Scalar>
    /// The number of ids per record when the layer fixes it, else `nil` (taken from the input).
    public var length: Int?
    /// The id whose row gets no gradient (PyTorch's `padding_idx`), in `0..<count`, or `nil`.
    public var paddingIndex: Int?
    /// What ``forward(_:mode:using:)`` keeps for the backward pass: the ids as `Int`s, `B·T` of
    /// them row after row (the `B×T` input), and `B`, the number of records.
    @usableFromInline var saved = Saved<(ids: [Int], records: Int)>()

    /// A table of `count` vectors of `dimension` numbers, each drawn from N(0, 1) as PyTorch
    /// initialises `nn.Embedding`, the padding row (if any) zeros.
    ///
    /// - Parameters:
    ///   - count: the number of ids, PyTorch's `num_embeddings`.
    ///   - dimension: the numbers per vector, PyTorch's `embedding_dim`.
    ///   - length: the ids per record, `T`, to fix the input shape; `nil` takes it from the input.
    ///   - paddingIndex: PyTorch's `padding_idx`, in `-count..<count`.
    ///   - generator: the source of the random vectors.
    /// - Throws: ``InvalidArgument`` for a count, dimension or length below 1, or a padding index out of range.
    public init(count: Int, dimension: Int, length: Int? = nil, paddingIndex: Int? = nil, using generator: inout SeededGenerator) throws {
        guard count >= 1, dimension >= 1 else {
            throw InvalidArgument("Embedding: needs at least 1 id and 1 number per vector, got count \(count), dimension \(dimension)")
        }
        var weight = Matrix<Scalar>.gaussian(rows: count, columns: dimension, using: &generator)
        let padding = try Self.checkedPaddingIndex(paddingIndex, count: count)
        if let padding { for d in 0..<dimension { weight[padding, d] = 0 } }
        try self.init(weight: weight, length: length, paddingIndex: padding)
    }

    /// A table with the given vectors, one row per id (`count×dimension`), as PyTorch's
    /// `nn.Embedding.from_pretrained(weight, freeze=False, padding_idx=...)`: the padding row is
    /// kept as given.
    ///
    /// - Throws: ``InvalidArgument`` for an empty weight, a length below 1, or a padding index out of range.
    public init(weight: Matrix<Scalar>, length: Int? = nil, paddingIndex: Int? = nil) throws {
        guard weight.rows >= 1, weight.columns >= 1 else {
            throw InvalidArgument("Embedding: the weight needs at least 1 row (id) and 1 column, got \(weight.shape)")
        }
        if let length, length < 1 { throw InvalidArgument("Embedding: length \(length) must be at least 1") }
        self.weight = weight
        self.length = length
        self.paddingIndex = try Self.checkedPaddingIndex(paddingIndex, count: weight.rows)
    }

    /// `paddingIndex` in `0..<count` (a negative one counted from the end, as PyTorch).
    static func checkedPaddingIndex(_ index: Int?, count: Int) throws -> Int? {
        guard let index else { return nil }
        guard index >= -count, index < count else {
            throw InvalidArgument("Embedding: padding index \(index) must be in \(-count)..<\(count) for \(count) ids")
        }
        return index < 0 ? index + count : index
    }

    /// The number of ids, PyTorch's `num_embeddings`.
    public var count: Int { weight.rows }
    /// The numbers per vector, PyTorch's `embedding_dim`.
    public var dimension: Int { weight.columns }

    /// The ids of `x` as `Int`s, row after row, every one checked.
    /// - Throws: ``InvalidArgument`` naming the row, column and value of the first entry that is
    ///   not a whole number in `0..<count`.
    @inlinable public func ids(_ x: Matrix<Scalar>) throws -> [Int] {
        let count = self.count, limit = Scalar(count)
        return try x.withUnsafeBufferPointer { values in
            var ids = [Int](repeating: 0, count: values.count)
            for (i, value) in values.enumerated() {
                guard value.isFinite, value >= 0, value < limit, value.rounded(.towardZero) == value else {
                    let r = x.columns > 0 ? i / x.columns : 0, c = x.columns > 0 ? i % x.columns : 0
                    throw InvalidArgument(
                        "\(name): the id at row \(r), column \(c) is \(value); ids must be whole numbers in 0..<\(count)")
                }
                ids[i] = Int(value)
            }
            return ids
        }
    }
}

extension Embedding: Layer {
    /// `embedding 1000×64`: count × dimension.
    public var name: String { "embedding \(count)×\(dimension)" }

    /// `.sequence(length steps × 1)` when ``length`` is given, else `nil`.
    public var requiredInputShape: RecordShape? { length.map { .sequence(SequenceShape(length: $0, features: 1)) } }

    /// Sequences of `T` ids (`T steps × 1`, or `.features(T)`) give `T steps × dimension`.
    public func outputShape(for input: RecordShape) throws -> RecordShape {
        let steps: Int
        switch input {
        case .features(let n): steps = n
        case .sequence(let sequence) where sequence.features == 1: steps = sequence.length
        default: throw shapeError(input, needs: "sequences of token ids (T steps × 1, or T features)")
        }
        if let length, steps != length { throw shapeError(input, needs: "\(length) token ids per record") }
        return .sequence(SequenceShape(length: steps, features: dimension))
    }

    /// Looks up every id of `x` (`B×T`): the output is `B×(T·dimension)`. The same in training and
    /// inference.
    /// - Throws: ``ShapeError`` when ``length`` is given and `x` does not have that many columns;
    ///   ``InvalidArgument`` for an id that is not a whole number in `0..<count`.
    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        if let length, x.columns != length { throw widthError(x, expected: .sequence(SequenceShape(length: length, features: 1))) }
        let ids = try ids(x), d = dimension
        var output = Matrix<Scalar>(rows: x.rows, columns: x.columns * d)
        weight.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { out in
                for (position, id) in ids.enumerated() {
                    for k in 0..<d { out[position &* d &+ k] = table[id &* d &+ k] }
                }
            }
        }
        saved.value = (ids, x.rows)
        return output
    }

    /// Adds each position's row of `∂E/∂y` to the gradient row of its id (formulas in the type's
    /// documentation; nothing for ``paddingIndex``). `∂E/∂x` is an empty matrix: ids have no gradient.
    /// - Throws: ``ShapeError`` when `outputGradient` is not `B×(T·dimension)`.
    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let (ids, records) = try saved.take(for: name)
        let d = dimension
        guard outputGradient.rows == records, outputGradient.count == ids.count * d else {
            throw ShapeError(
                operation: "\(name).backward", shapes: [outputGradient.shape, Shape(records, records > 0 ? ids.count / records * d : 0)],
                expected: "the output gradient must have the output's shape (\(d) numbers per id)")
        }
        var gradient = Matrix<Scalar>(rows: count, columns: d)
        let padding = paddingIndex ?? -1
        outputGradient.withUnsafeBufferPointer { g in
            gradient.withUnsafeMutableBufferPointer { dW in
                for (position, id) in ids.enumerated() where id != padding {
                    for k in 0..<d { dW[id &* d &+ k] += g[position &* d &+ k] }
                }
            }
        }
        return LayerGradients(input: Matrix(rows: 0, columns: 0), parameters: [gradient])
    }

    public var parameters: [Matrix<Scalar>] { [weight] }
    public var parameterNames: [String] { ["weight"] }

    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try update(&weight, 0)
    }
}

extension Embedding: StorableLayer {
    /// In a model file: kind `embedding` with `count`, `dimension` and, when set, `length` and
    /// `padding_index`; tensor `weight` (`[count, dimension]`).
    public static var kind: String { "embedding" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("count", count)
        try writer.set("dimension", dimension)
        if let length { try writer.set("length", length) }
        if let paddingIndex { try writer.set("padding_index", paddingIndex) }
        try writer.tensor("weight", weight)
    }

    public init(reading reader: inout LayerReader) throws {
        let count = try reader.integer("count", atLeast: 1), dimension = try reader.integer("dimension", atLeast: 1)
        let length = reader.has("length") ? try reader.integer("length", atLeast: 1) : nil
        let paddingIndex = reader.has("padding_index") ? try reader.integer("padding_index") : nil
        let weight: Matrix<Scalar> = try reader.tensor("weight", shape: [count, dimension], "one vector per id, count×dimension")
        self = try reader.build { try Embedding(weight: weight, length: length, paddingIndex: paddingIndex) }
    }
}
