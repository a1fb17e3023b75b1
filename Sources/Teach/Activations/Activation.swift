import RealModule

/// An activation function `f`, applied to a neuron's weighted sum `h` to give its output `a = f(h)`,
/// with its derivative `f'(h)` beside it (backpropagation multiplies by it).
public enum Activation: Sendable, Hashable, CustomStringConvertible {
    /// The threshold (binary step): `f(h) = 1` when `h ≥ 0`, else `0`. Its derivative is 0
    /// wherever it exists, which is why gradient descent cannot train it; the perceptron rule can.
    case step
    /// The logistic sigmoid `f(h) = 1 / (1 + e⁻ʰ)`, with `f'(h) = f(h) (1 - f(h))`.
    case sigmoid

    public var description: String {
        switch self {
        case .step: "step"
        case .sigmoid: "sigmoid"
        }
    }

    /// `f(h)`.
    @inlinable public func callAsFunction<Scalar: MatrixScalar>(_ h: Scalar) -> Scalar {
        switch self {
        case .step: h >= 0 ? 1 : 0
        case .sigmoid: h >= 0 ? 1 / (1 + Scalar.exp(-h)) : Scalar.exp(h) / (1 + Scalar.exp(h))
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
        }
    }

    /// `f` applied to every element.
    @inlinable public func callAsFunction<Scalar>(_ h: Matrix<Scalar>) -> Matrix<Scalar> {
        h.map { self($0) }
    }

    /// `f'` at every element.
    @inlinable public func derivative<Scalar>(_ h: Matrix<Scalar>) -> Matrix<Scalar> {
        h.map { derivative($0) }
    }
}
