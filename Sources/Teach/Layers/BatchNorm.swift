/// Batch normalization (Ioffe and Szegedy, 2015), as PyTorch's `nn.BatchNorm1d`: each feature
/// (column) is normalized over the batch, then scaled and shifted by learned `γ` and `β`.
///
/// Training, for a batch `x` of `m` records (`m×features`), per column:
///
///     μ = (1/m) Σ x                      σ² = (1/m) Σ (x − μ)²       (biased, for normalizing)
///     x̂ = (x − μ) / √(σ² + ε)            y = γ x̂ + β
///     running mean ← (1 − momentum)·running mean + momentum·μ
///     running var  ← (1 − momentum)·running var  + momentum·σ²·m/(m − 1)   (unbiased)
///
/// Inference uses the running averages instead of the batch's statistics, so a prediction does
/// not depend on the other records of its batch. Backward (training mode), per column:
///
///     ∂E/∂γ = Σ ∂E/∂y · x̂                ∂E/∂β = Σ ∂E/∂y
///     ∂E/∂x = γ/(m √(σ² + ε)) · (m ∂E/∂y − Σ ∂E/∂y − x̂ Σ (∂E/∂y · x̂))
///
/// Defaults as PyTorch: `momentum` 0.1, `ε` 1e-5, `γ` 1, `β` 0, running mean 0 and variance 1.
public struct BatchNorm<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `γ`, `1×features`.
    public var scale: Matrix<Scalar>
    /// `β`, `1×features`.
    public var shift: Matrix<Scalar>
    /// The running average of batch means, `1×features`.
    public var runningMean: Matrix<Scalar>
    /// The running average of (unbiased) batch variances, `1×features`.
    public var runningVariance: Matrix<Scalar>
    /// The weight of each batch's statistics in the running averages (PyTorch's `momentum`, the
    /// opposite of Keras's, which weighs the old average).
    public var momentum: Double
    /// `ε`, added to the variance before its square root so a constant feature does not divide by zero.
    public var epsilon: Double
    /// What ``forward(_:mode:using:)`` keeps for the backward pass: `x̂` (`batch×features`),
    /// `1/√(σ² + ε)` per feature, and the mode.
    @usableFromInline var saved = Saved<BatchNormTrace<Scalar>>()

    /// A layer normalizing `features` columns, with `γ` 1, `β` 0, running mean 0 and running
    /// variance 1 (PyTorch's `nn.BatchNorm1d(features, eps=epsilon, momentum=momentum)`).
    /// - Throws: ``InvalidArgument`` for no features, a momentum outside [0, 1] or ε ≤ 0.
    public init(features: Int, momentum: Double = 0.1, epsilon: Double = 1e-5) throws {
        guard features >= 1 else { throw InvalidArgument("BatchNorm: needs at least 1 feature, got \(features)") }
        guard momentum >= 0, momentum <= 1 else { throw InvalidArgument("BatchNorm: momentum \(momentum) must be in [0, 1]") }
        guard epsilon > 0 else { throw InvalidArgument("BatchNorm: epsilon \(epsilon) must be > 0") }
        scale = Matrix(rows: 1, columns: features, repeating: 1)
        shift = Matrix(rows: 1, columns: features)
        runningMean = Matrix(rows: 1, columns: features)
        runningVariance = Matrix(rows: 1, columns: features, repeating: 1)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// The number of features (columns) it normalizes.
    public var featureCount: Int { scale.columns }

    /// The forward pass. In training mode it normalizes with the batch's statistics and updates
    /// the running averages (so it is `mutating`); in inference mode it uses the running averages.
    ///
    /// - Throws: ``ShapeError`` when `x` does not have ``featureCount`` columns, or a training
    ///   batch has a single record (its variance is undefined, as in PyTorch).
    @inlinable public mutating func forwardTrace(_ x: Matrix<Scalar>, mode: Mode) throws -> BatchNormTrace<Scalar> {
        guard x.columns == featureCount else {
            throw ShapeError(
                operation: "BatchNorm.forward", shapes: [x.shape, scale.shape],
                expected: "the input needs \(featureCount) columns (one per feature), got \(x.columns)")
        }
        let m = x.rows, n = x.columns
        var mean = [Scalar](repeating: 0, count: n), variance = [Scalar](repeating: 0, count: n)
        switch mode {
        case .training:
            guard m >= 2 else {
                throw ShapeError(
                    operation: "BatchNorm.forward", shapes: [x.shape],
                    expected: "a training batch needs at least 2 records to have a variance")
            }
            for r in 0..<m { for c in 0..<n { mean[c] += x[r, c] } }
            for c in 0..<n { mean[c] /= Scalar(m) }
            for r in 0..<m { for c in 0..<n { variance[c] += (x[r, c] - mean[c]) * (x[r, c] - mean[c]) } }
            for c in 0..<n { variance[c] /= Scalar(m) }
            let mu = Scalar(momentum), unbiased = Scalar(m) / Scalar(m - 1)
            for c in 0..<n {
                runningMean[0, c] = (1 - mu) * runningMean[0, c] + mu * mean[c]
                runningVariance[0, c] = (1 - mu) * runningVariance[0, c] + mu * variance[c] * unbiased
            }
        case .inference:
            mean = runningMean.elements
            variance = runningVariance.elements
        }
        let eps = Scalar(epsilon)
        let inverseDeviation = variance.map { 1 / ($0 + eps).squareRoot() }
        let normalized = Matrix(rows: m, columns: n) { r, c in (x[r, c] - mean[c]) * inverseDeviation[c] }
        let output = Matrix(rows: m, columns: n) { r, c in scale[0, c] * normalized[r, c] + shift[0, c] }
        return BatchNormTrace(normalized: normalized, inverseDeviation: inverseDeviation, output: output, mode: mode)
    }

    /// The backward pass: `∂E/∂x`, `∂E/∂γ` and `∂E/∂β` from `∂E/∂y` (formulas in the type's documentation).
    /// - Throws: ``ShapeError`` when `outputGradient` does not match the trace.
    @inlinable public func backward(_ trace: BatchNormTrace<Scalar>, outputGradient dy: Matrix<Scalar>) throws -> BatchNormBackward<Scalar> {
        guard dy.shape == trace.normalized.shape else {
            throw ShapeError(
                operation: "BatchNorm.backward", shapes: [trace.normalized.shape, dy.shape],
                expected: "the output gradient must have the output's shape")
        }
        let m = dy.rows, n = dy.columns
        let xHat = trace.normalized
        var shiftGradient = [Scalar](repeating: 0, count: n), scaleGradient = [Scalar](repeating: 0, count: n)
        for r in 0..<m {
            for c in 0..<n {
                shiftGradient[c] += dy[r, c]
                scaleGradient[c] += dy[r, c] * xHat[r, c]
            }
        }
        let inputGradient: Matrix<Scalar>
        switch trace.mode {
        case .training:
            let count = Scalar(m)
            inputGradient = Matrix(rows: m, columns: n) { r, c in
                scale[0, c] * trace.inverseDeviation[c] / count
                    * (count * dy[r, c] - shiftGradient[c] - xHat[r, c] * scaleGradient[c])
            }
        case .inference:
            inputGradient = Matrix(rows: m, columns: n) { r, c in dy[r, c] * scale[0, c] * trace.inverseDeviation[c] }
        }
        return BatchNormBackward(inputGradient: inputGradient, scale: Matrix(row: scaleGradient), shift: Matrix(row: shiftGradient))
    }
}

