/// A recurrent layer of tanh units (Elman's network), as PyTorch's
/// `torch.nn.RNN(input_size, hidden_size, nonlinearity="tanh", batch_first=True)` with one layer.
///
/// At every time step `t` the hidden state mixes the step's input with the state before it, with
/// the same weights at every step:
///
///     h_t = tanh(x_t · W_ihᵀ + b_ih + h_{t−1} · W_hhᵀ + b_hh)        h_{−1} = 0
///
/// **Shapes.** A batch of `B` sequences of `T` steps of `I` features is a `B×(T·I)` matrix
/// (records of shape `.sequence(T steps × I)`); the output is every step's state, `B×(T·H)`
/// (PyTorch's `output`; its `h_n` is the last step's `H` columns). The parameters keep PyTorch's
/// layout and order, so a state dict carries over: `weight_ih` `H×I`, `weight_hh` `H×H`,
/// `bias_ih` `1×H`, `bias_hh` `1×H`, all drawn from `U(−1/√H, 1/√H)` as PyTorch draws them.
///
/// **Backpropagation through time.** The forward pass keeps the inputs and every state. The
/// backward pass walks the steps from last to first, carrying `∂E/∂h_t` from the step after:
///
///     δ_t  = (∂E/∂h_t from the output + W_hhᵀ-carried δ_{t+1}) ⊙ (1 − h_t²)
///     ∂E/∂W_ih += δ_tᵀ · x_t      ∂E/∂W_hh += δ_tᵀ · h_{t−1}      ∂E/∂b_ih = ∂E/∂b_hh += Σ_batch δ_t
///     ∂E/∂x_t = δ_t · W_ih        carried to step t − 1:  δ_t · W_hh
///
/// Each step back multiplies the carried gradient by `W_hh` and by tanh's slope, which is why it
/// shrinks (or grows) geometrically with the distance in steps.
///
/// Differences from PyTorch: one layer, one direction, a zero initial state (PyTorch also takes an
/// `h_0`); no ReLU variant.
public struct RNN<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `W_ih`, `H×I` (PyTorch's `weight_ih_l0`).
    public var inputWeights: Matrix<Scalar>
    /// `W_hh`, `H×H` (PyTorch's `weight_hh_l0`).
    public var hiddenWeights: Matrix<Scalar>
    /// `b_ih`, `1×H` (PyTorch's `bias_ih_l0`).
    public var inputBias: Matrix<Scalar>
    /// `b_hh`, `1×H` (PyTorch's `bias_hh_l0`).
    public var hiddenBias: Matrix<Scalar>
    /// `T`, the steps of each sequence.
    public let length: Int
    /// What the forward pass keeps: the input `B×(T·I)` and every state `B×(T·H)`.
    @usableFromInline var saved = Saved<(input: Matrix<Scalar>, states: Matrix<Scalar>)>()

    /// A layer with the given parameters, in PyTorch's layout.
    /// - Throws: ``ShapeError`` when the four do not fit one `H` and `I`; ``InvalidArgument`` for
    ///   fewer than one step.
    public init(
        inputWeights: Matrix<Scalar>, hiddenWeights: Matrix<Scalar>, inputBias: Matrix<Scalar>, hiddenBias: Matrix<Scalar>, length: Int
    ) throws {
        try Self.checkParameters(
            inputWeights: inputWeights, hiddenWeights: hiddenWeights, inputBias: inputBias, hiddenBias: hiddenBias, length: length)
        self.inputWeights = inputWeights
        self.hiddenWeights = hiddenWeights
        self.inputBias = inputBias
        self.hiddenBias = hiddenBias
        self.length = length
    }
}

extension RNN: RecurrentLayer {
    public static var gates: Int { 1 }
    public static var kind: String { "RNN" }

