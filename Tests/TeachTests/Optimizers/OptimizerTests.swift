import Foundation
import Numerics
import Testing

@testable import Teach

/// Each optimizer against numbers worked by hand from torch.optim's documented algorithms.
@Suite struct OptimizerTests {
    /// The fixed gradient sequence every test feeds a one-element parameter starting at 1.
    let gradients = [0.5, -0.2, 0.3, 0.1, -0.4]

    /// Runs `optimizer` over `steps` gradients (a one-element parameter starting at `start`).
    func path(_ optimizer: Optimizer<Double>, steps: Int, start: Double = 1) throws -> [Double] {
        var optimizer = optimizer
        var theta = Matrix<Double>(row: [start])
        var path: [Double] = []
        for g in gradients.prefix(steps) {
            try optimizer.update(&theta, gradient: Matrix(row: [g]), slot: 0)
            path.append(theta[0, 0])
        }
        return path
    }

    func expectPath(_ actual: [Double], _ expected: [Double], _ name: String) {
        #expect(actual.count == expected.count)
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            #expect(a.isApproximatelyEqual(to: e, absoluteTolerance: 1e-10), "\(name) step \(step + 1): \(a) vs \(e)")
        }
    }

    @Test func plainSGDSubtractsLearningRateTimesGradient() throws {
        // θ ← θ − 0.1 g: 1 − 0.05 = 0.95, + 0.02 = 0.97, − 0.03 = 0.94
        expectPath(try path(.sgd(learningRate: 0.1), steps: 3), [0.95, 0.97, 0.94], "SGD")
    }

    @Test func momentumKeepsAVelocity() throws {
        // b₁ = g₁ = 0.5; b₂ = 0.9·0.5 − 0.2 = 0.25; b₃ = 0.9·0.25 + 0.3 = 0.525; θ ← θ − 0.1 b
        expectPath(try path(.sgd(learningRate: 0.1, momentum: 0.9), steps: 3), [0.95, 0.925, 0.8725], "momentum")
    }

    @Test func nesterovStepsWithGradientPlusMomentumTimesVelocity() throws {
        // same b; step g + μ b: 0.5 + 0.45 = 0.95, −0.2 + 0.225 = 0.025, 0.3 + 0.4725 = 0.7725
        expectPath(
            try path(.sgd(learningRate: 0.1, momentum: 0.9, nesterov: true), steps: 3), [0.905, 0.9025, 0.82525], "Nesterov")
    }

    @Test func dampeningScalesNewGradientsAfterTheFirstStep() throws {
        // b₁ = g₁ = 0.5 (no dampening on the first step); b₂ = 0.9·0.5 + 0.5·(−0.2) = 0.35
        expectPath(try path(.sgd(learningRate: 0.1, momentum: 0.9, dampening: 0.5), steps: 2), [0.95, 0.915], "dampening")
    }

    @Test func weightDecayAddsLambdaTheta() throws {
        // g ← g + 0.1·θ: 0.5 + 0.1 = 0.6 → θ = 0.94; −0.2 + 0.094 = −0.106 → θ = 0.9506
        expectPath(try path(.sgd(learningRate: 0.1, weightDecay: 0.1), steps: 2), [0.94, 0.9506], "weight decay")
    }

    @Test func adagradDividesByTheRootOfSummedSquares() throws {
        // s₁ = 0.25 → θ = 1 − 0.1·0.5/(0.5 + 1e-10); s₂ = 0.29 → θ −= 0.1·(−0.2)/(√0.29 + 1e-10)
        let first = 1 - 0.1 * 0.5 / (0.5 + 1e-10)
        let second = first + 0.1 * 0.2 / (0.29.squareRoot() + 1e-10)
        expectPath(try path(.adagrad(learningRate: 0.1), steps: 2), [first, second], "Adagrad")
        // lr_decay: the second step uses 0.1 / (1 + 1·0.5)
        let decayed = first + 0.1 / 1.5 * 0.2 / (0.29.squareRoot() + 1e-10)
        expectPath(try path(.adagrad(learningRate: 0.1, learningRateDecay: 0.5), steps: 2), [first, decayed], "Adagrad lr_decay")
    }

    @Test func rmspropDividesByARunningAverage() throws {
        // v₁ = 0.01·0.25 = 0.0025 → step 0.5/(0.05 + 1e-8) ≈ 10; v₂ = 0.99·0.0025 + 0.01·0.04 = 0.002875
        let first = 1 - 0.01 * 0.5 / (0.0025.squareRoot() + 1e-8)
        let second = first + 0.01 * 0.2 / (0.002875.squareRoot() + 1e-8)
        expectPath(try path(.rmsprop(), steps: 2), [first, second], "RMSProp")
        // centred: ḡ₁ = 0.005, divide by √(0.0025 − 0.005²)
        let centred = 1 - 0.01 * 0.5 / ((0.0025 - 0.000025).squareRoot() + 1e-8)
        expectPath(try path(.rmsprop(centered: true), steps: 1), [centred], "centred RMSProp")
        // momentum 0.9: b₁ = step₁, b₂ = 0.9 b₁ + step₂
        let step1 = 0.5 / (0.0025.squareRoot() + 1e-8), step2 = -0.2 / (0.002875.squareRoot() + 1e-8)
        expectPath(
            try path(.rmsprop(momentum: 0.9), steps: 2), [1 - 0.01 * step1, 1 - 0.01 * step1 - 0.01 * (0.9 * step1 + step2)],
            "RMSProp momentum")
    }

    @Test func adadeltaFirstStepIsTinyWithDefaultEpsilon() throws {
        // v₁ = 0.1·0.25 = 0.025; Δ₁ = √(0 + 1e-6)/√(0.025 + 1e-6)·0.5 ≈ 0.00316; u₁ = 0.1·Δ₁²
        let delta1 = (1e-6).squareRoot() / (0.025 + 1e-6).squareRoot() * 0.5
        let u1 = 0.1 * delta1 * delta1
        let v2 = 0.9 * 0.025 + 0.1 * 0.04
        let delta2 = (u1 + 1e-6).squareRoot() / (v2 + 1e-6).squareRoot() * -0.2
        expectPath(try path(.adadelta(), steps: 2), [1 - delta1, 1 - delta1 - delta2], "Adadelta")
        #expect(abs(delta1 - 0.0031622) < 1e-6)
    }

    @Test func adamCorrectsTheBiasOfItsFirstSteps() throws {
        // Step 1: m = 0.1 g, v = 0.001 g²; m̂ = m / 0.1 = g, v̂ = v / 0.001 = g²: the step is lr·g/(|g| + ε) ≈ lr.
        let lr = 0.1
        let first = 1 - lr * 0.5 / (0.5 + 1e-8)
        var m = 0.0, v = 0.0, theta = 1.0
        var expected: [Double] = []
        for (index, g) in gradients.enumerated() {
            let t = Double(index + 1)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let mHat = m / (1 - pow(0.9, t)), vHat = v / (1 - pow(0.999, t))
            theta -= lr * mHat / (vHat.squareRoot() + 1e-8)
            expected.append(theta)
        }
        #expect(abs(expected[0] - first) < 1e-15)
        #expect(abs(expected[0] - 0.9) < 1e-7)
        expectPath(try path(.adam(learningRate: lr), steps: 5), expected, "Adam")
    }

    @Test func adamWithWeightDecayAddsItToTheGradient() throws {
        // g₁ = 0.5 + 0.01·1 = 0.51; the first step is still lr·g/(|g| + ε)
        expectPath(try path(.adam(learningRate: 0.1, weightDecay: 0.01), steps: 1), [1 - 0.1 * 0.51 / (0.51 + 1e-8)], "Adam decay")
    }

    @Test func slotsKeepSeparateStateAndStepCounts() throws {
        var optimizer = try Optimizer<Double>.adam(learningRate: 0.1)
        var a = Matrix<Double>(row: [1, 1]), b = Matrix<Double>(row: [1])
        try optimizer.update(&a, gradient: Matrix(row: [0.5, -0.5]), slot: 0)
        try optimizer.update(&a, gradient: Matrix(row: [0.5, -0.5]), slot: 0)
        try optimizer.update(&b, gradient: Matrix(row: [0.5]), slot: 1)
        #expect(optimizer.stepCount(slot: 0) == 2)
        #expect(optimizer.stepCount(slot: 1) == 1)
        // b's first step is bias-corrected on its own: exactly as a fresh optimizer's first step
        #expect(b[0, 0].isApproximatelyEqual(to: 1 - 0.1 * 0.5 / (0.5 + 1e-8), absoluteTolerance: 1e-15))
        #expect(a[0, 0] < 0.9 && a[0, 1] > 1.1)
    }

    @Test func badShapesAndHyperParametersAreErrors() throws {
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.1, momentum: 0.9)
        var theta = Matrix<Double>(row: [1, 2])
        #expect(throws: ShapeError.self) { try optimizer.update(&theta, gradient: Matrix(row: [1]), slot: 0) }
        try optimizer.update(&theta, gradient: Matrix(row: [1, 1]), slot: 0)
        var other = Matrix<Double>(row: [1, 2, 3])
        let error = #expect(throws: ShapeError.self) { try optimizer.update(&other, gradient: Matrix(row: [1, 1, 1]), slot: 0) }
        #expect(error?.description.contains("slot 0") == true)
        #expect(throws: InvalidArgument.self) { try Optimizer<Double>.sgd(learningRate: -1) }
        #expect(throws: InvalidArgument.self) { try Optimizer<Double>.sgd(learningRate: 0.1, nesterov: true) }
        #expect(throws: InvalidArgument.self) { try Optimizer<Double>.adam(beta1: 1) }
        #expect(throws: InvalidArgument.self) { try Optimizer<Double>.rmsprop(alpha: 1.5) }
        #expect(throws: InvalidArgument.self) { try Optimizer<Double>.adam(learningRate: .nan) }
    }
}