extension BatchNorm: Layer {
    public var name: String { "batch norm" }

    public var requiredInputShape: RecordShape? { .features(featureCount) }

    public func outputShape(for input: RecordShape) throws -> RecordShape {
        guard input.count == featureCount else { throw shapeError(input, needs: "\(featureCount) features") }
        return input
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let trace = try forwardTrace(x, mode: mode)
        saved.value = trace
        return trace.output
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let backward = try backward(saved.take(for: name), outputGradient: outputGradient)
        return LayerGradients(input: backward.inputGradient, parameters: [backward.scale, backward.shift])
    }

    public var parameters: [Matrix<Scalar>] { [scale, shift] }
    public var parameterNames: [String] { ["weight", "bias"] }

    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try update(&scale, 0)
        try update(&shift, 1)
    }
}

/// What ``BatchNorm``'s forward pass keeps for its backward pass.
public struct BatchNormTrace<Scalar: MatrixScalar>: Sendable {
    /// `x̂`, `batch×features`.
    public var normalized: Matrix<Scalar>
    /// `1/√(σ² + ε)` per feature.
    public var inverseDeviation: [Scalar]
    /// `y = γ x̂ + β`.
    public var output: Matrix<Scalar>
    /// The mode of the forward pass: the backward pass of a training pass also goes through the
    /// batch statistics, that of an inference pass only through the fixed running averages.
    public var mode: Mode

