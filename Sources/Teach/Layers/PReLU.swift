/// The parametric ReLU (He et al., 2015), as PyTorch's `nn.PReLU`: a leaky ReLU whose slope for
/// negative inputs is learned.
///
///     forward:   y = max(0, x) + a · min(0, x)
///     backward:  ∂E/∂x = ∂E/∂y            where x > 0,   a · ∂E/∂y  where x ≤ 0
///                ∂E/∂a = Σ ∂E/∂y · min(0, x)   over every record and every number of a's channel
///
/// As in PyTorch, `weight` holds either one slope shared by every number (`num_parameters=1`, the
/// default) or one slope per channel, and every slope starts at `init=0.25`. At `x = 0` the input's
/// gradient uses the slope and the slope's gradient is 0, as PyTorch's backward does.
///
/// Channels: PyTorch takes the channel from dimension 1 of its `N×C×…` input. Teach's records are
/// channels-last (a feature vector, an `H×W×C` image, a `length×features` sequence), so number `j`
/// of a record belongs to channel `j mod num_parameters`: for plain features that is one slope per
/// feature, for an image one per colour channel, for a sequence one per feature. ``outputShape(for:)``
/// checks that `num_parameters` is 1 or the records' channel count. A weight ``Penalty`` leaves the
/// slopes alone (``Layer/penalizedParameters`` is empty), as He et al. recommend: decay would pull them
/// towards 0, a plain ReLU. (PyTorch's `weight_decay` option of an optimizer decays every parameter,
/// slopes included, unless they are put in a parameter group of their own.)
public struct PReLU<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The slopes `a`, `1×num_parameters` (PyTorch's `weight`, shape `[num_parameters]`).
    public var weight: Matrix<Scalar>
    /// The input of the last forward pass (`batch×numbers`), for the backward pass.
    @usableFromInline var saved = Saved<Matrix<Scalar>>()

    /// `nn.PReLU(num_parameters=parameterCount, init=initialSlope)`: `parameterCount` slopes (1,
    /// or the number of channels of the records it will see), each `initialSlope`.
    /// - Throws: ``InvalidArgument`` for fewer than 1 slope or a non-finite initial slope.
    public init(parameterCount: Int = 1, initialSlope: Double = 0.25) throws {
        guard parameterCount >= 1 else { throw InvalidArgument("PReLU: needs at least 1 slope (num_parameters), got \(parameterCount)") }
        guard initialSlope.isFinite else { throw InvalidArgument("PReLU: the initial slope \(initialSlope) must be finite") }
        weight = Matrix(rows: 1, columns: parameterCount, repeating: Scalar(initialSlope))
    }

    /// How many slopes it learns (PyTorch's `num_parameters`).
    public var slopeCount: Int { weight.columns }

    /// `y = max(0, x) + a · min(0, x)`, each number with its channel's slope.
    /// - Throws: ``ShapeError`` when the slopes are per channel and the row's width is not a multiple of their count.
    @inlinable public func callAsFunction(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkWidth(x)
        let slopes = weight.elements, n = slopes.count
        var y = x
        y.withUnsafeMutableBufferPointer { out in
            for r in 0..<x.rows {
                let row = r * x.columns
                for c in 0..<x.columns where out[row + c] < 0 { out[row + c] *= slopes[c % n] }
            }
        }
        return y
    }

    /// The gradients of the input and of the slopes, from the input `x` of the forward pass and `∂E/∂y`.
    /// - Throws: ``ShapeError`` when the two shapes differ or do not fit the slopes.
    @inlinable public func gradients(at x: Matrix<Scalar>, outputGradient g: Matrix<Scalar>) throws -> (input: Matrix<Scalar>, weight: Matrix<Scalar>) {
        guard g.shape == x.shape else {
            throw ShapeError(operation: "PReLU.backward", shapes: [x.shape, g.shape], expected: "the output gradient must have the input's shape")
        }
        try checkWidth(x)
        let slopes = weight.elements, n = slopes.count
        var input = g
        var slopeGradient = [Scalar](repeating: 0, count: n)
        for r in 0..<x.rows {
            for c in 0..<x.columns where !(x[r, c] > 0) {
                slopeGradient[c % n] += g[r, c] * x[r, c]
                input[r, c] = slopes[c % n] * g[r, c]
            }
        }
        return (input, Matrix(row: slopeGradient))
    }

    @usableFromInline func checkWidth(_ x: Matrix<Scalar>) throws {
        guard x.columns % slopeCount == 0 else {
            throw ShapeError(
                operation: name, shapes: [x.shape, weight.shape],
                expected: "rows whose width is a multiple of the \(slopeCount) slopes (one per channel, channels last)")
        }
    }
}

extension PReLU: Layer {
    public var name: String { slopeCount == 1 ? "prelu" : "prelu \(slopeCount)" }

    public func outputShape(for input: RecordShape) throws -> RecordShape {
        let channels: Int
        switch input {
        case .features(let count): channels = count
        case .image(let shape): channels = shape.channels
        case .sequence(let shape): channels = shape.features
        }
        guard slopeCount == 1 || slopeCount == channels else { throw shapeError(input, needs: "1 or \(slopeCount) channels (one slope each)") }
        return input
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let y = try self(x)
        saved.value = x
        return y
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let gradients = try gradients(at: saved.take(for: name), outputGradient: outputGradient)
        return LayerGradients(input: gradients.input, parameters: [gradients.weight])
    }

    public var parameters: [Matrix<Scalar>] { [weight] }
    public var parameterNames: [String] { ["weight"] }

    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try update(&weight, 0)
    }
}

extension PReLU: StorableLayer {
    /// In a model file: kind `prelu` with `num_parameters`; tensor `weight`, `[num_parameters]`.
    public static var kind: String { "prelu" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("num_parameters", slopeCount)
        try writer.tensor("weight", weight, vector: true)
    }

    public init(reading reader: inout LayerReader) throws {
        let count = try reader.integer("num_parameters", atLeast: 1)
        let weight: Matrix<Scalar> = try reader.tensor("weight", shape: [count], "the slopes")
        self = try reader.build { try PReLU(parameterCount: count) }
        self.weight = weight
    }
}
