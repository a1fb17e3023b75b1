import Foundation
import Teach

extension MyAnswers {
    /// 7.1 Leaky ReLU's derivative (`swift run exercises show 7.1`).
    public static func leakyReLUDerivative(_ h: Double, negativeSlope: Double) -> Double {
        h > 0 ? 1 : 0  // ReLU's derivative: what does the slope change?
    }

    /// 7.2 Softplus's derivative, for any input (`swift run exercises show 7.2`).
    public static func softplusDerivative(_ h: Double) -> Double {
        exp(h) / (1 + exp(h))  // right on paper; try h = 800
    }
}
