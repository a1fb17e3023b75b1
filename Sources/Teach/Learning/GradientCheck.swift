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
    /// The analytic and numeric gradient of that parameter.
    public var worstAnalytic: Double
    public var worstNumeric: Double
    /// How many parameters were checked.
    public var parametersChecked: Int

    /// The nudge used unless another is given.
    public static let defaultEpsilon = 1e-5

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
        func record(_ a: Double, _ n: Double, _ name: String) {
            let relative = abs(a - n) / max(abs(a) + abs(n), 1e-4)
            check.parametersChecked += 1
            check.maxAbsoluteError = max(check.maxAbsoluteError, abs(a - n))
            if relative >= check.maxRelativeError {
                check.maxRelativeError = relative
                check.worstParameter = name
                check.worstAnalytic = a
                check.worstNumeric = n
            }
        }
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
