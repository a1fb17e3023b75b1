import Foundation
import Teach

extension ReferenceAnswers {
    /// 18.1: scaled dot products, padding at −∞ (weight 0), then a softmax with its largest score
    /// subtracted first.
    public static func attentionWeights(query: [Double], keys: [[Double]], padding: [Bool]) -> [Double] {
        let scale = 1 / Double(query.count).squareRoot()
        let scores = zip(keys, padding).map { key, padded in padded ? -Double.infinity : scale * zip(query, key).map { $0 * $1 }.reduce(0, +) }
        let largest = scores.max() ?? 0
        let exponentials = scores.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// 18.2: the targets shifted one step right behind the start token; the last target is never read.
    public static func decoderInputs(targets: [Int], start: Int) -> [Int] {
        [start] + targets.dropLast()
    }
}
