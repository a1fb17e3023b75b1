/// A fully connected layer: every unit sees every input.
///
/// Forward, for a batch `x` of shape `batch×inputs` (one record per row):
///
///     h = x · W + b        // batch×units: h_j = Σ_i x_i w_ij + b_j for every record
///     a = f(h)             // batch×units
///
/// Backward, given `∂E/∂a` (`batch×units`) from the layer above or the loss:
///
///     ∂E/∂h = ∂E/∂a ⊙ f'(h)          // batch×units; the article's error term δ is -m·∂E/∂h
///     ∂E/∂W = xᵀ · ∂E/∂h             // inputs×units: Σ over records of x_i · ∂E/∂h_j
///     ∂E/∂b = column sums of ∂E/∂h   // 1×units
///     ∂E/∂x = ∂E/∂h · Wᵀ             // batch×inputs: Σ_j w_ij ∂E/∂h_j, handed to the layer below
///
/// `W` is `inputs×units`, indexed `w_ij` as in the articles (row `i`: input, column `j`: unit), and
/// `b` is `1×units`. This is the article's layer equation `A(i+1) = f(A(i) W(i))` with the bias
/// written separately instead of as a weight on a constant input `x₀ = 1`.
public struct Dense<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `inputs×units` weights `w_ij`.
    public var weights: Matrix<Scalar>
    /// `1×units` biases `b_j` (the weight `w₀` on the constant input `x₀ = 1`).
    public var bias: Matrix<Scalar>
    /// The activation `f` applied to each unit's weighted sum.
    public var activation: Activation
    /// Whether the layer has (and learns) biases. Without, `bias` stays zero.
    public var hasBias: Bool
    /// What ``forward(_:mode:using:)`` keeps for the backward pass: `x` (`batch×inputs`), `h`
    /// (`batch×units`) and `a` (`batch×units`); for sequences, one time step per row.
    @usableFromInline var saved = Saved<DenseTrace<Scalar>>()

    /// A layer with the given weights (`inputs×units`), biases (one per unit) and activation.
    ///
    /// - Throws: ``ShapeError`` when `bias` is not `1×units`.
    public init(weights: Matrix<Scalar>, bias: Matrix<Scalar>, activation: Activation, hasBias: Bool = true) throws {
        guard bias.rows == 1, bias.columns == weights.columns else {
            throw ShapeError(
                operation: "Dense", shapes: [weights.shape, bias.shape],
                expected: "the bias must be 1×\(weights.columns), one per unit (column of the weights)")
        }
        self.weights = weights
        self.bias = hasBias ? bias : Matrix(rows: 1, columns: weights.columns)
        self.activation = activation
        self.hasBias = hasBias
    }

    /// A layer with Gaussian random weights (mean 0, the given standard deviation, `1/√inputs` by
    /// default, which is ``Initializer/xavier``) and zero biases.
    ///
    /// - Throws: ``InvalidArgument`` when `inputs` or `units` is below 1.
    public init(
        inputs: Int, units: Int, activation: Activation, hasBias: Bool = true, standardDeviation: Double? = nil,
        using generator: inout SeededGenerator
    ) throws {
        try self.init(
            inputs: inputs, units: units, activation: activation,
            initializer: standardDeviation.map { .gaussian(standardDeviation: $0) } ?? .xavier, hasBias: hasBias,
            using: &generator)
    }

    /// A layer from weights written as rows of `w_ij` (one row per input) and one bias per unit.
    ///
    /// - Throws: ``ShapeError`` when the rows are ragged or the biases do not match the units.
    public init(weights rows: [[Scalar]], bias: [Scalar], activation: Activation, hasBias: Bool = true) throws {
        try self.init(weights: Matrix(rows), bias: Matrix(row: bias), activation: activation, hasBias: hasBias)
    }

    /// Number of inputs each unit sees.
    public var inputCount: Int { weights.rows }
    /// Number of units (outputs).
    public var unitCount: Int { weights.columns }
    /// Number of learned numbers: the weights, and the biases if the layer has them.
    public var parameterCount: Int { weights.count + (hasBias ? bias.count : 0) }

    /// The parameters of a layer of `units` units over `inputs` inputs, `inputs·units` (`+ units`
    /// with biases), computed with checked arithmetic before any weights exist (what
    /// `swift run shapes` prints). The multiply-adds per record are `inputs·units`.
    /// - Throws: ``InvalidArgument`` naming the layer and the product when it is too large for an `Int`.
    public static func parameterCount(inputs: Int, units: Int, hasBias: Bool = true) throws -> Int {
        let weights = try CheckedSize.product([inputs, units], "dense \(units): the weights inputs·units")
        return try CheckedSize.sum([weights, hasBias ? units : 0], "dense \(units): the parameters inputs·units + units")
    }

    // book: dense-forward
    /// The weighted sums `h = x · W + b` (`batch×units`).
    ///
    /// - Throws: ``ShapeError`` when `x` does not have ``inputCount`` columns.
    @inlinable public func weightedSums(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard x.columns == weights.rows else {
            throw ShapeError(
                operation: "Dense.forward", shapes: [x.shape, weights.shape],
                expected: "the input needs \(weights.rows) columns (one per input of the layer), got \(x.columns)")
        }
        var sums = try x.matmul(weights)
        if hasBias { try sums.addToEachRow(bias) }  // in place: the product is ours alone
        return sums
    }

    /// The outputs `a = f(x · W + b)` (`batch×units`).
    @inlinable public func forward(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        activation(try weightedSums(x))
    }

    /// The forward pass, keeping what the backward pass needs.
    @inlinable public func forwardTrace(_ x: Matrix<Scalar>) throws -> DenseTrace<Scalar> {
        let h = try weightedSums(x)
        return DenseTrace(input: x, weightedSums: h, output: activation(h))
    }
    // book: end dense-forward

    /// The backward pass: from `∂E/∂a` (`outputGradient`, `batch×units`) to the gradients of the
    /// weights and biases and to `∂E/∂x` for the layer below (formulas in the type's documentation).
    ///
    /// - Throws: ``ShapeError`` when `outputGradient` does not match the trace's output.
    ///
    /// With `inputGradient` false (the first layer of a network, whose input is the data), `∂E/∂x`
    /// is not computed and comes back as an empty matrix: it saves one matrix product.
    // book: dense-backward
    @inlinable public func backward(
        _ trace: DenseTrace<Scalar>, outputGradient: Matrix<Scalar>, inputGradient needed: Bool = true
    ) throws -> DenseBackward<Scalar> {
        let weightedSumGradient = try activation.gradient(outputGradient, at: trace.weightedSums, operation: "Dense.backward")
        let gradients = DenseGradients(
            weights: try trace.input.transposedMatmul(weightedSumGradient),
            bias: hasBias ? weightedSumGradient.columnSums() : Matrix(rows: 1, columns: unitCount))
        return DenseBackward(
            weightedSumGradient: weightedSumGradient, gradients: gradients,
            inputGradient: needed ? try weightedSumGradient.matmulTransposed(weights) : Matrix(rows: 0, columns: 0))
    }
    // book: end dense-backward

    /// One step of gradient descent: `W ← W − η ∂E/∂W`, `b ← b − η ∂E/∂b`.
    /// - Throws: ``ShapeError`` when the gradients do not match the parameters.
    @inlinable public mutating func descend(_ gradients: DenseGradients<Scalar>, learningRate: Scalar) throws {
        try weights.add(gradients.weights, scaledBy: -learningRate)
        if hasBias { try bias.add(gradients.bias, scaledBy: -learningRate) }
    }
}

