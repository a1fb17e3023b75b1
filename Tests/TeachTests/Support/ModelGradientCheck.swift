@testable import Teach

/// The largest difference between `model`'s backpropagated gradients and central differences of
/// its training-mode loss (plus penalty), over every parameter. For models without dropout.
func worstModelGradientError(
    _ model: Model<Double>, inputs x: Matrix<Double>, targets y: Matrix<Double>, loss: Loss, penalty: Penalty = .none,
    epsilon: Double = 1e-6
) throws -> Double {
    var random = SeededGenerator(seed: 0)
    var copy = model
    let pass = try copy.backpropagate(x, targets: y, loss: loss, penalty: penalty, using: &random)
    func total(_ candidate: Model<Double>) throws -> Double {
        var candidate = candidate
        let result = try candidate.backpropagate(x, targets: y, loss: loss, penalty: penalty, using: &random)
        return result.loss + result.penalty
    }
    var worst = 0.0
    for l in model.layers.indices {
        for p in model.layers[l].parameters.indices {
            for e in 0..<model.layers[l].parameters[p].count {
                func nudged(_ delta: Double) -> Model<Double> {
                    var nudged = model
                    nudged.layers[l].updateParameters { parameter, index in
                        if index == p { parameter.withUnsafeMutableBufferPointer { $0[e] += delta } }
                    }
                    return nudged
                }
                let numeric = (try total(nudged(epsilon)) - total(nudged(-epsilon))) / (2 * epsilon)
                worst = max(worst, abs(numeric - pass.gradients[l][p].elements[e]))
            }
        }
    }
    return worst
}
