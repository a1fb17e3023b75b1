import Foundation
import Teach

extension MyAnswers {
    /// 18.1 Attention weights (`swift run exercises show 18.1`).
    public static func attentionWeights(query: [Double], keys: [[Double]], padding: [Bool]) -> [Double] {
        // A softmax of the dot products: but scaled? and the padding?
        let scores = keys.map { key in zip(query, key).map { $0 * $1 }.reduce(0, +) }
        let largest = scores.max() ?? 0
        let exponentials = scores.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// 18.2 Teacher forcing (`swift run exercises show 18.2`).
    public static func decoderInputs(targets: [Int], start: Int) -> [Int] {
        targets  // your answer: what does step 0 read?
    }
}
