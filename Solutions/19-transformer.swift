import Foundation
import Teach

extension ReferenceAnswers {
    /// 19.1: queries, keys and values are the rows of `x` themselves; the scores of later
    /// positions are left out (−∞, weight 0) before each row's softmax.
    public static func causalAttentionWeights(_ x: Matrix<Double>) -> Matrix<Double> {
        let scale = 1 / Double(x.columns).squareRoot()
        var weights = Matrix<Double>(rows: x.rows, columns: x.rows)
        for i in 0..<x.rows {
            let scores = (0...i).map { j in scale * (0..<x.columns).map { x[i, $0] * x[j, $0] }.reduce(0, +) }
            let largest = scores.max()!
            let exponentials = scores.map { exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            for j in 0...i { weights[i, j] = exponentials[j] / total }
        }
        return weights
    }

    /// 19.2: `V·E + T·E` for the embeddings, `12E² + 13E` per block (two layer norms, the
    /// attention's four projections, the MLP's two layers), `2E` for the final layer norm and
    /// `E·V + V` for the output layer.
    public static func transformerParameterCount(vocabulary v: Int, length t: Int, dimension e: Int, blocks l: Int) -> Int {
        v * e + t * e + l * (12 * e * e + 13 * e) + 2 * e + e * v + v
    }

    /// 19.3: a window every `length` ids from the first; the targets one id later; past the end,
    /// input 0 and target −100.
    public static func textWindows(ids: [Int], length: Int) -> (inputs: [[Int]], targets: [[Int]]) {
        let starts = Array(stride(from: 0, to: ids.count - 1, by: length))
        let inputs = starts.map { s in (s..<(s + length)).map { $0 < ids.count ? ids[$0] : 0 } }
        let targets = starts.map { s in (s..<(s + length)).map { $0 + 1 < ids.count ? ids[$0 + 1] : -100 } }
        return (inputs, targets)
    }
}
