import Numerics
import Testing

@testable import Teach

/// `E = Σ y ⊙ R`: a loss whose gradient with respect to the output `y` is `R`.
private func weightedSum(_ y: Matrix<Double>, _ r: Matrix<Double>) -> Double {
    zip(y.elements, r.elements).reduce(0) { $0 + $1.0 * $1.1 }
}

@Suite struct BatchNormTests {
    func setup() throws -> (BatchNorm<Double>, Matrix<Double>, Matrix<Double>) {
        var random = SeededGenerator(seed: 21)
        var norm = try BatchNorm<Double>(features: 3)
        norm.scale = Matrix.uniform(rows: 1, columns: 3, in: 0.5..<2, using: &random)
        norm.shift = Matrix.uniform(rows: 1, columns: 3, in: -1..<1, using: &random)
        let x = Matrix<Double>.gaussian(rows: 5, columns: 3, standardDeviation: 2, using: &random).map { $0 + 1 }
        let r = Matrix<Double>.uniform(rows: 5, columns: 3, in: -1..<1, using: &random)
        return (norm, x, r)
    }

    @Test func trainingOutputHasZeroMeanUnitVarianceBeforeScaleAndShift() throws {
        var norm = try BatchNorm<Double>(features: 3)
        var random = SeededGenerator(seed: 2)
        let x = Matrix<Double>.gaussian(rows: 64, columns: 3, standardDeviation: 5, using: &random).map { $0 + 3 }
        let y = try norm.forwardTrace(x, mode: .training).output
        for c in 0..<3 {
            let column: [Double] = y.columnArray(c)
            let mean: Double = column.reduce(0, +) / 64
            let variance: Double = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 64
            #expect(abs(mean) < 1e-12)
            // divided by √(σ² + ε), so a hair under 1
            #expect(variance.isApproximatelyEqual(to: 1, absoluteTolerance: 1e-5))
            #expect(variance < 1)
        }
    }

    @Test func backwardMatchesCentralDifferences() throws {
        let (norm, x, r) = try setup()
        var copy = norm
        let trace = try copy.forwardTrace(x, mode: .training)
        let backward = try norm.backward(trace, outputGradient: r)
        let epsilon = 1e-6
        func loss(_ layer: BatchNorm<Double>, _ input: Matrix<Double>) throws -> Double {
            var layer = layer
            return weightedSum(try layer.forwardTrace(input, mode: .training).output, r)
        }
        for i in 0..<x.rows {
            for j in 0..<x.columns {
                var plus = x, minus = x
                plus[i, j] += epsilon
                minus[i, j] -= epsilon
                let numeric = (try loss(norm, plus) - loss(norm, minus)) / (2 * epsilon)
                #expect(backward.inputGradient[i, j].isApproximatelyEqual(to: numeric, absoluteTolerance: 1e-7), "∂E/∂x[\(i), \(j)]")
            }
        }
        for j in 0..<3 {
            var plus = norm, minus = norm
            plus.scale[0, j] += epsilon
            minus.scale[0, j] -= epsilon
            let numericScale = (try loss(plus, x) - loss(minus, x)) / (2 * epsilon)
            #expect(backward.scale[0, j].isApproximatelyEqual(to: numericScale, absoluteTolerance: 1e-7), "∂E/∂γ[\(j)]")
            plus = norm
            minus = norm
            plus.shift[0, j] += epsilon
            minus.shift[0, j] -= epsilon
            let numericShift = (try loss(plus, x) - loss(minus, x)) / (2 * epsilon)
            #expect(backward.shift[0, j].isApproximatelyEqual(to: numericShift, absoluteTolerance: 1e-7), "∂E/∂β[\(j)]")
        }
    }

    @Test func inferenceBackwardMatchesCentralDifferences() throws {
        var (norm, x, r) = try setup()
        norm.runningMean = try Matrix([[0.5, -1, 2]])
        norm.runningVariance = try Matrix([[4, 0.25, 1]])
        var copy = norm
        let trace = try copy.forwardTrace(x, mode: .inference)
        #expect(copy == norm)  // inference does not touch the running averages
        let backward = try norm.backward(trace, outputGradient: r)
        var plus = x, minus = x
        plus[2, 1] += 1e-6
        minus[2, 1] -= 1e-6
        var a = norm, b = norm
        let numeric = (weightedSum(try a.forwardTrace(plus, mode: .inference).output, r)
            - weightedSum(try b.forwardTrace(minus, mode: .inference).output, r)) / 2e-6
        #expect(backward.inputGradient[2, 1].isApproximatelyEqual(to: numeric, absoluteTolerance: 1e-7))
        // inference output is γ(x − running mean)/√(running var + ε) + β
        let expected = norm.scale[0, 0] * (x[0, 0] - 0.5) / (4 + 1e-5).squareRoot() + norm.shift[0, 0]
        #expect(trace.output[0, 0].isApproximatelyEqual(to: expected, absoluteTolerance: 1e-12))
    }

