/// One layer of a network: a forward pass that keeps what its backward pass needs, a backward pass
/// that turns the gradient of the layer's output into the gradients of its input and of its
/// parameters, and the parameters themselves.
///
/// Every layer of the package (``Dense``, ``Conv2D``, ``Pooling``, ``BatchNorm``, ``Dropout``, …)
/// is one type conforming to this protocol, in one file, with its forward pass beside its backward
/// pass. A layer you write yourself is used exactly as they are: put it in a ``Model`` or a
/// ``Sequential``, train it, gradient-check it with ``GradientCheck``.
///
/// **Records and batches.** A batch is a ``Matrix`` with one record per row. What a record's
/// columns mean is its ``RecordShape``: plain features, a channels-last image (``ImageShape``) or a
/// sequence (``SequenceShape``).
///
/// **The contract**, which ``Model`` relies on:
/// - ``forward(_:mode:using:)`` returns the outputs and keeps, inside the layer, what the backward
///   pass needs (the input, say, or a dropout mask). Saved state is not part of the layer's value:
///   store it in a ``Saved`` property, which compares equal whatever it holds.
/// - ``backward(outputGradient:needsInputGradient:)`` uses that saved state (and may release it)
///   and returns `∂E/∂x` and one gradient per entry of ``parameters``, in the same order.
/// - ``updateParameters(_:)`` hands each parameter to the optimizer in place, numbered as
///   ``parameters`` lists them, so the optimizer can update without copying.
///
/// A minimal layer that scales its input by a learned number:
///
///     struct Scale: Layer {
///         var factor = Matrix<Double>(rows: 1, columns: 1, repeating: 2)
///         var input = Saved<Matrix<Double>>()          // x, batch×features
///         var name: String { "scale" }
///         func outputShape(for input: RecordShape) throws -> RecordShape { input }
///         mutating func forward(_ x: Matrix<Double>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Double> {
///             input.value = x
///             return x * factor[0, 0]
///         }
///         mutating func backward(outputGradient g: Matrix<Double>, needsInputGradient: Bool) throws -> LayerGradients<Double> {
///             let x = try input.take(for: name)
///             let dFactor = try (g * x).elements.reduce(0, +)
///             return LayerGradients(input: g * factor[0, 0], parameters: [Matrix(row: [dFactor])])
///         }
///         var parameters: [Matrix<Double>] { [factor] }
///         mutating func updateParameters(_ update: (inout Matrix<Double>, Int) throws -> Void) rethrows { try update(&factor, 0) }
///     }
public protocol Layer<Scalar>: Sendable {
    /// `Float` or `Double`.
    associatedtype Scalar: MatrixScalar

    /// A short name for tables: `dense 50`, `conv 96 11×11 stride 4`, `max pool 3×3 stride 2`.
    var name: String { get }

    /// The record shape this layer requires, when it fixes one (a dense layer's inputs, a
    /// convolution's image). The first layer of a ``Model`` built without an explicit input shape
    /// must fix one. Default: `nil`, the layer takes what it is given.
    var requiredInputShape: RecordShape? { get }

    /// The shape of the layer's output records for input records of shape `input`.
    /// - Throws: ``ShapeError`` naming the layer and both shapes when the input does not fit.
    func outputShape(for input: RecordShape) throws -> RecordShape

