import Foundation
import Teach

extension ReferenceAnswers {
    /// 3.1: σ′(h) = σ(h)(1 − σ(h)) = a(1 − a).
    public static func sigmoidDerivative(output a: Double) -> Double { a * (1 - a) }

    /// 3.2: with `a = σ(h)`, `∂E/∂h = −(y − a)·a(1 − a)`; then `∂E/∂wᵢ = ∂E/∂h · xᵢ` and `∂E/∂b = ∂E/∂h`.
    public static func neuronGradient(weights: [Double], bias: Double, inputs: [Double], target: Double) -> (weights: [Double], bias: Double) {
        let h = zip(weights, inputs).reduce(bias) { $0 + $1.0 * $1.1 }
        let a = 1 / (1 + exp(-h))
        let dh = -(target - a) * a * (1 - a)
        return (inputs.map { dh * $0 }, dh)
    }
}
