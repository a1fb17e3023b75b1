import Foundation
import Teach

extension MyAnswers {
    /// 19.1 Causal attention weights (`swift run exercises show 19.1`).
    public static func causalAttentionWeights(_ x: Matrix<Double>) -> Matrix<Double> {
        // Each row a softmax of the scaled dot products: but which positions may a row look at?
        let scale = 1 / Double(x.columns).squareRoot()
        var weights = Matrix<Double>(rows: x.rows, columns: x.rows)
        for i in 0..<x.rows {
            let scores = (0..<x.rows).map { j in scale * (0..<x.columns).map { x[i, $0] * x[j, $0] }.reduce(0, +) }
            let largest = scores.max() ?? 0
            let exponentials = scores.map { exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            for j in 0..<x.rows { weights[i, j] = exponentials[j] / total }
        }
        return weights
    }

    /// 19.2 A transformer's parameters (`swift run exercises show 19.2`).
    public static func transformerParameterCount(vocabulary: Int, length: Int, dimension: Int, blocks: Int) -> Int {
        // The embeddings and the output layer; the blocks are your answer.
        vocabulary * dimension + length * dimension + dimension * vocabulary + vocabulary
    }

    /// 19.3 Next-character windows (`swift run exercises show 19.3`).
    public static func textWindows(ids: [Int], length: Int) -> (inputs: [[Int]], targets: [[Int]]) {
        ([], [])  // your answer
    }
}
