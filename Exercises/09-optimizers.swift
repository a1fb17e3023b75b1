import Teach

extension MyAnswers {
    /// 9.1 A momentum step (`swift run exercises show 9.1`).
    public static func momentumStep(weight: Double, velocity: Double, gradient: Double, learningRate: Double, momentum: Double)
        -> (weight: Double, velocity: Double)
    {
        (weight - learningRate * gradient, velocity)  // plain SGD: your answer uses the velocity
    }

    /// 9.2 An Adam step (`swift run exercises show 9.2`).
    public static func adamStep(
        weight: Double, m: Double, v: Double, step t: Int, gradient: Double, learningRate: Double, beta1: Double, beta2: Double,
        epsilon: Double
    ) -> (weight: Double, m: Double, v: Double) {
        (weight - learningRate * gradient, m, v)  // your answer
    }
}
