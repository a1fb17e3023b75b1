import Foundation
import Teach

extension MyAnswers {
    /// 17.1 A word's bigram NLL by hand (`swift run exercises show 17.1`).
    public static func bigramNegativeLogLikelihood(word: String, counts: [[Int]], smoothing: Double) -> Double {
        // The letters' predictions, but is that all of them?
        let ids = [0] + word.unicodeScalars.map { Int($0.value) - 96 }
        var total = 0.0
        for (a, b) in zip(ids, ids.dropFirst()) {
            let row = counts[a].reduce(0.0) { $0 + Double($1) + smoothing }
            total -= log((Double(counts[a][b]) + smoothing) / row)
        }
        return total / Double(word.count)
    }

    /// 17.2 Sampling from a probability row (`swift run exercises show 17.2`).
    public static func sampleIndex(probabilities: [Double], uniform: Double) -> Int {
        // The most likely index, whatever u says.
        probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
    }

    /// 17.3 The cross-entropy of a sequence (`swift run exercises show 17.3`).
    public static func sequenceCrossEntropy(logits: Matrix<Double>, targets: [Int], ignoreIndex: Int) -> Double {
        0  // your answer
    }
}
