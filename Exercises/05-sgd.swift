import Teach

extension MyAnswers {
    /// 5.1 Standardize the features (`swift run exercises show 5.1`).
    public static func standardized(_ x: Matrix<Double>) -> Matrix<Double> {
        x  // your answer
    }

    /// 5.2 One epoch of SGD (`swift run exercises show 5.2`).
    public static func sgdEpoch(weights: Matrix<Double>, bias: Double, inputs: Matrix<Double>, targets: Matrix<Double>, learningRate: Double) throws
        -> (weights: Matrix<Double>, bias: Double)
    {
        (weights, bias)  // your answer: the weights and bias after one update per record
    }
}
