/// A residual block (He et al., 2015): `y = f(x) + x`, the input added to what the block's layers
/// make of it, or `y = f(x) + P(x)` with a projection `P` (a dense layer, say, or a 1×1
/// convolution) when `f` changes the shape.
///
/// Backward, from `∂E/∂y`: the gradient goes down both paths and the two gradients of the input
/// add up, so the shortcut hands every layer below an undiminished copy of the gradient:
///
///     ∂E/∂x = ∂E/∂x through f  +  ∂E/∂y               (identity shortcut)
///     ∂E/∂x = ∂E/∂x through f  +  ∂E/∂x through P     (projection)
///
/// Parameters: the body's, then the projection's.
public struct Residual<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `f`, the layers the input goes through.
    public var body: Sequential<Scalar>
    /// `P`, the shortcut's layers: none for the identity.
    public var shortcut: Sequential<Scalar>

    /// `y = f(x) + x`, or `y = f(x) + P(x)` with `projection`.
    public init(_ body: [any Layer<Scalar>], projection: [any Layer<Scalar>] = []) {
        self.body = Sequential(body)
        self.shortcut = Sequential(projection)
    }
}

extension Residual: Layer {
    public var name: String { shortcut.layers.isEmpty ? "residual" : "residual with projection" }

    public var requiredInputShape: RecordShape? { body.requiredInputShape ?? shortcut.requiredInputShape }

    /// The shape of the body's output, which the shortcut's output is added to.
    /// - Throws: ``ShapeError`` when the body's output and the shortcut's differ in size.
    public func outputShape(for input: RecordShape) throws -> RecordShape {
        let main = try body.outputShape(for: input), side = try shortcut.outputShape(for: input)
        guard main.count == side.count else {
            throw ShapeError(
                operation: name, shapes: [Shape(1, main.count), Shape(1, side.count)],
                expected: "the body gives records of \(main) but the shortcut gives \(side): they must match to be added"
                    + (shortcut.layers.isEmpty ? " (give a projection)" : ""))
        }
        return main
    }

    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    @inlinable public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        var sum = try body.forward(x, mode: mode, using: &generator)
        try sum.add(shortcut.forward(x, mode: mode, using: &generator), scaledBy: 1)
        return sum
    }

    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    @inlinable public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let main = try body.backward(outputGradient: outputGradient, needsInputGradient: true)
        let side = try shortcut.backward(outputGradient: outputGradient, needsInputGradient: true)
        var input = main.input
        try input.add(side.input, scaledBy: 1)
        return LayerGradients(input: input, parameters: main.parameters + side.parameters)
    }

    public var parameters: [Matrix<Scalar>] { body.parameters + shortcut.parameters }

    public var parameterNames: [String] { body.parameterNames.map { "body.\($0)" } + shortcut.parameterNames.map { "shortcut.\($0)" } }

    public var penalizedParameters: [Int] {
        body.penalizedParameters + shortcut.penalizedParameters.map { $0 + body.parameters.count }
    }

    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        var count = 0
        try body.updateParameters { parameter, p in
            count = Swift.max(count, p + 1)
            try update(&parameter, p)
        }
        try shortcut.updateParameters { parameter, p in try update(&parameter, count + p) }
    }

    public var parameterCount: Int { body.parameterCount + shortcut.parameterCount }

    public func multiplyAdds(for input: RecordShape) -> Int { body.multiplyAdds(for: input) + shortcut.multiplyAdds(for: input) }

    public var sublayers: [any Layer<Scalar>] { body.layers + shortcut.layers }

    /// The block's row, its body's layers, then (with a projection) the shortcut's, each path
    /// reading the block's input.
    public func summaryRows(input: RecordShape, depth: Int) -> [SummaryRow] {
        [SummaryRow(self, input: input, depth: depth)] + body.layers.summaryRows(input: input, depth: depth + 1)
            + (shortcut.layers.isEmpty ? [] : [SummaryRow(shortcut, input: input, depth: depth + 1)]
                + shortcut.layers.summaryRows(input: input, depth: depth + 2))
    }
}

extension Residual: StorableLayer {
    /// In a model file: kind `residual` with `body` and `shortcut`, arrays of layer entries
    /// (the shortcut's empty for the identity); tensors `layers.2.body.0.weight`, ….
    public static var kind: String { "residual" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("body", layers: body.layers)
        try writer.set("shortcut", layers: shortcut.layers)
    }

    public init(reading reader: inout LayerReader) throws {
        self.init(try reader.layers("body"), projection: try reader.layers("shortcut"))
    }
}
