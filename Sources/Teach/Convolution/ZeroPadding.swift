/// Zeros added around each image (Keras's `ZeroPadding2D`): `H×W×C` becomes `(H+2P)×(W+2P)×C`.
/// Backward crops the gradient back to the original size.
public struct ZeroPadding<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The images it reads, `H×W×C`.
    public let inputShape: ImageShape
    /// `P`: rows and columns of zeros added on every side.
    public let padding: Int
    /// The padded images, `(H+2P)×(W+2P)×C`.
    public var outputShape: ImageShape {
        ImageShape(height: inputShape.height + 2 * padding, width: inputShape.width + 2 * padding, channels: inputShape.channels)
    }

    /// The padded shape `(H+2P)×(W+2P)×C` of images of `inputShape`, computed with checked
    /// arithmetic before any layer exists (what `swift run shapes` prints).
    /// - Throws: ``InvalidArgument`` for a negative padding, an empty shape, or a padded shape too
    ///   large for an `Int`, naming it.
    public static func outputShape(inputShape: ImageShape, padding: Int) throws -> ImageShape {
        try inputShape.validate("ZeroPadding")
        guard padding >= 0 else { throw InvalidArgument("ZeroPadding: padding \(padding) must not be negative") }
        let twice = try CheckedSize.product([2, padding], "ZeroPadding: the padding 2·P")
        let output = ImageShape(
            height: try CheckedSize.sum([inputShape.height, twice], "ZeroPadding: the padded height H + 2·P"),
            width: try CheckedSize.sum([inputShape.width, twice], "ZeroPadding: the padded width W + 2·P"),
            channels: inputShape.channels)
        _ = try output.checkedCount("ZeroPadding: the output")
        return output
    }

    /// A layer adding `padding` zeros on every side of images of `inputShape`.
    /// - Throws: ``InvalidArgument`` for a negative padding, an empty shape, or a padded shape too
    ///   large for an `Int`.
    public init(inputShape: ImageShape, padding: Int) throws {
        _ = try Self.outputShape(inputShape: inputShape, padding: padding)
        self.inputShape = inputShape
        self.padding = padding
    }

    /// The padded images, `m × (H+2P)·(W+2P)·C`, for a batch `x` of `m` images (`m × H·W·C`), without
    /// saving anything: the backward pass needs only the shapes.
    /// - Throws: ``ShapeError`` when the rows are not images of ``inputShape``.
    @inlinable public func forward(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard x.columns == inputShape.count else {
            throw ShapeError(operation: "ZeroPadding", shapes: [x.shape], expected: "one \(inputShape) image per row")
        }
        let out = outputShape, c = inputShape.channels
        return Matrix(rows: x.rows, columns: out.count) { n, index in
            let pixel = index / c, channel = index % c
            let y = pixel / out.width - padding, xx = pixel % out.width - padding
            guard y >= 0, y < inputShape.height, xx >= 0, xx < inputShape.width else { return 0 }
            return x[n, (y * inputShape.width + xx) * c + channel]
        }
    }

    /// The input's gradient: the output's gradient with the padding cropped off (`m × H·W·C`).
    /// - Throws: ``ShapeError`` when the rows are not gradients of ``outputShape`` images.
    @inlinable public func backward(outputGradient g: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard g.columns == outputShape.count else {
            throw ShapeError(operation: "ZeroPadding.backward", shapes: [g.shape], expected: "one \(outputShape) gradient per row")
        }
        let out = outputShape, c = inputShape.channels
        return Matrix(rows: g.rows, columns: inputShape.count) { n, index in
            let pixel = index / c, channel = index % c
            let y = pixel / inputShape.width + padding, xx = pixel % inputShape.width + padding
            return g[n, (y * out.width + xx) * c + channel]
        }
    }
}

extension ZeroPadding: Layer {
    public var name: String { "zero padding \(padding)" }

    public var requiredInputShape: RecordShape? { .image(inputShape) }

    public func outputShape(for input: RecordShape) throws -> RecordShape {
        try checkImage(input, is: inputShape)
        return .image(outputShape)
    }

    @inlinable public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        try forward(x)
    }

    @inlinable public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        LayerGradients(input: try backward(outputGradient: outputGradient))
    }

    public var parameters: [Matrix<Scalar>] { [] }
    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {}
}

extension ZeroPadding: StorableLayer {
    /// In a model file: kind `zero_padding` with `input_shape` and `padding`; no tensors.
    public static var kind: String { "zero_padding" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("input_shape", inputShape)
        try writer.set("padding", padding)
    }

    public init(reading reader: inout LayerReader) throws {
        let input = try reader.imageShape(), padding = try reader.integer("padding")
        self = try reader.build { try ZeroPadding(inputShape: input, padding: padding) }
        try reader.checkSize(outputShape, "the output")
    }
}
