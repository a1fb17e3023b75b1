/// Layers in a row, as one layer (PyTorch's `nn.Sequential`): each layer's output is the next
/// one's input, and the backward pass runs them in reverse. A ``Model`` is a `Sequential` with
/// training and saving around it; a `Sequential` can sit inside a model, a ``Residual`` block or
/// another `Sequential`, so a network is any tree of layers.
///
/// Its parameters are its layers' parameters in order; their names are PyTorch's, prefixed with
/// the layer's index: `0.weight`, `0.bias`, `2.weight`, ….
public struct Sequential<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The layers, input side first.
    public var layers: [any Layer<Scalar>]

    /// A block of `layers` (none is the identity). Whether their shapes chain is checked when the
    /// block's input shape is known (``outputShape(for:)``, and so when a ``Model`` is built).
    public init(_ layers: [any Layer<Scalar>]) {
        self.layers = layers
    }

    /// Whether both hold as many layers, and equal ones, in the same order.
    public static func == (lhs: Sequential, rhs: Sequential) -> Bool {
        lhs.layers.count == rhs.layers.count && zip(lhs.layers, rhs.layers).allSatisfy { layersEqual($0, $1) }
    }
}

extension Sequential: Layer {
    public var name: String { layers.isEmpty ? "identity" : "sequential" }

    public var requiredInputShape: RecordShape? { layers.first?.requiredInputShape }

    /// The shape of the last layer's output records, the layers' shapes chained from `input` (the
    /// input itself for an empty block).
    /// - Throws: ``ShapeError`` naming the first layer (counted from 1) whose input does not fit.
    public func outputShape(for input: RecordShape) throws -> RecordShape {
        try layers.chainedShapes(from: input).last ?? input
    }

    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    @inlinable public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        try layers.forward(x, mode: mode, using: &generator)
    }

    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    @inlinable public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        try layers.backward(outputGradient: outputGradient, through: layers.count, needsInputGradient: needsInputGradient)
    }

    public var parameters: [Matrix<Scalar>] { layers.flatMap { $0.parameters } }

    public var parameterNames: [String] {
        layers.indices.flatMap { index in layers[index].parameterNames.map { "\(index).\($0)" } }
    }

    public var penalizedParameters: [Int] {
        var offset = 0
        return layers.flatMap { layer in
            defer { offset += layer.parameters.count }
            return layer.penalizedParameters.map { $0 + offset }
        }
    }

    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try layers.updateParameters(update)
    }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    public func multiplyAdds(for input: RecordShape) -> Int {
        guard let shapes = try? layers.chainedShapes(from: input) else { return 0 }
        return zip(layers, [input] + shapes).reduce(0) { $0 + $1.0.multiplyAdds(for: $1.1) }
    }

    public var sublayers: [any Layer<Scalar>] { layers }
}

extension Array {
    /// Each layer's output shape in turn, for input records of shape `input`.
    /// - Throws: ``ShapeError`` naming the first layer (counted from 1) that does not fit.
    public func chainedShapes<Scalar>(from input: RecordShape) throws -> [RecordShape] where Element == any Layer<Scalar> {
        var shape = input
        return try enumerated().map { index, layer in
            do {
                shape = try layer.outputShape(for: shape)
            } catch let error as ShapeError {
                throw ShapeError(operation: error.operation, shapes: error.shapes, expected: "layer \(index + 1) (\(layer.name)): \(error.expected)")
            }
            return shape
        }
    }

    /// The forward pass through every layer in turn, each keeping what its backward pass needs.
    /// For Float, a ReLU ``Conv2D`` followed by max ``Pooling`` whose windows tile its output runs
    /// as one pass, with the same numbers (``ConvolutionTrace/isPooledTogether``): the convolution's
    /// whole output is never written, and ``backward(outputGradient:through:needsInputGradient:)``
    /// takes the pair together too.
    @inlinable public mutating func forward<Scalar>(
        _ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator
    ) throws -> Matrix<Scalar> where Element == any Layer<Scalar> {
        var output = x
        var index = startIndex
        while index < endIndex {
            // a ReLU convolution and the max pooling after it, in one pass (Float; the same numbers)
            if let pooled = try fusedConvolutionPoolingForward(at: index, output) {
                output = pooled
                index += 2
                continue
            }
            output = try self[index].forward(output, mode: mode, using: &generator)
            index += 1
        }
        return output
    }

    /// The backward pass through the first `count` layers, last first: `∂E/∂x` of the first layer
    /// and every parameter's gradient in the order of the layers' parameters.
    @inlinable public mutating func backward<Scalar>(
        outputGradient: Matrix<Scalar>, through count: Int, needsInputGradient: Bool
    ) throws -> LayerGradients<Scalar> where Element == any Layer<Scalar> {
        var gradient = outputGradient
        var perLayer = [[Matrix<Scalar>]](repeating: [], count: count)
        var index = count
        while index > 0 {
            index -= 1
            // a ReLU convolution and the max pooling after it, in one pass (Float; the same numbers)
            if let fused = try fusedConvolutionPoolingBackward(
                at: index, outputGradient: gradient, needsInputGradient: needsInputGradient || index > 1)
            {
                perLayer[index - 1] = fused.parameters
                gradient = fused.input
                index -= 1
                continue
            }
            let backward = try self[index].backward(outputGradient: gradient, needsInputGradient: needsInputGradient || index > 0)
            perLayer[index] = backward.parameters
            gradient = backward.input
        }
        return LayerGradients(input: gradient, parameters: perLayer.flatMap { $0 })
    }

    /// Every layer's parameters in turn, numbered through the whole list.
    @inlinable public mutating func updateParameters<Scalar>(
        _ update: (inout Matrix<Scalar>, Int) throws -> Void
    ) rethrows where Element == any Layer<Scalar> {
        var offset = 0
        for index in indices {
            var count = 0
            try self[index].updateParameters { parameter, p in
                count = Swift.max(count, p + 1)
                try update(&parameter, offset + p)
            }
            offset += count
        }
    }
}

extension Sequential: StorableLayer {
    /// In a model file: kind `sequential` with `layers`, an array of the layers' entries; their
    /// tensors are named after their place: `layers.3.layers.0.weight`.
    public static var kind: String { "sequential" }

    public func store(into writer: inout LayerWriter) throws { try writer.set("layers", layers: layers) }

    public init(reading reader: inout LayerReader) throws { self.init(try reader.layers("layers")) }
}