extension Dense: Layer {
    public var name: String { "dense \(unitCount)" }

    public var requiredInputShape: RecordShape? { .features(inputCount) }

    /// Features of width ``inputCount`` give ``unitCount`` features. A sequence whose time steps
    /// have ``inputCount`` features gives a sequence of ``unitCount`` features per step (the layer
    /// applies to each time step, as PyTorch's `nn.Linear` applies to the last dimension); any
    /// other record of ``inputCount`` numbers (an image) is read as plain features.
    public func outputShape(for input: RecordShape) throws -> RecordShape {
        if case .sequence(let sequence) = input {
            guard sequence.features == inputCount else { throw shapeError(input, needs: "\(inputCount) features per time step") }
            return .sequence(SequenceShape(length: sequence.length, features: unitCount))
        }
        guard input.count == inputCount else { throw shapeError(input, needs: "\(inputCount) inputs") }
        return .features(unitCount)
    }

    /// ``forwardTrace(_:)``, keeping the trace. A batch whose rows are sequences of time steps of
    /// ``inputCount`` features each goes through one time step per row (a reshape, not a copy).
    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let steps = x.columns != inputCount && inputCount > 0 && x.columns % inputCount == 0 ? x.columns / inputCount : 1
        let trace = try forwardTrace(steps == 1 ? x : x.reshaped(rows: x.rows * steps, columns: inputCount))
        saved.value = trace
        return steps == 1 ? trace.output : try trace.output.reshaped(rows: x.rows, columns: steps * unitCount)
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let trace = try saved.take(for: name)
        let records = trace.output.rows, steps = outputGradient.rows > 0 ? records / outputGradient.rows : 1
        let gradient = steps == 1 ? outputGradient : try outputGradient.reshaped(rows: records, columns: unitCount)
        let backward = try backward(trace, outputGradient: gradient, inputGradient: needsInputGradient)
        let input = steps == 1 || !needsInputGradient
            ? backward.inputGradient : try backward.inputGradient.reshaped(rows: outputGradient.rows, columns: steps * inputCount)
        return LayerGradients(input: input, parameters: hasBias ? [backward.gradients.weights, backward.gradients.bias] : [backward.gradients.weights])
    }

    public var parameters: [Matrix<Scalar>] { hasBias ? [weights, bias] : [weights] }
    public var parameterNames: [String] { hasBias ? ["weight", "bias"] : ["weight"] }
    public var penalizedParameters: [Int] { [0] }

    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try update(&weights, 0)
        if hasBias { try update(&bias, 1) }
    }

    public func multiplyAdds(for input: RecordShape) -> Int { weights.count * (input.sequence?.length ?? 1) }
}

