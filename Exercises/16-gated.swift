import Foundation
import Teach

extension MyAnswers {
    /// 16.1 One step of an LSTM (`swift run exercises show 16.1`).
    public static func lstmStep(
        input: Matrix<Double>, state: Matrix<Double>, memory: Matrix<Double>, inputWeights: Matrix<Double>, hiddenWeights: Matrix<Double>,
        inputBias: Matrix<Double>, hiddenBias: Matrix<Double>
    ) throws -> (state: Matrix<Double>, memory: Matrix<Double>) {
        let h = state.columns
        let sums = try input.matmulTransposed(inputWeights) + inputBias + state.matmulTransposed(hiddenWeights) + hiddenBias
        func gate(_ index: Int) -> Matrix<Double> { Matrix(rows: 1, columns: h) { _, k in sums[0, index * h + k] } }
        func sigmoid(_ m: Matrix<Double>) -> Matrix<Double> { m.map { 1 / (1 + exp(-$0)) } }
        // The gates in the order i, f, o, g: is that PyTorch's?
        let i = sigmoid(gate(0)), f = sigmoid(gate(1)), o = sigmoid(gate(2)), g = gate(3).map { tanh($0) }
        let c = try f * memory + i * g
        return (try o * c.map { tanh($0) }, c)
    }

    /// 16.2 One step of a GRU (`swift run exercises show 16.2`).
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
        // The update gate mixes the new content and the old state, but which gets z?
        return try z * n + (1 - z) * state
    }
}
