import Teach

extension MyAnswers {
    /// 8.1 Xavier's uniform bound (`swift run exercises show 8.1`).
    public static func xavierUniformBound(fanIn: Int, fanOut: Int) -> Double {
        1 / Double(fanIn).squareRoot()  // your answer
    }

    /// 8.2 He's standard deviation (`swift run exercises show 8.2`).
    public static func heNormalStandardDeviation(fanIn: Int) -> Double {
        1 / Double(fanIn).squareRoot()  // LeCun's: ReLU needs more
    }
}
