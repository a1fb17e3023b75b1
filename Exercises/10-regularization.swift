import Teach

extension MyAnswers {
    /// 10.1 Inverted dropout (`swift run exercises show 10.1`).
    public static func invertedDropout(_ x: Matrix<Double>, mask: Matrix<Double>, rate: Double) throws -> Matrix<Double> {
        try x * mask  // the units are dropped; is that all?
    }

    /// 10.2 Clipping by the global norm (`swift run exercises show 10.2`).
    public static func clippedByGlobalNorm(_ gradients: [Matrix<Double>], maxNorm: Double) -> [Matrix<Double>] {
        // Each gradient clipped by its own norm: not the global one.
        gradients.map { g in g.norm() > maxNorm ? g * (maxNorm / (g.norm() + 1e-6)) : g }
    }
}
