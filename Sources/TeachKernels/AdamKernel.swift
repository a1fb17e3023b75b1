import CKernels

/// Adam's update for Float parameters: large tensors are split over both cores (the update reads
/// and writes four numbers per parameter, so it is limited by memory, and two cores move more).
/// The loop itself is C (Sources/CKernels), which does the Swift rule's arithmetic lane by lane.
func adamFloatUpdate(
    count: Int, parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, first m: UnsafeMutablePointer<Float>,
    second v: UnsafeMutablePointer<Float>, learningRate lr: Float, beta1: Float, beta2: Float, epsilon: Float,
    correction1: Float, correction2: Float, decay: Float
) {
    guard count >= 1 << 16 else {
        return teach_adam_float(count, p, g, m, v, lr, beta1, beta2, epsilon, correction1, correction2, decay)
    }
    let half = count / 2 / 8 * 8
    nonisolated(unsafe) let (up, ug, um, uv) = (p, g, m, v)
    ProductWorker.shared.run(
        { teach_adam_float(half, up, ug, um, uv, lr, beta1, beta2, epsilon, correction1, correction2, decay) },
        {
            teach_adam_float(
                count - half, up + half, ug + half, um + half, uv + half, lr, beta1, beta2, epsilon, correction1, correction2, decay)
        })
}
