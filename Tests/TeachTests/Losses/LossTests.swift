import Numerics
import Testing

@testable import Teach

/// PyTorch's losses: values against small cases worked by hand (the comments say how; the
/// decimals were checked with Python's `math`), gradients against central differences.
@Suite struct PyTorchLossTests {
    func expectClose(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-14, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.isApproximatelyEqual(to: expected, absoluteTolerance: tolerance), "\(actual) vs \(expected)", sourceLocation: sourceLocation)
    }

    func expectClose(_ actual: Matrix<Double>, _ expected: [Double], _ tolerance: Double = 1e-14, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual.elements, expected) { expectClose(a, e, tolerance, sourceLocation: sourceLocation) }
    }

    /// Every element of `loss.gradient` against `(E(ŷ + e) − E(ŷ − e)) / 2e` with `e = 10⁻⁵`.
    func expectGradientMatchesCentralDifferences(
        _ loss: Loss, _ outputs: Matrix<Double>, _ targets: Matrix<Double>, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let gradient = try loss.gradient(outputs, targets), e = 1e-5
        for index in 0..<outputs.count {
            var plus = outputs.elements, minus = outputs.elements
            plus[index] += e
            minus[index] -= e
            let numeric = try (loss.value(Matrix(rows: outputs.rows, columns: outputs.columns, elements: plus), targets)
                - loss.value(Matrix(rows: outputs.rows, columns: outputs.columns, elements: minus), targets)) / (2 * e)
            #expect(
                gradient.elements[index].isApproximatelyEqual(to: numeric, absoluteTolerance: 1e-8),
                "\(loss), element \(index): \(gradient.elements[index]) vs \(numeric)", sourceLocation: sourceLocation)
        }
    }

    // MARK: mean squared error

    @Test func meanSquaredErrorAveragesOverEveryElement() throws {
        let outputs = try Matrix<Double>([[1, 2, 3], [0, -1, 0.5]]), targets = try Matrix<Double>([[0, 2, 1], [1, -1, 0]])
        // ŷ − y = [1, 0, 2; −1, 0, 0.5], squares sum to 1 + 0 + 4 + 1 + 0 + 0.25 = 6.25, over N = 6 elements
        expectClose(try Loss.meanSquaredError.value(outputs, targets), 6.25 / 6)
        // the half squared error of the same: 6.25 / (2 · 2 records) = 1.5625, a factor 2/k = 2/3 from the MSE
        expectClose(try Loss.halfSquaredError.value(outputs, targets), 1.5625)
        // 2(ŷ − y)/6
        expectClose(try Loss.meanSquaredError.gradient(outputs, targets), [1.0 / 3, 0, 2.0 / 3, -1.0 / 3, 0, 1.0 / 6])
        try expectGradientMatchesCentralDifferences(.meanSquaredError, outputs, targets)
        #expect(throws: ShapeError.self) { try Loss.meanSquaredError.value(outputs, Matrix<Double>(rows: 2, columns: 2)) }
    }

    // MARK: binary cross-entropy

    @Test func binaryCrossEntropyOfProbabilities() throws {
        let p = try Matrix<Double>([[0.9, 0.2], [0.6, 0.5]]), y = try Matrix<Double>([[1, 0], [0, 1]])
        // −log 0.9 − log 0.8 − log 0.4 − log 0.5 = 0.105360516 + 0.223143551 + 0.916290732 + 0.693147181 = 1.937941979, over 4
        expectClose(try Loss.binaryCrossEntropy.value(p, y), 0.484485494851534)
        // (p − y) / (p (1 − p)) / 4: −0.1/0.09/4, 0.2/0.16/4, 0.6/0.24/4, −0.5/0.25/4
        expectClose(try Loss.binaryCrossEntropy.gradient(p, y), [-0.1 / 0.09 / 4, 0.3125, 0.625, -0.5])
        try expectGradientMatchesCentralDifferences(.binaryCrossEntropy, p, y)
        try expectGradientMatchesCentralDifferences(.binaryCrossEntropy, p, try Matrix([[0.3, 0.7], [1, 0.25]]))  // soft targets
    }

    @Test func binaryCrossEntropyClampsItsLogarithmsAtZeroAndOne() throws {
        // p = 0 with y = 1: log 0 = −∞ clamped to −100, a loss of 100; p = 1 with y = 1: 0. Mean 50, as PyTorch.
        let p = Matrix<Double>(row: [0, 1, 0, 1]), y = Matrix<Double>(row: [1, 1, 0, 0])
        #expect(try Loss.binaryCrossEntropy.value(Matrix<Double>(row: [0]), Matrix(row: [1])) == 100)
        // all four: 100 + 0 + 0 + 100 (p = 1 with y = 0: log(1 − 1) clamped to −100), over 4
        #expect(try Loss.binaryCrossEntropy.value(p, y) == 50)
        // the gradient's denominator p(1 − p) = 0 is clamped at 10⁻¹²: (p − y)·10¹²/4, finite
        #expect(try Loss.binaryCrossEntropy.gradient(p, y).elements == [-0.25 / 1e-12, 0, 0, 0.25 / 1e-12])
        let float = try Loss.binaryCrossEntropy.gradient(Matrix<Float>(row: [0, 1]), Matrix<Float>(row: [1, 0]))
        #expect(float.elements.allSatisfy { $0.isFinite })
    }

    @Test func binaryCrossEntropyRefusesOutputsThatAreNotProbabilities() throws {
        let error = #expect(throws: InvalidArgument.self) {
            try Loss.binaryCrossEntropy.value(try Matrix<Double>([[0.5, 0.5], [1.5, 0.5]]), Matrix(rows: 2, columns: 2))
        }
        #expect(error?.description.contains("output 1.5 in row 1, column 0") == true, "\(error?.description ?? "")")
        #expect(throws: InvalidArgument.self) { try Loss.binaryCrossEntropy.gradient(Matrix<Double>(row: [-0.1]), Matrix(row: [0])) }
        #expect(throws: InvalidArgument.self) { try Loss.binaryCrossEntropy.value(Matrix<Double>(row: [.nan]), Matrix(row: [0])) }
    }

    @Test func binaryCrossEntropyWithLogits() throws {
        let z = try Matrix<Double>([[2, -1], [0, 3]]), y = try Matrix<Double>([[1, 0], [1, 0]])
        // max(z, 0) − z y + log(1 + e^−|z|): 2 − 2 + log(1 + e⁻²) = 0.126928011, 0 + log(1 + e⁻¹) = 0.313261688,
        // log 2 = 0.693147181, 3 + log(1 + e⁻³) = 3.048587352; sum 4.181924231, over 4
        expectClose(try Loss.binaryCrossEntropyWithLogits.value(z, y), 1.0454810576737206)
        let sigmoid = Activation.sigmoid(z)
        expectClose(try Loss.binaryCrossEntropyWithLogits.gradient(z, y), zip(sigmoid.elements, y.elements).map { ($0 - $1) / 4 })
        try expectGradientMatchesCentralDifferences(.binaryCrossEntropyWithLogits, z, y)
        // the same as the probability version on σ(z), value and gradient through the sigmoid
        expectClose(try Loss.binaryCrossEntropyWithLogits.value(z, y), try Loss.binaryCrossEntropy.value(sigmoid, y), 1e-14)
        let throughSigmoid = try Activation.sigmoid.gradient(try Loss.binaryCrossEntropy.gradient(sigmoid, y), at: z)
        expectClose(try Loss.binaryCrossEntropyWithLogits.gradient(z, y), throughSigmoid.elements, 1e-14)
        // stable where σ(z) rounds to 0 or 1: the loss of z = −800 with y = 1 is 800, not the clamped 100
        #expect(try Loss.binaryCrossEntropyWithLogits.value(Matrix<Double>(row: [-800]), Matrix(row: [1])) == 800)
        #expect(try Loss.binaryCrossEntropy.value(Activation.sigmoid(Matrix<Double>(row: [-800])), Matrix(row: [1])) == 100)
    }

    // MARK: cross-entropy of logits against class indices

    /// Three positions of three classes; the middle one is padding (target −100).
    let logits = try! Matrix<Double>([[1, 2, 3], [0, 0, 0], [2, -1, 0.5]])
    let tokens = Matrix<Double>(column: [2, -100, 0])

    @Test func tokenCrossEntropyAveragesOverTheRowsThatAreNotIgnored() throws {
        let loss = Loss.crossEntropyWithLogits()
        // row 0: log(e¹ + e² + e³) = 3 + log(1 + e⁻¹ + e⁻²) = 3.407605964, minus z₂ = 3: 0.407605964
        // row 2: log(e² + e⁻¹ + e^0.5) = 2 + log(1 + e⁻³ + e^−1.5) = 2.241311297, minus z₀ = 2: 0.241311297
        // mean over the 2 rows that count: 0.324458631
        expectClose(try loss.value(logits, tokens), 0.32445863055076885)
        // (softmax − onehot)/2; softmax row 0 = (0.090030573, 0.244728471, 0.665240956), row 2 = (0.785597035, 0.039112573, 0.175290392)
        expectClose(
            try loss.gradient(logits, tokens),
            [
                0.09003057317038043 / 2, 0.24472847105479759 / 2, (0.6652409557748217 - 1) / 2,
                0, 0, 0,
                (0.7855970345892758 - 1) / 2, 0.03911257327068745 / 2, 0.1752903921400367 / 2,
            ])
        try expectGradientMatchesCentralDifferences(loss, logits, tokens)
    }

    /// The same three positions as one sequence, `1×(3·3)` logits and `1×3` targets, or split as
    /// a batch of sequences: every position counts once, as in the `N×C` form.
    @Test func tokenCrossEntropyOverEveryPositionOfASequence() throws {
        let loss = Loss.crossEntropyWithLogits()
        let sequence = try logits.reshaped(rows: 1, columns: 9), targets = try tokens.reshaped(rows: 1, columns: 3)
        #expect(try loss.value(sequence, targets) == (try loss.value(logits, tokens)))
        #expect(try loss.gradient(sequence, targets) == (try loss.gradient(logits, tokens).reshaped(rows: 1, columns: 9)))
        let three = try Matrix<Double>([[1, 2, 3, 0, 0, 0], [2, -1, 0.5, 1, 1, 1]]), threeTargets = try Matrix<Double>([[2, -100], [0, 1]])
        let asRows = try Matrix<Double>([[1, 2, 3], [0, 0, 0], [2, -1, 0.5], [1, 1, 1]])
        #expect(try loss.value(three, threeTargets) == (try loss.value(asRows, Matrix(column: [2, -100, 0, 1]))))
        #expect(throws: InvalidArgument.self) { try loss.value(sequence, Matrix(row: [2, 3, 0])) }
        #expect(throws: ShapeError.self) { try loss.value(sequence, Matrix(row: [2, 1])) }
    }

    @Test func tokenCrossEntropyIsSoftmaxThenCrossEntropyOnTheRowsKept() throws {
        // the kept rows, 0 and 2, with one-hot targets, through the probability version
        let kept = try logits.gatherRows([0, 2])
        let probabilities = Softmax.forward(kept), oneHot = try Matrix<Double>([[0, 0, 1], [1, 0, 0]])
        expectClose(try Loss.crossEntropyWithLogits().value(logits, tokens), try Loss.crossEntropy.value(probabilities, oneHot), 1e-14)
        let throughSoftmax = try Softmax.backward(output: probabilities, outputGradient: try Loss.crossEntropy.gradient(probabilities, oneHot))
        let gradient = try Loss.crossEntropyWithLogits().gradient(logits, tokens)
        expectClose(try gradient.gatherRows([0, 2]), throughSoftmax.elements, 1e-14)
    }

    @Test func theIgnoreIndexCanBeAnyNumberAndAllIgnoredIsNaN() throws {
        // ignore class 0 instead: rows 0 and 1 count (row 1's target −100 is now an error, so use 1)
        let targets = Matrix<Double>(column: [2, 1, 0])
        let loss = Loss.crossEntropyWithLogits(ignoreIndex: 0)
        // row 1: log(3 e⁰) − 0 = log 3 = 1.098612289; mean with row 0's 0.407605964
        expectClose(try loss.value(logits, targets), (0.4076059644443806 + 1.0986122886681098) / 2)
        #expect(try loss.gradient(logits, targets).row(2) == Matrix(rows: 1, columns: 3))
        #expect(loss.description == "cross-entropy with logits (ignore index 0)")
        // every row ignored: the mean of nothing, 0/0, as PyTorch; no gradient
        let padding = Matrix<Double>(column: [-100, -100, -100])
        #expect(try Loss.crossEntropyWithLogits().value(logits, padding).isNaN)
        #expect(try Loss.crossEntropyWithLogits().gradient(logits, padding) == Matrix(rows: 3, columns: 3))
    }

    @Test func tokenCrossEntropyIsStableForLargeLogitsAndWorksInFloat() throws {
        // log(e¹⁰⁰⁰ + e⁰) − 0 = 1000 + log(1 + e⁻¹⁰⁰⁰) = 1000, though e¹⁰⁰⁰ overflows
        #expect(try Loss.crossEntropyWithLogits().value(Matrix<Double>(row: [1000, 0]), Matrix(row: [1])) == 1000)
        let float = try Loss.crossEntropyWithLogits().value(Matrix<Float>(rows: 3, columns: 3, elements: logits.elements.map(Float.init)), Matrix<Float>(column: [2, -100, 0]))
        #expect(Double(float).isApproximatelyEqual(to: 0.32445863055076885, absoluteTolerance: 1e-6))
    }

    @Test func badTargetsAndShapesAreErrorsNamingThem() throws {
        let loss = Loss.crossEntropyWithLogits()
        for (bad, text) in [(1.5, "1.5"), (3, "3.0"), (-1, "-1.0"), (.nan, "nan")] {
            let targets = Matrix<Double>(column: [0, bad, 1])
            let error = #expect(throws: InvalidArgument.self) { try loss.value(logits, targets) }
            #expect(
                error?.description.contains("target \(text) in row 1 is not a class index: expected a whole number from 0 to 2 (the outputs have C = 3 classes)") == true,
                "\(error?.description ?? "")")
            #expect(throws: InvalidArgument.self) { try loss.gradient(logits, targets) }
        }
        // N×C against N×1, not equal shapes
        #expect(throws: ShapeError.self) { try loss.value(logits, Matrix<Double>(rows: 3, columns: 3)) }
        #expect(throws: ShapeError.self) { try loss.value(logits, Matrix<Double>(column: [0, 1])) }
        #expect(throws: ShapeError.self) { try loss.gradient(Matrix<Double>(rows: 0, columns: 3), Matrix(rows: 0, columns: 1)) }
        // the element-wise losses still need equal shapes
        #expect(throws: ShapeError.self) { try Loss.binaryCrossEntropyWithLogits.value(logits, tokens) }
    }

    @Test func aModelTrainsOnClassIndices() throws {
        // a linear classifier of 2 points per class, 3 classes; the loss must fall
        var random = SeededGenerator(seed: 5)
        var model = try Model<Double>([Dense(inputs: 2, units: 3, activation: .identity, using: &random)])
        let inputs = try Matrix<Double>([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [-1, -1], [-0.9, -1]])
        let targets = Matrix<Double>(column: [0, 0, 1, 1, 2, 2])
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.5)
        let history = try model.train(inputs: inputs, targets: targets, options: TrainingOptions(epochs: 20, batchSize: 6, loss: .crossEntropyWithLogits()), optimizer: &optimizer, using: &random)
        #expect(history.last!.loss < history.first!.loss / 2)
    }

    @Test func descriptions() {
        let losses: [Loss] = [.meanSquaredError, .binaryCrossEntropy, .binaryCrossEntropyWithLogits, .crossEntropyWithLogits()]
        #expect(losses.map(\.description) == ["mean squared error", "binary cross-entropy", "binary cross-entropy with logits", "cross-entropy with logits"])
        #expect(Loss.crossEntropyWithLogits() == .crossEntropyWithLogits(ignoreIndex: -100))
    }

    /// Softmax cross-entropy from logits computes each row's softmax once for the value and the
    /// gradient, in two halves of the rows on both cores for a large batch. Against each row run
    /// alone (never split) and against the separate `value` and `gradient`, bit for bit: ignored
    /// rows count for nothing and get zeros; a batch of sequences (`B×(T·C)`) is the same numbers.
    @Test func softmaxCrossEntropysValueAndGradientAreEachRowsAlone() throws {
        let (rows, classes) = (600, 96)  // 57,600 logits: split over both cores
        var random = SeededGenerator(seed: 77)
        let logits = Matrix<Float>(rows: rows, columns: classes) { _, _ in Float(3 * random.gaussian()) }
        let targets = Matrix<Float>(rows: rows, columns: 1) { r, _ in r % 7 == 3 ? -100 : Float(random.integer(below: classes)) }
        let loss = Loss.crossEntropyWithLogits()
        let (value, gradient) = try loss.valueAndGradient(logits, targets)
        #expect(value.bitPattern == (try loss.value(logits, targets)).bitPattern)
        #expect(gradient == (try loss.gradient(logits, targets)))
        var sum: Float = 0
        var counted = 0
        for r in 0..<rows {
            let row = Matrix(rows: 1, columns: classes) { _, c in logits[r, c] }
            guard targets[r, 0] != -100 else {
                #expect((0..<classes).allSatisfy { gradient[r, $0] == 0 }, "ignored row \(r)")
                continue
            }
            let (rowValue, rowGradient) = try loss.valueAndGradient(row, Matrix(rows: 1, columns: 1, repeating: targets[r, 0]))
            sum += rowValue
            counted += 1
            // the row alone is scaled by 1, the batch by 1 / counted rows
            let scale = 1 / Float(rows - (0..<rows).count { $0 % 7 == 3 })
            #expect((0..<classes).allSatisfy { gradient[r, $0].bitPattern == (rowGradient[0, $0] * scale).bitPattern }, "row \(r)")
        }
        #expect(value.bitPattern == (sum / Float(counted)).bitPattern)
        // the same logits as 100 sequences of 6 positions
        let sequences = try logits.reshaped(rows: 100, columns: 6 * classes), next = try targets.reshaped(rows: 100, columns: 6)
        let (sequenceValue, sequenceGradient) = try loss.valueAndGradient(sequences, next)
        #expect(sequenceValue.bitPattern == value.bitPattern)
        #expect(sequenceGradient == (try gradient.reshaped(rows: 100, columns: 6 * classes)))
        // bad input: the errors of value and gradient
        let notAClass = #expect(throws: InvalidArgument.self) { try loss.valueAndGradient(logits, Matrix(rows: rows, columns: 1, repeating: 96)) }
        #expect(notAClass?.description.contains("target 96.0 in row 0 is not a class index") == true, "\(notAClass?.description ?? "")")
        #expect(throws: ShapeError.self) { try loss.valueAndGradient(logits, Matrix<Float>(rows: rows - 1, columns: 1)) }
        #expect(throws: ShapeError.self) { try Loss.meanSquaredError.valueAndGradient(logits, Matrix<Float>(rows: rows, columns: 1)) }
    }
}
