import Foundation
import Teach

extension MyAnswers {
    /// 13.1 A softmax that does not overflow (`swift run exercises show 13.1`).
    public static func softmax(_ logits: [Double]) -> [Double] {
        let exponentials = logits.map { exp($0) }  // right on paper; try a logit of 1000
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// 13.2 Cross-entropy's gradient (`swift run exercises show 13.2`).
    public static func crossEntropyGradient(logits: [Double], target: Int) -> [Double] {
        logits.indices.map { $0 == target ? -1 : 0 }  // your answer
    }
}
