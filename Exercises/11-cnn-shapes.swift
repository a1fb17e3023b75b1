import Teach

extension MyAnswers {
    /// 11.1 The output size of a convolution (`swift run exercises show 11.1`).
    public static func convolutionOutputSize(input: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        input - kernel + 1  // right for stride 1 without padding
    }

    /// 11.2 What a convolution layer computes (`swift run exercises show 11.2`).
    public static func convolutionLayerOutput(image: Matrix<Double>, filter: Matrix<Double>) throws -> Matrix<Double> {
        // The convolution of mathematics, which flips the filter: is that what the layer computes?
        let k = filter.rows
        return Matrix(rows: image.rows - k + 1, columns: image.columns - k + 1) { r, c in
            var sum = 0.0
            for i in 0..<k { for j in 0..<k { sum += image[r + i, c + j] * filter[k - 1 - i, k - 1 - j] } }
            return sum
        }
    }

    /// 11.3 The backward pass of max pooling (`swift run exercises show 11.3`).
    public static func maxPoolBackward(input: Matrix<Double>, window: Int, outputGradient: Matrix<Double>) throws -> Matrix<Double> {
        // Every pixel of a window gets an equal share: average pooling's backward pass.
        Matrix(rows: input.rows, columns: input.columns) { r, c in
            outputGradient[r / window, c / window] / Double(window * window)
        }
    }
}
