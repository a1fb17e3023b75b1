/// Layer normalization (Ba, Kiros and Hinton, 2016), as PyTorch's
/// `torch.nn.LayerNorm(normalized_shape=features, eps=1e-5, elementwise_affine=True)`: each record's
/// last dimension of `F` numbers is normalized by its own mean and variance, then scaled and shifted
/// by learned `γ` (`weight`) and `β` (`bias`), each `1×F`.
///
/// Which numbers are normalized together, by record shape:
/// - `.features(F)`: the whole row.
/// - `.sequence(T steps × F)`: each time step's `F` features separately (PyTorch's LayerNorm on a
///   `B×T×F` tensor). The `B×(T·F)` batch is read as `(B·T)×F`, one time step per row, without a copy.
/// - `.image(H×W×F)` (channels last): each pixel's `F` channels, in the same way.
///
/// Forward, per row `x` of `F` numbers (biased variance, as PyTorch):
///
///     μ = (1/F) Σ x            σ² = (1/F) Σ (x − μ)²       inv = 1/√(σ² + ε)
///     x̂ = (x − μ)·inv          y = γ ⊙ x̂ + β
///
/// Backward, per row, given `g = ∂E/∂y` (sums over the row's `F` numbers for `∂E/∂x`, over all
/// rows for `∂E/∂γ` and `∂E/∂β`):
///
///     ∂E/∂x = (1/F)·inv·(F·g⊙γ − Σ g⊙γ − x̂·Σ (g⊙γ⊙x̂))
///     ∂E/∂γ = Σ over rows of g ⊙ x̂          ∂E/∂β = Σ over rows of g
///
/// Unlike batch normalization, the statistics are the record's own, so training and inference
/// compute the same thing and there are no running averages.
///
/// Differences from PyTorch: `normalized_shape` is one number, the last dimension (PyTorch also
/// normalizes over several trailing dimensions); there is no separate `bias=False` (with
/// `elementwiseAffine` false there is neither `γ` nor `β`, and no parameters).
public struct LayerNorm<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `γ`, `1×features`, ones at first (PyTorch's `weight`).
    public var weight: Matrix<Scalar>
    /// `β`, `1×features`, zeros at first (PyTorch's `bias`).
    public var bias: Matrix<Scalar>
    /// `ε`, added to the variance.
    public var epsilon: Double
    /// Whether the layer learns `γ` and `β` (PyTorch's `elementwise_affine`). Without, they stay 1 and 0.
    public var elementwiseAffine: Bool
    /// What ``forward(_:mode:using:)`` keeps for the backward pass: `x̂`, `(B·T)×features` (one time
    /// step, or one record of plain features, per row), and `inv = 1/√(σ² + ε)`, one per row of `x̂`.
    @usableFromInline var saved = Saved<(normalized: Matrix<Scalar>, inverseDeviation: [Scalar])>()

    /// Normalization over the last `features` numbers, `γ` ones and `β` zeros.
    /// - Throws: ``InvalidArgument`` for no features or `ε ≤ 0`.
    public init(features: Int, epsilon: Double = 1e-5, elementwiseAffine: Bool = true) throws {
        guard features >= 1 else { throw InvalidArgument("LayerNorm: needs at least 1 feature, got \(features)") }
        guard epsilon > 0 else { throw InvalidArgument("LayerNorm: epsilon \(epsilon) must be > 0") }
        weight = Matrix(rows: 1, columns: features, repeating: 1)
        bias = Matrix(rows: 1, columns: features)
        self.epsilon = epsilon
        self.elementwiseAffine = elementwiseAffine
    }

    /// `F`, the numbers normalized together (PyTorch's `normalized_shape`).
    public var featureCount: Int { weight.columns }
}

extension LayerNorm: Layer {
    /// `layer norm 64`.
    public var name: String { "layer norm \(featureCount)" }

    public var requiredInputShape: RecordShape? { .features(featureCount) }

    /// The same shape: `.features(F)`, sequences of `F` features per step, or images of `F` channels.
    public func outputShape(for input: RecordShape) throws -> RecordShape {
        switch input {
        case .features(let n) where n == featureCount: return input
        case .sequence(let sequence) where sequence.features == featureCount: return input
        case .image(let image) where image.channels == featureCount || image.count == featureCount: return input
        default:
            throw shapeError(input, needs: "\(featureCount) features (per record, per time step or per pixel)")
        }
    }

