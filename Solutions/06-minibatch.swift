import Teach

extension ReferenceAnswers {
    /// 6.1: starts every `batchSize` records; the last batch ends at `count`.
    public static func minibatchRanges(count: Int, batchSize: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: batchSize).map { $0..<min($0 + batchSize, count) }
    }

    /// 6.2: with the errors `E = X·w + b − Y` (m×1), `∂/∂w = Xᵀ·E / m` and `∂/∂b` = the mean error.
    public static func minibatchGradient(weights: Matrix<Double>, bias: Double, inputs: Matrix<Double>, targets: Matrix<Double>) throws
        -> (weights: Matrix<Double>, bias: Double)
    {
        let m = Double(inputs.rows)
        let errors = try (inputs.matmul(weights) + Matrix(rows: inputs.rows, columns: 1) { _, _ in bias }) - targets
        return (try inputs.transposedMatmul(errors) * (1 / m), errors.sum() / m)
    }
}
