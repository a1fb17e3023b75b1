import Teach

extension ReferenceAnswers {
    /// 11.1: `⌊(n + 2p − k) / s⌋ + 1`: the window's positions along one side.
    public static func convolutionOutputSize(input: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        (input + 2 * padding - kernel) / stride + 1
    }

    /// 11.2: the layer computes cross-correlation: the filter slides over the image unflipped.
    public static func convolutionLayerOutput(image: Matrix<Double>, filter: Matrix<Double>) throws -> Matrix<Double> {
        let k = filter.rows
        return Matrix(rows: image.rows - k + 1, columns: image.columns - k + 1) { r, c in
            var sum = 0.0
            for i in 0..<k { for j in 0..<k { sum += image[r + i, c + j] * filter[i, j] } }
            return sum
        }
    }

    /// 11.3: each window's gradient goes to the pixel that won the max (the first on a tie); the
    /// other pixels had no effect on the output and get 0.
    public static func maxPoolBackward(input: Matrix<Double>, window: Int, outputGradient: Matrix<Double>) throws -> Matrix<Double> {
        var gradient = Matrix<Double>(rows: input.rows, columns: input.columns)
        for r in 0..<outputGradient.rows {
            for c in 0..<outputGradient.columns {
                var winner = (r * window, c * window)
                for i in r * window..<(r + 1) * window {
                    for j in c * window..<(c + 1) * window where input[i, j] > input[winner.0, winner.1] { winner = (i, j) }
                }
                gradient[winner.0, winner.1] += outputGradient[r, c]
            }
        }
        return gradient
    }
}