    /// Every step's state, `B×(T·H)`, from the first step to the last.
    /// - Throws: ``ShapeError`` when `x` is not `B×(T·I)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let b = x.rows, t = length, i = inputCount, h = hiddenCount
        guard x.columns == t * i else {
            throw ShapeError(operation: name, shapes: [x.shape], expected: "B×(T·I) with T·I = \(t)·\(i) = \(t * i) columns")
        }
        // Every step's input term at once: (B·T)×I times W_ihᵀ, one row per step of each sequence.
        let inputTerms = try x.reshaped(rows: b * t, columns: i).matmulTransposed(inputWeights)
        // book: rnn-forward
        var states = Matrix<Scalar>(rows: b, columns: t * h)
        var previous = Matrix<Scalar>(rows: b, columns: h)
        for step in 0..<t {
            let recurrent = try previous.matmulTransposed(hiddenWeights)
            var state = Matrix<Scalar>(rows: b, columns: h)
            for r in 0..<b {
                for k in 0..<h {
                    let sum = inputTerms[r * t + step, k] + inputBias[0, k] + recurrent[r, k] + hiddenBias[0, k]
                    state[r, k] = Scalar.tanh(sum)
                    states[r, step * h + k] = state[r, k]
                }
            }
            previous = state
        }
        // book: end rnn-forward
        saved.value = (x, states)
        return states
    }

    /// Backpropagation through time (formulas in the type's documentation): `∂E/∂x` and the
    /// gradients of `W_ih`, `W_hh`, `b_ih`, `b_hh`, in that order.
    /// - Throws: ``ShapeError`` when `outputGradient` is not `B×(T·H)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let (x, states) = try saved.take(for: name)
        let b = x.rows, t = length, i = inputCount, h = hiddenCount
        guard outputGradient.shape == states.shape else {
            throw ShapeError(operation: "\(name).backward", shapes: [outputGradient.shape, states.shape], expected: "the output's shape B×(T·H)")
        }
        var dInputWeights = Matrix<Scalar>(rows: h, columns: i), dHiddenWeights = Matrix<Scalar>(rows: h, columns: h)
        var dBias = Matrix<Scalar>(rows: 1, columns: h)
        var dx = needsInputGradient ? Matrix<Scalar>(rows: b, columns: t * i) : Matrix<Scalar>(rows: 0, columns: 0)
        // book: rnn-backward
        var carried = Matrix<Scalar>(rows: b, columns: h)  // ∂E/∂h_t reaching back from step t + 1
        for step in stride(from: t - 1, through: 0, by: -1) {
            // δ_t = (∂E/∂h_t) ⊙ (1 − h_t²), the gradient of the step's weighted sum.
            let delta = Matrix<Scalar>(rows: b, columns: h) { r, k in
                let state = states[r, step * h + k]
                return (outputGradient[r, step * h + k] + carried[r, k]) * (1 - state * state)
            }
            let stepInput = x.timeStep(step, width: i)
            let previous = step == 0 ? Matrix<Scalar>(rows: b, columns: h) : states.timeStep(step - 1, width: h)
            try dInputWeights.add(try delta.transposedMatmul(stepInput), scaledBy: 1)
            try dHiddenWeights.add(try delta.transposedMatmul(previous), scaledBy: 1)
            try dBias.add(delta.columnSums(), scaledBy: 1)
            if needsInputGradient {
                dx.setTimeStep(step, try delta.matmul(inputWeights))
            }
            carried = try delta.matmul(hiddenWeights)
        }
        // book: end rnn-backward
        return LayerGradients(input: dx, parameters: [dInputWeights, dHiddenWeights, dBias, dBias])
    }
}

extension Matrix {
    /// Calls `body` with pointers to the elements of two matrices, writable, for loops that index
    /// them by hand (the elements are row-major; the shapes cannot change).
    static func withMutableStorage<R>(
        _ a: inout Matrix, _ b: inout Matrix, _ body: (UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>) throws -> R
    ) rethrows -> R {
        try a.withUnsafeMutableBufferPointer { a in try b.withUnsafeMutableBufferPointer { b in try body(a.baseAddress!, b.baseAddress!) } }
    }

    /// ``withMutableStorage(_:_:_:)`` for four matrices.
    static func withMutableStorage<R>(
        _ a: inout Matrix, _ b: inout Matrix, _ c: inout Matrix, _ d: inout Matrix,
        _ body: (UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>) throws -> R
    ) rethrows -> R {
        try withMutableStorage(&a, &b) { a, b in try withMutableStorage(&c, &d) { c, d in try body(a, b, c, d) } }
    }

    /// Calls `body` with pointers to the elements of two matrices, read-only.
    static func withStorage<R>(_ a: Matrix, _ b: Matrix, _ body: (UnsafePointer<Scalar>, UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try a.withUnsafeBufferPointer { a in try b.withUnsafeBufferPointer { b in try body(a.baseAddress!, b.baseAddress!) } }
    }

    /// ``withStorage(_:_:_:)`` for three matrices.
    static func withStorage<R>(
        _ a: Matrix, _ b: Matrix, _ c: Matrix, _ body: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>) throws -> R
    ) rethrows -> R {
        try withStorage(a, b) { a, b in try c.withUnsafeBufferPointer { c in try body(a, b, c.baseAddress!) } }
    }

    /// Step `t` of a batch of sequences stored `B×(T·width)`: columns `t·width ..< (t+1)·width` of
    /// every row, as a `B×width` matrix.
    func timeStep(_ t: Int, width: Int) -> Matrix {
        block(rows: 0, rows, columns: t * width, width)
    }

