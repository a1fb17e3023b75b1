import Foundation
import Testing
import TeachKernels

@testable import Teach

@Suite struct RecurrentLayerTests {
    /// One unit, one input, two steps: `h₀ = tanh(0.5·1 + 0.1)`, `h₁ = tanh(0.5·2 + 0.1 − 1·h₀)`
    /// (the numbers from Python's `math.tanh`).
    func tinyRNN() throws -> RNN<Double> {
        try RNN<Double>(
            inputWeights: Matrix(row: [0.5]), hiddenWeights: Matrix(row: [-1]), inputBias: Matrix(row: [0.1]), hiddenBias: Matrix(row: [0]),
            length: 2)
    }

    @Test func twoStepsByHand() throws {
        var rnn = try tinyRNN()
        let output = try rnn(Matrix(row: [1, 2]))
        let h0 = tanh(0.6), h1 = tanh(1.1 - h0)
        #expect(abs(output[0, 0] - h0) < 1e-15 && abs(output[0, 1] - h1) < 1e-15)
        #expect(abs(h0 - 0.5370495669980353) < 1e-15 && abs(h1 - 0.5101632506598711) < 1e-15)

        // Backward from E = h₁: δ₁ = 1 − h₁², carried back through W_hh = −1 to δ₀ = −δ₁(1 − h₀²).
        var training = try tinyRNN()
        var generator = SeededGenerator(seed: 1)
        _ = try training.forward(Matrix(row: [1, 2]), mode: .training, using: &generator)
        let gradients = try training.backward(outputGradient: Matrix(row: [0, 1]), needsInputGradient: true)
        let delta1 = 1 - h1 * h1, delta0 = -delta1 * (1 - h0 * h0)
        #expect(abs(gradients.parameters[0][0, 0] - (delta1 * 2 + delta0 * 1)) < 1e-15)  // ∂E/∂W_ih = Σ δ_t x_t
        #expect(abs(gradients.parameters[1][0, 0] - delta1 * h0) < 1e-15)  // ∂E/∂W_hh = Σ δ_t h_{t−1}, h_{−1} = 0
        #expect(abs(gradients.parameters[2][0, 0] - (delta0 + delta1)) < 1e-15)
        #expect(gradients.parameters[3] == gradients.parameters[2])
        #expect(abs(gradients.input[0, 0] - delta0 * 0.5) < 1e-15 && abs(gradients.input[0, 1] - delta1 * 0.5) < 1e-15)
    }

