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

/// AdamW: Adam with the weight decay applied to the parameter, not to the gradient.
@Suite struct AdamWTests {
    @Test func decaysTheParameterBeforeAdamsStep() throws {
        // lr γ = 0.1, λ = 0.1, θ₀ = 1, gradients 0.5 then −0.2.
        // Step 1: θ ← 1 · (1 − 0.1·0.1) = 0.99; m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025;
        //   m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25; θ ← 0.99 − 0.1·0.5/(0.5 + 1e-8) = 0.890000002
        // Step 2: θ ← 0.890000002 · 0.99 = 0.881100002; m = 0.9·0.05 + 0.1·(−0.2) = 0.025,
        //   v = 0.999·0.00025 + 0.001·0.04 = 0.00028975; m̂ = 0.025/(1 − 0.9²) = 0.131578947,
        //   v̂ = 0.00028975/(1 − 0.999²) = 0.144947474, √v̂ = 0.380719679;
        //   θ ← 0.881100002 − 0.1·0.131578947/(0.380719679 + 1e-8) = 0.881100002 − 0.034560584 = 0.846539418
        let first = 0.99 - 0.1 * 0.5 / (0.5 + 1e-8)
        let mHat = 0.025 / (1 - 0.9 * 0.9), vHat = 0.00028975 / (1 - 0.999 * 0.999)
        let second = first * 0.99 - 0.1 * mHat / (vHat.squareRoot() + 1e-8)
        #expect(abs(first - 0.890000002) < 1e-12)
        #expect(abs(second - 0.8465394181) < 1e-10)
        var optimizer = try Optimizer<Double>.adamW(learningRate: 0.1, weightDecay: 0.1)
        var theta = Matrix<Double>(row: [1])
        try optimizer.update(&theta, gradient: Matrix(row: [0.5]), slot: 0)
        #expect(theta[0, 0].isApproximatelyEqual(to: first, absoluteTolerance: 1e-15))
        try optimizer.update(&theta, gradient: Matrix(row: [-0.2]), slot: 0)
        #expect(theta[0, 0].isApproximatelyEqual(to: second, absoluteTolerance: 1e-15))
    }

    @Test func sgdHasTorchsDefaults() throws {
        let optimizer = try Optimizer<Float>.sgd()
        #expect(optimizer.rule == .sgd(momentum: 0, dampening: 0, nesterov: false))
        #expect(optimizer.learningRate == 0.001 && optimizer.weightDecay == 0)
    }

    @Test func hasTorchsDefaults() throws {
        let optimizer = try Optimizer<Float>.adamW()
        #expect(optimizer.rule == .adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
        #expect(optimizer.learningRate == 0.001 && optimizer.weightDecay == 0.01)
        #expect(optimizer.description == "AdamW (lr 0.001, weight decay 0.01, β 0.9, 0.999)")
        #expect(throws: InvalidArgument.self) { try Optimizer<Double>.adamW(beta2: 1) }
        #expect(throws: InvalidArgument.self) { try Optimizer<Double>.adamW(epsilon: -1) }
        #expect(throws: InvalidArgument.self) { try Optimizer<Double>.adamW(weightDecay: -0.01) }
    }

    /// Runs `steps` updates of two optimizers on the same random parameters and gradients.
    func paths<Scalar: MatrixScalar>(
        _ a: Optimizer<Scalar>, _ b: Optimizer<Scalar>, steps: Int = 4
    ) throws -> (Matrix<Scalar>, Matrix<Scalar>) {
        var random = SeededGenerator(seed: 21)
        var (a, b) = (a, b)
        var thetaA = Matrix<Scalar>.gaussian(rows: 3, columns: 7, using: &random), thetaB = thetaA
        for _ in 0..<steps {
            let g = Matrix<Scalar>.gaussian(rows: 3, columns: 7, using: &random)
            try a.update(&thetaA, gradient: g, slot: 0)
            try b.update(&thetaB, gradient: g, slot: 0)
        }
        return (thetaA, thetaB)
    }