    /// The forward pass over a batch (one record per row), keeping what the backward pass needs.
    /// Training mode draws dropout masks from `generator` and updates batch statistics.
    mutating func forward(_ input: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar>

    /// The backward pass of the last forward pass: from `∂E/∂y` (`outputGradient`, the shape of
    /// the output) to `∂E/∂x` and the gradient of every parameter. With `needsInputGradient`
    /// false (the first layer, whose input is the data) a layer may skip `∂E/∂x` and return an
    /// empty matrix.
    /// - Throws: ``ShapeError`` when the gradient does not fit; ``InvalidArgument`` when there
    ///   was no forward pass to go back through.
    mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar>

    /// The parameters an optimizer updates, in the order the backward pass returns their gradients.
    var parameters: [Matrix<Scalar>] { get }

    /// The parameters' names, as PyTorch names them (`weight`, `bias`), one per entry of ``parameters``.
    /// Default: `parameter0`, `parameter1`, …
    var parameterNames: [String] { get }

    /// Which of ``parameters`` a weight ``Penalty`` applies to (Keras's `kernel_regularizer`):
    /// a dense layer's or a convolution's weights, never biases or normalization's scale and shift.
    /// Default: none.
    var penalizedParameters: [Int] { get }

    /// Hands every parameter to `update` in place, with its index in ``parameters``.
    mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows

    /// How many numbers the layer learns, frozen ones included. Default: the sizes of ``parameters``.
    var parameterCount: Int { get }

    /// Multiply-adds per record in the forward pass, for records of shape `input` (a dense layer's
    /// `inputs·units`, a convolution's `Ho·Wo·K·(F·F·C)`). Default: 0.
    func multiplyAdds(for input: RecordShape) -> Int

    /// The layers inside this one (a ``Sequential``'s layers). Default: none.
    var sublayers: [any Layer<Scalar>] { get }

    /// The layer's rows in a model summary for input records of shape `input`: its own row at
    /// `depth`, then its sublayers' rows one level deeper. Default: the sublayers in a chain.
    func summaryRows(input: RecordShape, depth: Int) -> [SummaryRow]
}

extension Layer {
    public var requiredInputShape: RecordShape? { nil }
    public var parameterNames: [String] { parameters.indices.map { "parameter\($0)" } }
    public var penalizedParameters: [Int] { [] }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    public func multiplyAdds(for input: RecordShape) -> Int { 0 }
    public var sublayers: [any Layer<Scalar>] { [] }

    public func summaryRows(input: RecordShape, depth: Int) -> [SummaryRow] {
        [SummaryRow(self, input: input, depth: depth)] + sublayers.summaryRows(input: input, depth: depth + 1)
    }
}

/// One row of a model's summary (Keras's `model.summary()`, with `swift run shapes`'s
/// multiply-adds): a layer, the shape of its output records and what it costs.
public struct SummaryRow: Sendable, Hashable {
    /// The layer's name; a layer inside another starts with `↳ ` (indented by its depth).
    public var layer: String
    /// The shape of one output record: `28×28×25`, `50`.
    public var output: String
    /// The numbers it learns (those of its sublayers included).
    public var parameters: Int
    /// Multiply-adds per record in the forward pass.
    public var multiplyAdds: Int
    /// 0 for a model's own layers, 1 inside them, ….
    public var depth: Int

    /// A row from its columns.
    public init(layer: String, output: String, parameters: Int, multiplyAdds: Int, depth: Int) {
        self.layer = layer
        self.output = output
        self.parameters = parameters
        self.multiplyAdds = multiplyAdds
        self.depth = depth
    }

    /// The row of `layer` for input records of shape `input` (`?` for an output shape that does not fit).
    public init<L: Layer>(_ layer: L, input: RecordShape, depth: Int) {
        let output = (try? layer.outputShape(for: input)).map(\.description) ?? "?"
        self.init(
            layer: (depth > 0 ? String(repeating: "  ", count: depth - 1) + "↳ " : "") + layer.name, output: output,
            parameters: layer.parameterCount, multiplyAdds: layer.multiplyAdds(for: input), depth: depth)
    }
}

extension Array {
    /// The summary rows of layers in a chain, the first reading records of shape `input`.
    public func summaryRows<Scalar>(input: RecordShape, depth: Int) -> [SummaryRow] where Element == any Layer<Scalar> {
        var shape = input
        return flatMap { layer in
            defer { shape = (try? layer.outputShape(for: shape)) ?? shape }
            return layer.summaryRows(input: shape, depth: depth)
        }
    }
}

extension Layer {
    /// The forward pass in inference mode, without a generator (nothing is random at inference).
    @inlinable public mutating func callAsFunction(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var unused = SeededGenerator(seed: 0)
        return try forward(input, mode: .inference, using: &unused)
    }
}

/// What a layer's backward pass returns.
public struct LayerGradients<Scalar: MatrixScalar>: Sendable {
    /// `∂E/∂x`, the shape of the layer's input (empty when it was not asked for).
    public var input: Matrix<Scalar>
    /// One gradient per parameter, in the order of ``Layer/parameters``.
    public var parameters: [Matrix<Scalar>]

