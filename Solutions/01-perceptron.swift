import Teach

extension ReferenceAnswers {
    /// 1.1: the step of `h = w₀ + Σ wᵢxᵢ`, with step(0) = 1.
    public static func perceptronOutput(weights: [Double], inputs: [Double]) -> Double {
        var h = weights[0]
        for i in inputs.indices { h += weights[i + 1] * inputs[i] }
        return h >= 0 ? 1 : 0
    }

    /// 1.2: `wᵢ ← wᵢ + η (y − a) xᵢ`, with `x₀ = 1` for the bias weight.
    public static func perceptronLearn(weights: [Double], inputs: [Double], target: Double, learningRate: Double) -> [Double] {
        let error = target - perceptronOutput(weights: weights, inputs: inputs)
        return zip(weights, [1] + inputs).map { w, x in w + learningRate * error * x }
    }

    /// 1.3: AND's weights negated: `h = 1.5 − x1 − x2` is negative only when both inputs are 1.
    public static func nandWeights() -> [Double] { [1.5, -1, -1] }
}
