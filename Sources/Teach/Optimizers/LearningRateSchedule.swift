import RealModule

/// How the learning rate changes from epoch to epoch (torch.optim.lr_scheduler, stepped once per
/// epoch). Epochs count from 0; `γ₀` is the optimizer's starting learning rate.
///
/// | schedule | learning rate in epoch `e` | PyTorch |
/// |---|---|---|
/// | ``constant`` | `γ₀` | no scheduler |
/// | ``step(every:factor:)`` | `γ₀ · factor^⌊e / every⌋` | `StepLR(step_size=every, gamma=factor)` |
/// | ``exponential(factor:)`` | `γ₀ · factor^e` | `ExponentialLR(gamma=factor)` |
public enum LearningRateSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The starting rate in every epoch.
    case constant
    /// Multiply the rate by `factor` every `every` epochs.
    case step(every: Int, factor: Double = 0.1)
    /// Multiply the rate by `factor` every epoch.
    case exponential(factor: Double)

    /// The learning rate for `epoch` (0-based) when the first epoch uses `base`.
    public func learningRate(base: Double, epoch: Int) -> Double {
        switch self {
        case .constant: base
        case .step(let every, let factor): base * Double.pow(factor, epoch / Swift.max(every, 1))
        case .exponential(let factor): base * Double.pow(factor, epoch)
        }
    }

    /// Checks the schedule's numbers (``Model/train(inputs:targets:options:optimizer:using:)`` does, before the first epoch).
    /// - Throws: ``InvalidArgument`` for a step interval below 1 or a factor outside (0, 1].
    public func validate() throws {
        switch self {
        case .constant: return
        case .step(let every, let factor):
            guard every >= 1 else { throw InvalidArgument("LearningRateSchedule.step: every \(every) must be at least 1 epoch") }
            guard factor > 0, factor <= 1 else { throw InvalidArgument("LearningRateSchedule.step: factor \(factor) must be in (0, 1]") }
        case .exponential(let factor):
            guard factor > 0, factor <= 1 else { throw InvalidArgument("LearningRateSchedule.exponential: factor \(factor) must be in (0, 1]") }
        }
    }

    /// `constant`, `×0.1 every 10 epochs` or `×0.95 per epoch`.
    public var description: String {
        switch self {
        case .constant: "constant"
        case .step(let every, let factor): "×\(factor) every \(every) epochs"
        case .exponential(let factor): "×\(factor) per epoch"
        }
    }
}
