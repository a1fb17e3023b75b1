/// A layer whose parameters are not trained: gradients still flow through it to the layers below,
/// but it offers no parameters to the optimizer (PyTorch's `requires_grad_(False)` on every
/// parameter of a module, Keras's `layer.trainable = False`). Use it for transfer learning (a
/// trained feature extractor under a new head) and wherever one network's gradient must pass
/// through another without changing it.
///
/// The layer inside still runs in the mode it is given: in training mode batch normalization
/// still updates its running averages and dropout still drops, as in PyTorch.
/// Its ``parameterCount`` counts the frozen numbers; ``parameters`` is empty.
public struct Frozen<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The layer kept as it is.
    public var layer: any Layer<Scalar>

    /// `layer` with its parameters frozen (any layer, a whole ``Sequential`` block included).
    public init(_ layer: any Layer<Scalar>) {
        self.layer = layer
    }

    /// Whether both hold equal layers: the same type with the same parameters and settings.
    public static func == (lhs: Frozen, rhs: Frozen) -> Bool { layersEqual(lhs.layer, rhs.layer) }
}

extension Frozen: Layer {
    public var name: String { "frozen \(layer.name)" }

    public var requiredInputShape: RecordShape? { layer.requiredInputShape }

    public func outputShape(for input: RecordShape) throws -> RecordShape { try layer.outputShape(for: input) }

    @inlinable public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        try layer.forward(x, mode: mode, using: &generator)
    }

    /// `∂E/∂x` through the layer; the gradients of its parameters are dropped.
    @inlinable public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        LayerGradients(input: try layer.backward(outputGradient: outputGradient, needsInputGradient: needsInputGradient).input)
    }

    public var parameters: [Matrix<Scalar>] { [] }

    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {}

    public var parameterCount: Int { layer.parameterCount }

    public func multiplyAdds(for input: RecordShape) -> Int { layer.multiplyAdds(for: input) }

    public var sublayers: [any Layer<Scalar>] { layer.sublayers }
}

extension Frozen: StorableLayer {
    /// In a model file: kind `frozen` with `layer`, a one-element array holding the frozen
    /// layer's entry; its tensors are named `layers.4.layer.0.weight`, ….
    public static var kind: String { "frozen" }

    public func store(into writer: inout LayerWriter) throws { try writer.set("layer", layers: [layer]) }

    public init(reading reader: inout LayerReader) throws {
        let layers: [any Layer<Scalar>] = try reader.layers("layer")
        guard layers.count == 1 else { throw reader.problem("\"layer\" must hold exactly one layer, found \(layers.count)") }
        self.init(layers[0])
    }
}
