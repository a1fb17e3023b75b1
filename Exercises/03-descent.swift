import Teach

extension MyAnswers {
    /// 3.1 The sigmoid's derivative from its output (`swift run exercises show 3.1`).
    public static func sigmoidDerivative(output a: Double) -> Double {
        a  // your answer, with `a` only
    }

    /// 3.2 One neuron's gradient (`swift run exercises show 3.2`).
    public static func neuronGradient(weights: [Double], bias: Double, inputs: [Double], target: Double) -> (weights: [Double], bias: Double) {
        (weights.map { _ in 0 }, 0)  // your answer: ∂E/∂w for each weight, and ∂E/∂b
    }
}
