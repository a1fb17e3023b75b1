import TeachKernels

/// A long short-term memory layer (Hochreiter and Schmidhuber, 1997), as PyTorch's
/// `torch.nn.LSTM(input_size, hidden_size, batch_first=True)` with one layer.
///
/// Beside its hidden state `h` the cell keeps a memory `c` that it changes only through gates,
/// numbers between 0 and 1 that say how much to let through. At every time step, from the step's
/// input `x_t` and the state `h_{t−1}` (both 0 before the first step):
///
///     i = σ(x_t W_iiᵀ + b_ii + h_{t−1} W_hiᵀ + b_hi)     input gate: how much of the new content to write
///     f = σ(x_t W_ifᵀ + b_if + h_{t−1} W_hfᵀ + b_hf)     forget gate: how much of the memory to keep
///     g = tanh(x_t W_igᵀ + b_ig + h_{t−1} W_hgᵀ + b_hg)  the new content
///     o = σ(x_t W_ioᵀ + b_io + h_{t−1} W_hoᵀ + b_ho)     output gate: how much of the memory to show
///     c_t = f ⊙ c_{t−1} + i ⊙ g
///     h_t = o ⊙ tanh(c_t)
///
/// **Shapes and parameters**, PyTorch's: input `B×(T·I)`, output every step's `h_t`, `B×(T·H)`.
/// The four gates' weights are stacked in PyTorch's order `i, f, g, o`: `weight_ih` `4H×I`,
/// `weight_hh` `4H×H`, `bias_ih` and `bias_hh` `1×4H` (rows `0..<H` are the input gate's, and so
/// on), all drawn from `U(−1/√H, 1/√H)`. A state dict from `torch.nn.LSTM` carries over as it is.
///
/// **Backpropagation through time**, from the last step to the first, carrying `∂E/∂h` and `∂E/∂c`
/// back from the step after:
///
///     ∂h = ∂E/∂h_t (output) + carried ∂h        ∂o = ∂h ⊙ tanh(c_t)
///     ∂c = carried ∂c + ∂h ⊙ o ⊙ (1 − tanh²(c_t))
///     ∂i = ∂c ⊙ g     ∂g = ∂c ⊙ i     ∂f = ∂c ⊙ c_{t−1}     carried ∂c ← ∂c ⊙ f
///     through each gate's function: ∂a_i = ∂i ⊙ i(1 − i), … ∂a_g = ∂g ⊙ (1 − g²)
///     ∂E/∂W_ih += ∂aᵀ x_t    ∂E/∂W_hh += ∂aᵀ h_{t−1}    ∂E/∂b_ih = ∂E/∂b_hh += Σ_batch ∂a
///     ∂E/∂x_t = ∂a W_ih      carried ∂h ← ∂a W_hh
///
/// Only the carried gradients need the steps in order; the sums over the steps (`∂E/∂W_ih`,
/// `∂E/∂W_hh`, the biases) and `∂E/∂x` are one product each over all `B·T` rows once every step's
/// `∂a` is known.
///
/// The memory's gradient passes from step to step multiplied only by the forget gate, not by a
/// weight matrix and a squashing slope as in ``RNN``: with `f` near 1 it reaches far back.
///
/// **Speed.** A Float layer computes each step's cells 8 or 16 at a time in vector kernels
/// (`FloatKernels.lstmCells` and `lstmBackwardCells`), with the sigmoid and tanh as polynomials
/// within a few units in the last place of the C library's (a Double layer runs the loops quoted
/// in the book, with the C library's functions); both kinds split a large batch's cells over both
/// cores, and lay `W_hh` out once per pass for the products of every step.
///
/// Differences from PyTorch: one layer, one direction, zero initial `h` and `c`, no projection.
public struct LSTM<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `W_ih`, `4H×I`, the gates `i, f, g, o` stacked (PyTorch's `weight_ih_l0`).
    public var inputWeights: Matrix<Scalar>
    /// `W_hh`, `4H×H` (PyTorch's `weight_hh_l0`).
    public var hiddenWeights: Matrix<Scalar>
    /// `b_ih`, `1×4H` (PyTorch's `bias_ih_l0`).
    public var inputBias: Matrix<Scalar>
    /// `b_hh`, `1×4H` (PyTorch's `bias_hh_l0`).
    public var hiddenBias: Matrix<Scalar>
    /// `T`, the steps of each sequence.
    public let length: Int
    /// What the forward pass keeps: the input `B×(T·I)`; the gates after their functions,
    /// `B×(T·4H)`; the memories `c_t`, their `tanh(c_t)` and the states `h_t`, each `B×(T·H)`.
    @usableFromInline var saved = Saved<
        (input: Matrix<Scalar>, gates: Matrix<Scalar>, memories: Matrix<Scalar>, squashedMemories: Matrix<Scalar>, states: Matrix<Scalar>)
    >()

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

extension LSTM: RecurrentLayer {
    public static var gates: Int { 4 }
    public static var kind: String { "LSTM" }

    /// Every step's state `h_t`, `B×(T·H)`, from the first step to the last.
    ///
    /// Each step is one product for the recurrent terms of all four gates, then the cells, row by
    /// row, in two halves on both cores when the batch is large enough to pay for it
    /// (``RecurrentLayer/cellsWorthTwoCores``): every cell is computed as it is on one core, so the
    /// numbers do not depend on the split.
    /// - Throws: ``ShapeError`` when `x` is not `B×(T·I)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let b = x.rows, t = length, i = inputCount, h = hiddenCount
        guard x.columns == t * i else {
            throw ShapeError(operation: name, shapes: [x.shape], expected: "B×(T·I) with T·I = \(t)·\(i) = \(t * i) columns")
        }
        // Every step's input term at once: (B·T)×I times W_ihᵀ, one row per step of each sequence.
        let inputTerms = try x.reshaped(rows: b * t, columns: i).matmulTransposed(inputWeights)
        let biases = inputBias.elements + hiddenBias.elements  // b_ih, then b_hh
        // every number of these four is written by its step
        var gates = Matrix<Scalar>(uninitializedRows: b, columns: t * 4 * h)
        var memories = Matrix<Scalar>(uninitializedRows: b, columns: t * h)
        var squashedMemories = Matrix<Scalar>(uninitializedRows: b, columns: t * h), states = Matrix<Scalar>(uninitializedRows: b, columns: t * h)
        // h_{t−1} W_hhᵀ, B×4H: 0 at the first step, where h_{−1} = 0; W_hhᵀ laid out once for every step
        var recurrent = Matrix<Scalar>(rows: b, columns: 4 * h)
        let recurrentWeights = t > 1 ? RepeatedFactor(hiddenWeights, transposed: true, rows: b) : nil  // none for one step
        let split = b * h >= Self.cellsWorthTwoCores
        for step in 0..<t {
            Matrix.withMutableStorage(&gates, &memories, &squashedMemories, &states) { gates, memories, squashedMemories, states in
                if step > 0 { recurrentWeights!.multiply(states + (step - 1) * h, aRow: t * h, into: &recurrent) }
                Matrix.withStorage(inputTerms, recurrent, Matrix(unchecked: 1, biases.count, biases)) { inputTerms, recurrent, biases in
                    FloatKernels.inTwoHalves(b, split: split) { first, count in
                        if Scalar.self == Float.self {
                            // the same step in a vector kernel (vector_functions.h): sigmoid and tanh as polynomials
                            let cell = (first * t + step) * h
                            FloatKernels.lstmCells(
                                rows: count, hidden: h, terms: floats(inputTerms + 4 * cell), termsRow: t * 4 * h,
                                recurrent: floats(recurrent + first * 4 * h), inputBias: floats(biases), hiddenBias: floats(biases + 4 * h),
                                previous: step == 0 ? nil : floats(UnsafePointer(memories) + cell - h), memoryRow: t * h, gates: floats(gates + 4 * cell),
                                gatesRow: t * 4 * h, memories: floats(memories + cell), squashed: floats(squashedMemories + cell),
                                states: floats(states + cell))
                            return
                        }
                        for r in first..<(first + count) {
                            // row r's numbers at this step: its gates, cells, input and recurrent terms
                            let cell = (r * t + step) * h, rowGates = gates + 4 * cell
                            let (inputTerms, recurrent) = (inputTerms + 4 * cell, recurrent + r * 4 * h)
                            for k in 0..<h {
                                func sum(_ gate: Int) -> Scalar {
                                    let column = gate * h + k
                                    return inputTerms[column] + biases[column] + recurrent[column] + biases[4 * h + column]
                                }
                                let previousMemory = step == 0 ? 0 : memories[cell - h + k]
                                // book: lstm-step
                                let input = Activation.sigmoid(sum(0)), forget = Activation.sigmoid(sum(1))
                                let content = Scalar.tanh(sum(2)), output = Activation.sigmoid(sum(3))
                                let memory = forget * previousMemory + input * content
                                let squashedMemory = Scalar.tanh(memory)
                                let state = output * squashedMemory
                                // book: end lstm-step
                                rowGates[k] = input
                                rowGates[h + k] = forget
                                rowGates[2 * h + k] = content
                                rowGates[3 * h + k] = output
                                memories[cell + k] = memory
                                squashedMemories[cell + k] = squashedMemory
                                states[cell + k] = state
                            }
                        }
                    }
                }
            }
        }
        saved.value = (x, gates, memories, squashedMemories, states)
        return states
    }

    /// Backpropagation through time (formulas in the type's documentation): `∂E/∂x` and the
    /// gradients of `W_ih`, `W_hh`, `b_ih`, `b_hh`, in that order. The cells of a step are split
    /// over both cores as in the forward pass.
    /// - Throws: ``ShapeError`` when `outputGradient` is not `B×(T·H)`.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let (x, gates, memories, squashedMemories, states) = try saved.take(for: name)
        let b = x.rows, t = length, i = inputCount, h = hiddenCount
        guard outputGradient.shape == states.shape else {
            throw ShapeError(operation: "\(name).backward", shapes: [outputGradient.shape, states.shape], expected: "the output's shape B×(T·H)")
        }
        var carriedState = Matrix<Scalar>(rows: b, columns: h), carriedMemory = Matrix<Scalar>(rows: b, columns: h)
        // ∂E/∂a for the four gates' weighted sums, B×(T·4H) in the order i, f, g, o at each step:
        // written step by step, and the products that need no step-by-step order take all of it
        var everyDSums = Matrix<Scalar>(uninitializedRows: b, columns: t * 4 * h)  // every step writes its own
        // W_hh laid out once for every step (none for one step)
        let hiddenWeights = t > 1 ? RepeatedFactor(self.hiddenWeights, transposed: false, rows: b) : nil
        let split = b * h >= Self.cellsWorthTwoCores
        for step in stride(from: t - 1, through: 0, by: -1) {
            Matrix.withMutableStorage(&everyDSums, &carriedMemory) { everyDSums, carriedMemory in
                Matrix.withStorage(gates, memories, squashedMemories) { gates, memories, squashedMemories in
                    Matrix.withStorage(outputGradient, carriedState) { outputGradient, carriedState in
                        FloatKernels.inTwoHalves(b, split: split) { first, count in
                            if Scalar.self == Float.self {
                                // the same arithmetic in a vector kernel (vector_functions.h), in the same order
                                let cell = (first * t + step) * h
                                FloatKernels.lstmBackwardCells(
                                    rows: count, hidden: h, gates: floats(gates + 4 * cell), gatesRow: t * 4 * h,
                                    squashed: floats(squashedMemories + cell), previous: step == 0 ? nil : floats(memories + cell - h),
                                    memoryRow: t * h, outputGradient: floats(outputGradient + cell), carriedState: floats(carriedState + first * h),
                                    carriedMemory: floats(carriedMemory + first * h), sums: floats(everyDSums + 4 * cell), sumsRow: t * 4 * h)
                                return
                            }
                            for r in first..<(first + count) {
                                let cell = (r * t + step) * h, rowGates = gates + 4 * cell
                                // row r's numbers at this step, each indexed by its unit k (by gate·H + k for dSums)
                                let (dSums, carriedState, carriedMemory) = (everyDSums + 4 * cell, carriedState + r * h, carriedMemory + r * h)
                                let outputGradient = outputGradient + cell
                                for k in 0..<h {
                                    let input = rowGates[k], forget = rowGates[h + k], content = rowGates[2 * h + k]
                                    let output = rowGates[3 * h + k], squashed = squashedMemories[cell + k]
                                    let previousMemory = step == 0 ? 0 : memories[cell - h + k]
                                    // book: lstm-backward-step
                                    let dState = outputGradient[k] + carriedState[k]
                                    let dMemory = carriedMemory[k] + dState * output * (1 - squashed * squashed)
                                    dSums[k] = dMemory * content * input * (1 - input)
                                    dSums[h + k] = dMemory * previousMemory * forget * (1 - forget)
                                    dSums[2 * h + k] = dMemory * input * (1 - content * content)
                                    dSums[3 * h + k] = dState * squashed * output * (1 - output)
                                    carriedMemory[k] = dMemory * forget
                                    // book: end lstm-backward-step
                                }
                            }
                        }
                    }
                }
                // carried ∂h ← ∂a W_hh, for the step before (none before the first)
                if step > 0 { hiddenWeights!.multiply(everyDSums + step * 4 * h, aRow: t * 4 * h, into: &carriedState) }
            }
        }
        // The rest in one product each over all B·T rows (row r·T + t is sequence r's step t):
        // ∂E/∂W_ih = Σ ∂aᵀ x_t, ∂E/∂W_hh = Σ ∂aᵀ h_{t−1} (h_{−1} = 0), ∂E/∂b = Σ ∂a, ∂E/∂x_t = ∂a W_ih.
        let rows = try everyDSums.reshaped(rows: b * t, columns: 4 * h)
        let previousStates = states.movedOneStepOn(width: h)  // h_{t−1} at step t
        let dInputWeights = try rows.transposedMatmul(x.reshaped(rows: b * t, columns: i))
        let dHiddenWeights = try rows.transposedMatmul(previousStates.reshaped(rows: b * t, columns: h))
        let dBias = rows.columnSums()
        let dx = needsInputGradient ? try rows.matmul(inputWeights).reshaped(rows: b, columns: t * i) : Matrix<Scalar>(rows: 0, columns: 0)
        return LayerGradients(input: dx, parameters: [dInputWeights, dHiddenWeights, dBias, dBias])
    }
}
