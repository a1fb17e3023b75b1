import Foundation
import Teach

extension ReferenceAnswers {
    /// 15.1: both input terms and both biases, then tanh.
    public static func rnnStep(
        input: Matrix<Double>, state: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, inputBias: Matrix<Double>,
        hiddenBias: Matrix<Double>
    ) throws -> Matrix<Double> {
        let sum = try input.matmulTransposed(inputWeights) + inputBias + state.matmulTransposed(hiddenWeights) + hiddenBias
        return sum.map { tanh($0) }
    }

    /// 15.2: the forward pass keeps every state; the backward pass walks the steps from the last,
    /// carrying `δ_{t+1} W_hh` into step t, and adds every step's share of each gradient.
    public static func rnnGradients(
        inputs: Matrix<Double>, target: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, bias: Matrix<Double>
    ) throws -> (inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, bias: Matrix<Double>) {
        let steps = inputs.rows
        func input(_ t: Int) -> Matrix<Double> { Matrix(row: (0..<inputs.columns).map { inputs[t, $0] }) }
        var states = [Matrix<Double>(rows: 1, columns: hiddenWeights.rows)]  // h_0 = 0, then h_1 … h_T
        for t in 0..<steps {
            let sum = try input(t).matmulTransposed(inputWeights) + states[t].matmulTransposed(hiddenWeights) + bias
            states.append(sum.map { tanh($0) })
        }
        var dInput = Matrix<Double>(rows: inputWeights.rows, columns: inputWeights.columns)
        var dHidden = Matrix<Double>(rows: hiddenWeights.rows, columns: hiddenWeights.columns)
        var dBias = Matrix<Double>(rows: 1, columns: bias.columns)
        var gradient = try states[steps] - target  // ∂E/∂h_T
        for t in stride(from: steps, through: 1, by: -1) {
            let delta = try gradient * states[t].map { 1 - $0 * $0 }
            try dInput += try delta.transposedMatmul(input(t - 1))
            try dHidden += try delta.transposedMatmul(states[t - 1])
            try dBias += delta
            gradient = try delta.matmul(hiddenWeights)  // ∂E/∂h_{t−1}
        }
        return (dInput, dHidden, dBias)
    }
}