    /// A trace from what the forward pass computed.
    @inlinable public init(normalized: Matrix<Scalar>, inverseDeviation: [Scalar], output: Matrix<Scalar>, mode: Mode) {
        self.normalized = normalized
        self.inverseDeviation = inverseDeviation
        self.output = output
        self.mode = mode
    }
}

/// The gradients ``BatchNorm``'s backward pass computes.
public struct BatchNormBackward<Scalar: MatrixScalar>: Sendable {
    /// `∂E/∂x`, `batch×features`.
    public var inputGradient: Matrix<Scalar>
    /// `∂E/∂γ`, `1×features`.
    public var scale: Matrix<Scalar>
    /// `∂E/∂β`, `1×features`.
    public var shift: Matrix<Scalar>

    /// The three gradients of one backward pass.
    @inlinable public init(inputGradient: Matrix<Scalar>, scale: Matrix<Scalar>, shift: Matrix<Scalar>) {
        self.inputGradient = inputGradient
        self.scale = scale
        self.shift = shift
    }
}

extension BatchNorm: StorableLayer {
    /// In a model file: kind `batch_norm` with `features`, `momentum` and `epsilon`; tensors
    /// `weight` (γ), `bias` (β), `running_mean` and `running_var`, each `[features]`.
    public static var kind: String { "batch_norm" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("features", featureCount)
        try writer.set("momentum", momentum)
        try writer.set("epsilon", epsilon)
        try writer.tensor("weight", scale, vector: true)
        try writer.tensor("bias", shift, vector: true)
        try writer.tensor("running_mean", runningMean, vector: true)
        try writer.tensor("running_var", runningVariance, vector: true)
    }

    public init(reading reader: inout LayerReader) throws {
        let features = try reader.integer("features", atLeast: 1)
        let momentum = try reader.number("momentum"), epsilon = try reader.number("epsilon")
        // the tensors first: they exist in the file, so `features` is not a lie by the time the
        // initialiser allocates that many numbers
        let scale: Matrix<Scalar> = try reader.tensor("weight", shape: [features], "γ")
        let shift: Matrix<Scalar> = try reader.tensor("bias", shape: [features], "β")
        let runningMean: Matrix<Scalar> = try reader.tensor("running_mean", shape: [features], "running mean")
        let runningVariance: Matrix<Scalar> = try reader.tensor("running_var", shape: [features], "running variance")
        // a negative variance makes √(σ² + ε) NaN at inference
        if let index = runningVariance.elements.firstIndex(where: { $0 < 0 }) {
            try reader.require(
                false, "tensor \(reader.name).running_var (running variance) at element \(index)", is: "\(runningVariance.elements[index])",
                expected: "a variance ≥ 0")
        }
        self = try reader.build { try BatchNorm(features: features, momentum: momentum, epsilon: epsilon) }
        self.scale = scale
        self.shift = shift
        self.runningMean = runningMean
        self.runningVariance = runningVariance
    }
}
