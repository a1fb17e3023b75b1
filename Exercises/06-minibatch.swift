import Teach

extension MyAnswers {
    /// 6.1 Cut an epoch into minibatches (`swift run exercises show 6.1`).
    public static func minibatchRanges(count: Int, batchSize: Int) -> [Range<Int>] {
        // Every full batch, but what about the records left over?
        (0..<(count / batchSize)).map { $0 * batchSize..<($0 + 1) * batchSize }
    }

    /// 6.2 A minibatch's gradient as matrices (`swift run exercises show 6.2`).
    public static func minibatchGradient(weights: Matrix<Double>, bias: Double, inputs: Matrix<Double>, targets: Matrix<Double>) throws
        -> (weights: Matrix<Double>, bias: Double)
    {
        (Matrix(rows: weights.rows, columns: weights.columns), 0)  // your answer
    }
}
