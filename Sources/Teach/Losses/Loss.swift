import RealModule
import TeachKernels

/// A loss (cost, error) function: how far a network's outputs are from the targets, as one number,
/// and its gradient with respect to the outputs, which starts backpropagation.
///
/// Losses are averages, so a learning rate means the same for a batch of 1 and a batch of 1,000.
/// The articles' two losses (``halfSquaredError``, ``crossEntropy``) sum over a record's outputs
/// and average over the `m` records of a batch, the articles' general algorithm, which sums the
/// weight steps over the records and divides by `m` when it updates. The others are PyTorch's
/// functions with its default `reduction='mean'`: an average over every element of the batch
/// (``meanSquaredError``, ``binaryCrossEntropy``, ``binaryCrossEntropyWithLogits``), or over the
/// rows that are not ignored (``crossEntropyWithLogits(ignoreIndex:)``).
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
    /// directly when its last layer is ``Softmax``, which avoids dividing by a tiny `ŷ`.
    case crossEntropy
    /// The mean squared error over every element, PyTorch's `F.mse_loss` (`reduction='mean'`); for
    /// `N = m·outputs` elements:
    ///
    ///     E = 1/N Σ_elements (ŷ − y)²          ∂E/∂ŷ = 2 (ŷ − y) / N
    ///
    /// It differs from ``halfSquaredError`` in two ways: no ½ (so a factor 2 in the gradient), and
    /// a mean over the outputs too rather than a sum. With `k` outputs per record it is `2/k` times
    /// the half squared error (twice it when there is one output), and so is its gradient.
    case meanSquaredError
    /// Binary cross-entropy of probabilities `p = ŷ` (a sigmoid's outputs, each in [0, 1]) against
    /// targets `y` (usually 0 or 1), averaged over all `N` elements: PyTorch's
    /// `F.binary_cross_entropy`. As in PyTorch each logarithm is clamped at −100, so the value is
    /// finite even at `p = 0` or `p = 1`:
    ///
    ///     E = −1/N Σ_elements [y max(log p, −100) + (1 − y) max(log(1 − p), −100)]
    ///     ∂E/∂p = (p − y) / (N max(p (1 − p), 10⁻¹²))
    ///
    /// The gradient is PyTorch's too: the derivative `(p − y) / (p (1 − p))` with its denominator
    /// clamped at 10⁻¹², so at `p = 0` or `1` it is finite (`±10¹²/N` for a wrong target, 0 for a
    /// right one) rather than infinite; it is not the derivative of the clamped logarithms, which
    /// would be 0. An output outside [0, 1] (or NaN) is an ``InvalidArgument`` error, as in PyTorch;
    /// the targets are not checked. Given scores rather than probabilities, use
    /// ``binaryCrossEntropyWithLogits``, which is stable where this one saturates.
    case binaryCrossEntropy
    /// Binary cross-entropy of scores (logits) `z`, with the sigmoid built in, averaged over all `N`
    /// elements: PyTorch's `F.binary_cross_entropy_with_logits`. It equals ``binaryCrossEntropy``
    /// of `σ(z)`, computed in the stable form, which never takes the logarithm of a rounded
    /// probability:
    ///
    ///     E = 1/N Σ_elements [max(z, 0) − z y + log(1 + e^(−|z|))]          ∂E/∂z = (σ(z) − y) / N
    case binaryCrossEntropyWithLogits
    /// Cross-entropy of scores (logits) against class indices, with the softmax built in: PyTorch's
    /// `F.cross_entropy(logits, target, ignore_index=)` with `reduction='mean'`, the loss of a
    /// language model over a sequence of tokens.
    ///
    /// The outputs are `N×C` logits, one row per prediction (for a batch of sequences, `N` =
    /// batch·time rows, one per position) and one column per class; the targets are `N×1`, each a
    /// class index `0..<C` stored as a number. Rows whose target equals `ignoreIndex` (PyTorch's
    /// default −100, for padding) count for nothing; over the `n` other rows, with
    /// `log softmax(z)_y = z_y − log Σ_c e^(z_c)` computed stably (the row's maximum subtracted
    /// before the exponentials):
    ///
    ///     E = −1/n Σ_rows log softmax(z)_y          ∂E/∂z = (softmax(z) − onehot(y)) / n
    ///
    /// and an ignored row's gradient is 0. When every row is ignored the value is 0/0, NaN, as in
    /// PyTorch, and the gradient is all zeros. On the rows not ignored it equals ``crossEntropy`` of
    /// the logits' softmax against one-hot targets, without the softmax's rounding. A target that
    /// is neither a whole number in `0..<C` nor the ignore index is an ``InvalidArgument`` error
    /// naming the row, the value and `C`.
    ///
    /// A batch of `B` sequences may also come as it leaves a sequence model: `B×(T·C)` logits and
    /// `B×T` targets (`C ≥ 2`), read as `(B·T)×C` and `(B·T)×1`, so the loss is the mean over every position
    /// (PyTorch's `F.cross_entropy(logits.view(-1, C), targets.view(-1))`).
    case crossEntropyWithLogits(ignoreIndex: Int = -100)

    /// The name in tables: `half squared error`, `cross-entropy`.
    public var description: String {
        switch self {
        case .halfSquaredError: "half squared error"
        case .crossEntropy: "cross-entropy"
        case .meanSquaredError: "mean squared error"
        case .binaryCrossEntropy: "binary cross-entropy"
        case .binaryCrossEntropyWithLogits: "binary cross-entropy with logits"
        case .crossEntropyWithLogits(let ignoreIndex):
            ignoreIndex == -100 ? "cross-entropy with logits" : "cross-entropy with logits (ignore index \(ignoreIndex))"
        }
    }

    /// The loss of `outputs` against `targets` (both `m×outputs`; for
    /// ``crossEntropyWithLogits(ignoreIndex:)``, `N×C` logits and `N×1` class indices).
    /// - Throws: ``ShapeError`` when the shapes do not fit; ``InvalidArgument`` for an output of
    ///   ``binaryCrossEntropy`` outside [0, 1] or a target of
    ///   ``crossEntropyWithLogits(ignoreIndex:)`` that is not a class index.
    @inlinable public func value<Scalar: MatrixScalar>(_ outputs: Matrix<Scalar>, _ targets: Matrix<Scalar>) throws -> Scalar {
        if let positions = try everyPosition(outputs, targets) { return try value(positions.logits, positions.classes) }
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
        case .meanSquaredError:
            var sum: Scalar = 0
            for (o, t) in zip(outputs.elements, targets.elements) { sum += (o - t) * (o - t) }
            return sum / Scalar(outputs.count)
        case .binaryCrossEntropy:
            try checkProbabilities(outputs)
            var sum: Scalar = 0
            let floor: Scalar = -100
            for (p, y) in zip(outputs.elements, targets.elements) {
                sum += (y - 1) * Swift.max(Scalar.log(onePlus: -p), floor) - y * Swift.max(Scalar.log(p), floor)
            }
            return sum / Scalar(outputs.count)
        case .binaryCrossEntropyWithLogits:
            var sum: Scalar = 0
            for (z, y) in zip(outputs.elements, targets.elements) {
                sum += Swift.max(z, 0) - z * y + Scalar.log(onePlus: Scalar.exp(-Swift.abs(z)))
            }
            return sum / Scalar(outputs.count)
        case .crossEntropyWithLogits(let ignoreIndex):
            let classes = try classIndices(outputs, targets, ignoreIndex: ignoreIndex)
            return Loss.softmaxCrossEntropy(outputs, classes: classes, gradientScale: nil).value
        }
    }

    /// `∂E/∂ŷ`, the gradient of the loss with respect to every output (the outputs' shape).
    /// - Throws: as ``value(_:_:)``.
    @inlinable public func gradient<Scalar: MatrixScalar>(_ outputs: Matrix<Scalar>, _ targets: Matrix<Scalar>) throws -> Matrix<Scalar> {
        if let positions = try everyPosition(outputs, targets) {
            return try gradient(positions.logits, positions.classes).reshaped(rows: outputs.rows, columns: outputs.columns)
        }
        try check(outputs, targets)
        switch self {
        case .halfSquaredError:
            let scale = 1 / Scalar(outputs.rows)
            return try outputs.zipMap(targets) { o, t in (o - t) * scale }
        case .crossEntropy:
            let scale = -1 / Scalar(outputs.rows)
            return try outputs.zipMap(targets) { o, t in t == 0 ? 0 : t * scale / Swift.max(o, Scalar.leastNormalMagnitude) }
        case .meanSquaredError:
            let scale = 2 / Scalar(outputs.count)
            return try outputs.zipMap(targets) { o, t in (o - t) * scale }
        case .binaryCrossEntropy:
            try checkProbabilities(outputs)
            let scale = 1 / Scalar(outputs.count), smallest: Scalar = 1e-12
            return try outputs.zipMap(targets) { p, y in scale * (p - y) / Swift.max((1 - p) * p, smallest) }
        case .binaryCrossEntropyWithLogits:
            let scale = 1 / Scalar(outputs.count)
            return try outputs.zipMap(targets) { z, y in (Activation.sigmoid(z) - y) * scale }
        case .crossEntropyWithLogits(let ignoreIndex):
            let classes = try classIndices(outputs, targets, ignoreIndex: ignoreIndex)
            let scale = 1 / Scalar(classes.count(where: { $0 != nil }))
            return Loss.softmaxCrossEntropy(outputs, classes: classes, gradientScale: scale).gradient!
        }
    }

    /// ``value(_:_:)`` and ``gradient(_:_:)`` together, the same numbers: for
    /// ``crossEntropyWithLogits(ignoreIndex:)`` each row's softmax is computed once for both.
    /// - Throws: as ``value(_:_:)``.
    @inlinable public func valueAndGradient<Scalar: MatrixScalar>(
        _ outputs: Matrix<Scalar>, _ targets: Matrix<Scalar>
    ) throws -> (value: Scalar, gradient: Matrix<Scalar>) {
        if let positions = try everyPosition(outputs, targets) {
            let (value, gradient) = try valueAndGradient(positions.logits, positions.classes)
            return (value, try gradient.reshaped(rows: outputs.rows, columns: outputs.columns))
        }
        guard case .crossEntropyWithLogits(let ignoreIndex) = self else { return (try value(outputs, targets), try gradient(outputs, targets)) }
        try check(outputs, targets)
        let classes = try classIndices(outputs, targets, ignoreIndex: ignoreIndex)
        let scale = 1 / Scalar(classes.count(where: { $0 != nil }))
        let both = Loss.softmaxCrossEntropy(outputs, classes: classes, gradientScale: scale)
        return (both.value, both.gradient!)
    }

    /// Softmax cross-entropy from logits, `N×C`, against each row's class (`nil`: an ignored row,
    /// which counts for nothing): the loss, the mean over the rows that count of
    /// `log Σ_c e^(z_c) − z_target`, and, given the `scale` (1 over the rows that count), the
    /// gradient `(softmax(z) − onehot(target))·scale` (zeros in ignored rows). Rows are
    /// independent, so a large batch's rows go in two halves on both cores; the loss is then
    /// summed row after row, as on one core.
    @usableFromInline @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    static func softmaxCrossEntropy<Scalar: MatrixScalar>(
        _ logits: Matrix<Scalar>, classes: [Int?], gradientScale scale: Scalar?
    ) -> (value: Scalar, gradient: Matrix<Scalar>?) {
        let columns = logits.columns
        var rowLosses = [Scalar](repeating: 0, count: logits.rows)
        var gradient = Matrix<Scalar>(rows: scale == nil ? 0 : logits.rows, columns: columns)
        logits.withUnsafeBufferPointer { logits in
            rowLosses.withUnsafeMutableBufferPointer { rowLosses in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    let (logits, rowLosses, gradient) = (logits.baseAddress!, rowLosses.baseAddress!, scale == nil ? nil : gradient.baseAddress)
                    FloatKernels.inTwoHalves(classes.count, split: classes.count * columns >= 1 << 15) { first, count in
                        for row in first..<(first + count) {
                            guard let target = classes[row] else { continue }
                            let z = logits + row * columns
                            // book: cross-entropy-with-logits-gradient
                            // the largest score M, and Σ_c e^(z_c − M): no exponential can overflow
                            var largest = z[0]
                            for column in 1..<columns { largest = Swift.max(largest, z[column]) }
                            var exponentialSum: Scalar = 0
                            for column in 0..<columns {
                                let exponential = Scalar.exp(z[column] - largest)
                                gradient?[row * columns + column] = exponential  // kept for the softmax below
                                exponentialSum += exponential
                            }
                            rowLosses[row] = largest + Scalar.log(exponentialSum) - z[target]  // log Σ_c e^(z_c) − z_target
                            guard let scale, let gradient else { continue }
                            let g = gradient + row * columns
                            for column in 0..<columns {
                                let probability = g[column] / exponentialSum  // e^(z_c − M) / Σ: the softmax
                                g[column] = (column == target ? probability - 1 : probability) * scale
                            }
                            // book: end cross-entropy-with-logits-gradient
                        }
                    }
                }
            }
        }
        var sum: Scalar = 0
        var count = 0
        for (row, target) in classes.enumerated() where target != nil {
            sum += rowLosses[row]
            count += 1
        }
        return (sum / Scalar(count), scale == nil ? nil : gradient)
    }

    /// For ``crossEntropyWithLogits(ignoreIndex:)`` over a batch of sequences, `B×(T·C)` logits and
    /// `B×T` targets (`T > 1`, `C > 1`; equal shapes are an error, not one class per position), the same numbers read as `(B·T)×C` and `(B·T)×1`, one row per
    /// position (the storage is already in that order); `nil` for every other case.
    @inlinable func everyPosition<Scalar>(_ outputs: Matrix<Scalar>, _ targets: Matrix<Scalar>) throws -> (logits: Matrix<Scalar>, classes: Matrix<Scalar>)? {
        guard case .crossEntropyWithLogits = self else { return nil }
        let positions = targets.columns, classes = positions > 0 ? outputs.columns / positions : 0
        guard positions > 1, classes > 1, outputs.rows == targets.rows, outputs.columns == positions * classes else { return nil }
        return (try outputs.reshaped(rows: targets.count, columns: classes), try targets.reshaped(rows: targets.count, columns: 1))
    }

    /// Checks that the shapes fit: equal and non-empty for the element-wise losses; `N×C` outputs
    /// (`C ≥ 1`) and `N×1` targets for ``crossEntropyWithLogits(ignoreIndex:)``.
    @inlinable func check<Scalar>(_ outputs: Matrix<Scalar>, _ targets: Matrix<Scalar>) throws {
        if case .crossEntropyWithLogits = self {
            guard outputs.rows == targets.rows, targets.columns == 1, outputs.rows > 0, outputs.columns > 0 else {
                throw ShapeError(
                    operation: "\(self)", shapes: [outputs.shape, targets.shape],
                    expected: "outputs must be N×C logits (C ≥ 1) and targets N×1 class indices, with at least one row")
            }
            return
        }
        guard outputs.shape == targets.shape, outputs.rows > 0 else {
            throw ShapeError(
                operation: "\(self)", shapes: [outputs.shape, targets.shape],
                expected: "outputs and targets must have the same shape, with at least one record")
        }
    }

    /// Refuses an output of ``binaryCrossEntropy`` that is not a probability, as PyTorch does.
    @inlinable func checkProbabilities<Scalar: MatrixScalar>(_ outputs: Matrix<Scalar>) throws {
        for (index, p) in outputs.elements.enumerated() where !(p >= 0 && p <= 1) {
            throw InvalidArgument(
                "\(self): output \(p) in row \(index / outputs.columns), column \(index % outputs.columns) is not a probability: "
                    + "expected a number in [0, 1] (for scores, use binary cross-entropy with logits)")
        }
    }

    /// The class of each row of `targets` (`nil` for a row whose target is `ignoreIndex`).
    /// - Throws: ``InvalidArgument`` naming the first row whose target is neither a whole number in
    ///   `0..<C` nor `ignoreIndex`.
    @inlinable func classIndices<Scalar: MatrixScalar>(_ outputs: Matrix<Scalar>, _ targets: Matrix<Scalar>, ignoreIndex: Int) throws -> [Int?] {
        let classCount = outputs.columns, ignored = Scalar(ignoreIndex)
        return try targets.elements.enumerated().map { row, target in
            if target == ignored { return nil }
            guard target.isFinite, target == target.rounded(), target >= 0, target < Scalar(classCount) else {
                throw InvalidArgument(
                    "\(self): target \(target) in row \(row) is not a class index: expected a whole number from 0 to \(classCount - 1) "
                        + "(the outputs have C = \(classCount) classes) or the ignore index \(ignoreIndex)")
            }
            return Int(target)
        }
    }
}
