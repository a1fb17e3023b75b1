/// Learned position vectors added to a sequence, as GPT-2's `wpe`: PyTorch's
/// `torch.nn.Embedding(block_size, embedding_dim)` looked up at positions `0, 1, …, T − 1` and added
/// to the token embeddings.
///
/// Attention by itself does not know the order of a sequence: it mixes the positions by content
/// alone. Adding a learned vector per position gives each position its own mark:
///
///     y[t] = x[t] + W[t]          W: T×E (PyTorch's `weight`), one row per position
///     ∂E/∂x = ∂E/∂y               ∂E/∂W[t] = Σ over the batch of ∂E/∂y[t]
///
/// Input and output are `B×(T·E)` (records of shape `.sequence(T steps × E)`). The rows start as
/// `N(0, 1)` draws, as `nn.Embedding`'s do (GPT-2 itself draws them with standard deviation 0.02:
/// pass `standardDeviation`).
public struct PositionalEmbedding<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `W`, `T×E`: row `t` is position `t`'s vector (PyTorch's `weight`).
    public var weight: Matrix<Scalar>

    /// Position vectors for sequences of `length` positions of `dimension` numbers, drawn from
    /// `N(0, standardDeviation²)`.
    /// - Throws: ``InvalidArgument`` for sizes below 1.
    public init(length: Int, dimension: Int, standardDeviation: Double = 1, using generator: inout SeededGenerator) throws {
        guard length >= 1, dimension >= 1 else {
            throw InvalidArgument("PositionalEmbedding: \(length) positions of \(dimension) numbers; expected at least 1 of each")
        }
        weight = Matrix(rows: length, columns: dimension) { _, _ in Scalar(generator.gaussian() * standardDeviation) }
    }

    /// Position vectors given as a `T×E` matrix.
    /// - Throws: ``InvalidArgument`` for an empty matrix.
    public init(weight: Matrix<Scalar>) throws {
        guard weight.rows >= 1, weight.columns >= 1 else { throw InvalidArgument("PositionalEmbedding: an empty \(weight.shape) weight") }
        self.weight = weight
    }

    /// `T`, the positions.
    public var length: Int { weight.rows }
    /// `E`, the numbers per position.
    public var dimension: Int { weight.columns }
}

extension PositionalEmbedding: Layer {
    /// `positions 8 × 16`.
    public var name: String { "positions \(length) × \(dimension)" }

    public var requiredInputShape: RecordShape? { .sequence(SequenceShape(length: length, features: dimension)) }

    /// The same shape, `T steps × E`.
    public func outputShape(for input: RecordShape) throws -> RecordShape {
        guard input.count == weight.count else { throw shapeError(input, needs: "\(length) steps × \(dimension)") }
        return .sequence(SequenceShape(length: length, features: dimension))
    }

    /// `x` with position `t`'s vector added to its step `t`.
    /// - Throws: ``ShapeError`` when `x` is not `B×(T·E)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        guard x.columns == weight.count else {
            throw ShapeError(operation: name, shapes: [x.shape], expected: "B×(T·E) with T·E = \(length)·\(dimension) = \(weight.count) columns")
        }
        // book: positional-embedding-forward
        let flat = weight.elements
        return Matrix(rows: x.rows, columns: x.columns) { r, c in x[r, c] + flat[c] }
        // book: end positional-embedding-forward
    }

    /// `∂E/∂x = ∂E/∂y` and `∂E/∂W`, each position's gradient summed over the batch.
    /// - Throws: ``ShapeError`` when `outputGradient` is not `B×(T·E)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        guard outputGradient.columns == weight.count else {
            throw ShapeError(operation: "\(name).backward", shapes: [outputGradient.shape], expected: "the output's shape B×(T·E)")
        }
        let dWeight = try outputGradient.columnSums().reshaped(rows: length, columns: dimension)
        return LayerGradients(input: needsInputGradient ? outputGradient : Matrix(rows: 0, columns: 0), parameters: [dWeight])
    }

    public var parameters: [Matrix<Scalar>] { [weight] }

    /// PyTorch's name, `weight`.
    public var parameterNames: [String] { ["weight"] }

    public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows { try update(&weight, 0) }
}

extension PositionalEmbedding: StorableLayer {
    /// In a model file: kind `positional_embedding` with `length` and `dimension`; tensor `weight`
    /// (`[length, dimension]`, GPT-2's `wpe`).
    public static var kind: String { "positional_embedding" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("length", length)
        try writer.set("dimension", dimension)
        try writer.tensor("weight", weight)
    }

    public init(reading reader: inout LayerReader) throws {
        let length = try reader.integer("length", atLeast: 1), dimension = try reader.integer("dimension", atLeast: 1)
        let weight: Matrix<Scalar> = try reader.tensor("weight", shape: [length, dimension], "one vector per position, length×dimension")
        self = try reader.build { try PositionalEmbedding(weight: weight) }
    }
}

