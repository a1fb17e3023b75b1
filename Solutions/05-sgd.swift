import Teach

extension ReferenceAnswers {
    /// 5.1: each column's mean and population standard deviation, then `(x − mean) / deviation`.
    public static func standardized(_ x: Matrix<Double>) -> Matrix<Double> {
        let m = Double(x.rows)
        let means = x.columnSums().elements.map { $0 / m }
        var deviations = [Double](repeating: 0, count: x.columns)
        for r in 0..<x.rows { for c in 0..<x.columns { deviations[c] += (x[r, c] - means[c]) * (x[r, c] - means[c]) } }
        deviations = deviations.map { ($0 / m).squareRoot() }
        return Matrix(rows: x.rows, columns: x.columns) { r, c in (x[r, c] - means[c]) / deviations[c] }
    }

    /// 5.2: for each record, `e = x·w + b − y`, then `w ← w − η e xᵀ` and `b ← b − η e`.
    public static func sgdEpoch(weights: Matrix<Double>, bias: Double, inputs: Matrix<Double>, targets: Matrix<Double>, learningRate: Double) throws
        -> (weights: Matrix<Double>, bias: Double)
    {
        var w = weights, b = bias
        for r in 0..<inputs.rows {
            let x = inputs.row(r)
            let error = try x.matmul(w)[0, 0] + b - targets[r, 0]
            w = try w - x.transposed() * (learningRate * error)
            b -= learningRate * error
        }
        return (w, b)
    }
}
