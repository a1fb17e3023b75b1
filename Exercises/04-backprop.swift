import Teach

extension MyAnswers {
    /// 4.1 The derivative of tanh (`swift run exercises show 4.1`).
    public static func tanhDerivative(_ h: Double) -> Double {
        1  // the identity's derivative; tanh's is not constant
    }

    /// 4.2 Two paths into one node (`swift run exercises show 4.2`).
    public static func twoPathGradients(m: Double, b: Double, c: Double) -> (m: Double, b: Double, c: Double) {
        let d = m - b, f = m * c
        // ∂e/∂m follows only the path through d here.
        return (m: f, b: -f, c: d * m)
    }

    /// 4.3 The backward pass of a dense layer (`swift run exercises show 4.3`).
    public static func denseBackward(input: Matrix<Double>, weights: Matrix<Double>, outputGradient: Matrix<Double>) throws
        -> (weights: Matrix<Double>, bias: Matrix<Double>, input: Matrix<Double>)
    {
        // The right shapes, all zero: your answer replaces each.
        (Matrix(rows: weights.rows, columns: weights.columns), Matrix(rows: 1, columns: weights.columns),
         Matrix(rows: input.rows, columns: input.columns))
    }
}
