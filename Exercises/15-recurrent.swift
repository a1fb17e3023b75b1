import Foundation
import Teach

extension MyAnswers {
    /// 15.1 One step of an RNN (`swift run exercises show 15.1`).
    public static func rnnStep(
        input: Matrix<Double>, state: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, inputBias: Matrix<Double>,
        hiddenBias: Matrix<Double>
    ) throws -> Matrix<Double> {
        // Almost: one term is missing.
        let sum = try input.matmulTransposed(inputWeights) + inputBias + state.matmulTransposed(hiddenWeights)
        return sum.map { tanh($0) }
    }

    /// 15.2 Backpropagation through time (`swift run exercises show 15.2`).
    public static func rnnGradients(
        inputs: Matrix<Double>, target: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, bias: Matrix<Double>
    ) throws -> (inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, bias: Matrix<Double>) {
        // The forward pass, keeping every state.
        var states = [Matrix<Double>(rows: 1, columns: hiddenWeights.rows)]
        for t in 0..<inputs.rows {
            let x = Matrix(row: (0..<inputs.columns).map { inputs[t, $0] })
            let sum = try x.matmulTransposed(inputWeights) + states[t].matmulTransposed(hiddenWeights) + bias
            states.append(sum.map { tanh($0) })
        }
        // Only the last step's share: the gradient is not carried back through W_hh yet.
        let last = states[inputs.rows]
        let delta = try (last - target) * last.map { 1 - $0 * $0 }
        let x = Matrix(row: (0..<inputs.columns).map { inputs[inputs.rows - 1, $0] })
        return (try delta.transposedMatmul(x), try delta.transposedMatmul(states[inputs.rows - 1]), delta)
    }
}
