import Numerics
import Testing

@testable import Teach

/// The single sigmoid neuron of chapter 13, after chapter 3 of Nielsen's *Neural Networks and Deep
/// Learning* (input 1, target 0, learning rate 0.15, 300 epochs).
@Suite struct SigmoidNeuronTests {
    let near = SigmoidNeuron(weight: 0.6, bias: 0.9), far = SigmoidNeuron(weight: 2, bias: 2)

    /// Nielsen's starting outputs: 0.82 from w = 0.6, b = 0.9 and 0.98 from w = b = 2.
    @Test func nielsensStartingOutputs() {
        #expect(near.output(1).isApproximatelyEqual(to: 0.82, absoluteTolerance: 0.005))
        #expect(far.output(1).isApproximatelyEqual(to: 0.98, absoluteTolerance: 0.005))
    }

    /// `(a − y)σ'(z)` for the half squared error, `(a − y)` for the cross-entropy, and both agree
    /// with central differences of the cost.
    @Test func gradientsAreTheFormulasAndMatchCentralDifferences() throws {
        for neuron in [near, far, SigmoidNeuron(weight: -1.3, bias: 0.4)] {
            for (input, target) in [(1.0, 0.0), (0.5, 1.0), (-2.0, 0.3)] {
                let z = neuron.weightedSum(input), a = neuron.output(input)
                let squared = try neuron.gradients(input: input, target: target, loss: .halfSquaredError)
                let entropy = try neuron.gradients(input: input, target: target, loss: .binaryCrossEntropy)
                #expect(squared.bias.isApproximatelyEqual(to: (a - target) * Activation.sigmoid.derivative(z), absoluteTolerance: 1e-14))
                #expect(entropy.bias.isApproximatelyEqual(to: a - target, absoluteTolerance: 1e-12))
                #expect(entropy.weight.isApproximatelyEqual(to: (a - target) * input, absoluteTolerance: 1e-12))
                for (loss, gradient) in [(Loss.halfSquaredError, squared), (.binaryCrossEntropy, entropy)] {
                    let h = 1e-6
                    func cost(_ w: Double, _ b: Double) throws -> Double {
                        try SigmoidNeuron(weight: w, bias: b).cost(input: input, target: target, loss: loss)
                    }
                    let dw = (try cost(neuron.weight + h, neuron.bias) - cost(neuron.weight - h, neuron.bias)) / (2 * h)
                    let db = (try cost(neuron.weight, neuron.bias + h) - cost(neuron.weight, neuron.bias - h)) / (2 * h)
                    #expect(gradient.weight.isApproximatelyEqual(to: dw, absoluteTolerance: 1e-8))
                    #expect(gradient.bias.isApproximatelyEqual(to: db, absoluteTolerance: 1e-8))
                }
            }
        }
    }

    /// Nielsen's observation, in numbers: with the half squared error the badly wrong start (0.98)
    /// learns more slowly at first than the less wrong one (0.82); with the cross-entropy it does not
    /// stall. Training returns the start and one record per epoch.
    @Test func theHalfSquaredErrorLearnsSlowlyWhenBadlyWrong() throws {
        func train(_ start: SigmoidNeuron, _ loss: Loss) throws -> [SigmoidNeuron.Epoch] {
            var neuron = start
            return try neuron.train(input: 1, target: 0, loss: loss, learningRate: 0.15, epochs: 300)
        }
        let slowFar = try train(far, .halfSquaredError), slowNear = try train(near, .halfSquaredError)
        let fastFar = try train(far, .binaryCrossEntropy)
        #expect(slowFar.count == 301 && slowFar.map(\.epoch) == Array(0...300))
        #expect(slowFar[0].output == far.output(1))
        #expect(slowFar[50].output > 0.95)  // barely moved from 0.98
        #expect(slowNear[50].output < 0.5)
        #expect(fastFar[50].output < 0.2)
        for curve in [slowFar, slowNear, fastFar] {
            #expect(zip(curve, curve.dropFirst()).allSatisfy { $1.cost < $0.cost })
        }
        var unchanged = near
        #expect(try unchanged.train(input: 1, target: 0, loss: .halfSquaredError, learningRate: 0.15, epochs: 0).count == 1)
        #expect(unchanged == near)
    }

    /// Softmax followed by cross-entropy has the gradient `ŷ − y` with respect to the scores.
    @Test func softmaxCrossEntropyGradientIsPredictionMinusTarget() throws {
        let scores = try Matrix<Double>([[2, 1, 0.1, -3]])
        let target = try Matrix<Double>.oneHot([1], classes: 4)
        let probabilities = Softmax.forward(scores)
        for j in 0..<4 {
            let h = 1e-5
            var up = scores, down = scores
            up[0, j] += h
            down[0, j] -= h
            let numeric = (try Loss.crossEntropy.value(Softmax.forward(up), target) - Loss.crossEntropy.value(Softmax.forward(down), target)) / (2 * h)
            #expect(numeric.isApproximatelyEqual(to: probabilities[0, j] - target[0, j], absoluteTolerance: 1e-9))
        }
    }
}