    /// The input's gradient and the parameters' (none for a layer without parameters).
    @inlinable public init(input: Matrix<Scalar>, parameters: [Matrix<Scalar>] = []) {
        self.input = input
        self.parameters = parameters
    }
}

/// What a layer's forward pass keeps for its backward pass. It is not part of the layer's value:
/// two `Saved`s are always equal, so two layers with the same parameters compare equal whatever
/// batch they last saw.
public struct Saved<Value: Sendable>: Sendable, Equatable {
    /// The saved value, or `nil` before a forward pass (and after a backward pass that released it).
    public var value: Value?

    /// Storage holding `value`, empty by default (a layer's state before its first forward pass).
    @inlinable public init(_ value: Value? = nil) { self.value = value }

    /// The saved value, released: the backward pass uses it once.
    /// - Throws: ``InvalidArgument`` naming `layer` when there is none (no forward pass first).
    @inlinable public mutating func take(for layer: String) throws -> Value {
        guard let value else {
            throw InvalidArgument("\(layer): backward without a forward pass (call forward first; each backward uses one forward's saved values)")
        }
        self.value = nil
        return value
    }

    /// Always `true`: what a layer saved for its backward pass does not make two layers different.
    @inlinable public static func == (lhs: Saved, rhs: Saved) -> Bool { true }
}

/// Whether a layer is being trained (dropout drops, batch normalization uses and updates batch
/// statistics) or used for predictions (PyTorch's `model.train()` and `model.eval()`).
public enum Mode: Sendable, Hashable {
    /// `training`: dropout draws masks and batch normalization normalizes with the batch's statistics
    /// and updates its running averages (PyTorch's `model.train()`). `inference`: dropout passes
    /// everything, batch normalization uses its running averages (`model.eval()`).
    case training, inference
}

/// Whether two layers are equal: the same type, and equal values when the type is `Equatable`
/// (layers that are not `Equatable` are never equal to anything).
@inlinable func layersEqual<Scalar>(_ a: any Layer<Scalar>, _ b: any Layer<Scalar>) -> Bool {
    func equal<T: Equatable>(_ a: T, _ b: Any) -> Bool { (b as? T) == a }
    guard let a = a as? any Equatable else { return false }
    return equal(a, b)
}

extension Layer {
    /// The error for an input whose columns do not fit `expected`.
    @inlinable public func widthError(_ x: Matrix<Scalar>, expected: RecordShape) -> ShapeError {
        ShapeError(
            operation: name, shapes: [x.shape],
            expected: "one record of \(expected) per row (\(expected.count) columns), got \(x.columns) columns")
    }

    /// Checks that `input` records are `expected` images (or plain records of as many numbers).
    /// - Throws: ``ShapeError`` naming the layer and both shapes.
    public func checkImage(_ input: RecordShape, is expected: ImageShape) throws {
        guard input.image == expected || (input.image == nil && input.count == expected.count) else {
            throw shapeError(input, needs: "\(expected) images")
        }
    }

    /// The error for records of shape `given` where the layer needs `needed`.
    public func shapeError(_ given: RecordShape, needs needed: String) -> ShapeError {
        ShapeError(operation: name, shapes: [Shape(1, given.count)], expected: "\(name) needs \(needed), but gets records of \(given)")
    }
}
