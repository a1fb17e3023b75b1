import RealModule

/// A small dataset: one record per row of `inputs`, with its target in the same row of `targets`.
public struct Dataset: Sendable {
    /// The dataset's name, for tables and figures.
    public var name: String
    /// What each input column means.
    public var featureNames: [String]
    /// `records×features`.
    public var inputs: Matrix<Double>
    /// `records×outputs`: 0 or 1 for the classification sets, a number for regression.
    public var targets: Matrix<Double>

    /// A dataset from its inputs and targets, one record per row.
    /// - Throws: ``ShapeError`` when `inputs` and `targets` have different numbers of rows, or
    ///   `featureNames` does not name every column of `inputs`.
    public init(name: String, featureNames: [String], inputs: Matrix<Double>, targets: Matrix<Double>) throws {
        guard inputs.rows == targets.rows, featureNames.count == inputs.columns else {
            throw ShapeError(
                operation: "Dataset \(name)", shapes: [inputs.shape, targets.shape],
                expected: "one target row per input row and one name per feature (\(featureNames.count) names)")
        }
        self.name = name
        self.featureNames = featureNames
        self.inputs = inputs
        self.targets = targets
    }

    /// Number of records.
    public var count: Int { inputs.rows }

    /// The inputs shifted and scaled so that every column has mean 0 and standard deviation 1
    /// (columns that never vary are only shifted), with the means and deviations used.
    public func standardized() -> (dataset: Dataset, means: [Double], deviations: [Double]) {
        let m = Double(inputs.rows)
        let means = inputs.columnSums().elements.map { $0 / m }
        var deviations = [Double](repeating: 0, count: inputs.columns)
        for r in 0..<inputs.rows {
            for c in 0..<inputs.columns { deviations[c] += (inputs[r, c] - means[c]) * (inputs[r, c] - means[c]) }
        }
        deviations = deviations.map { ($0 / m).squareRoot() }
        var copy = self
        copy.inputs = Matrix(rows: inputs.rows, columns: inputs.columns) { r, c in
            (inputs[r, c] - means[c]) / (deviations[c] > 0 ? deviations[c] : 1)
        }
        return (copy, means, deviations)
    }
}

/// Small problems drawn from a ``SeededGenerator``, the same on every machine for the same seed.
/// The 2-D ones live in or near the unit square so their decision surfaces can be drawn.
public enum SyntheticData {
    /// A function of one variable sampled at `count` evenly spaced points of `range`, both ends
    /// included: the inputs are the points, the targets `function(x)`, with no noise. A regression
    /// set for watching a network fit a curve.
    /// - Throws: ``InvalidArgument`` for fewer than 2 points.
    public static func curve(
        _ name: String, in range: ClosedRange<Double>, count: Int, _ function: (Double) -> Double
    ) throws -> Dataset {
        guard count >= 2 else { throw InvalidArgument("SyntheticData.curve: count \(count) must be at least 2") }
        let xs = (0..<count).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(count - 1) }
        return try Dataset(name: name, featureNames: ["x"], inputs: Matrix(column: xs), targets: Matrix(column: xs.map(function)))
    }

    /// Two interleaved spirals, `perClass` points each, target 0 and 1: point `i` of class `c` sits
    /// at radius `r = 0.1 + 0.9·i/perClass` and angle `θ = 3π·i/perClass + cπ`, plus Gaussian noise,
    /// mapped from [−1, 1]² to the unit square. Needs hidden layers: no line or simple curve splits it.
    public static func spirals(perClass: Int, noise: Double = 0.02, using generator: inout SeededGenerator) throws -> Dataset {
        var points: [[Double]] = [], labels: [Double] = []
        for c in 0..<2 {
            for i in 0..<perClass {
                let t = Double(i) / Double(perClass)
                let r = 0.1 + 0.9 * t, theta = 3 * Double.pi * t + Double(c) * Double.pi
                let x = r * Double.cos(theta) + generator.gaussian(standardDeviation: noise)
                let y = r * Double.sin(theta) + generator.gaussian(standardDeviation: noise)
                points.append([(x + 1) / 2, (y + 1) / 2])
                labels.append(Double(c))
            }
        }
        return try Dataset(name: "spirals", featureNames: ["x1", "x2"], inputs: Matrix(rows: points.count, columns: 2, elements: points.flatMap { $0 }), targets: Matrix(column: labels))
    }

    /// Noisy XOR: `perCorner` points around each corner of the unit square, Gaussian with the given
    /// spread; the target is 1 at (0, 1) and (1, 0), and 0 at (0, 0) and (1, 1).
    public static func xorBlobs(perCorner: Int, spread: Double = 0.15, using generator: inout SeededGenerator) throws -> Dataset {
        var points: [[Double]] = [], labels: [Double] = []
        for corner in 0..<4 {
            let cx = Double(corner / 2), cy = Double(corner % 2)
            for _ in 0..<perCorner {
                points.append([cx + generator.gaussian(standardDeviation: spread), cy + generator.gaussian(standardDeviation: spread)])
                labels.append(cx == cy ? 0 : 1)
            }
        }
        return try Dataset(name: "XOR blobs", featureNames: ["x1", "x2"], inputs: Matrix(rows: points.count, columns: 2, elements: points.flatMap { $0 }), targets: Matrix(column: labels))
    }

    /// Two concentric rings around (0.5, 0.5): target 1 on the inner ring (radius 0.15), 0 on the
    /// outer (radius 0.4), each radius with Gaussian noise.
    public static func circles(perClass: Int, noise: Double = 0.03, using generator: inout SeededGenerator) throws -> Dataset {
        var points: [[Double]] = [], labels: [Double] = []
        for (radius, label) in [(0.4, 0.0), (0.15, 1.0)] {
            for _ in 0..<perClass {
                let theta = generator.uniform(in: 0..<(2 * Double.pi))
                let r = radius + generator.gaussian(standardDeviation: noise)
                points.append([0.5 + r * Double.cos(theta), 0.5 + r * Double.sin(theta)])
                labels.append(label)
            }
        }
        return try Dataset(name: "circles", featureNames: ["x1", "x2"], inputs: Matrix(rows: points.count, columns: 2, elements: points.flatMap { $0 }), targets: Matrix(column: labels))
    }

    /// Article 002's property-price example as a small regression set: area (m², 40–200), bedrooms
    /// (1–5), distance to the city centre (km, 1–30) and age (years, 0–80) give a price (thousands),
    ///
    ///     price = (2.2·area + 15·bedrooms) · e^(−distance/25) · (1 − age/200) + 40 + noise
    ///
    /// a made-up rule (the article gives none) with the shape the article describes: bigger and
    /// closer is dearer, older is cheaper, and the effects combine rather than add.
    public static func propertyPrices(count: Int, noise: Double = 10, using generator: inout SeededGenerator) throws -> Dataset {
        var rows: [[Double]] = [], prices: [Double] = []
        for _ in 0..<count {
            let area = generator.uniform(in: 40..<200)
            let bedrooms = Double(1 + generator.integer(below: 5))
            let distance = generator.uniform(in: 1..<30)
            let age = generator.uniform(in: 0..<80)
            let price = (2.2 * area + 15 * bedrooms) * Double.exp(-distance / 25) * (1 - age / 200) + 40
                + generator.gaussian(standardDeviation: noise)
            rows.append([area, bedrooms, distance, age])
            prices.append(price)
        }
        return try Dataset(
            name: "property prices", featureNames: ["area (m²)", "bedrooms", "distance (km)", "age (years)"],
            inputs: Matrix(rows), targets: Matrix(column: prices))
    }
}