    /// This `B×(T·width)` batch of sequences moved one step on: step `t` of each row holds step
    /// `t − 1` of this one, and the first step zeros (a recurrent layer's `h_{t−1}` at every step).
    func movedOneStepOn(width: Int) -> Matrix {
        var moved = Matrix(rows: rows, columns: columns)
        let kept = columns - width
        guard kept > 0 else { return moved }
        moved.withUnsafeMutableBufferPointer { target in
            storage.withUnsafeBufferPointer { source in
                for r in 0..<rows { (target.baseAddress! + r * columns + width).update(from: source.baseAddress! + r * columns, count: kept) }
            }
        }
        return moved
    }

    /// Writes `value` (`B×width`) as step `t` of this `B×(T·width)` batch of sequences.
    mutating func setTimeStep(_ t: Int, _ value: Matrix) {
        setBlock(rows: 0, columns: t * value.columns, value)
    }
}

/// What ``RNN``, ``LSTM`` and ``GRU`` share: PyTorch's four parameters with `gates` blocks of `H`
/// rows stacked in each (1, 4 and 3), batch-first sequences of ``length`` steps in and every
/// step's state out. Each layer's forward and backward pass are its own; the rest (shapes, the
/// parameters' names and order, PyTorch's initialization) is written once here.
public protocol RecurrentLayer: Layer {
    /// The blocks of `H` rows stacked in each weight: 1 for ``RNN``, 4 for ``LSTM``, 3 for ``GRU``.
    static var gates: Int { get }
    /// The layer's kind in its name: `RNN`, `LSTM`, `GRU`.
    static var kind: String { get }
    /// `W_ih`, `(gates·H)×I` (PyTorch's `weight_ih_l0`).
    var inputWeights: Matrix<Scalar> { get set }
    /// `W_hh`, `(gates·H)×H` (PyTorch's `weight_hh_l0`).
    var hiddenWeights: Matrix<Scalar> { get set }
    /// `b_ih`, `1×(gates·H)` (PyTorch's `bias_ih_l0`).
    var inputBias: Matrix<Scalar> { get set }
    /// `b_hh`, `1×(gates·H)` (PyTorch's `bias_hh_l0`).
    var hiddenBias: Matrix<Scalar> { get set }
    /// `T`, the steps of each sequence.
    var length: Int { get }
    /// A layer with the given parameters, in PyTorch's layout.
    /// - Throws: ``ShapeError`` when the four do not fit one `H` and `I`; ``InvalidArgument`` for
    ///   fewer than one step.
    init(inputWeights: Matrix<Scalar>, hiddenWeights: Matrix<Scalar>, inputBias: Matrix<Scalar>, hiddenBias: Matrix<Scalar>, length: Int) throws
}

extension RecurrentLayer {
    /// A layer for sequences of `length` steps of `inputs` features, with `hidden` units, every
    /// parameter drawn from `U(−1/√H, 1/√H)` as PyTorch does.
    /// - Throws: ``InvalidArgument`` for sizes below 1.
    public init(inputs: Int, hidden: Int, length: Int, using generator: inout SeededGenerator) throws {
        guard inputs >= 1, hidden >= 1 else {
            throw InvalidArgument("\(Self.kind): \(inputs) inputs and \(hidden) hidden units; expected at least 1 of each")
        }
        let bound = 1 / Double(hidden).squareRoot()
        func draw(_ rows: Int, _ columns: Int) -> Matrix<Scalar> {
            Matrix(rows: rows, columns: columns) { _, _ in Scalar(generator.uniform(in: -bound..<bound)) }
        }
        let rows = Self.gates * hidden
        let wih = draw(rows, inputs), whh = draw(rows, hidden), bih = draw(1, rows), bhh = draw(1, rows)
        try self.init(inputWeights: wih, hiddenWeights: whh, inputBias: bih, hiddenBias: bhh, length: length)
    }

    /// The cells (batch rows × hidden units) of one step from which a layer computes them in two
    /// halves, one on each core: some microseconds of vector work even then, where handing half to
    /// the second core and waiting for it costs about one, and more when the machine is busy.
    public static var cellsWorthTwoCores: Int { 4096 }

    /// `H`, the hidden units.
    public var hiddenCount: Int { inputWeights.rows / Self.gates }
    /// `I`, the features of each step's input.
    public var inputCount: Int { inputWeights.columns }

    /// `LSTM 64`.
    public var name: String { "\(Self.kind) \(hiddenCount)" }

    public var requiredInputShape: RecordShape? { .sequence(SequenceShape(length: length, features: inputCount)) }

