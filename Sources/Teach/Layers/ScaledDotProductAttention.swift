/// What ``CausalSelfAttention`` and ``CrossAttention`` share: PyTorch's `nn.MultiheadAttention`
/// parameters (their shapes and how they are drawn) and one head's scaled dot-product attention,
/// forward and backward. Each layer decides where its queries, keys and values come from and
/// which scores are masked.
enum ScaledDotProductAttention {
    /// Checks `in_proj_weight` `3E×E`, `in_proj_bias` `1×3E`, `out_proj.weight` `E×E`,
    /// `out_proj.bias` `1×E` and `heads` dividing `E`.
    /// - Throws: ``ShapeError`` or ``InvalidArgument`` naming `layer`.
    static func checkParameters<Scalar: MatrixScalar>(
        _ layer: String, inputWeights: Matrix<Scalar>, inputBias: Matrix<Scalar>, outputWeights: Matrix<Scalar>, outputBias: Matrix<Scalar>,
        heads: Int
    ) throws {
        let e = inputWeights.columns
        guard e >= 1, inputWeights.rows == 3 * e, inputBias.shape == Shape(1, 3 * e), outputWeights.shape == Shape(e, e),
            outputBias.shape == Shape(1, e)
        else {
            throw ShapeError(
                operation: layer, shapes: [inputWeights.shape, inputBias.shape, outputWeights.shape, outputBias.shape],
                expected: "in_proj_weight 3E×E, in_proj_bias 1×3E, out_proj.weight E×E and out_proj.bias 1×E")
        }
        guard heads >= 1, e % heads == 0 else {
            throw InvalidArgument("\(layer): \(heads) heads must divide the embedding's \(e) numbers")
        }
    }

    /// `in_proj_weight` (Xavier-uniform) and `out_proj.weight` (`U(−1/√E, 1/√E)`, a `Linear`'s
    /// default) as PyTorch draws them; the biases start at 0.
    /// - Throws: ``InvalidArgument`` naming `layer` for a dimension below 1.
    static func drawWeights<Scalar: MatrixScalar>(
        _ layer: String, dimension: Int, using generator: inout SeededGenerator
    ) throws -> (input: Matrix<Scalar>, output: Matrix<Scalar>) {
        guard dimension >= 1 else { throw InvalidArgument("\(layer): embedding of \(dimension) numbers; expected at least 1") }
        let xavier = (6 / Double(dimension + 3 * dimension)).squareRoot(), linear = 1 / Double(dimension).squareRoot()
        let input = Matrix<Scalar>(rows: 3 * dimension, columns: dimension) { _, _ in Scalar(generator.uniform(in: -xavier..<xavier)) }
        let output = Matrix<Scalar>(rows: dimension, columns: dimension) { _, _ in Scalar(generator.uniform(in: -linear..<linear)) }
        return (input, output)
    }

    // book: attention-head
    /// One head: `P = softmax(Q Kᵀ/√d)` with the scores `masked` sets to −∞ left out, and `P V`.
    static func forward<Scalar: MatrixScalar>(
        queries q: Matrix<Scalar>, keys k: Matrix<Scalar>, values v: Matrix<Scalar>, mask: (inout Matrix<Scalar>) -> Void
    ) throws -> (weights: Matrix<Scalar>, output: Matrix<Scalar>) {
        var scores = try q.matmulTransposed(k) * (1 / Scalar(q.columns).squareRoot())
        mask(&scores)
        let p = Softmax<Scalar>.forward(scores)
        return (p, try p.matmul(v))
    }
    // book: end attention-head

    /// One head's backward pass from `∂E/∂O`: `∂Q`, `∂K`, `∂V` (the softmax's backward gives 0
    /// for masked scores).
    static func backward<Scalar: MatrixScalar>(
        weights p: Matrix<Scalar>, queries q: Matrix<Scalar>, keys k: Matrix<Scalar>, values v: Matrix<Scalar>, outputGradient dO: Matrix<Scalar>
    ) throws -> (queries: Matrix<Scalar>, keys: Matrix<Scalar>, values: Matrix<Scalar>) {
        let dScores = try Softmax<Scalar>.backward(output: p, outputGradient: try dO.matmulTransposed(v)) * (1 / Scalar(q.columns).squareRoot())
        return (try dScores.matmul(k), try dScores.transposedMatmul(q), try p.transposedMatmul(dO))
    }
}
