/// The last time step of each sequence, PyTorch's `output[:, -1, :]` on a `batch_first` tensor:
/// what a recurrent layer (``RNN``, ``LSTM``, ``GRU``) has seen of the whole sequence, handed to a
/// head (a ``Dense`` layer) that makes one prediction per sequence.
///
/// **Shapes.** Input: a batch of `B` sequences of `T` steps of `F` features, `B×(T·F)` (records
/// `.sequence(T steps × F)`). Output: the last step's `F` columns of each row, `B×F` (records
/// `.features(F)`). For a one-layer recurrent layer this is PyTorch's `h_n[0]` as well.
///
/// Forward and backward: the output takes the columns `(T−1)·F ..< T·F`; the gradient of the input
/// is zero at every earlier step and `∂E/∂y` at the last:
///
///     y[n, f] = x[n, (T−1)·F + f]          ∂E/∂x[n, (T−1)·F + f] = ∂E/∂y[n, f], else 0
///
/// No parameters.
public struct LastStep<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `F`, the features of each time step.
    public let features: Int
    /// The input's column count `T·F`, kept by the forward pass for the backward pass's shape.
    @usableFromInline var saved = Saved<Int>()

    /// A layer keeping the last step of sequences whose steps have `features` numbers each.
    /// - Throws: ``InvalidArgument`` when `features` is below 1.
    public init(features: Int) throws {
        guard features >= 1 else { throw InvalidArgument("LastStep: \(features) features per step; expected at least 1") }
        self.features = features
    }
}

extension LastStep: Layer {
    /// `last step of 16`.
    public var name: String { "last step of \(features)" }

    /// `.features(F)` for sequences of `F` features per step.
    /// - Throws: ``ShapeError`` for records that are not sequences of `F` features per step.
    public func outputShape(for input: RecordShape) throws -> RecordShape {
        guard let sequence = input.sequence, sequence.features == features, sequence.length >= 1 else {
            throw shapeError(input, needs: "sequences of steps of \(features) features")
        }
        return .features(features)
    }

    /// The last step of every sequence, `B×F`.
    /// - Throws: ``ShapeError`` when the columns are not a whole number (at least 1) of steps of `F`.
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        guard x.columns >= features, x.columns % features == 0 else {
            throw ShapeError(operation: name, shapes: [x.shape], expected: "B×(T·\(features)): whole steps of \(features) features")
        }
        saved.value = x.columns
        return x.block(rows: 0, x.rows, columns: x.columns - features, features)
    }

    /// `∂E/∂x`: zeros, with `∂E/∂y` in the last step's columns.
    /// - Throws: ``ShapeError`` when `outputGradient` is not `B×F`.
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let columns = try saved.take(for: name)
        guard outputGradient.columns == features else {
            throw ShapeError(operation: "\(name).backward", shapes: [outputGradient.shape], expected: "B×\(features), the output's shape")
        }
        var dx = Matrix<Scalar>(rows: outputGradient.rows, columns: columns)
        dx.setBlock(rows: 0, columns: columns - features, outputGradient)
        return LayerGradients(input: dx)
    }

    public var parameters: [Matrix<Scalar>] { [] }
    public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {}
}

extension LastStep: StorableLayer {
    /// In a model file: kind `last_step` with `features`; no tensors.
    public static var kind: String { "last_step" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("features", features)
    }

    public init(reading reader: inout LayerReader) throws {
        let features = try reader.integer("features", atLeast: 1)
        self = try reader.build { try LastStep(features: features) }
    }
}