    @Test func runningStatisticsAfterOneStepAsPyTorch() throws {
        var norm = try BatchNorm<Double>(features: 2)
        let x = try Matrix<Double>([[1, 10], [2, 20], [3, 30], [6, 60]])
        _ = try norm.forwardTrace(x, mode: .training)
        // means 3 and 30; unbiased variances (4 + 1 + 0 + 9)/3 = 14/3 and 1400/3
        // running = 0.9·initial + 0.1·batch, initial mean 0 and variance 1
        #expect(norm.runningMean[0, 0].isApproximatelyEqual(to: 0.3, absoluteTolerance: 1e-12))
        #expect(norm.runningMean[0, 1].isApproximatelyEqual(to: 3, absoluteTolerance: 1e-12))
        #expect(norm.runningVariance[0, 0].isApproximatelyEqual(to: 0.9 + 0.1 * 14 / 3, absoluteTolerance: 1e-12))
        #expect(norm.runningVariance[0, 1].isApproximatelyEqual(to: 0.9 + 0.1 * 1400 / 3, absoluteTolerance: 1e-10))
    }

    @Test func badInputsAreErrors() throws {
        var norm = try BatchNorm<Double>(features: 3)
        #expect(throws: ShapeError.self) { try norm.forwardTrace(Matrix(rows: 4, columns: 2), mode: .training) }
        #expect(throws: ShapeError.self) { try norm.forwardTrace(Matrix(rows: 1, columns: 3), mode: .training) }
        #expect(throws: InvalidArgument.self) { try BatchNorm<Double>(features: 0) }
        #expect(throws: InvalidArgument.self) { try BatchNorm<Double>(features: 2, momentum: 1.5) }
    }
}

@Suite struct DropoutTests {
    @Test func invertedDropoutKeepsTheExpectedActivation() throws {
        let dropout = try Dropout<Double>(rate: 0.3)
        var random = SeededGenerator(seed: 5)
        let x = Matrix<Double>(rows: 200, columns: 500, repeating: 2)
        let (output, mask) = try dropout.forwardKeepingMask(x, mode: .training, using: &random)
        let kept = output.elements.filter { $0 != 0 }
        // kept units are scaled by 1/(1 − 0.3)
        #expect(kept.allSatisfy { $0.isApproximatelyEqual(to: 2 / 0.7, absoluteTolerance: 1e-12) })
        let dropped = 1 - Double(kept.count) / Double(output.count)
        #expect(abs(dropped - 0.3) < 0.005)
        // the mean output stays 2 (within sampling error: 100,000 units)
        #expect(abs(output.mean() - 2) < 0.02)
        // backward passes the gradient only through kept units, with the same scale
        let gradient = try dropout.backward(mask: mask, outputGradient: Matrix(rows: 200, columns: 500, repeating: 1))
        #expect(gradient == mask)
    }

    @Test func inferenceIsTheIdentity() throws {
        var random = SeededGenerator(seed: 5)
        let x = Matrix<Double>.gaussian(rows: 4, columns: 6, using: &random)
        let (output, mask) = try Dropout<Double>(rate: 0.5).forwardKeepingMask(x, mode: .inference, using: &random)
        #expect(output == x)
        #expect(mask == nil)
        // the original (not inverted) form scales at inference instead
        let (scaled, _) = try Dropout<Double>(rate: 0.5, inverted: false).forwardKeepingMask(x, mode: .inference, using: &random)
        let half = x * 0.5
        #expect(scaled == half)
        let (training, _) = try Dropout<Double>(rate: 0.5, inverted: false).forwardKeepingMask(x, mode: .training, using: &random)
        #expect(training.elements.allSatisfy { $0 == 0 || x.elements.contains($0) })
    }

    @Test func rateOutsideTheRangeIsAnError() {
        #expect(throws: InvalidArgument.self) { try Dropout<Double>(rate: 1) }
        #expect(throws: InvalidArgument.self) { try Dropout<Double>(rate: -0.1) }
    }
}