    /// `T steps × H`.
    public func outputShape(for input: RecordShape) throws -> RecordShape {
        guard input.count == length * inputCount else { throw shapeError(input, needs: "\(length) steps × \(inputCount)") }
        return .sequence(SequenceShape(length: length, features: hiddenCount))
    }

    public var parameters: [Matrix<Scalar>] { [inputWeights, hiddenWeights, inputBias, hiddenBias] }

    /// PyTorch's names for a one-layer `nn.RNN`, `nn.LSTM` or `nn.GRU`.
    public var parameterNames: [String] { ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"] }

    /// The two weight matrices.
    public var penalizedParameters: [Int] { [0, 1] }

    public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try update(&inputWeights, 0)
        try update(&hiddenWeights, 1)
        try update(&inputBias, 2)
        try update(&hiddenBias, 3)
    }

    /// `T·gates·H·(I + H)` per sequence.
    public func multiplyAdds(for input: RecordShape) -> Int { length * Self.gates * hiddenCount * (inputCount + hiddenCount) }

    /// Checks that the four parameters fit one `H` and `I` with ``gates`` blocks of `H` rows, and
    /// that sequences have at least one step.
    /// - Throws: ``ShapeError`` naming the four shapes; ``InvalidArgument`` for no steps.
    static func checkParameters(
        inputWeights: Matrix<Scalar>, hiddenWeights: Matrix<Scalar>, inputBias: Matrix<Scalar>, hiddenBias: Matrix<Scalar>, length: Int
    ) throws {
        let rows = inputWeights.rows, h = rows / gates
        guard h >= 1, rows == gates * h, inputWeights.columns >= 1, hiddenWeights.shape == Shape(rows, h),
            inputBias.shape == Shape(1, rows), hiddenBias.shape == Shape(1, rows)
        else {
            let stacked = gates == 1 ? "H" : "\(gates)H"
            throw ShapeError(
                operation: kind, shapes: [inputWeights.shape, hiddenWeights.shape, inputBias.shape, hiddenBias.shape],
                expected: "weight_ih \(stacked)×I, weight_hh \(stacked)×H, bias_ih 1×\(stacked) and bias_hh 1×\(stacked)")
        }
        guard length >= 1 else { throw InvalidArgument("\(kind): sequences of \(length) steps; expected at least 1") }
    }
}

extension RecurrentLayer {
    /// In a model file: kind `RNN`, `LSTM` or `GRU` (PyTorch's class names) with `inputs`,
    /// `hidden` and `length`; tensors named and shaped as in PyTorch's state dict: `weight_ih_l0`
    /// `[gates·H, I]`, `weight_hh_l0` `[gates·H, H]`, `bias_ih_l0` and `bias_hh_l0` `[gates·H]`.
    public func store(into writer: inout LayerWriter) throws {
        try writer.set("inputs", inputCount)
        try writer.set("hidden", hiddenCount)
        try writer.set("length", length)
        try writer.tensor("weight_ih_l0", inputWeights)
        try writer.tensor("weight_hh_l0", hiddenWeights)
        try writer.tensor("bias_ih_l0", inputBias, vector: true)
        try writer.tensor("bias_hh_l0", hiddenBias, vector: true)
    }

    public init(reading reader: inout LayerReader) throws {
        let inputs = try reader.integer("inputs", atLeast: 1), hidden = try reader.integer("hidden", atLeast: 1)
        let length = try reader.integer("length", atLeast: 1), rows = Self.gates * hidden
        let stacked = Self.gates == 1 ? "H" : "\(Self.gates)H"
        let wih: Matrix<Scalar> = try reader.tensor("weight_ih_l0", shape: [rows, inputs], "W_ih, \(stacked)×I")
        let whh: Matrix<Scalar> = try reader.tensor("weight_hh_l0", shape: [rows, hidden], "W_hh, \(stacked)×H")
        let bih: Matrix<Scalar> = try reader.tensor("bias_ih_l0", shape: [rows], "b_ih")
        let bhh: Matrix<Scalar> = try reader.tensor("bias_hh_l0", shape: [rows], "b_hh")
        self = try reader.build { try Self(inputWeights: wih, hiddenWeights: whh, inputBias: bih, hiddenBias: bhh, length: length) }
    }
}

extension RNN: StorableLayer {}
extension LSTM: StorableLayer {}
extension GRU: StorableLayer {}

/// A generic layer's pointer as the Float pointer it is, for a Float kernel (the LSTM's and GRU's
/// cells; only where `Scalar` is `Float`).
func floats<Scalar>(_ pointer: UnsafePointer<Scalar>) -> UnsafePointer<Float> {
    UnsafeRawPointer(pointer).assumingMemoryBound(to: Float.self)
}

/// ``floats(_:)`` for a writable pointer.
func floats<Scalar>(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
}
