/// A penalty on the size of the weights, added to the loss (article 001's Lasso and Ridge).
///
///     L2: E' = E + (λ/2) Σ w²      ∂E'/∂w = ∂E/∂w + λ w          (PyTorch's weight_decay = λ)
///     L1: E' = E + λ Σ |w|         ∂E'/∂w = ∂E/∂w + λ sign(w)    (sign(0) = 0)
///
/// The package applies penalties to the weights of dense and convolution layers only (each layer's
/// ``Layer/penalizedParameters``), not to biases or batch normalization's `γ` and `β` (a bias does
/// not make the function wigglier). PyTorch's `weight_decay` applies to every parameter it is given.
public enum Penalty: Sendable, Hashable, CustomStringConvertible {
    /// No penalty.
    case none
    /// L2 (ridge, weight decay) with strength `λ`: `E + (λ/2) Σ w²`.
    case l2(Double)
    /// L1 (lasso) with strength `λ`: `E + λ Σ |w|`, which pushes weights to exactly zero.
    case l1(Double)

    /// `none`, `L2 (λ 0.001)` or `L1 (λ 0.001)`.
    public var description: String {
        switch self {
        case .none: "none"
        case .l2(let lambda): "L2 (λ \(lambda))"
        case .l1(let lambda): "L1 (λ \(lambda))"
        }
    }

    /// The penalty's value for one weight matrix.
    @inlinable public func value<Scalar: MatrixScalar>(_ weights: Matrix<Scalar>) -> Scalar {
        switch self {
        case .none: 0
        case .l2(let lambda): Scalar(lambda) / 2 * weights.elements.reduce(0) { $0 + $1 * $1 }
        case .l1(let lambda): Scalar(lambda) * weights.elements.reduce(0) { $0 + abs($1) }
        }
    }

    /// Adds the penalty's gradient for `weights` to `gradient`.
    /// - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public func addGradient<Scalar: MatrixScalar>(of weights: Matrix<Scalar>, to gradient: inout Matrix<Scalar>) throws {
        switch self {
        case .none: return
        case .l2(let lambda): try gradient.add(weights, scaledBy: Scalar(lambda))
        case .l1(let lambda):
            try gradient.add(weights.map { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }, scaledBy: Scalar(lambda))
        }
    }
}

/// The norm of several matrices taken together as one long vector,
/// `√(Σ over every matrix and element m²)`, accumulated in Double: the norm that
/// ``clipByGlobalNorm(_:maxNorm:)`` compares with its limit, and for one matrix its ``Matrix/norm()``.
@inlinable public func globalNorm<Scalar: MatrixScalar>(_ matrices: [Matrix<Scalar>]) -> Double {
    matrices.reduce(0.0) { total, matrix in matrix.sumOfSquares(addingTo: total) }.squareRoot()
}

/// Gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_`: the norm of all the
/// gradients taken together as one long vector,
///
///     ‖g‖ = √(Σ over every tensor and element g²)
///
/// and when it exceeds `maxNorm`, every gradient is multiplied by `maxNorm / (‖g‖ + 10⁻⁶)`, so the
/// step keeps its direction but not its size. Smaller gradients are left untouched.
///
/// - Returns: the norm before clipping (PyTorch returns it too).
/// - Throws: ``InvalidArgument`` when `maxNorm` is not a positive number.
@inlinable @discardableResult
public func clipByGlobalNorm<Scalar: MatrixScalar>(_ gradients: inout [Matrix<Scalar>], maxNorm: Double) throws -> Double {
    guard maxNorm > 0, maxNorm.isFinite else { throw InvalidArgument("clipByGlobalNorm: maxNorm \(maxNorm) must be a positive number") }
    let norm = globalNorm(gradients)
    let coefficient = maxNorm / (norm + 1e-6)
    if coefficient < 1 {
        for index in gradients.indices { gradients[index] = gradients[index] * Scalar(coefficient) }
    }
    return norm
}
