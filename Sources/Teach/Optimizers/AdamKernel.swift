import TeachKernels

/// Adam's update for Float parameters, for `Optimizer.step` (which is `@inlinable`): the kernel
/// lives in the `TeachKernels` module (a C loop, split over both cores for large tensors).
@usableFromInline
func adamFloatUpdate(
    count: Int, parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, first m: UnsafeMutablePointer<Float>,
    second v: UnsafeMutablePointer<Float>, learningRate lr: Float, beta1: Float, beta2: Float, epsilon: Float,
    correction1: Float, correction2: Float, decay: Float
) {
    FloatKernels.adam(
        count: count, parameters: p, gradients: g, first: m, second: v, learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon,
        correction1: correction1, correction2: correction2, decay: decay)
}
