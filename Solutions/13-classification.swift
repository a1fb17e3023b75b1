import Foundation
import Teach

extension ReferenceAnswers {
    /// 13.1: softmax is unchanged by subtracting a constant from every logit; subtracting the
    /// largest makes every exponent at most 0, so nothing overflows.
    public static func softmax(_ logits: [Double]) -> [Double] {
        let largest = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// 13.2: `ŷ − y`, the probabilities minus the one-hot target.
    public static func crossEntropyGradient(logits: [Double], target: Int) -> [Double] {
        softmax(logits).enumerated().map { $0.offset == target ? $0.element - 1 : $0.element }
    }
}
