/// A nearest-neighbour classifier (article 004's k-NN with k = 1): every query takes the label of
/// the training example closest to it in Euclidean distance. Nothing is learned; the training
/// examples are the model.
///
/// The squared distance from a query `q` to an example `t` is `‖q‖² − 2 q·t + ‖t‖²`. `‖q‖²` is the
/// same for every example, so the nearest example is the one with the smallest `‖t‖² − 2 q·t`: one
/// matrix product (queries × examplesᵀ) gives every `q·t` of a block of queries at once, and the
/// squared lengths `‖t‖²` are computed once. The distances are Float sums, so two examples whose
/// distances differ by less than Float's rounding may be ranked either way; a tie goes to the
/// example that comes first.
public struct NearestNeighbourClassifier: Sendable {
    /// The training examples, one per row.
    public let examples: Matrix<Float>
    /// The class of each example.
    public let labels: [Int]
    /// `‖t‖²` of each example, summed in Double.
    @usableFromInline let squaredLengths: [Float]

    /// A classifier that remembers `examples` (one per row) and their `labels`.
    ///
    /// - Throws: ``InvalidArgument`` when there is no example or the labels do not match the rows.
    public init(examples: Matrix<Float>, labels: [Int]) throws {
        guard examples.rows >= 1, labels.count == examples.rows else {
            throw InvalidArgument(
                "NearestNeighbourClassifier: \(examples.rows) examples with \(labels.count) labels; expected at least one example and one label per example")
        }
        self.examples = examples
        self.labels = labels
        let columns = examples.columns
        squaredLengths = examples.withUnsafeBufferPointer { values in
            (0..<examples.rows).map { row in
                var sum = 0.0
                for value in values[(row * columns)..<((row + 1) * columns)] { sum += Double(value) * Double(value) }
                return Float(sum)
            }
        }
    }

    /// A classifier that remembers the images of `training` and their labels.
    public init(training: LabeledImages) throws {
        try self.init(examples: training.images, labels: training.labels)
    }

    /// The row of the example nearest to each row of `queries` (Euclidean distance), computed in
    /// blocks of `blockSize` queries so that the block's products stay small.
    ///
    /// - Throws: ``ShapeError`` when a query's length differs from an example's;
    ///   ``InvalidArgument`` when `blockSize` is not positive.
    public func nearestExamples(_ queries: Matrix<Float>, blockSize: Int = 256) throws -> [Int] {
        guard queries.columns == examples.columns else {
            throw ShapeError(
                operation: "nearestExamples", shapes: [queries.shape, examples.shape],
                expected: "the queries' columns must equal the examples' (\(examples.columns) numbers each)")
        }
        guard blockSize >= 1 else { throw InvalidArgument("nearestExamples: block size \(blockSize); expected at least 1") }
        var nearest: [Int] = []
        nearest.reserveCapacity(queries.rows)
        let count = examples.rows
        for start in stride(from: 0, to: queries.rows, by: blockSize) {
            let block = try queries.gatherRows(start..<min(start + blockSize, queries.rows))
            let products = try block.matmulTransposed(examples)  // block.rows × count: every q·t
            products.withUnsafeBufferPointer { dots in
                squaredLengths.withUnsafeBufferPointer { lengths in
                    for row in 0..<block.rows {
                        let base = row * count
                        var best = 0
                        var bestValue = lengths[0] - 2 * dots[base]
                        for example in 1..<count {
                            let value = lengths[example] - 2 * dots[base + example]
                            if value < bestValue {
                                best = example
                                bestValue = value
                            }
                        }
                        nearest.append(best)
                    }
                }
            }
        }
        return nearest
    }

    /// The predicted class of each row of `queries`: the label of its nearest example.
    ///
    /// - Throws: as ``nearestExamples(_:blockSize:)``.
    public func predict(_ queries: Matrix<Float>) throws -> [Int] {
        try nearestExamples(queries).map { labels[$0] }
    }

    /// The fraction of `test`'s images whose predicted class is their label.
    ///
    /// - Throws: as ``nearestExamples(_:blockSize:)``.
    public func accuracy(on test: LabeledImages) throws -> Double {
        let predicted = try predict(test.images)
        return Double(zip(predicted, test.labels).filter { $0 == $1 }.count) / Double(max(1, test.count))
    }
}