    @Test func matchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 20)
        let rnn = try RNN<Double>(inputs: 3, hidden: 4, length: 5, using: &random)
        let dense = try Dense<Double>(inputs: 4, units: 2, activation: .identity, using: &random)
        let model = try Model<Double>([rnn, dense])
        let x = Matrix<Double>.gaussian(rows: 2, columns: 15, using: &random)
        let y = Matrix<Double>.gaussian(rows: 2, columns: 10, using: &random)
        let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .meanSquaredError, checkInput: true)
        #expect(check.parametersChecked == (12 + 16 + 4 + 4) + (8 + 2) + 30)
        #expect(check.maxRelativeError < 1e-7, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
    }

    @Test func followsPyTorchsLayoutAndInitialization() throws {
        var random = SeededGenerator(seed: 21)
        let rnn = try RNN<Double>(inputs: 3, hidden: 16, length: 7, using: &random)
        #expect(rnn.parameters.map(\.shape) == [Shape(16, 3), Shape(16, 16), Shape(1, 16), Shape(1, 16)])
        #expect(rnn.parameterNames == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
        let all = rnn.parameters.flatMap(\.elements)
        #expect(all.allSatisfy { abs($0) < 0.25 } && all.contains { abs($0) > 0.2 })
        #expect(try rnn.outputShape(for: .sequence(SequenceShape(length: 7, features: 3))) == .sequence(SequenceShape(length: 7, features: 16)))
        #expect(rnn.multiplyAdds(for: .sequence(SequenceShape(length: 7, features: 3))) == 7 * 16 * 19)
    }

    /// The parameters `torch.nn.RNN(2, 2)`, `torch.nn.LSTM(2, 2)` and `torch.nn.GRU(2, 2)` were given for the numbers below
    /// (PyTorch 2.15, float64, from `scripts/recurrent-reference.py`): rows `r`, columns `c` of `weight_ih`
    /// are `0.1·((2r + c) mod 7) − 0.3`, of `weight_hh` `0.05·((2r + c) mod 5) − 0.1`; `bias_ih[r]`
    /// is `0.02·(r mod 4) − 0.03` and `bias_hh[r]` is `0.01·(r mod 3)`.
    static func pyTorchParameters(gates: Int) -> (Matrix<Double>, Matrix<Double>, Matrix<Double>, Matrix<Double>) {
        let rows = gates * 2
        return (
            Matrix(rows: rows, columns: 2) { r, c in 0.1 * Double((r * 2 + c) % 7) - 0.3 },
            Matrix(rows: rows, columns: 2) { r, c in 0.05 * Double((r * 2 + c) % 5) - 0.1 },
            Matrix(rows: 1, columns: rows) { _, r in 0.02 * Double(r % 4) - 0.03 },
            Matrix(rows: 1, columns: rows) { _, r in 0.01 * Double(r % 3) })
    }

    /// One sequence of 3 steps of 2 features, and `E = Σ output ⊙ coefficients`.
    static let pyTorchInput = Matrix<Double>(row: [1.0, -0.5, 0.25, 2.0, -1.0, 0.5])
    static let pyTorchCoefficients = Matrix<Double>(row: [1.0, -2.0, 0.5, 1.5, -1.0, 3.0])

    /// Runs `layer` forward and backward on the input above and compares with PyTorch's numbers.
    static func expectPyTorchNumbers<L: Layer<Double>>(_ layer: L, _ expected: [String: [Double]]) throws {
        var layer = layer
        var generator = SeededGenerator(seed: 1)
        let output = try layer.forward(pyTorchInput, mode: .training, using: &generator)
        let gradients = try layer.backward(outputGradient: pyTorchCoefficients, needsInputGradient: true)
        let actual: [String: [Double]] = [
            "out": output.elements, "dx": gradients.input.elements, "weight_ih_l0": gradients.parameters[0].elements,
            "weight_hh_l0": gradients.parameters[1].elements, "bias_ih_l0": gradients.parameters[2].elements,
            "bias_hh_l0": gradients.parameters[3].elements,
        ]
        for (key, values) in expected {
            let mine = try #require(actual[key])
            #expect(mine.count == values.count, "\(layer.name) \(key)")
            for (a, b) in zip(mine, values) { #expect(abs(a - b) < 1e-14, "\(layer.name) \(key): \(a) vs PyTorch \(b)") }
        }
    }


    @Test func rnnMatchesPyTorch() throws {
        let (wih, whh, bih, bhh) = Self.pyTorchParameters(gates: 1)
        let layer = try RNN<Double>(inputWeights: wih, hiddenWeights: whh, inputBias: bih, hiddenBias: bhh, length: 3)
        let expected: [String: [Double]] = [
            "out": [-0.22602835227867096, -0.09966799462495582, -0.44416999242591715, -0.02997441789309448, 0.21262182910718258, 0.0981839410191377],
            "dx": [-0.07907615976868583, -0.18071066670696403, -0.3128766230190099, -0.09559978045950684, -0.010670386781650266, 0.19095839155742336],
            "weight_ih_l0": [1.9778450168963193, 0.026825158934101756, -4.467285763271079, 5.835028118642716],
            "weight_hh_l0": [0.3160486323813047, -0.01902185888124864, -1.7027304289788034, -0.25797066549432557],
            "bias_ih_l0": [0.4267602780452384, 2.7459508615577453],
            "bias_hh_l0": [0.4267602780452385, 2.745950861557745],
        ]
        try Self.expectPyTorchNumbers(layer, expected)
    }

    @Test func lstmMatchesPyTorch() throws {
        let (wih, whh, bih, bhh) = Self.pyTorchParameters(gates: 4)
        let layer = try LSTM<Double>(inputWeights: wih, hiddenWeights: whh, inputBias: bih, hiddenBias: bhh, length: 3)
        let expected: [String: [Double]] = [
            "out": [-0.03832249458018355, -0.008736290583171574, -0.09557430435065523, 0.037920135401764005, -0.0018561420605291124, 0.041135906187141656],
            "dx": [-0.043221018570590915, -0.046767119645638795, -0.021352054165827333, 0.047939825795748396, 0.05152585187523797, 0.09755950344426408],
            "weight_ih_l0": [-0.005160821329579075, 0.0005439190513960111, -0.007242559664613384, 0.13971100171119866, -0.01797148799115009, 0.008408922868743493, -0.039921382687236835, 0.008428317596634878, 0.4765039995092307, -0.22683667016410775, -0.9494112050205779, 1.6914383922089713, -0.021854474589096343, -0.017241816228480582, -0.03695957357443581, 0.08828251858397297],
            "weight_hh_l0": [0.0015285027388618469, -0.0005835059563998466, -0.005127130424569051, 0.0005009995984978999, -0.0017007242069051905, 0.0006812793724287638, -0.003477811800220549, 0.001509787942652739, 0.024888763232588634, -0.01000349503283332, -0.10493394912601536, 0.027925446490254753, 0.00041761450752146975, 0.0001516714749301141, -0.006490666719889005, 0.0017888147304033469],
            "bias_ih_l0": [-0.03709668530495881, 0.09672197994559012, 0.01763218144595506, 0.03313763342430534, -0.044600437661376086, 1.2167093069433719, -0.029904992484868886, 0.09715875221765843],
            "bias_hh_l0": [-0.03709668530495881, 0.09672197994559012, 0.01763218144595506, 0.03313763342430534, -0.04460043766137611, 1.216709306943372, -0.029904992484868883, 0.09715875221765842],
        ]
        try Self.expectPyTorchNumbers(layer, expected)
    }

    @Test func gruMatchesPyTorch() throws {
        let (wih, whh, bih, bhh) = Self.pyTorchParameters(gates: 3)
        let layer = try GRU<Double>(inputWeights: wih, hiddenWeights: whh, inputBias: bih, hiddenBias: bhh, length: 3)
        let expected: [String: [Double]] = [
            "out": [-0.08559187020784613, -0.019287180557865775, -0.1580788762970996, 0.11782523980326613, -0.01577387526483051, 0.08044640056844224],
            "dx": [-0.08277313516059794, -0.07016719909296118, -0.03495394067256761, 0.19925517266975937, 0.11796392142540806, 0.2302362070053703],
            "weight_ih_l0": [0.002702819061951523, -0.0014223364166773295, -0.012537196857564869, 0.030666741506072518, -0.03478416426999363, 0.007649312207367646, -0.09117162536076404, -0.24370221980285078, 0.8954425584304513, -0.5272317744679506, -1.8089944802968665, 4.21063875276225],
            "weight_hh_l0": [0.0002701868771787559, -0.00019861263886362693, -0.003103926193245266, 0.001359610153065084, -0.010868834070146674, 0.008482089396082262, 0.004589721495817382, 0.00788966292147079, 0.04353351566669586, -0.031271048286744506, -0.2154467078053504, 0.0967916755986973],
            "bias_ih_l0": [-0.0007044501281051154, 0.022911210076556724, 0.1042536602381423, -0.1039207461881489, -0.11533744697048476, 2.9562258995542576],
            "bias_hh_l0": [-0.0007044501281051154, 0.02291121007655672, 0.10425366023814228, -0.10392074618814891, -0.09883641179279626, 1.5255603795627968],
        ]
        try Self.expectPyTorchNumbers(layer, expected)
    }

    @Test(arguments: ["LSTM", "GRU"])
    func gatedLayersMatchCentralDifferences(_ kind: String) throws {
        var random = SeededGenerator(seed: 23)
        let recurrent: any Layer<Double> =
            kind == "LSTM"
            ? try LSTM<Double>(inputs: 3, hidden: 4, length: 5, using: &random) : try GRU<Double>(inputs: 3, hidden: 4, length: 5, using: &random)
        let dense = try Dense<Double>(inputs: 4, units: 2, activation: .identity, using: &random)
        let model = try Model<Double>([recurrent, dense])
        let x = Matrix<Double>.gaussian(rows: 2, columns: 15, using: &random)
        let y = Matrix<Double>.gaussian(rows: 2, columns: 10, using: &random)
        let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .meanSquaredError, checkInput: true)
        let gates = kind == "LSTM" ? 4 : 3
        #expect(check.parametersChecked == gates * (12 + 16 + 4 + 4) + (8 + 2) + 30)
        #expect(check.maxRelativeError < 1e-7, "\(kind) \(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
    }

    @Test func badShapesAreThrownErrors() throws {
        var random = SeededGenerator(seed: 22)
        var rnn = try RNN<Double>(inputs: 2, hidden: 3, length: 4, using: &random)
        #expect(throws: ShapeError.self) { try rnn(Matrix(rows: 1, columns: 7)) }
        #expect(throws: InvalidArgument.self) { try RNN<Double>(inputs: 2, hidden: 3, length: 0, using: &random) }
        #expect(throws: ShapeError.self) {
            try RNN<Double>(
                inputWeights: Matrix(rows: 3, columns: 2), hiddenWeights: Matrix(rows: 3, columns: 2), inputBias: Matrix(rows: 1, columns: 3),
                hiddenBias: Matrix(rows: 1, columns: 3), length: 2)
        }
        #expect(throws: InvalidArgument.self) { try rnn.backward(outputGradient: Matrix(rows: 1, columns: 12), needsInputGradient: true) }
    }

    /// A Float LSTM runs its cells in a vector kernel, with the sigmoid and tanh as polynomials; a
    /// Double one runs the scalar code with libm's. Swept over sums from −30 to 30 (every gate's
    /// input term is the sum, the recurrent and bias terms are 0 at the first step), each gate and
    /// the state agree with the Double layer's within a few units in the last place of Float.
    @Test func theFloatKernelsSigmoidAndTanhAreWithinAFewUnitsInTheLastPlace() throws {
        let count = 6001, h = 1
        let sums = (0..<count).map { -30 + 60 * Double($0) / Double(count - 1) }
        // one step, one unit, input 1: W_ih = the four gates' 1s, no other terms
        func layer<Scalar: MatrixScalar>(_: Scalar.Type) throws -> LSTM<Scalar> {
            try LSTM<Scalar>(
                inputWeights: Matrix(rows: 4 * h, columns: 1, repeating: 1), hiddenWeights: Matrix(rows: 4 * h, columns: h),
                inputBias: Matrix(rows: 1, columns: 4 * h), hiddenBias: Matrix(rows: 1, columns: 4 * h), length: 1)
        }
        var float = try layer(Float.self), double = try layer(Double.self)
        var random = SeededGenerator(seed: 1)
        let floatStates = try float.forward(Matrix(rows: count, columns: 1) { r, _ in Float(sums[r]) }, mode: .training, using: &random)
        let doubleStates = try double.forward(Matrix(rows: count, columns: 1) { r, _ in Double(Float(sums[r])) }, mode: .training, using: &random)
        let floatGates = try #require(float.saved.value?.gates), doubleGates = try #require(double.saved.value?.gates)
        // the worst error of each of i, f, g, o and h, in units in the last place of the Float nearest the reference
        var worst = [Double](repeating: 0, count: 5)
        for r in 0..<count {
            for (index, (mine, reference)) in zip(floatGates.rowArray(r) + [floatStates[r, 0]], doubleGates.rowArray(r) + [doubleStates[r, 0]])
                .enumerated()
            {
                worst[index] = max(worst[index], abs(Double(mine) - reference) / Double(Float(reference).ulp))
            }
        }
        // the gates are one function each; h = o·tanh(i·g) rounds three more times
        #expect(worst.prefix(4).allSatisfy { $0 <= 3 } && worst[4] <= 6, "worst errors (i, f, g, o, h): \(worst)")
    }

    /// A Float LSTM's backward step runs in a vector kernel with the arithmetic of the Double
    /// layer's loop (the one the book quotes) in its order: bit for bit the loop's numbers, here
    /// written out in Float, for 13 units (8 in a vector, 5 through the padded part), rows apart by
    /// more than a step, at the first step (no memory before) and a later one.
    @Test(arguments: [false, true])
    func theFloatBackwardCellsAreTheLoopBitForBit(firstStep: Bool) throws {
        let (rows, h, steps) = (3, 13, 2)
        var random = SeededGenerator(seed: 8)
        func numbers(_ count: Int, in range: Range<Float>) -> [Float] { (0..<count).map { _ in Float.random(in: range, using: &random) } }
        // every row holds `steps` steps; the kernel works on step 1 of each
        let gates = numbers(rows * steps * 4 * h, in: 0.01..<0.99), squashed = numbers(rows * steps * h, in: -0.99..<0.99)
        let memories = numbers(rows * steps * h, in: -2..<2), outputGradient = numbers(rows * steps * h, in: -1..<1)
        let carriedState = numbers(rows * h, in: -1..<1), carriedMemoryBefore = numbers(rows * h, in: -1..<1)
        var carriedMemory = carriedMemoryBefore, sums = [Float](repeating: .nan, count: rows * steps * 4 * h)
        let cell = h  // step 1 of row 0
        gates.withUnsafeBufferPointer { g in
            squashed.withUnsafeBufferPointer { q in
                memories.withUnsafeBufferPointer { c in
                    outputGradient.withUnsafeBufferPointer { o in
                        carriedState.withUnsafeBufferPointer { s in
                            carriedMemory.withUnsafeMutableBufferPointer { m in
                                sums.withUnsafeMutableBufferPointer { d in
                                    FloatKernels.lstmBackwardCells(
                                        rows: rows, hidden: h, gates: g.baseAddress! + 4 * cell, gatesRow: steps * 4 * h,
                                        squashed: q.baseAddress! + cell, previous: firstStep ? nil : c.baseAddress!, memoryRow: steps * h,
                                        outputGradient: o.baseAddress! + cell, carriedState: s.baseAddress!, carriedMemory: m.baseAddress!,
                                        sums: d.baseAddress! + 4 * cell, sumsRow: steps * 4 * h)
                                }
                            }
                        }
                    }
                }
            }
        }
        for r in 0..<rows {
            let at = r * steps * h + cell
            for k in 0..<h {
                let gate = { (index: Int) in gates[4 * at + index * h + k] }
                let (input, forget, content, output) = (gate(0), gate(1), gate(2), gate(3))
                let squashed = squashed[at + k], previousMemory: Float = firstStep ? 0 : memories[at - h + k]
                let dState = outputGradient[at + k] + carriedState[r * h + k]
                let dMemory = carriedMemoryBefore[r * h + k] + dState * output * (1 - squashed * squashed)
                let expected = [
                    dMemory * content * input * (1 - input), dMemory * previousMemory * forget * (1 - forget),
                    dMemory * input * (1 - content * content), dState * squashed * output * (1 - output),
                ]
                for (index, value) in expected.enumerated() {
                    #expect(sums[4 * at + index * h + k].bitPattern == value.bitPattern, "row \(r), unit \(k), gate \(index)")
                }
                #expect(carriedMemory[r * h + k].bitPattern == (dMemory * forget).bitPattern, "row \(r), unit \(k): carried ∂c")
            }
        }
        // step 0 of every row is not written
        #expect((0..<rows).allSatisfy { r in sums[(r * steps * h) * 4 ..< (r * steps * h + h) * 4].allSatisfy { $0.isNaN } })
    }

    /// A Float GRU's backward step runs in a vector kernel with the arithmetic of the Double layer's
    /// loop in its order: bit for bit the loop's numbers, here written out in Float, for 13 units
    /// (a vector and a padded part), rows apart by more than a step, at the first step and a later one.
    @Test(arguments: [false, true])
    func theFloatGRUBackwardCellsAreTheLoopBitForBit(firstStep: Bool) throws {
        let (rows, h, steps) = (3, 13, 2)
        var random = SeededGenerator(seed: 9)
        func numbers(_ count: Int, in range: Range<Float>) -> [Float] { (0..<count).map { _ in Float.random(in: range, using: &random) } }
        let gates = numbers(rows * steps * 4 * h, in: 0.01..<0.99), states = numbers(rows * steps * h, in: -1..<1)
        let outputGradient = numbers(rows * steps * h, in: -1..<1), carried = numbers(rows * h, in: -1..<1)
        var inputSums = [Float](repeating: .nan, count: rows * 3 * h), recurrentSums = inputSums
        var direct = [Float](repeating: .nan, count: rows * h)
        let cell = h  // step 1 of row 0
        gates.withUnsafeBufferPointer { g in
            states.withUnsafeBufferPointer { s in
                outputGradient.withUnsafeBufferPointer { o in
                    FloatKernels.gruBackwardCells(
                        rows: rows, hidden: h, gates: g.baseAddress! + 4 * cell, gatesRow: steps * 4 * h,
                        previous: firstStep ? nil : s.baseAddress!, stateRow: steps * h, outputGradient: o.baseAddress! + cell,
                        carried: carried, inputSums: &inputSums, recurrentSums: &recurrentSums, direct: &direct)
                }
            }
        }
        for r in 0..<rows {
            let at = r * steps * h + cell
            for k in 0..<h {
                let gate = { (index: Int) in gates[4 * at + index * h + k] }
                let (reset, update, content, recurrentContent) = (gate(0), gate(1), gate(2), gate(3))
                let previous: Float = firstStep ? 0 : states[at - h + k]
                let dState = outputGradient[at + k] + carried[r * h + k]
                let dContentSum = dState * (1 - update) * (1 - content * content)
                let dReset = dContentSum * recurrentContent * reset * (1 - reset)
                let dUpdate = dState * (previous - content) * update * (1 - update)
                let expected = (a: [dReset, dUpdate, dContentSum], u: [dReset, dUpdate, dContentSum * reset], direct: dState * update)
                for gate in 0..<3 {
                    #expect(inputSums[r * 3 * h + gate * h + k].bitPattern == expected.a[gate].bitPattern, "row \(r), unit \(k), ∂a \(gate)")
                    #expect(recurrentSums[r * 3 * h + gate * h + k].bitPattern == expected.u[gate].bitPattern, "row \(r), unit \(k), ∂u \(gate)")
                }
                #expect(direct[r * h + k].bitPattern == expected.direct.bitPattern, "row \(r), unit \(k): ∂h through z")
            }
        }
    }

    /// A recurrent layer multiplies each step by `W_hh` laid out once (`RepeatedFactor`), reading
    /// the step's rows where they lie in the batch: the numbers of `matmul` and `matmulTransposed`
    /// on the same rows copied out, bit for bit, in Float (streamed for up to 4 rows, packed above)
    /// and Double, for `W` transposed or not.
    @Test(arguments: [1, 3, 4, 5, 32])
    func aRepeatedFactorGivesTheProductsNumbers(rows: Int) throws {
        func check<Scalar: MatrixScalar>(_: Scalar.Type) throws {
            var random = SeededGenerator(seed: UInt64(rows))
            let (steps, width, units) = (3, 13, 40)  // A's rows are steps·width apart; W is units×width
            let batch = Matrix<Scalar>(rows: rows, columns: steps * width) { _, _ in Scalar(random.gaussian()) }
            let weights = Matrix<Scalar>(rows: units, columns: width) { _, _ in Scalar(random.gaussian()) }
            let square = Matrix<Scalar>(rows: width, columns: width) { _, _ in Scalar(random.gaussian()) }
            for (w, transposed) in [(weights, true), (square, false)] {
                let factor = RepeatedFactor(w, transposed: transposed, rows: rows)
                let step = 1
                let rowsOfStep = batch.timeStep(step, width: width)
                let expected = transposed ? try rowsOfStep.matmulTransposed(w) : try rowsOfStep.matmul(w)
                var product = Matrix<Scalar>(rows: rows, columns: factor.columns)
                batch.withUnsafeBufferPointer { a in
                    product.withUnsafeMutableBufferPointer { c in
                        factor.multiply(rows: rows, a.baseAddress! + step * width, aRow: steps * width, into: c.baseAddress!)
                    }
                }
                #expect(product == expected, "\(Scalar.self), \(rows) rows, transposed \(transposed)")
            }
        }
        try check(Float.self)
        try check(Double.self)
    }

    /// The Float LSTM and GRU (vector kernels, split over two cores for large batches) against the
    /// Double layers on the same numbers, for hidden sizes with and without a part of fewer than a
    /// vector's units (8 or 16), batches too small to split and large enough (at least
    /// `cellsWorthTwoCores` cells), and several steps: within 1e-5.
    @Test(arguments: ["LSTM", "GRU"], [(1, 3), (37, 8), (128, 40), (100, 45)])
    func theFloatLayerAgreesWithTheDoubleLayer(kind: String, size: (batch: Int, hidden: Int)) throws {
        var random = SeededGenerator(seed: 5)
        let (batch, hidden) = size
        // the two small sizes stay on one core, the two large ones take both
        #expect((batch * hidden >= LSTM<Float>.cellsWorthTwoCores) == (batch >= 100), "\(batch)×\(hidden) cells")
        func pair<Layer: RecurrentLayer>(_: Layer.Type, _ float: (Layer) throws -> any Teach.Layer<Float>) throws -> (any Teach.Layer<Double>, any Teach.Layer<Float>)
        where Layer.Scalar == Double {
            let double = try Layer(inputs: 3, hidden: hidden, length: 4, using: &random)
            return (double, try float(double))
        }
        var (double, float) = kind == "LSTM"
            ? try pair(LSTM<Double>.self) {
                try LSTM<Float>(
                    inputWeights: $0.inputWeights.converted(), hiddenWeights: $0.hiddenWeights.converted(), inputBias: $0.inputBias.converted(),
                    hiddenBias: $0.hiddenBias.converted(), length: 4)
            }
            : try pair(GRU<Double>.self) {
                try GRU<Float>(
                    inputWeights: $0.inputWeights.converted(), hiddenWeights: $0.hiddenWeights.converted(), inputBias: $0.inputBias.converted(),
                    hiddenBias: $0.hiddenBias.converted(), length: 4)
            }
        let x = Matrix<Double>.gaussian(rows: batch, columns: 12, using: &random).map { Double(Float($0 * 2)) }
        let g = Matrix<Double>.gaussian(rows: batch, columns: 4 * hidden, using: &random).map { Double(Float($0)) }
        let expected = try double.forward(x, mode: .training, using: &random)
        let states = try float.forward(x.converted(), mode: .training, using: &random)
        for (mine, reference) in zip(states.elements, expected.elements) { #expect(abs(Double(mine) - reference) < 1e-5) }
        let dExpected = try double.backward(outputGradient: g, needsInputGradient: true)
        let dFloat = try float.backward(outputGradient: g.converted(), needsInputGradient: true)
        for (mine, reference) in zip(dFloat.parameters + [dFloat.input], dExpected.parameters + [dExpected.input]) {
            let scale = max(1, reference.elements.map(abs).max() ?? 0)
            for (a, b) in zip(mine.elements, reference.elements) { #expect(abs(Double(a) - b) < 1e-5 * scale) }
        }
    }

    /// A NaN in a gate's sum is not hidden by the Float kernels' clamping: the state is NaN.
    @Test(arguments: ["LSTM", "GRU"])
    func aNaNReachesTheStateInTheFloatKernel(kind: String) throws {
        var random = SeededGenerator(seed: 6)
        var layer: any Layer<Float> =
            kind == "LSTM"
            ? try LSTM<Float>(inputs: 1, hidden: 9, length: 2, using: &random) : try GRU<Float>(inputs: 1, hidden: 9, length: 2, using: &random)
        let states = try layer.forward(Matrix(rows: 2, columns: 2, elements: [.nan, 1, 0.5, 1]), mode: .training, using: &random)
        #expect(states.rowArray(0).allSatisfy { $0.isNaN })
        #expect(states.rowArray(1).allSatisfy { $0.isFinite })
    }
}
