import Foundation
import Teach

extension ReferenceAnswers {
    /// 16.1: PyTorch stacks the gates `i, f, g, o`; `c = f ⊙ c_prev + i ⊙ g`, `h = o ⊙ tanh(c)`.
    public static func lstmStep(
        input: Matrix<Double>, state: Matrix<Double>, memory: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>,
        inputBias: Matrix<Double>, hiddenBias: Matrix<Double>
    ) throws -> (state: Matrix<Double>, memory: Matrix<Double>) {
        let h = state.columns
        let sums = try input.matmulTransposed(inputWeights) + inputBias + state.matmulTransposed(hiddenWeights) + hiddenBias
        func gate(_ index: Int) -> Matrix<Double> { Matrix(rows: 1, columns: h) { _, k in sums[0, index * h + k] } }
        func sigmoid(_ m: Matrix<Double>) -> Matrix<Double> { m.map { 1 / (1 + exp(-$0)) } }
        let i = sigmoid(gate(0)), f = sigmoid(gate(1)), g = gate(2).map { tanh($0) }, o = sigmoid(gate(3))
        let c = try f * memory + i * g
        return (try o * c.map { tanh($0) }, c)
    }

    /// 16.2: `h = (1 − z) ⊙ n + z ⊙ h_prev`, with the reset gate applied to the recurrent term after
    /// its bias, as PyTorch does.
    public static func gruStep(
        input: Matrix<Double>, state: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>, inputBias: Matrix<Double>,
        hiddenBias: Matrix<Double>
    ) throws -> Matrix<Double> {
        let h = state.columns
        let a = try input.matmulTransposed(inputWeights) + inputBias, u = try state.matmulTransposed(hiddenWeights) + hiddenBias
        func block(_ m: Matrix<Double>, _ index: Int) -> Matrix<Double> { Matrix(rows: 1, columns: h) { _, k in m[0, index * h + k] } }
        func sigmoid(_ m: Matrix<Double>) -> Matrix<Double> { m.map { 1 / (1 + exp(-$0)) } }
        let r = sigmoid(try block(a, 0) + block(u, 0)), z = sigmoid(try block(a, 1) + block(u, 1))
        let n = try (block(a, 2) + r * block(u, 2)).map { tanh($0) }
        return try (1 - z) * n + z * state
    }
}
