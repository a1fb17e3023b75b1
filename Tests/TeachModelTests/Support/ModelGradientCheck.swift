@testable import Teach

/// The largest difference between `model`'s backpropagated gradients and central differences of
/// its training-mode loss (plus penalty), over every parameter (``GradientCheck``).
func worstModelGradientError(
    _ model: Model<Double>, inputs x: Matrix<Double>, targets y: Matrix<Double>, loss: Loss, penalty: Penalty = .none,
    epsilon: Double = 1e-6
) throws -> Double {
    try GradientCheck.run(model, inputs: x, targets: y, loss: loss, penalty: penalty, epsilon: epsilon, checkInput: false).maxAbsoluteError
}
