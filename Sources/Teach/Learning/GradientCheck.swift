/// A numerical check of backpropagation: every weight's and bias's gradient from
/// ``Network/backpropagate(_:targets:loss:)`` against the central difference
///
///     ∂E/∂w ≈ (E(w + ε) − E(w − ε)) / 2ε
///
/// computed by nudging that one parameter. In Double with the default `ε = 1e-5` (near the usual
/// choice ∛(machine ε) ≈ 6e-6, which balances the formula's ε² error against rounding in the loss)
/// the numeric gradient is accurate to about 1e-11 absolute, so backprop is right when every
/// relative error is far below 1e-6. A smaller ε is worse, not better: at 1e-6 rounding alone
/// reaches about 1e-6 relative on small gradients.
public struct GradientCheck: Sendable {
    /// The largest relative error over all parameters, `|a − n| / max(|a| + |n|, 1e-4)` for the
    /// analytic gradient `a` and numeric gradient `n`. The floor keeps gradients that are both
    /// nearly zero (where rounding dominates) from reading as large relative errors.
    public var maxRelativeError: Double
    /// The largest absolute difference `|a − n|`.
    public var maxAbsoluteError: Double
    /// Which parameter had the largest relative error, e.g. `layer 2 weight w[1, 0]`.
    public var worstParameter: String
    /// The analytic gradient of that parameter, from the backward pass.
    public var worstAnalytic: Double
    /// The numeric gradient of that parameter, from the central difference.
    public var worstNumeric: Double
    /// How many parameters were checked.
    public var parametersChecked: Int

    /// The nudge used unless another is given.
    public static let defaultEpsilon = 1e-5

    /// Counts one parameter and keeps it as the worst when its relative error is the largest so far.
    mutating func record(analytic a: Double, numeric n: Double, _ name: @autoclosure () -> String) {
        let relative = abs(a - n) / max(abs(a) + abs(n), 1e-4)
        parametersChecked += 1
        maxAbsoluteError = max(maxAbsoluteError, abs(a - n))
        if relative >= maxRelativeError {
            maxRelativeError = relative
            worstParameter = name()
            worstAnalytic = a
            worstNumeric = n
        }
    }

    /// Checks every parameter of `network` on the batch `inputs`, `targets`.
    public static func run(
        _ network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>, loss: Loss = .halfSquaredError,
        epsilon: Double = defaultEpsilon
    ) throws -> GradientCheck {
        let analytic = try network.backpropagate(inputs, targets: targets, loss: loss).gradients
        var check = GradientCheck(
            maxRelativeError: 0, maxAbsoluteError: 0, worstParameter: "none", worstAnalytic: 0, worstNumeric: 0,
            parametersChecked: 0)
        func numeric(_ nudge: (inout Network<Double>, Double) -> Void) throws -> Double {
            var plus = network, minus = network
            nudge(&plus, epsilon)
            nudge(&minus, -epsilon)
            return (try plus.loss(inputs, targets: targets, loss: loss) - minus.loss(inputs, targets: targets, loss: loss)) / (2 * epsilon)
        }
        func record(_ a: Double, _ n: Double, _ name: String) { check.record(analytic: a, numeric: n, name) }
        for (l, layer) in network.layers.enumerated() {
            for i in 0..<layer.inputCount {
                for j in 0..<layer.unitCount {
                    let n = try numeric { $0.layers[l].weights[i, j] += $1 }
                    record(analytic[l].weights[i, j], n, "layer \(l + 1) weight w[\(i), \(j)]")
                }
            }
            if layer.hasBias {
                for j in 0..<layer.unitCount {
                    let n = try numeric { $0.layers[l].bias[0, j] += $1 }
                    record(analytic[l].bias[0, j], n, "layer \(l + 1) bias b[\(j)]")
                }
            }
        }
        return check
    }
}

extension GradientCheck {
    /// Checks any model, whatever its layers (your own included): every trainable parameter's
    /// gradient from ``Model/backpropagate(_:targets:loss:penalty:using:)`` and, when
    /// `checkInput`, every input's gradient from ``Model/backward(outputGradient:needsInputGradient:)``,
    /// against central differences of the training-mode loss plus penalty.
    ///
    /// Every evaluation draws from a generator seeded with `seed`, so dropout drops the same units
    /// each time and the loss is a smooth function of the parameters. Parameters are named as
    /// ``Model/parameterNames`` names them, with the element's index: `2.weight[13]`; inputs as
    /// `input x[r, c]`.
    public static func run(
        _ model: Model<Double>, inputs: Matrix<Double>, targets: Matrix<Double>, loss: Loss = .halfSquaredError,
        penalty: Penalty = .none, epsilon: Double = defaultEpsilon, checkInput: Bool = true, seed: UInt64 = 0
    ) throws -> GradientCheck {
        var check = GradientCheck(
            maxRelativeError: 0, maxAbsoluteError: 0, worstParameter: "none", worstAnalytic: 0, worstNumeric: 0, parametersChecked: 0)
        func record(_ a: Double, _ n: Double, _ name: @autoclosure () -> String) { check.record(analytic: a, numeric: n, name()) }
        func total(_ candidate: Model<Double>, _ x: Matrix<Double>) throws -> Double {
            var candidate = candidate, generator = SeededGenerator(seed: seed)
            let pass = try candidate.backpropagate(x, targets: targets, loss: loss, penalty: penalty, using: &generator)
            return Double(pass.loss + pass.penalty)
        }
        var traced = model, generator = SeededGenerator(seed: seed)
        let analytic = try traced.backpropagate(inputs, targets: targets, loss: loss, penalty: penalty, using: &generator).gradients
        let names = model.parameterNames
        for (p, gradient) in analytic.enumerated() {
            for e in 0..<gradient.count {
                func nudged(_ delta: Double) -> Model<Double> {
                    var nudged = model
                    nudged.layers.updateParameters { parameter, index in
                        if index == p { parameter.withUnsafeMutableBufferPointer { $0[e] += delta } }
                    }
                    return nudged
                }
                let numeric = (try total(nudged(epsilon), inputs) - total(nudged(-epsilon), inputs)) / (2 * epsilon)
                record(gradient.elements[e], numeric, "\(names[p])[\(e)]")
            }
        }
        guard checkInput else { return check }
        // ∂E/∂x: the same loss, its gradient pushed back through the whole model
        var forwardModel = model
        generator = SeededGenerator(seed: seed)
        let output = try forwardModel.forward(inputs, mode: .training, using: &generator)
        let inputGradient = try forwardModel.backward(outputGradient: loss.gradient(output, targets), needsInputGradient: true).input
        for r in 0..<inputs.rows {
            for c in 0..<inputs.columns {
                var plus = inputs, minus = inputs
                plus[r, c] += epsilon
                minus[r, c] -= epsilon
                let numeric = (try total(model, plus) - total(model, minus)) / (2 * epsilon)
                record(inputGradient[r, c], numeric, "input x[\(r), \(c)]")
            }
        }
        return check
    }
}