    @Test func withoutWeightDecayItIsAdamExactly() throws {
        let (double, doubleAdam) = try paths(Optimizer<Double>.adamW(learningRate: 0.01, weightDecay: 0), Optimizer<Double>.adam(learningRate: 0.01))
        #expect(double.elements == doubleAdam.elements)
        // Float goes through the C kernel
        let (float, floatAdam) = try paths(Optimizer<Float>.adamW(learningRate: 0.01, weightDecay: 0), Optimizer<Float>.adam(learningRate: 0.01))
        #expect(float.elements == floatAdam.elements)
    }

    @Test func itDiffersFromAdamWithL2Decay() throws {
        // θ = [1, 1] with gradients [0, 1000], γ = 0.1, λ = 0.1, one step.
        // Adam + L2: g = [0.1, 1000.1], and Adam's first step is γ·g/(|g| + ε) ≈ γ for both: θ ≈ [0.9, 0.9].
        //   The decay alone moves the first weight by 0.1, ten times γλθ; the second, whose gradient is
        //   large, decays by nothing more than it would without λ.
        // AdamW: θ ← θ·(1 − 0.01) = [0.99, 0.99]; then g = [0, 1000]: steps 0 and γ·1000/(1000 + ε):
        //   θ ≈ [0.99, 0.89], each weight shrunk by γλθ = 0.01 whatever its gradient.
        var adam = try Optimizer<Double>.adam(learningRate: 0.1, weightDecay: 0.1)
        var adamW = try Optimizer<Double>.adamW(learningRate: 0.1, weightDecay: 0.1)
        var l2 = Matrix<Double>(row: [1, 1]), decoupled = l2
        try adam.update(&l2, gradient: Matrix(row: [0, 1000]), slot: 0)
        try adamW.update(&decoupled, gradient: Matrix(row: [0, 1000]), slot: 0)
        #expect(l2[0, 0].isApproximatelyEqual(to: 1 - 0.1 * 0.1 / (0.1 + 1e-8), absoluteTolerance: 1e-15))
        #expect(l2[0, 1].isApproximatelyEqual(to: 1 - 0.1 * 1000.1 / (1000.1 + 1e-8), absoluteTolerance: 1e-15))
        #expect(decoupled[0, 0] == 0.99)
        #expect(decoupled[0, 1].isApproximatelyEqual(to: 0.99 - 0.1 * 1000 / (1000 + 1e-8), absoluteTolerance: 1e-15))
        // and over several steps of random gradients, in Float and Double, the two rules part ways
        let (double, doubleAdam) = try paths(Optimizer<Double>.adamW(learningRate: 0.01, weightDecay: 0.1), Optimizer<Double>.adam(learningRate: 0.01, weightDecay: 0.1))
        #expect(zip(double.elements, doubleAdam.elements).map { abs($0 - $1) }.max()! > 1e-4)
    }

    @Test func floatKernelPathMatchesTheScalarRuleExactly() throws {
        // Float AdamW: the decay in Swift, then Adam's C kernel with no L2 term; the same in scalar Float.
        var random = SeededGenerator(seed: 12)
        var theta = Matrix<Float>.gaussian(rows: 3, columns: 11, using: &random)
        var optimizer = try Optimizer<Float>.adamW(learningRate: 0.01, weightDecay: 0.1)
        var m = [Float](repeating: 0, count: 33), v = [Float](repeating: 0, count: 33), expected = theta.elements
        let shrink = Float((1 - 0.01 * 0.1) as Double)  // as Optimizer: 1 − γλ in Double, then rounded
        for step in 1...3 {
            let g = Matrix<Float>.gaussian(rows: 3, columns: 11, using: &random)
            try optimizer.update(&theta, gradient: g, slot: 0)
            let c1 = 1 - Float.pow(0.9, Float(step)), c2 = 1 - Float.pow(0.999, Float(step))
            for i in 0..<33 {
                expected[i] *= shrink
                let gradient = g.elements[i]
                m[i] = 0.9 * m[i] + (1 - 0.9) * gradient
                v[i] = 0.999 * v[i] + (1 - 0.999) * gradient * gradient
                expected[i] -= 0.01 * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
            }
        }
        #expect(theta.elements == expected)
    }
}
