import Teach

extension MyAnswers {
    /// 1.1 A perceptron's output (`swift run exercises show 1.1`).
    public static func perceptronOutput(weights: [Double], inputs: [Double]) -> Double {
        // The weighted sum is here; what does the perceptron do with it?
        var h = weights[0]
        for i in inputs.indices { h += weights[i + 1] * inputs[i] }
        return h
    }

    /// 1.2 The perceptron learning rule (`swift run exercises show 1.2`).
    public static func perceptronLearn(weights: [Double], inputs: [Double], target: Double, learningRate: Double) -> [Double] {
        weights  // your answer: the weights after one application of the rule
    }

    /// 1.3 NAND by hand (`swift run exercises show 1.3`).
    public static func nandWeights() -> [Double] {
        [0, 0, 0]  // your answer: [w₀, w₁, w₂]
    }
}
