import Teach

extension MyAnswers {
    /// 14.1 Accuracy from the network's outputs (`swift run exercises show 14.1`).
    public static func accuracy(outputs: Matrix<Double>, labels: [Int]) -> Double {
        0  // your answer
    }

    /// 14.2 The confusion matrix (`swift run exercises show 14.2`).
    public static func confusionMatrix(predicted: [Int], labels: [Int], classes: Int) -> [[Int]] {
        // Counted, but which way round?
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (p, t) in zip(predicted, labels) { counts[p][t] += 1 }
        return counts
    }
}
