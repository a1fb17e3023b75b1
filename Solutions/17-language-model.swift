import Foundation
import Teach

extension ReferenceAnswers {
    /// 17.1: the pairs of `.word.`, each −log of its smoothed row's share, over the letters plus the end.
    public static func bigramNegativeLogLikelihood(word: String, counts: [[Int]], smoothing: Double) -> Double {
        let ids = [0] + word.unicodeScalars.map { Int($0.value) - 96 } + [0]  // 'a' is 97, so id 1
        var total = 0.0
        for (a, b) in zip(ids, ids.dropFirst()) {
            let row = counts[a].reduce(0.0) { $0 + Double($1) + smoothing }
            total -= log((Double(counts[a][b]) + smoothing) / row)
        }
        return total / Double(ids.count - 1)
    }

    /// 17.2: walk the cumulative sum until it passes u.
    public static func sampleIndex(probabilities: [Double], uniform: Double) -> Int {
        var cumulative = 0.0
        for (k, p) in probabilities.enumerated() {
            cumulative += p
            if uniform < cumulative { return k }
        }
        return probabilities.count - 1  // rounding left u at the very top
    }

    /// 17.3: log-sum-exp with the row's maximum subtracted, over the positions not ignored.
    public static func sequenceCrossEntropy(logits: Matrix<Double>, targets: [Int], ignoreIndex: Int) -> Double {
        var total = 0.0, counted = 0
        for (row, target) in targets.enumerated() where target != ignoreIndex {
            let scores = (0..<logits.columns).map { logits[row, $0] }
            let largest = scores.max()!
            let logSum = largest + log(scores.reduce(0) { $0 + exp($1 - largest) })
            total += logSum - scores[target]
            counted += 1
        }
        return total / Double(counted)
    }
}
