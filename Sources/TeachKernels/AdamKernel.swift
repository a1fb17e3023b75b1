import CKernels

/// Adam's update for Float parameters: large tensors are split over both cores (the update reads
/// and writes four numbers per parameter, so it is limited by memory, and two cores move more).
func adamFloatUpdate(
    count: Int, parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, first m: UnsafeMutablePointer<Float>,
    second v: UnsafeMutablePointer<Float>, learningRate lr: Float, beta1: Float, beta2: Float, epsilon: Float,
    correction1: Float, correction2: Float, decay: Float
) {
    guard count >= 1 << 16 else {
        return adamFloat(
            count: count, parameters: p, gradients: g, first: m, second: v, learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon,
            correction1: correction1, correction2: correction2, decay: decay)
    }
    let half = count / 2 / 8 * 8
    nonisolated(unsafe) let (up, ug, um, uv) = (p, g, m, v)
    ProductWorker.shared.run(
        {
            adamFloat(
                count: half, parameters: up, gradients: ug, first: um, second: uv, learningRate: lr, beta1: beta1, beta2: beta2,
                epsilon: epsilon, correction1: correction1, correction2: correction2, decay: decay)
        },
        {
            adamFloat(
                count: count - half, parameters: up + half, gradients: ug + half, first: um + half, second: uv + half, learningRate: lr,
                beta1: beta1, beta2: beta2, epsilon: epsilon, correction1: correction1, correction2: correction2, decay: decay)
        })
}

/// Adam's update for Float parameters on one core: the C loop in `Sources/CKernels/adam.c`, which
/// does the Swift rule's arithmetic lane by lane, vectorised.
func adamFloat(
    count: Int, parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, first m: UnsafeMutablePointer<Float>,
    second v: UnsafeMutablePointer<Float>, learningRate lr: Float, beta1: Float, beta2: Float, epsilon: Float,
    correction1: Float, correction2: Float, decay: Float
) {
    teach_adam_float(count, p, g, m, v, lr, beta1, beta2, epsilon, correction1, correction2, decay)
}