@Suite struct PenaltyAndClippingTests {
    @Test func penaltiesAndTheirGradients() throws {
        let w = try Matrix<Double>([[0.5, -2], [0, 1]])
        #expect(Penalty.l2(0.1).value(w) == 0.05 * (0.25 + 4 + 0 + 1))
        #expect(Penalty.l1(0.1).value(w).isApproximatelyEqual(to: 0.35, absoluteTolerance: 1e-15))
        var g = Matrix<Double>(rows: 2, columns: 2, repeating: 1)
        try Penalty.l2(0.1).addGradient(of: w, to: &g)
        #expect(g == (try Matrix([[1.05, 0.8], [1, 1.1]])))
        g = Matrix(rows: 2, columns: 2, repeating: 1)
        try Penalty.l1(0.1).addGradient(of: w, to: &g)
        #expect(g == (try Matrix([[1.1, 0.9], [1, 1.1]])))
        // against central differences of the penalty itself
        for penalty in [Penalty.l2(0.3), .l1(0.3)] {
            var gradient = Matrix<Double>(rows: 2, columns: 2)
            try penalty.addGradient(of: w, to: &gradient)
            var plus = w, minus = w
            plus[0, 1] += 1e-6
            minus[0, 1] -= 1e-6
            let numeric = (penalty.value(plus) - penalty.value(minus)) / 2e-6
            #expect(gradient[0, 1].isApproximatelyEqual(to: numeric, absoluteTolerance: 1e-8), "\(penalty)")
        }
    }

    @Test func clippingLeavesSmallGradientsAndScalesLargeOnesToTheMaxNorm() throws {
        var small = [try Matrix<Double>([[0.3, 0.4]]), Matrix<Double>(row: [0])]
        let before = small
        let smallNorm = try clipByGlobalNorm(&small, maxNorm: 1)
        #expect(smallNorm.isApproximatelyEqual(to: 0.5, absoluteTolerance: 1e-15))
        #expect(small == before)
        var large = [try Matrix<Double>([[3, 4]]), Matrix<Double>(row: [12])]  // norm 13
        let norm = try clipByGlobalNorm(&large, maxNorm: 2)
        #expect(norm == 13)
        let clipped = large.flatMap(\.elements)
        let clippedNorm = clipped.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(globalNorm(large) == clippedNorm)  // one running sum, as written out here
        // torch: coefficient max_norm / (norm + 1e-6)
        #expect(clippedNorm.isApproximatelyEqual(to: 2 * 13 / (13 + 1e-6), absoluteTolerance: 1e-12))
        #expect(clippedNorm.isApproximatelyEqual(to: 2, absoluteTolerance: 1e-6))
        #expect(clipped[0] / clipped[1] == 0.75)  // the direction is kept
        #expect(throws: InvalidArgument.self) { try clipByGlobalNorm(&large, maxNorm: 0) }
    }

    @Test func theGlobalNormTakesEveryMatrixAsOneVector() throws {
        let matrices = [try Matrix<Float>([[3, 4]]), Matrix<Float>(row: [12]), Matrix<Float>(rows: 0, columns: 3)]
        #expect(globalNorm(matrices) == 13)
        #expect(globalNorm([Matrix<Double>]()) == 0)
        #expect(matrices[0].norm() == 5)
        #expect(matrices[1].sumOfSquares(addingTo: 25) == 169)
    }
}

@Suite struct AugmentationTests {
    // a 3×2 image (width 3, height 2): pixels 1 2 3 / 4 5 6
    let image = Matrix<Double>(row: [1, 2, 3, 4, 5, 6])

    @Test func flipMirrorsEachRow() throws {
        #expect(try Augmentation.flippedHorizontally(image, width: 3, height: 2) == Matrix(row: [3, 2, 1, 6, 5, 4]))
    }

    @Test func shiftMovesAndFills() throws {
        #expect(try Augmentation.shifted(image, width: 3, height: 2, right: 1, down: 0) == Matrix(row: [0, 1, 2, 0, 4, 5]))
        #expect(try Augmentation.shifted(image, width: 3, height: 2, right: 0, down: -1) == Matrix(row: [4, 5, 6, 0, 0, 0]))
        #expect(try Augmentation.shifted(image, width: 3, height: 2, right: -1, down: 1, fill: 9) == Matrix(row: [9, 9, 9, 2, 3, 9]))
    }

