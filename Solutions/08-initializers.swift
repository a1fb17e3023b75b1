import Teach

extension ReferenceAnswers {
    /// 8.1: `a = √(6 / (fan_in + fan_out))`, so that the variance `a²/3` is `2 / (fan_in + fan_out)`.
    public static func xavierUniformBound(fanIn: Int, fanOut: Int) -> Double {
        (6 / Double(fanIn + fanOut)).squareRoot()
    }

    /// 8.2: `√(2 / fan_in)`: ReLU zeroes half of the sums, so the weights make up a factor 2.
    public static func heNormalStandardDeviation(fanIn: Int) -> Double {
        (2 / Double(fanIn)).squareRoot()
    }
}
