import RealModule

/// An activation function `f`, applied to a neuron's weighted sum `h` to give its output `a = f(h)`,
/// with its derivative `f'(h)` beside it (backpropagation multiplies by it).
public enum Activation: Sendable, Hashable, CustomStringConvertible {
    /// The threshold (binary step): `f(h) = 1` when `h ≥ 0`, else `0`. Its derivative is 0
    /// wherever it exists, which is why gradient descent cannot train it; the perceptron rule can.
    case step
    /// The logistic sigmoid `f(h) = 1 / (1 + e⁻ʰ)`, with `f'(h) = f(h) (1 - f(h))`.
    case sigmoid
    /// The hyperbolic tangent `f(h) = (eʰ - e⁻ʰ) / (eʰ + e⁻ʰ)`, with `f'(h) = 1 - f(h)²`.
    case tanh
    /// The rectified linear unit `f(h) = max(0, h)`, with `f'(h) = 1` for `h > 0` and `0` otherwise
    /// (at `h = 0`, where it has no derivative, 0 is used).
    ///
    /// NaN propagates, as in PyTorch: `f(NaN) = NaN` (not 0, which would hide a diverging network
    /// from the loss), and `f'(NaN) = 1`, so the gradient passes through a NaN unchanged, as
    /// PyTorch's backward does (it zeroes the gradient only where the output is `<= 0`). −0 gives +0.
    case relu
    /// The leaky ReLU `f(h) = h` for `h > 0` and `negativeSlope · h` otherwise, with `f'(h) = 1` or
    /// `negativeSlope` (PyTorch's `LeakyReLU`, whose default slope is 0.01). Units never go fully
    /// silent, so they cannot die.
    case leakyReLU(negativeSlope: Double = 0.01)
    /// No activation, `f(h) = h`, with `f'(h) = 1`: a linear unit, as in regression outputs.
    case identity
    /// The softplus `f(h) = log(1 + eʰ)`, a smooth ReLU, with `f'(h) = sigmoid(h)`: PyTorch's
    /// `Softplus(beta=1, threshold=20)`. Above the threshold, `h > 20`, it returns `h` itself and
    /// the derivative 1, as PyTorch does: there `log(1 + eʰ)` differs from `h` by less than
    /// `e⁻²⁰ ≈ 2.1·10⁻⁹`, so the function jumps by that much at `h = 20`. `log(1 + x)` is computed
    /// with `log(onePlus:)`, which stays accurate when `eʰ` is tiny.
    case softplus
    /// The exponential linear unit `f(h) = h` for `h > 0` and `alpha (eʰ − 1)` otherwise, with
    /// `f'(h) = 1` or `alpha eʰ` (PyTorch's `ELU`, default `alpha` 1). It tends to `−alpha` for
    /// large negative `h`, so the mean output stays nearer 0 than ReLU's. `eʰ − 1` is computed with
    /// `expMinusOne`, which stays accurate for `h` near 0.
    case elu(alpha: Double = 1.0)
    /// The sigmoid-weighted linear unit (swish) `f(h) = h · sigmoid(h)`, with
    /// `f'(h) = σ(h) (1 + h (1 − σ(h)))` where `σ = sigmoid` (PyTorch's `SiLU`).
    case silu
    /// The Gaussian error linear unit `f(h) = h Φ(h)`, where `Φ` is the standard normal's
    /// cumulative distribution (PyTorch's `GELU(approximate=)`; see ``GELUApproximation`` for the
    /// two forms and their derivatives).
    case gelu(approximate: GELUApproximation = .none)

    /// The name in tables: `ReLU`, `leaky ReLU (slope 0.2)`, `ELU`.
    public var description: String {
        switch self {
        case .step: "step"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .relu: "ReLU"
        case .leakyReLU(let slope): slope == 0.01 ? "leaky ReLU" : "leaky ReLU (slope \(slope))"
        case .identity: "identity"
        case .softplus: "softplus"
        case .elu(let alpha): alpha == 1 ? "ELU" : "ELU (alpha \(alpha))"
        case .silu: "SiLU"
        case .gelu(.none): "GELU"
        case .gelu(.tanh): "GELU (tanh)"
        }
    }