@Suite struct LearningRateScheduleTests {
    @Test func stepAndExponentialDecayAsPyTorch() throws {
        // StepLR(step_size=2, gamma=0.5): 1, 1, 0.5, 0.5, 0.25
        #expect((0..<5).map { LearningRateSchedule.step(every: 2, factor: 0.5).learningRate(base: 1, epoch: $0) } == [1, 1, 0.5, 0.5, 0.25])
        // ExponentialLR(gamma=0.9): 0.1·0.9^e
        let rates = (0..<3).map { LearningRateSchedule.exponential(factor: 0.9).learningRate(base: 0.1, epoch: $0) }
        for (rate, expected) in zip(rates, [0.1, 0.09, 0.081]) { #expect(rate.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-15)) }
        #expect(LearningRateSchedule.constant.learningRate(base: 0.3, epoch: 7) == 0.3)
        #expect(throws: InvalidArgument.self) { try LearningRateSchedule.step(every: 0).validate() }
        #expect(throws: InvalidArgument.self) { try LearningRateSchedule.exponential(factor: 1.5).validate() }
    }

    @Test func trainingAppliesTheScheduleEachEpoch() throws {
        var random = SeededGenerator(seed: 3)
        var model = Model(try Network<Double>(sizes: [2, 3, 1], hidden: .tanh, output: .sigmoid, using: &random))
        let x = Matrix<Double>.uniform(rows: 8, columns: 2, in: -1..<1, using: &random)
        let y = Matrix<Double>(rows: 8, columns: 1, repeating: 0.5)
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.4)
        let history = try model.train(inputs: x, targets: y, options: TrainingOptions(epochs: 3, batchSize: 8, schedule: .step(every: 1, factor: 0.5)), optimizer: &optimizer, using: &random)
        #expect(history.map(\.learningRate) == [nil, 0.4, 0.2, 0.1])
    }
}

