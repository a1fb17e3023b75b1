/// A transformer block as GPT-2 builds it, pre-norm: each half normalizes its input, transforms
/// it, and adds the result back to the input (a ``Residual``):
///
///     x ← x + CausalSelfAttention(LayerNorm₁(x))            the positions exchange information
///     x ← x + W₂·GELU(W₁·LayerNorm₂(x) + b₁) + b₂           each position thinks on its own
///
/// The MLP widens each position's `E` numbers to `4E` (``Dense`` applied at every position) and
/// narrows them back. This is PyTorch's
/// `nn.TransformerEncoderLayer(d_model=E, nhead=H, dim_feedforward=4E, dropout=0,
/// activation="gelu", batch_first=True, norm_first=True)` called with a causal mask; GPT-2's MLP
/// uses GELU's tanh approximation (pass `.gelu(approximate: .tanh)` as `activation`).
///
/// Built from the library's own layers, so its forward and backward passes are theirs: the
/// residual adds the gradient of both paths, and each layer's backward is in its own file.
public enum TransformerBlock {
    /// The block as a ``Sequential`` of two ``Residual``s, for sequences of `length` positions of
    /// `dimension` numbers with `heads` attention heads.
    /// - Throws: ``InvalidArgument`` as the layers do (`heads` must divide `dimension`).
    public static func make<Scalar: MatrixScalar>(
        dimension: Int, heads: Int, length: Int, activation: Activation = .gelu(), using generator: inout SeededGenerator
    ) throws -> Sequential<Scalar> {
        // book: transformer-block
        let attention = try CausalSelfAttention<Scalar>(dimension: dimension, heads: heads, length: length, using: &generator)
        let widen = try Dense<Scalar>(inputs: dimension, units: 4 * dimension, activation: activation, using: &generator)
        let narrow = try Dense<Scalar>(inputs: 4 * dimension, units: dimension, activation: .identity, using: &generator)
        return Sequential([
            Residual([try LayerNorm<Scalar>(features: dimension), attention]),
            Residual([try LayerNorm<Scalar>(features: dimension), widen, narrow]),
        ])
        // book: end transformer-block
    }
}

extension Architectures {
    /// A decoder-only character model in GPT-2's shape: token and position embeddings, `blocks`
    /// ``TransformerBlock``s, a final ``LayerNorm`` and a ``Dense`` layer to one logit per token of
    /// the vocabulary at every position.
    ///
    /// Input: `B×T` token ids; output: `B×(T·V)` logits, trained with
    /// ``Loss/crossEntropyWithLogits(ignoreIndex:)`` against the `B×T` next tokens. Embeddings are
    /// drawn with standard deviation 0.02 as GPT-2 draws them; unlike GPT-2, the output layer has
    /// its own weights (not tied to the token embedding).
    /// - Throws: ``InvalidArgument`` for sizes below 1 or `heads` that do not divide `dimension`.
    public static func characterTransformer<Scalar: MatrixScalar>(
        vocabulary: Int, length: Int, dimension: Int, heads: Int, blocks: Int, using generator: inout SeededGenerator
    ) throws -> Model<Scalar> {
        guard blocks >= 1 else { throw InvalidArgument("characterTransformer: \(blocks) blocks; expected at least 1") }
        // book: character-transformer
        var tokens = try Embedding<Scalar>(count: vocabulary, dimension: dimension, length: length, using: &generator)
        tokens.weight = tokens.weight * Scalar(0.02)
        var layers: [any Layer<Scalar>] = [
            tokens, try PositionalEmbedding<Scalar>(length: length, dimension: dimension, standardDeviation: 0.02, using: &generator),
        ]
        for _ in 0..<blocks {
            layers.append(try TransformerBlock.make(dimension: dimension, heads: heads, length: length, using: &generator) as Sequential<Scalar>)
        }
        layers.append(try LayerNorm<Scalar>(features: dimension))
        layers.append(try Dense<Scalar>(inputs: dimension, units: vocabulary, activation: .identity, using: &generator))
        return try Model(layers)
        // book: end character-transformer
    }
}
