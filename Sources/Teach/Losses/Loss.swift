import RealModule

/// A loss (cost, error) function: how far a network's outputs are from the targets, as one number,
/// and its gradient with respect to the outputs, which starts backpropagation.
///
/// Losses are averaged over the `m` records of a batch, so a learning rate means the same for a
/// batch of 1 and a batch of 1,000. This is the article's general algorithm, which sums the weight
/// steps over the records and divides by `m` when it updates.
public enum Loss: Sendable, Hashable, CustomStringConvertible {
    /// Half the squared error, summed over the outputs and averaged over the records:
    ///
    ///     E = 1/(2m) Σ_records Σ_outputs (y - ŷ)²          ∂E/∂ŷ = (ŷ - y) / m
    ///
    /// The ½ is there so that the 2 of the square's derivative cancels: the gradient of one record
    /// is just `ŷ - y`, the negative of the article's `error = y - ŷ`.
    case halfSquaredError
    /// Cross-entropy of probabilities (the output of a softmax) against one-hot targets, averaged
    /// over the records, as Keras's `categorical_crossentropy` and PyTorch's `CrossEntropyLoss`
    /// (which takes the scores before the softmax):
    ///
    ///     E = −1/m Σ_records Σ_classes y log ŷ          ∂E/∂ŷ = −y / (m ŷ)
    ///
    /// After a softmax the two gradients combine to `(ŷ − y)/m` for the scores; ``Model`` uses that
    /// directly when its last layer is ``Layer/softmax``, which avoids dividing by a tiny `ŷ`.
    case crossEntropy

    public var description: String {
        switch self {
        case .halfSquaredError: "half squared error"
        case .crossEntropy: "cross-entropy"
        }
    }

    /// The loss of `outputs` against `targets` (both `m×outputs`).
    /// - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public func value<Scalar: MatrixScalar>(_ outputs: Matrix<Scalar>, _ targets: Matrix<Scalar>) throws -> Scalar {
        try check(outputs, targets)
        switch self {
        case .halfSquaredError:
            var sum: Scalar = 0
            for (o, t) in zip(outputs.elements, targets.elements) { sum += (t - o) * (t - o) }
            return sum / (2 * Scalar(outputs.rows))
        case .crossEntropy:
            var sum: Scalar = 0
            for (o, t) in zip(outputs.elements, targets.elements) where t != 0 {
                sum -= t * Scalar.log(Swift.max(o, Scalar.leastNormalMagnitude))
            }
            return sum / Scalar(outputs.rows)
        }
    }

    /// `∂E/∂ŷ`, the gradient of the loss with respect to every output (`m×outputs`).
    /// - Throws: ``ShapeError`` when the shapes differ.
    @inlinable public func gradient<Scalar: MatrixScalar>(_ outputs: Matrix<Scalar>, _ targets: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try check(outputs, targets)
        switch self {
        case .halfSquaredError:
            let scale = 1 / Scalar(outputs.rows)
            return try outputs.zipMap(targets) { o, t in (o - t) * scale }
        case .crossEntropy:
            let scale = -1 / Scalar(outputs.rows)
            return try outputs.zipMap(targets) { o, t in t == 0 ? 0 : t * scale / Swift.max(o, Scalar.leastNormalMagnitude) }
        }
    }

    @inlinable func check<Scalar>(_ outputs: Matrix<Scalar>, _ targets: Matrix<Scalar>) throws {
        guard outputs.shape == targets.shape, outputs.rows > 0 else {
            throw ShapeError(
                operation: "\(self)", shapes: [outputs.shape, targets.shape],
                expected: "outputs and targets must have the same shape, with at least one record")
        }
    }
}
