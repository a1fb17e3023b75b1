import Foundation
import Teach

extension ReferenceAnswers {
    /// 9.1: PyTorch's momentum: `v ← μv + g`, then `w ← w − γv` (the learning rate outside the velocity).
    public static func momentumStep(weight: Double, velocity: Double, gradient: Double, learningRate: Double, momentum: Double)
        -> (weight: Double, velocity: Double)
    {
        let v = momentum * velocity + gradient
        return (weight - learningRate * v, v)
    }

    /// 9.2: `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`, then
    /// `w ← w − γ m̂ / (√v̂ + ε)` with `m̂ = m / (1 − β₁ᵗ)` and `v̂ = v / (1 − β₂ᵗ)`.
    public static func adamStep(
        weight: Double, m: Double, v: Double, step t: Int, gradient: Double, learningRate: Double, beta1: Double, beta2: Double,
        epsilon: Double
    ) -> (weight: Double, m: Double, v: Double) {
        let m = beta1 * m + (1 - beta1) * gradient
        let v = beta2 * v + (1 - beta2) * gradient * gradient
        let mHat = m / (1 - pow(beta1, Double(t))), vHat = v / (1 - pow(beta2, Double(t)))
        return (weight - learningRate * mHat / (vHat.squareRoot() + epsilon), m, v)
    }
}