    @Test func randomAugmentationKeepsPixelsAndIsSeeded() throws {
        var a = SeededGenerator(seed: 8), b = SeededGenerator(seed: 8)
        let batch = Matrix<Double>(rows: 20, columns: 6) { r, c in Double(r * 6 + c) }
        let one = try Augmentation.randomFlipAndShift(batch, width: 3, height: 2, maxShift: 0, using: &a)
        let two = try Augmentation.randomFlipAndShift(batch, width: 3, height: 2, maxShift: 0, using: &b)
        #expect(one == two)
        // with no shift every image is itself or its mirror
        for r in 0..<20 {
            let row = one.row(r), original = batch.row(r)
            let mirror = try Augmentation.flippedHorizontally(original, width: 3, height: 2)
            #expect(row == original || row == mirror)
        }
        #expect(throws: ShapeError.self) { try Augmentation.flippedHorizontally(batch, width: 4, height: 2) }
    }
}

@Suite struct ModelTests {
    @Test func modelGradientsMatchCentralDifferencesThroughBatchNorm() throws {
        var random = SeededGenerator(seed: 31)
        let model = try Model<Double>([
            Dense(inputs: 3, units: 4, activation: .identity, initializer: .xavier, using: &random),
            BatchNorm(features: 4), ActivationLayer(.tanh),
            Dense(inputs: 4, units: 2, activation: .sigmoid, initializer: .xavier, using: &random),
        ])
        let x = Matrix<Double>.gaussian(rows: 6, columns: 3, using: &random)
        let y = Matrix<Double>.uniform(rows: 6, columns: 2, in: 0..<1, using: &random)
        let worst = try worstModelGradientError(model, inputs: x, targets: y, loss: .halfSquaredError, penalty: .l2(0.01))
        #expect(worst < 1e-7)
    }

    @Test func modelsCheckTheirWidths() throws {
        var random = SeededGenerator(seed: 1)
        let dense = try Dense<Double>(inputs: 3, units: 4, activation: .relu, initializer: .he, using: &random)
        #expect(throws: ShapeError.self) { try Model([dense, BatchNorm(features: 5)]) }
        #expect(throws: InvalidArgument.self) { try Model<Double>([Dropout(rate: 0.5)]) }
        let model = try Model([dense, Dropout(rate: 0.5), BatchNorm(features: 4)])
        #expect(model.parameterCount == 16 + 8)
    }
}

@Suite struct ModelTrainingTests {
    func setup() throws -> (Model<Double>, Matrix<Double>, Matrix<Double>) {
        var random = SeededGenerator(seed: 41)
        let model = Model(try Network<Double>(sizes: [2, 8, 1], hidden: .tanh, output: .sigmoid, using: &random))
        let x = Matrix<Double>.gaussian(rows: 16, columns: 2, using: &random)
        let y = x.rowSums().map { $0 > 0 ? 1 : 0 }
        return (model, x, y)
    }

    func distance(_ a: Model<Double>, _ b: Model<Double>) -> Double {
        zip(a.parameters, b.parameters).reduce(0.0) { total, pair in
            total + zip(pair.0.elements, pair.1.elements).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }.squareRoot()
    }

    @Test func clippingCapsEverySGDStep() throws {
        let (start, x, y) = try setup()
        var model = start
        var optimizer = try Optimizer<Double>.sgd(learningRate: 10)
        var random = SeededGenerator(seed: 1)
        var options = TrainingOptions<Double>(epochs: 1, batchSize: 16, clipNorm: 0.01)
        var norms: [Double?] = []
        options.afterBatch = { norms.append($0.gradientNorm) }
        try model.train(inputs: x, targets: y, options: options, optimizer: &optimizer, using: &random)
        // one update of at most lr · maxNorm
        #expect(distance(model, start) <= 10 * 0.01 * (1 + 1e-9))
        #expect(distance(model, start) > 10 * 0.01 * 0.99)
        // the batch reports the norm before clipping: that of the gradient at the start
        var probe = start
        var unused = SeededGenerator(seed: 2)
        let gradients = try probe.backpropagate(x, targets: y, loss: .halfSquaredError, using: &unused).gradients
        let norm = gradients.reduce(0.0) { $0 + $1.elements.reduce(0) { $0 + $1 * $1 } }.squareRoot()
        #expect(norms.count == 1)
        #expect(abs((norms[0] ?? 0) - norm) <= 1e-12 * norm && norm > 0.01)
    }

