// Classification: class numbers as one-hot rows, the predicted class of each output row, accuracy
// and the confusion matrix.

extension Matrix {
    /// One row per label with a 1 in column `label` and 0 elsewhere (`labels.count × classes`), the
    /// target a softmax output is compared with (Keras's `to_categorical`).
    ///
    /// - Throws: ``InvalidArgument`` naming the first label outside `0..<classes`.
    @inlinable public static func oneHot(_ labels: [Int], classes: Int) throws -> Matrix {
        guard classes > 0 else { throw InvalidArgument("oneHot: \(classes) classes; expected at least 1") }
        if let bad = labels.firstIndex(where: { !(0..<classes).contains($0) }) {
            throw InvalidArgument("oneHot: label \(labels[bad]) (record \(bad)) is not a class number in 0..<\(classes)")
        }
        var storage = [Scalar](repeating: 0, count: labels.count * classes)
        for (row, label) in labels.enumerated() { storage[row * classes + label] = 1 }
        return Matrix(unchecked: labels.count, classes, storage)
    }

    /// The column of each row's largest value: the predicted class of each record (the first one
    /// on a tie, as `argmax` in numpy and PyTorch).
    @inlinable public func predictedClasses() -> [Int] {
        guard columns > 0 else { return [Int](repeating: 0, count: rows) }
        return storage.withUnsafeBufferPointer { values in
            (0..<rows).map { row in
                let start = row &* columns
                var best = 0
                var bestValue = values[start]
                for column in 1..<columns where values[start &+ column] > bestValue {
                    best = column
                    bestValue = values[start &+ column]
                }
                return best
            }
        }
    }

    /// How many rows have their largest value in the same column as `targets`' (one-hot targets:
    /// the records classified correctly). Keras's "categorical accuracy" is this over `rows`.
    ///
    /// - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public func correctClassifications(_ targets: Matrix) throws -> Int {
        try checkSameShape(targets, "correctClassifications")
        return zip(predictedClasses(), targets.predictedClasses()).filter { $0 == $1 }.count
    }
}

/// The fraction of `predicted` classes equal to `labels`.
///
/// - Throws: ``InvalidArgument`` when the counts differ or there are none.
public func classificationAccuracy(predicted: [Int], labels: [Int]) throws -> Double {
    guard predicted.count == labels.count, !labels.isEmpty else {
        throw InvalidArgument("accuracy: \(predicted.count) predictions for \(labels.count) labels; expected the same number, at least one")
    }
    return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
}

/// Counts of (true class, predicted class) pairs: row `t`, column `p` is how many records of class
/// `t` were classified as `p`. The diagonal holds the correct ones.
public struct ConfusionMatrix: Sendable, Equatable {
    /// `classes × classes` counts, row-major: `counts[t * classes + p]`.
    public private(set) var counts: [Int]
    /// The number of classes.
    public let classes: Int

    /// The confusion matrix of `predicted` against `labels`.
    /// - Throws: ``InvalidArgument`` when the counts differ or a class is outside `0..<classes`.
    public init(predicted: [Int], labels: [Int], classes: Int) throws {
        guard predicted.count == labels.count else {
            throw InvalidArgument("ConfusionMatrix: \(predicted.count) predictions for \(labels.count) labels")
        }
        guard classes > 0 else { throw InvalidArgument("ConfusionMatrix: \(classes) classes; expected at least 1") }
        self.classes = classes
        counts = [Int](repeating: 0, count: classes * classes)
        for (index, (p, t)) in zip(predicted, labels).enumerated() {
            guard (0..<classes).contains(p), (0..<classes).contains(t) else {
                throw InvalidArgument("ConfusionMatrix: record \(index) has class \(t) predicted as \(p); classes are 0..<\(classes)")
            }
            counts[t * classes + p] += 1
        }
    }

    /// How many records of class `truth` were predicted as `predicted`.
    public subscript(truth: Int, predicted: Int) -> Int { counts[truth * classes + predicted] }

    /// All records counted.
    public var total: Int { counts.reduce(0, +) }

    /// The fraction on the diagonal.
    public var accuracy: Double {
        total == 0 ? 0 : Double((0..<classes).map { self[$0, $0] }.reduce(0, +)) / Double(total)
    }

    /// For each class, the fraction of its records classified correctly (its recall).
    public var classAccuracies: [Double] {
        (0..<classes).map { t in
            let row = (0..<classes).map { self[t, $0] }.reduce(0, +)
            return row == 0 ? 0 : Double(self[t, t]) / Double(row)
        }
    }

    /// The off-diagonal cells, largest first (ties: by true class, then predicted class): the
    /// mistakes the classifier makes most often.
    public func mostConfused(_ count: Int) -> [(truth: Int, predicted: Int, count: Int)] {
        let cells = (0..<classes).flatMap { t in (0..<classes).filter { $0 != t }.map { (truth: t, predicted: $0, count: self[t, $0]) } }
        return Array(cells.filter { $0.count > 0 }.sorted { $0.count != $1.count ? $0.count > $1.count : ($0.truth, $0.predicted) < ($1.truth, $1.predicted) }.prefix(count))
    }
}