/// What a ``Dense`` layer's forward pass saw and computed, for its backward pass.
public struct DenseTrace<Scalar: MatrixScalar>: Sendable {
    /// `x`, `batch×inputs`.
    public var input: Matrix<Scalar>
    /// `h = x·W + b`, `batch×units`.
    public var weightedSums: Matrix<Scalar>
    /// `a = f(h)`, `batch×units`.
    public var output: Matrix<Scalar>

    /// A trace from the forward pass's three matrices.
    @inlinable public init(input: Matrix<Scalar>, weightedSums: Matrix<Scalar>, output: Matrix<Scalar>) {
        self.input = input
        self.weightedSums = weightedSums
        self.output = output
    }
}

/// The gradient of the loss with respect to a ``Dense`` layer's parameters.
public struct DenseGradients<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `∂E/∂W`, `inputs×units`.
    public var weights: Matrix<Scalar>
    /// `∂E/∂b`, `1×units` (zero for a layer without biases).
    public var bias: Matrix<Scalar>

    /// The gradients `∂E/∂W` (`inputs×units`) and `∂E/∂b` (`1×units`).
    @inlinable public init(weights: Matrix<Scalar>, bias: Matrix<Scalar>) {
        self.weights = weights
        self.bias = bias
    }
}

/// Everything a ``Dense`` layer's backward pass computes.
public struct DenseBackward<Scalar: MatrixScalar>: Sendable {
    /// `∂E/∂h`, `batch×units`.
    public var weightedSumGradient: Matrix<Scalar>
    /// `∂E/∂W` and `∂E/∂b`.
    public var gradients: DenseGradients<Scalar>
    /// `∂E/∂x`, `batch×inputs`, the `outputGradient` of the layer below.
    public var inputGradient: Matrix<Scalar>

    /// The results of one backward pass.
    @inlinable public init(weightedSumGradient: Matrix<Scalar>, gradients: DenseGradients<Scalar>, inputGradient: Matrix<Scalar>) {
        self.weightedSumGradient = weightedSumGradient
        self.gradients = gradients
        self.inputGradient = inputGradient
    }
}

extension Array {
    /// The outputs of every layer for the batch `x`: element 0 is `x` itself, element `l + 1` the
    /// output of layer `l`. The last element is the network's output.
    @inlinable public func forwardAll<Scalar>(_ x: Matrix<Scalar>) throws -> [Matrix<Scalar>] where Element == Dense<Scalar> {
        var outputs = [x]
        for layer in self { outputs.append(try layer.forward(outputs[outputs.count - 1])) }
        return outputs
    }

    /// The network's output for the batch `x`: each layer's output feeds the next.
    @inlinable public func forward<Scalar>(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> where Element == Dense<Scalar> {
        try reduce(x) { try $1.forward($0) }
    }
}

extension Dense: StorableLayer {
    /// In a model file: kind `dense` with `inputs`, `units`, `activation` and `bias`; tensors
    /// `weight` (`[inputs, units]`) and, with a bias, `bias` (`[units]`).
    public static var kind: String { "dense" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("inputs", inputCount)
        try writer.set("units", unitCount)
        try writer.set(activation: activation)
        try writer.set("bias", hasBias)
        try writer.tensor("weight", weights)
        if hasBias { try writer.tensor("bias", bias, vector: true) }
    }

    public init(reading reader: inout LayerReader) throws {
        let inputs = try reader.integer("inputs", atLeast: 1), units = try reader.integer("units", atLeast: 1)
        let hasBias = try reader.bool("bias"), activation = try reader.activation()
        let weights: Matrix<Scalar> = try reader.tensor("weight", shape: [inputs, units], "weights, inputs×units")
        let bias: Matrix<Scalar> = hasBias ? try reader.tensor("bias", shape: [units], "biases") : Matrix(rows: 1, columns: units)
        self = try reader.build { try Dense(weights: weights, bias: bias, activation: activation, hasBias: hasBias) }
    }
}