    @Test func withoutClippingNoNormIsReported() throws {
        let (start, x, y) = try setup()
        var model = start
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.1)
        var random = SeededGenerator(seed: 1)
        var options = TrainingOptions<Double>(epochs: 1, batchSize: 8)
        var norms: [Double?] = []
        options.afterBatch = { norms.append($0.gradientNorm) }
        try model.train(inputs: x, targets: y, options: options, optimizer: &optimizer, using: &random)
        #expect(norms == [nil, nil])
    }

    @Test func augmentationSeesEveryBatchAndValidationIsRecorded() throws {
        let (start, x, y) = try setup()
        var model = start
        var optimizer = try Optimizer<Double>.adam(learningRate: 0.01)
        var random = SeededGenerator(seed: 1)
        var batches = 0
        var options = TrainingOptions<Double>(epochs: 2, batchSize: 5, validation: (x, y))
        options.augment = { batch, _ in
            batches += 1
            return batch
        }
        let history = try model.train(inputs: x, targets: y, options: options, optimizer: &optimizer, using: &random)
        #expect(batches == 8)  // ⌈16/5⌉ = 4 batches per epoch
        #expect(history.count == 3)
        // validation on the training data itself gives the training loss
        #expect(history.allSatisfy { $0.validationLoss == $0.loss })
    }

    @Test func dropoutOnlyActsInTraining() throws {
        var random = SeededGenerator(seed: 2)
        let dense = try Dense<Double>(inputs: 4, units: 4, activation: .identity, initializer: .xavier, using: &random)
        var model = try Model<Double>([dense, Dropout(rate: 0.5)])
        let x = Matrix<Double>.gaussian(rows: 3, columns: 4, using: &random)
        #expect(try model.predict(x) == dense.forward(x))
        let training = try model.forward(x, mode: .training, using: &random)
        #expect(training.elements.contains(0))
    }

    @Test func networkTrainEqualsModelTrainWithSGD() throws {
        var random = SeededGenerator(seed: 4)
        var network = try Network<Double>(sizes: [2, 5, 1], hidden: .relu, output: .sigmoid, using: &random)
        var model = Model(network)
        let x = Matrix<Double>.gaussian(rows: 10, columns: 2, using: &random)
        let y = x.rowSums().map { $0 > 0 ? 1 : 0 }
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let one = try network.train(inputs: x, targets: y, learningRate: 0.5, batchSize: 3, epochs: 4, using: &a)
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.5)
        let two = try model.train(inputs: x, targets: y, options: TrainingOptions(epochs: 4, batchSize: 3), optimizer: &optimizer, using: &b)
        #expect(one.map(\.loss) == two.map(\.loss))
        #expect(Model(network) == model)
    }

    @Test func divergenceIsReportedNotCrashed() throws {
        let (start, x, y) = try setup()
        var model = start
        var optimizer = try Optimizer<Double>.sgd(learningRate: 1e300)
        var random = SeededGenerator(seed: 1)
        let y2 = y.map { $0 * 1e200 }
        #expect(throws: TrainingDiverged.self) {
            try model.train(inputs: x, targets: y2, options: TrainingOptions(epochs: 3, batchSize: 4), optimizer: &optimizer, using: &random)
        }
    }
}

@Suite struct CrossEntropyTests {
    @Test func valueAndGradientByHand() throws {
        let p = try Matrix<Double>([[0.7, 0.2, 0.1], [0.25, 0.25, 0.5]])
        let t = try Matrix<Double>([[1, 0, 0], [0, 0, 1]])
        let expected = -(Double.log(0.7) + Double.log(0.5)) / 2
        #expect(try Loss.crossEntropy.value(p, t).isApproximatelyEqual(to: expected, absoluteTolerance: 1e-15))
        let g = try Loss.crossEntropy.gradient(p, t)
        #expect(g[0, 0].isApproximatelyEqual(to: -1 / (2 * 0.7), absoluteTolerance: 1e-15))
        #expect(g[0, 1] == 0)
        // a probability of exactly 0 on the true class is a large but finite loss
        #expect(try Loss.crossEntropy.value(Matrix([[0.0, 1]]), Matrix([[1.0, 0]])).isFinite)
    }

    @Test func softmaxWithCrossEntropyMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 17)
        let model = try Model<Double>([
            Dense(inputs: 4, units: 5, activation: .tanh, initializer: .xavier, using: &random),
            Dense(inputs: 5, units: 3, activation: .identity, initializer: .xavier, using: &random), Softmax(),
        ])
        let x = Matrix<Double>.gaussian(rows: 6, columns: 4, using: &random)
        let y = Matrix<Double>(rows: 6, columns: 3) { r, c in r % 3 == c ? 1 : 0 }
        let worst = try worstModelGradientError(model, inputs: x, targets: y, loss: .crossEntropy)
        #expect(worst < 1e-8)
    }
}