    /// `f(h)`.
    @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ h: Scalar) -> Scalar {
        switch self {
        case .step: h >= 0 ? 1 : 0
        case .sigmoid: h >= 0 ? 1 / (1 + Scalar.exp(-h)) : Scalar.exp(h) / (1 + Scalar.exp(h))
        case .tanh: Scalar.tanh(h)
        case .relu: h <= 0 ? 0 : h  // NaN stays NaN (`<=` is false for it)
        case .leakyReLU(let slope): h > 0 ? h : Scalar(slope) * h
        case .identity: h
        case .softplus: h > 20 ? h : Scalar.log(onePlus: Scalar.exp(h))
        case .elu(let alpha): h > 0 ? h : Scalar(alpha) * Scalar.expMinusOne(h)
        case .silu: h * Activation.sigmoid(h)
        case .gelu(.none): h * GELUApproximation.normalCDF(h)
        case .gelu(.tanh): h / 2 * (1 + Scalar.tanh(GELUApproximation.tanhArgument(h)))
        }
    }

    /// `f'(h)`, the derivative at the weighted sum `h`. For the step it is 0 (at `h = 0`, where the
    /// step has no derivative, 0 is returned too).
    @inlinable public func derivative<Scalar: MatrixScalar>(_ h: Scalar) -> Scalar {
        switch self {
        case .step:
            return 0
        case .sigmoid:
            let a = self(h)
            return a * (1 - a)
        case .tanh:
            let a = Scalar.tanh(h)
            return 1 - a * a
        case .relu:
            return h <= 0 ? 0 : 1  // 1 at NaN: the gradient passes, as in PyTorch
        case .leakyReLU(let slope):
            return h > 0 ? 1 : Scalar(slope)
        case .identity:
            return 1
        case .softplus:
            return h > 20 ? 1 : Activation.sigmoid(h)
        case .elu(let alpha):
            return h > 0 ? 1 : Scalar(alpha) * Scalar.exp(h)
        case .silu:
            let s = Activation.sigmoid(h)
            return s * (1 + h * (1 - s))
        case .gelu(.none):
            return GELUApproximation.normalCDF(h) + h * GELUApproximation.normalPDF(h)
        case .gelu(.tanh):
            let t = Scalar.tanh(GELUApproximation.tanhArgument(h))
            let slope = Scalar(GELUApproximation.tanhScale) * (1 + 3 * Scalar(GELUApproximation.tanhCubic) * h * h)
            return (1 + t) / 2 + h / 2 * (1 - t * t) * slope
        }
    }

    /// `f` applied to every element. For a Float matrix, ReLU and GELU run in vector kernels (GELU's
    /// `Φ` within a few units in the last place of the scalar rule's, which Double keeps).
    @inlinable public func callAsFunction<Scalar>(_ h: Matrix<Scalar>) -> Matrix<Scalar> {
        // The same arithmetic as the scalar function, with the choice of function made once, so
        // that the loop over the elements can be vectorised. The constants are `.zero` and `1`
        // made once, not literals inside the loop: in generic code a literal `0` is converted
        // for every element and the loop runs scalar, with a branch (ReLU on 3.2 million floats
        // took 18 ms that way, 1.4 ms this way).
        let zero = Scalar.zero
        switch self {
        case .relu where Scalar.self == Float.self:
            return Matrix(unchecked: h.rows, h.columns, unsafeBitCast(floatReLU(unsafeBitCast(h.storage, to: [Float].self)), to: [Scalar].self))
        case .relu: return h.map { $0 <= zero ? zero : $0 }
        case .identity: return h
        case .gelu(.none) where Scalar.self == Float.self:
            return Matrix(unchecked: h.rows, h.columns, unsafeBitCast(floatGELU(unsafeBitCast(h.storage, to: [Float].self)), to: [Scalar].self))
        // exponentials, erf, tanh: dear enough per element to share with the second core
        default: return Matrix(unchecked: h.rows, h.columns, mapOnTwoCores(h.storage) { self($0) })
        }
    }

    /// `∂E/∂h = ∂E/∂a ⊙ f'(h)`: the gradient of the loss with respect to the weighted sums `h`,
    /// from the gradient with respect to the outputs `a = f(h)` (one pass for a Float ReLU or GELU,
    /// in a vector kernel).
    /// - Throws: ``ShapeError`` (naming `operation`) when the two shapes differ.
    @inlinable public func gradient<Scalar>(
        _ outputGradient: Matrix<Scalar>, at h: Matrix<Scalar>, operation: String = "Activation.gradient"
    ) throws -> Matrix<Scalar> {
        if case .relu = self, Scalar.self == Float.self {
            try outputGradient.checkSameShape(h, operation)
            let g = unsafeBitCast(outputGradient.storage, to: [Float].self), sums = unsafeBitCast(h.storage, to: [Float].self)
            return Matrix(unchecked: h.rows, h.columns, unsafeBitCast(floatReLUGradient(g, sums), to: [Scalar].self))
        }
        if case .gelu(.none) = self, Scalar.self == Float.self {
            try outputGradient.checkSameShape(h, operation)
            let g = unsafeBitCast(outputGradient.storage, to: [Float].self), sums = unsafeBitCast(h.storage, to: [Float].self)
            return Matrix(unchecked: h.rows, h.columns, unsafeBitCast(floatGELUGradient(g, sums), to: [Scalar].self))
        }
        return try outputGradient.zipMap(derivative(h), operation: operation) { g, d in g * d }
    }

    /// `f'` at every element.
    @inlinable public func derivative<Scalar>(_ h: Matrix<Scalar>) -> Matrix<Scalar> {
        let zero = Scalar.zero, one = Scalar(1)
        switch self {
        case .relu: return h.map { $0 <= zero ? zero : one }
        case .identity: return h.map { _ in one }
        default: return Matrix(unchecked: h.rows, h.columns, mapOnTwoCores(h.storage) { derivative($0) })
        }
    }
}