    /// Normalizes every group of ``featureCount`` consecutive numbers of each row (formulas in the
    /// type's documentation); the same in training and inference.
    /// - Throws: ``ShapeError`` when the width of `x` is not a multiple of ``featureCount``.
    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let f = featureCount
        guard x.columns > 0, x.columns % f == 0 else {
            throw ShapeError(
                operation: name, shapes: [x.shape],
                expected: "records of \(f) features, or of time steps (or pixels) of \(f) each: \(f) columns or a multiple, got \(x.columns) columns")
        }
        let rows = x.count / f, eps = Scalar(epsilon), count = Scalar(f)
        var normalized = try x.reshaped(rows: rows, columns: f)
        var inverseDeviation = [Scalar](repeating: 0, count: rows)
        var output = Matrix<Scalar>(rows: x.rows, columns: x.columns)
        normalized.withUnsafeMutableBufferPointer { xHat in
            weight.withUnsafeBufferPointer { gamma in
                bias.withUnsafeBufferPointer { beta in
                    output.withUnsafeMutableBufferPointer { y in
                        for r in 0..<rows {
                            let start = r &* f
                            var mean: Scalar = 0
                            for k in start..<start + f { mean += xHat[k] }
                            mean /= count
                            var variance: Scalar = 0
                            for k in start..<start + f { variance += (xHat[k] - mean) * (xHat[k] - mean) }
                            let inv = 1 / (variance / count + eps).squareRoot()
                            inverseDeviation[r] = inv
                            for k in 0..<f {
                                let value = (xHat[start &+ k] - mean) * inv
                                xHat[start &+ k] = value
                                y[start &+ k] = gamma[k] * value + beta[k]
                            }
                        }
                    }
                }
            }
        }
        saved.value = (normalized, inverseDeviation)
        return output
    }

    /// `∂E/∂x`, `∂E/∂γ` and `∂E/∂β` from `∂E/∂y` (formulas in the type's documentation). Without
    /// ``elementwiseAffine`` only `∂E/∂x`.
    /// - Throws: ``ShapeError`` when `outputGradient` does not have the output's shape.
    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let (xHat, inverseDeviation) = try saved.take(for: name)
        let f = featureCount, rows = xHat.rows, count = Scalar(f)
        guard outputGradient.count == xHat.count, outputGradient.columns % f == 0 else {
            throw ShapeError(
                operation: "\(name).backward", shapes: [outputGradient.shape, xHat.shape],
                expected: "the output gradient must have the output's shape (the second shape is one row per group of \(f) normalized numbers)")
        }
        var weightGradient = Matrix<Scalar>(rows: 1, columns: f), biasGradient = Matrix<Scalar>(rows: 1, columns: f)
        var inputGradient = needsInputGradient
            ? Matrix<Scalar>(rows: outputGradient.rows, columns: outputGradient.columns) : Matrix<Scalar>(rows: 0, columns: 0)
        var scaled = [Scalar](repeating: 0, count: f)  // g⊙γ for one row
        outputGradient.withUnsafeBufferPointer { g in
            xHat.withUnsafeBufferPointer { xHat in
                weight.withUnsafeBufferPointer { gamma in
                    weightGradient.withUnsafeMutableBufferPointer { dGamma in
                        biasGradient.withUnsafeMutableBufferPointer { dBeta in
                            inputGradient.withUnsafeMutableBufferPointer { dx in
                                for r in 0..<rows {
                                    let start = r &* f
                                    var sum: Scalar = 0, sumTimesXHat: Scalar = 0
                                    for k in 0..<f {
                                        let gk = g[start &+ k], xk = xHat[start &+ k]
                                        dGamma[k] += gk * xk
                                        dBeta[k] += gk
                                        scaled[k] = gk * gamma[k]
                                        sum += scaled[k]
                                        sumTimesXHat += scaled[k] * xk
                                    }
                                    guard needsInputGradient else { continue }
                                    let factor = inverseDeviation[r] / count
                                    for k in 0..<f {
                                        dx[start &+ k] = factor * (count * scaled[k] - sum - xHat[start &+ k] * sumTimesXHat)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return LayerGradients(input: inputGradient, parameters: elementwiseAffine ? [weightGradient, biasGradient] : [])
    }

    public var parameters: [Matrix<Scalar>] { elementwiseAffine ? [weight, bias] : [] }
    public var parameterNames: [String] { elementwiseAffine ? ["weight", "bias"] : [] }

    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        guard elementwiseAffine else { return }
        try update(&weight, 0)
        try update(&bias, 1)
    }
}

extension LayerNorm: StorableLayer {
    /// In a model file: kind `layer_norm` with `features`, `epsilon` and `elementwise_affine`;
    /// tensors `weight` (γ) and `bias` (β), each `[features]`.
    public static var kind: String { "layer_norm" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("features", featureCount)
        try writer.set("epsilon", epsilon)
        try writer.set("elementwise_affine", elementwiseAffine)
        try writer.tensor("weight", weight, vector: true)
        try writer.tensor("bias", bias, vector: true)
    }

    public init(reading reader: inout LayerReader) throws {
        let features = try reader.integer("features", atLeast: 1)
        let epsilon = try reader.number("epsilon"), affine = try reader.bool("elementwise_affine")
        let weight: Matrix<Scalar> = try reader.tensor("weight", shape: [features], "γ")
        let bias: Matrix<Scalar> = try reader.tensor("bias", shape: [features], "β")
        self = try reader.build { try LayerNorm(features: features, epsilon: epsilon, elementwiseAffine: affine) }
        self.weight = weight
        self.bias = bias
    }
}
