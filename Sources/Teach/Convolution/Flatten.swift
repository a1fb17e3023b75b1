/// Images become plain feature vectors for the dense layers that follow (Keras's `Flatten` for
/// channels-last data). The package's images are already flat rows (see ``ImageShape``), so the
/// numbers do not move: only the record's shape changes, from an image to `H·W·C` features.
///
/// PyTorch's `nn.Flatten` flattens channels-first tensors, `C×H×W`, so the same image gives the
/// same numbers in another order there.
public struct Flatten<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The images it reads.
    public let inputShape: ImageShape

    /// A layer that reads images of `inputShape` and passes on `H·W·C` features per record.
    public init(inputShape: ImageShape) {
        self.inputShape = inputShape
    }
}

extension Flatten: Layer {
    public var name: String { "flatten" }

    public var requiredInputShape: RecordShape? { .image(inputShape) }

    public func outputShape(for input: RecordShape) throws -> RecordShape {
        try checkImage(input, is: inputShape)
        return .features(inputShape.count)
    }

    @inlinable public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        guard x.columns == inputShape.count else { throw widthError(x, expected: .image(inputShape)) }
        return x
    }

    @inlinable public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        LayerGradients(input: outputGradient)
    }

    public var parameters: [Matrix<Scalar>] { [] }
    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {}
}

extension Flatten: StorableLayer {
    /// In a model file: kind `flatten` with `input_shape`; no tensors.
    public static var kind: String { "flatten" }

    public func store(into writer: inout LayerWriter) throws { try writer.set("input_shape", inputShape) }

    public init(reading reader: inout LayerReader) throws { self.init(inputShape: try reader.imageShape()) }
}
