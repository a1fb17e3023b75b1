import Foundation
import Teach

extension ReferenceAnswers {
    /// 4.1: tanh′(h) = 1 − tanh²(h).
    public static func tanhDerivative(_ h: Double) -> Double {
        let t = tanh(h)
        return 1 - t * t
    }

    /// 4.2: the two paths add: `∂e/∂m = ∂e/∂d·∂d/∂m + ∂e/∂f·∂f/∂m = f·1 + d·c`.
    public static func twoPathGradients(m: Double, b: Double, c: Double) -> (m: Double, b: Double, c: Double) {
        let d = m - b, f = m * c
        return (m: f + d * c, b: -f, c: d * m)
    }

    /// 4.3: `∂E/∂W = Xᵀ·G`, `∂E/∂b` = the column sums of `G`, `∂E/∂X = G·Wᵀ`.
    public static func denseBackward(input: Matrix<Double>, weights: Matrix<Double>, outputGradient: Matrix<Double>) throws
        -> (weights: Matrix<Double>, bias: Matrix<Double>, input: Matrix<Double>)
    {
        (try input.transposedMatmul(outputGradient), outputGradient.columnSums(), try outputGradient.matmulTransposed(weights))
    }
}
