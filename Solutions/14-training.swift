import Teach

extension ReferenceAnswers {
    /// 14.1: the first column of each row's largest score, compared with the label.
    public static func accuracy(outputs: Matrix<Double>, labels: [Int]) -> Double {
        var correct = 0
        for r in 0..<outputs.rows {
            var best = 0
            for c in 1..<outputs.columns where outputs[r, c] > outputs[r, best] { best = c }
            if best == labels[r] { correct += 1 }
        }
        return Double(correct) / Double(outputs.rows)
    }

    /// 14.2: one count per record, in row `label`, column `prediction`.
    public static func confusionMatrix(predicted: [Int], labels: [Int], classes: Int) -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (p, t) in zip(predicted, labels) { counts[t][p] += 1 }
        return counts
    }
}
