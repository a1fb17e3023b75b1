import Teach

extension ReferenceAnswers {
    /// 10.1: kept units are divided by the keep probability `1 − p`, so the expected output is `x`.
    public static func invertedDropout(_ x: Matrix<Double>, mask: Matrix<Double>, rate: Double) throws -> Matrix<Double> {
        try x * mask * (1 / (1 - rate))
    }

    /// 10.2: one norm over every element of every gradient; one coefficient for all of them.
    public static func clippedByGlobalNorm(_ gradients: [Matrix<Double>], maxNorm: Double) -> [Matrix<Double>] {
        let norm = gradients.reduce(0.0) { $0 + $1.elements.reduce(0) { $0 + $1 * $1 } }.squareRoot()
        let coefficient = maxNorm / (norm + 1e-6)
        return coefficient < 1 ? gradients.map { $0 * coefficient } : gradients
    }
}
