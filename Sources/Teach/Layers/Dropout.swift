/// Dropout: in training, each unit's output is dropped (set to 0) with probability `rate`, a new
/// random choice for every record of every batch; at inference nothing is dropped.
///
/// This is the "speed friendly" approach of article 000: the matrices keep their size and the
/// dropped units are multiplied by zero. It is *inverted* dropout, as PyTorch's `nn.Dropout`: the
/// kept units are scaled by `1/(1 − rate)` during training, so the expected value of every output is
/// the same in training and at inference, and inference is the identity.
///
///     forward (training):  a = x ⊙ mask        mask_ij = 1/(1 − rate) with probability 1 − rate, else 0
///     backward:            ∂E/∂x = ∂E/∂a ⊙ mask
///     inference:           a = x
///
/// The original paper's form (``inverted`` `false`) does not scale in training and multiplies by
/// `1 − rate` at inference instead: the same expectation, but inference pays a multiply.
public struct Dropout<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The probability of dropping a unit, in [0, 1).
    public var rate: Double
    /// Scale in training (PyTorch, the default) rather than at inference.
    public var inverted: Bool
    /// The training mask of the last forward pass (`batch×features`), for the backward pass.
    @usableFromInline var saved = Saved<Matrix<Scalar>?>()

    /// Dropout with drop probability `rate` (PyTorch's `nn.Dropout(p=rate)`); with `inverted` false the
    /// kept units are not scaled in training and inference multiplies by `1 − rate` instead.
    /// - Throws: ``InvalidArgument`` when `rate` is not in [0, 1).
    public init(rate: Double, inverted: Bool = true) throws {
        guard rate >= 0, rate < 1 else { throw InvalidArgument("Dropout: rate \(rate) must be in [0, 1): the chance of dropping a unit") }
        self.rate = rate
        self.inverted = inverted
    }

    /// No dropout: rate 0, the identity in both modes.
    public static var none: Dropout { Dropout(uncheckedRate: 0) }

    @usableFromInline init(uncheckedRate rate: Double) {
        self.rate = rate
        self.inverted = true
    }

    /// A fresh training mask for a `rows×columns` batch: `1/(1 − rate)` (or 1 when not inverted)
    /// where a unit is kept, 0 where it is dropped.
    @inlinable public func mask(rows: Int, columns: Int, using generator: inout SeededGenerator) -> Matrix<Scalar> {
        let kept: Scalar = inverted ? 1 / (1 - Scalar(rate)) : 1
        var mask = Matrix<Scalar>(rows: rows, columns: columns)
        mask.withUnsafeMutableBufferPointer { m in
            let zero = Scalar.zero  // not a literal in the loop: see Activation.callAsFunction(_:)
            for i in m.indices { m[i] = generator.uniform() < rate ? zero : kept }
        }
        return mask
    }

    /// The outputs and, in training, the mask used (the backward pass needs it).
    @inlinable public func forwardKeepingMask(
        _ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator
    ) throws -> (output: Matrix<Scalar>, mask: Matrix<Scalar>?) {
        switch mode {
        case .inference:
            return (inverted || rate == 0 ? x : x * (1 - Scalar(rate)), nil)
        case .training:
            guard rate > 0 else { return (x, nil) }
            let mask: Matrix<Scalar> = mask(rows: x.rows, columns: x.columns, using: &generator)
            return (try x * mask, mask)
        }
    }

    /// `∂E/∂x` from `∂E/∂a`: the gradient flows only through the units that were kept.
    @inlinable public func backward(mask: Matrix<Scalar>?, outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard let mask else { return outputGradient }
        return try outputGradient * mask
    }
}

extension Dropout: Layer {
    public var name: String { "dropout \(rate)" }

    public func outputShape(for input: RecordShape) throws -> RecordShape { input }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let (output, mask) = try forwardKeepingMask(x, mode: mode, using: &generator)
        saved.value = mask
        return output
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        LayerGradients(input: try backward(mask: saved.take(for: name), outputGradient: outputGradient))
    }

    public var parameters: [Matrix<Scalar>] { [] }
    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {}
}

extension Dropout: StorableLayer {
    /// In a model file: kind `dropout` with `rate` and `inverted`; no tensors.
    public static var kind: String { "dropout" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("rate", rate)
        try writer.set("inverted", inverted)
    }

    public init(reading reader: inout LayerReader) throws {
        let rate = try reader.number("rate"), inverted = try reader.bool("inverted")
        self = try reader.build { try Dropout(rate: rate, inverted: inverted) }
    }
}
