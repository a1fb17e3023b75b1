import TeachKernels

/// A gated recurrent unit layer (Cho et al., 2014), as PyTorch's
/// `torch.nn.GRU(input_size, hidden_size, batch_first=True)` with one layer.
///
/// Two gates and no separate memory: the state itself is kept or replaced. At every time step,
/// from the step's input `x_t` and the state `h_{t−1}` (0 before the first step):
///
///     r = σ(x_t W_irᵀ + b_ir + h_{t−1} W_hrᵀ + b_hr)               reset gate: how much of the state the new content sees
///     z = σ(x_t W_izᵀ + b_iz + h_{t−1} W_hzᵀ + b_hz)               update gate: how much of the state to keep
///     n = tanh(x_t W_inᵀ + b_in + r ⊙ (h_{t−1} W_hnᵀ + b_hn))      the new content
///     h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
///
/// **Shapes and parameters**, PyTorch's: input `B×(T·I)`, output every step's `h_t`, `B×(T·H)`;
/// the gates stacked in PyTorch's order `r, z, n`: `weight_ih` `3H×I`, `weight_hh` `3H×H`,
/// `bias_ih` and `bias_hh` `1×3H`, all drawn from `U(−1/√H, 1/√H)`. As in PyTorch, the reset gate
/// multiplies the recurrent term *after* its bias `b_hn`, so the two biases are not interchangeable.
///
/// **Backpropagation through time**, from the last step to the first, with `a = x_t W_ihᵀ + b_ih`
/// and `u = h_{t−1} W_hhᵀ + b_hh` split into their `r, z, n` blocks:
///
///     ∂h = ∂E/∂h_t (output) + carried ∂h
///     ∂n = ∂h ⊙ (1 − z)     ∂z = ∂h ⊙ (h_{t−1} − n)     carried ∂h ← ∂h ⊙ z + ∂u W_hh
///     ∂a_n = ∂n ⊙ (1 − n²)  ∂u_n = ∂a_n ⊙ r   ∂r = ∂a_n ⊙ u_n
///     ∂a_r = ∂u_r = ∂r ⊙ r(1 − r)     ∂a_z = ∂u_z = ∂z ⊙ z(1 − z)
///     ∂E/∂W_ih += ∂aᵀ x_t   ∂E/∂b_ih += Σ ∂a   ∂E/∂W_hh += ∂uᵀ h_{t−1}   ∂E/∂b_hh += Σ ∂u   ∂E/∂x_t = ∂a W_ih
///
/// Differences from PyTorch: one layer, one direction, a zero initial state.
public struct GRU<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `W_ih`, `3H×I`, the blocks `r, z, n` stacked (PyTorch's `weight_ih_l0`).
    public var inputWeights: Matrix<Scalar>
    /// `W_hh`, `3H×H` (PyTorch's `weight_hh_l0`).
    public var hiddenWeights: Matrix<Scalar>
    /// `b_ih`, `1×3H` (PyTorch's `bias_ih_l0`).
    public var inputBias: Matrix<Scalar>
    /// `b_hh`, `1×3H` (PyTorch's `bias_hh_l0`).
    public var hiddenBias: Matrix<Scalar>
    /// `T`, the steps of each sequence.
    public let length: Int
    /// What the forward pass keeps: the input `B×(T·I)`; `r`, `z`, `n` and `u_n` per step,
    /// `B×(T·4H)`; the states `h_t`, `B×(T·H)`.
    @usableFromInline var saved = Saved<(input: Matrix<Scalar>, gates: Matrix<Scalar>, states: Matrix<Scalar>)>()

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

extension GRU: RecurrentLayer {
    public static var gates: Int { 3 }
    public static var kind: String { "GRU" }

    /// Every step's state `h_t`, `B×(T·H)`, from the first step to the last.
    ///
    /// Each step is one product for the recurrent terms of the three gates, then the cells, row by
    /// row, in two halves on both cores for a batch large enough (``RecurrentLayer/cellsWorthTwoCores``).
    /// A Float layer runs the cells 8 or 16 units at a time in a vector kernel
    /// (`FloatKernels.gruCells`), with the sigmoid and tanh as polynomials within a few units in the
    /// last place of the C library's; a Double layer runs the loop below with the C library's.
    /// - Throws: ``ShapeError`` when `x` is not `B×(T·I)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let b = x.rows, t = length, i = inputCount, h = hiddenCount
        guard x.columns == t * i else {
            throw ShapeError(operation: name, shapes: [x.shape], expected: "B×(T·I) with T·I = \(t)·\(i) = \(t * i) columns")
        }
        let inputTerms = try x.reshaped(rows: b * t, columns: i).matmulTransposed(inputWeights)
        let biases = inputBias.elements + hiddenBias.elements  // b_ih, then b_hh
        var gates = Matrix<Scalar>(rows: b, columns: t * 4 * h), states = Matrix<Scalar>(rows: b, columns: t * h)
        // h_{t−1} W_hhᵀ, B×3H: 0 at the first step, where h_{−1} = 0; W_hhᵀ laid out once for every step
        var recurrent = Matrix<Scalar>(rows: b, columns: 3 * h)
        let recurrentWeights = t > 1 ? RepeatedFactor(hiddenWeights, transposed: true, rows: b) : nil  // none for one step
        let split = b * h >= Self.cellsWorthTwoCores
        for step in 0..<t {
            Matrix.withMutableStorage(&gates, &states) { gates, states in
                if step > 0 { recurrentWeights!.multiply(states + (step - 1) * h, aRow: t * h, into: &recurrent) }
                Matrix.withStorage(inputTerms, recurrent, Matrix(unchecked: 1, biases.count, biases)) { inputTerms, recurrent, biases in
                    FloatKernels.inTwoHalves(b, split: split) { first, count in
                        if Scalar.self == Float.self {
                            let cell = (first * t + step) * h
                            FloatKernels.gruCells(
                                rows: count, hidden: h, terms: floats(inputTerms + 3 * (first * t + step) * h), termsRow: t * 3 * h,
                                recurrent: floats(recurrent + first * 3 * h), inputBias: floats(biases), hiddenBias: floats(biases + 3 * h),
                                previous: step == 0 ? nil : floats(UnsafePointer(states) + cell - h), stateRow: t * h,
                                gates: floats(gates + 4 * cell), gatesRow: t * 4 * h, states: floats(states + cell))
                            return
                        }
                        for r in first..<(first + count) {
                            // row r's numbers at this step: its gates, states, input and recurrent terms
                            let cell = (r * t + step) * h, rowGates = gates + 4 * cell
                            let (inputTerms, recurrent) = (inputTerms + 3 * cell, recurrent + r * 3 * h)
                            for k in 0..<h {
                                func a(_ gate: Int) -> Scalar { inputTerms[gate * h + k] + biases[gate * h + k] }
                                func u(_ gate: Int) -> Scalar { recurrent[gate * h + k] + biases[3 * h + gate * h + k] }
                                let previous = step == 0 ? 0 : states[cell - h + k]
                                // book: gru-step
                                let reset = Activation.sigmoid(a(0) + u(0)), update = Activation.sigmoid(a(1) + u(1))
                                let recurrentContent = u(2)
                                let content = Scalar.tanh(a(2) + reset * recurrentContent)
                                let state = (1 - update) * content + update * previous
                                // book: end gru-step
                                rowGates[k] = reset
                                rowGates[h + k] = update
                                rowGates[2 * h + k] = content
                                rowGates[3 * h + k] = recurrentContent
                                states[cell + k] = state
                            }
                        }
                    }
                }
            }
        }
        saved.value = (x, gates, states)
        return states
    }

    /// Backpropagation through time (formulas in the type's documentation): `∂E/∂x` and the
    /// gradients of `W_ih`, `W_hh`, `b_ih`, `b_hh`, in that order. A step's cells run row by row, in
    /// two halves on both cores for a large batch (a Float layer's in a vector kernel with the loop's
    /// arithmetic, in its order), and `W_hh` is laid out once for every step's `∂u W_hh`.
    /// - Throws: ``ShapeError`` when `outputGradient` is not `B×(T·H)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let (x, gates, states) = try saved.take(for: name)
        let b = x.rows, t = length, i = inputCount, h = hiddenCount
        guard outputGradient.shape == states.shape else {
            throw ShapeError(operation: "\(name).backward", shapes: [outputGradient.shape, states.shape], expected: "the output's shape B×(T·H)")
        }
        var dInputWeights = Matrix<Scalar>(rows: 3 * h, columns: i), dHiddenWeights = Matrix<Scalar>(rows: 3 * h, columns: h)
        var dInputBias = Matrix<Scalar>(rows: 1, columns: 3 * h), dHiddenBias = Matrix<Scalar>(rows: 1, columns: 3 * h)
        var dx = needsInputGradient ? Matrix<Scalar>(rows: b, columns: t * i) : Matrix<Scalar>(rows: 0, columns: 0)
        var carried = Matrix<Scalar>(rows: b, columns: h)
        // W_hh laid out once for every step's ∂u W_hh (none for one step)
        let recurrentWeights = t > 1 ? RepeatedFactor(hiddenWeights, transposed: false, rows: b) : nil
        var throughWeights = Matrix<Scalar>(rows: b, columns: h)
        let split = b * h >= Self.cellsWorthTwoCores
        for step in stride(from: t - 1, through: 0, by: -1) {
            let previous = step == 0 ? Matrix<Scalar>(rows: b, columns: h) : states.timeStep(step - 1, width: h)
            // ∂E/∂a and ∂E/∂u, B×3H each in the order r, z, n; and the part of ∂E/∂h_{t−1} through z,
            // row by row, in two halves on both cores for a large batch
            var dA = Matrix<Scalar>(rows: b, columns: 3 * h), dU = Matrix<Scalar>(rows: b, columns: 3 * h)
            var direct = Matrix<Scalar>(rows: b, columns: h)
            Matrix.withMutableStorage(&dA, &dU) { dA, dU in
                direct.withUnsafeMutableBufferPointer { direct in
                    let direct = direct.baseAddress!
                    Matrix.withStorage(gates, states) { gates, states in
                        Matrix.withStorage(outputGradient, carried) { outputGradient, carried in
                            FloatKernels.inTwoHalves(b, split: split) { first, count in
                                if Scalar.self == Float.self {
                                    // the same arithmetic in a vector kernel (vector_functions.h), in the same order
                                    let cell = (first * t + step) * h
                                    FloatKernels.gruBackwardCells(
                                        rows: count, hidden: h, gates: floats(gates + 4 * cell), gatesRow: t * 4 * h,
                                        previous: step == 0 ? nil : floats(states + cell - h), stateRow: t * h,
                                        outputGradient: floats(outputGradient + cell), carried: floats(carried + first * h),
                                        inputSums: floats(dA + first * 3 * h), recurrentSums: floats(dU + first * 3 * h),
                                        direct: floats(direct + first * h))
                                    return
                                }
                                for r in first..<(first + count) {
                                    let cell = (r * t + step) * h, rowGates = gates + 4 * cell
                                    let (dA, dU, direct, carried) = (dA + r * 3 * h, dU + r * 3 * h, direct + r * h, carried + r * h)
                                    for k in 0..<h {
                                        let reset = rowGates[k], update = rowGates[h + k], content = rowGates[2 * h + k]
                                        let recurrentContent = rowGates[3 * h + k]
                                        let previous = step == 0 ? 0 : states[cell - h + k]
                                        let dState = outputGradient[cell + k] + carried[k]
                                        let dContentSum = dState * (1 - update) * (1 - content * content)
                                        let dReset = dContentSum * recurrentContent * reset * (1 - reset)
                                        let dUpdate = dState * (previous - content) * update * (1 - update)
                                        dA[k] = dReset
                                        dA[h + k] = dUpdate
                                        dA[2 * h + k] = dContentSum
                                        dU[k] = dReset
                                        dU[h + k] = dUpdate
                                        dU[2 * h + k] = dContentSum * reset
                                        direct[k] = dState * update
                                    }
                                }
                            }
                        }
                    }
                }
            }
            try dInputWeights.add(try dA.transposedMatmul(x.timeStep(step, width: i)), scaledBy: 1)
            try dHiddenWeights.add(try dU.transposedMatmul(previous), scaledBy: 1)
            try dInputBias.add(dA.columnSums(), scaledBy: 1)
            try dHiddenBias.add(dU.columnSums(), scaledBy: 1)
            if needsInputGradient { dx.setTimeStep(step, try dA.matmul(inputWeights)) }
            // carried ∂h ← ∂h ⊙ z + ∂u W_hh, for the step before (none before the first)
            if step > 0 {
                dU.withUnsafeBufferPointer { dU in recurrentWeights!.multiply(dU.baseAddress!, aRow: 3 * h, into: &throughWeights) }
                carried = try direct + throughWeights
            }
        }
        return LayerGradients(input: dx, parameters: [dInputWeights, dHiddenWeights, dInputBias, dHiddenBias])
    }
}
