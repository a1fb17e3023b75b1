import Foundation
import Teach

extension ReferenceAnswers {
    /// 7.1: 1 for positive `h`, the slope otherwise (PyTorch takes the slope at 0).
    public static func leakyReLUDerivative(_ h: Double, negativeSlope: Double) -> Double {
        h > 0 ? 1 : negativeSlope
    }

    /// 7.2: the derivative is the sigmoid, written so that `exp` never overflows: for negative `h`
    /// `eʰ / (1 + eʰ)`, for the others `1 / (1 + e⁻ʰ)`.
    public static func softplusDerivative(_ h: Double) -> Double {
        h >= 0 ? 1 / (1 + exp(-h)) : exp(h) / (1 + exp(h))
    }
}
