/// An activation on its own, as a layer (after batch normalization, say): `a = f(x)` element by
/// element, `∂E/∂x = ∂E/∂a ⊙ f'(x)`. No parameters. PyTorch's `nn.ReLU()`, `nn.Tanh()`, … are
/// `ActivationLayer(.relu)`, `ActivationLayer(.tanh)`, ….
public struct ActivationLayer<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `f`.
    public var activation: Activation
    /// The input of the last forward pass (`batch×features`), where the backward pass takes `f'`.
    @usableFromInline var saved = Saved<Matrix<Scalar>>()

    /// A layer applying `activation` to every element of its input.
    public init(_ activation: Activation) {
        self.activation = activation
    }
}

extension ActivationLayer: Layer {
    public var name: String { "\(activation)" }

    public func outputShape(for input: RecordShape) throws -> RecordShape { input }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        saved.value = x
        return activation(x)
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        LayerGradients(input: try activation.gradient(outputGradient, at: saved.take(for: name), operation: "\(name).backward"))
    }

    public var parameters: [Matrix<Scalar>] { [] }
    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {}
}

extension ActivationLayer: StorableLayer {
    /// In a model file: kind `activation` with `activation` (and its parameter); no tensors.
    public static var kind: String { "activation" }

    public func store(into writer: inout LayerWriter) throws { try writer.set(activation: activation) }

    public init(reading reader: inout LayerReader) throws { self.init(try reader.activation()) }
}