extension Activation {
    /// Every name ``storedName`` gives, in the order the model file's documentation lists them.
    public static let storedNames = [
        "step", "sigmoid", "tanh", "relu", "identity", "leaky_relu", "softplus", "elu", "silu", "gelu", "gelu_tanh",
    ]

    /// Every key ``storedParameter`` uses: `negative_slope` (leaky ReLU) and `alpha` (ELU).
    public static let storedParameterKeys = ["negative_slope", "alpha"]

    /// The activation's name in a model file: PyTorch's function name in snake case (`relu`,
    /// `leaky_relu`, `gelu`), with `gelu_tanh` for the tanh approximation of the GELU.
    public var storedName: String {
        switch self {
        case .step: "step"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .relu: "relu"
        case .identity: "identity"
        case .leakyReLU: "leaky_relu"
        case .softplus: "softplus"
        case .elu: "elu"
        case .silu: "silu"
        case .gelu(.none): "gelu"
        case .gelu(.tanh): "gelu_tanh"
        }
    }

    /// The activation's one parameter as a model file stores it beside ``storedName``, under
    /// PyTorch's argument name: `negative_slope` for the leaky ReLU, `alpha` for the ELU; `nil`
    /// for the others, which have none.
    public var storedParameter: (key: String, value: Double)? {
        switch self {
        case .leakyReLU(let slope): ("negative_slope", slope)
        case .elu(let alpha): ("alpha", alpha)
        default: nil
        }
    }

    /// The activation a model file names `storedName`, the inverse of ``storedName`` and
    /// ``storedParameter``; `nil` when the name is not one of ``storedNames``.
    ///
    /// - Parameters:
    ///   - storedName: the name in the file: `relu`, `leaky_relu`, `elu`, ….
    ///   - parameter: called with the parameter's key (`negative_slope` or `alpha`) when
    ///     the activation has one, and returns its value; its errors (a missing or non-numeric
    ///     value, say) are passed on.
    ///
    ///       let activation = try Activation(storedName: "elu") { key in try number(key) }
    public init?(storedName: String, parameter: (_ key: String) throws -> Double) rethrows {
        switch storedName {
        case "step": self = .step
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "relu": self = .relu
        case "identity": self = .identity
        case "leaky_relu": self = .leakyReLU(negativeSlope: try parameter("negative_slope"))
        case "softplus": self = .softplus
        case "elu": self = .elu(alpha: try parameter("alpha"))
        case "silu": self = .silu
        case "gelu": self = .gelu(approximate: .none)
        case "gelu_tanh": self = .gelu(approximate: .tanh)
        default: return nil
        }
    }
}

/// Which form of GELU, `h Φ(h)`, to compute: PyTorch's `approximate='none'` or `'tanh'`.
public enum GELUApproximation: String, Sendable, Hashable, CaseIterable {
    /// The exact GELU (PyTorch's default, `approximate='none'`):
    ///
    ///     f(h) = h Φ(h) = h/2 (1 + erf(h/√2))        f'(h) = Φ(h) + h φ(h),  φ(h) = e^(−h²/2) / √(2π)
    ///
    /// `Φ(h)` is computed as `erfc(−h/√2) / 2`, the same number as `(1 + erf(h/√2)) / 2` (PyTorch's
    /// form) without the cancellation in `1 + erf` for large negative `h`.
    case none
    /// The tanh approximation of the GELU (`approximate='tanh'`), with `u = √(2/π) (h + 0.044715 h³)`:
    ///
    ///     f(h) = h/2 (1 + tanh u)        f'(h) = (1 + tanh u)/2 + h/2 (1 − tanh² u) √(2/π) (1 + 3·0.044715 h²)
    ///
    /// It differs from the exact GELU by less than 5·10⁻⁴ everywhere; its derivative is the exact
    /// derivative of this approximation.
    case tanh

    /// `√(2/π)`.
    @usableFromInline static let tanhScale = 0.79788456080286535588
    /// The cubic term's coefficient, `0.044715`.
    @usableFromInline static let tanhCubic = 0.044715

    /// `Φ(h)`, the standard normal distribution function.
    @inlinable static func normalCDF<Scalar: MatrixScalar>(_ h: Scalar) -> Scalar {
        Scalar.erfc(-h * Scalar(0.70710678118654752440)) / 2
    }

    /// `φ(h) = e^(−h²/2) / √(2π)`, the standard normal density.
    @inlinable static func normalPDF<Scalar: MatrixScalar>(_ h: Scalar) -> Scalar {
        Scalar.exp(-h * h / 2) * Scalar(0.39894228040143267794)
    }

    /// `u = √(2/π) (h + 0.044715 h³)`.
    @inlinable static func tanhArgument<Scalar: MatrixScalar>(_ h: Scalar) -> Scalar {
        Scalar(tanhScale) * (h + Scalar(tanhCubic) * h * h * h)
    }
}
