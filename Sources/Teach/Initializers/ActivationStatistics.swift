/// Summary numbers of one layer's outputs over a batch: how a signal's size changes from layer
/// to layer, and how many units are saturated or dead.
public struct ActivationStatistics: Sendable, Equatable {
    /// Mean of every output in the batch.
    public var mean: Double
    /// Standard deviation of every output in the batch (population form, divided by the count).
    public var standardDeviation: Double
    /// Share of outputs that are exactly zero.
    public var zeroFraction: Double
    /// Share of outputs with magnitude above 0.99: a saturated tanh or sigmoid unit.
    public var saturatedFraction: Double
    /// Share of units (columns) whose output is zero for every record of the batch: for ReLU, a
    /// dead unit, which passes no gradient back.
    public var deadUnitFraction: Double

    /// The statistics of `outputs` (`batch×units`). An empty matrix gives zeros.
    public init<Scalar: MatrixScalar>(_ outputs: Matrix<Scalar>) {
        let count = Double(outputs.count)
        guard count > 0 else {
            self.init(mean: 0, standardDeviation: 0, zeroFraction: 0, saturatedFraction: 0, deadUnitFraction: 0)
            return
        }
        var sum = 0.0, zeros = 0, saturated = 0
        var alive = [Bool](repeating: false, count: outputs.columns)
        for r in 0..<outputs.rows {
            for c in 0..<outputs.columns {
                let value = Double(outputs[r, c])
                sum += value
                if value == 0 { zeros += 1 } else { alive[c] = true }
                if abs(value) > 0.99 { saturated += 1 }
            }
        }
        let mean = sum / count
        let variance = outputs.elements.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / count
        self.init(
            mean: mean, standardDeviation: variance.squareRoot(), zeroFraction: Double(zeros) / count,
            saturatedFraction: Double(saturated) / count,
            deadUnitFraction: Double(alive.filter { !$0 }.count) / Double(outputs.columns))
    }

    /// Statistics from their five numbers (to compare with measured ones in a test, say).
    public init(mean: Double, standardDeviation: Double, zeroFraction: Double, saturatedFraction: Double, deadUnitFraction: Double) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.zeroFraction = zeroFraction
        self.saturatedFraction = saturatedFraction
        self.deadUnitFraction = deadUnitFraction
    }
}