@Suite struct SurfaceTests {
    @Test func pathsStartAtTheStartAndFollowTheRule() throws {
        let path = try Surface.elongatedBowl.path(of: .sgd(learningRate: 0.95), from: (-7, 2), steps: 2)
        #expect(path.count == 3)
        #expect(path[0].x == -7 && path[0].y == 2)
        // gradient (x/10, 2y) = (−0.7, 4): (−7 + 0.665, 2 − 3.8)
        #expect(path[1].x.isApproximatelyEqual(to: -6.335, absoluteTolerance: 1e-12))
        #expect(path[1].y.isApproximatelyEqual(to: -1.8, absoluteTolerance: 1e-12))
        #expect(Surface.elongatedBowl.value(-7, 2) == 6.45)
        #expect(throws: TrainingDiverged.self) { try Surface.elongatedBowl.path(of: .sgd(learningRate: 1e200), from: (-7, 2), steps: 5) }
    }

    @Test func contoursLieOnTheirLevel() {
        let contour = Surface.bowlContour(level: 2, points: 16)
        for (x, y) in zip(contour.x, contour.y) {
            #expect(Surface.elongatedBowl.value(x, y).isApproximatelyEqual(to: 2, absoluteTolerance: 1e-12))
        }
    }
}

@Suite struct FloatAdamTests {
    @Test func vectorKernelMatchesTheScalarRuleExactly() throws {
        // Float parameters go through the SIMD kernel; the same rule in scalar Float must agree bit for bit.
        var random = SeededGenerator(seed: 12)
        var theta = Matrix<Float>.gaussian(rows: 3, columns: 11, using: &random)
        let start = theta
        var optimizer = try Optimizer<Float>.adam(learningRate: 0.01, weightDecay: 0.1)
        var m = [Float](repeating: 0, count: 33), v = [Float](repeating: 0, count: 33), expected = start.elements
        for step in 1...3 {
            let g = Matrix<Float>.gaussian(rows: 3, columns: 11, using: &random)
            try optimizer.update(&theta, gradient: g, slot: 0)
            let c1 = 1 - Float.pow(0.9, Float(step)), c2 = 1 - Float.pow(0.999, Float(step))
            for i in 0..<33 {
                let gradient = g.elements[i] + 0.1 * expected[i]
                m[i] = 0.9 * m[i] + (1 - 0.9) * gradient
                v[i] = 0.999 * v[i] + (1 - 0.999) * gradient * gradient
                expected[i] -= 0.01 * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
            }
        }
        #expect(theta.elements == expected)
    }
}
