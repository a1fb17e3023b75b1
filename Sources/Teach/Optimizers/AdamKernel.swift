/// Adam's update for Float parameters: large tensors are split over both cores (the update reads
/// and writes four numbers per parameter, so it is limited by memory, and two cores move more).
@usableFromInline
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

/// Adam's update for Float parameters, eight at a time: the rule of ``OptimizerRule/adam(beta1:beta2:epsilon:)``
/// written with SIMD8 so that it compiles to vector instructions (the generic loop stays scalar
/// because Swift's scalar `squareRoot` keeps a branch for negative inputs). Each lane does exactly
/// the scalar arithmetic, in the same order, so the results are identical.
func adamFloat(
    count: Int, parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, first m: UnsafeMutablePointer<Float>,
    second v: UnsafeMutablePointer<Float>, learningRate lr: Float, beta1: Float, beta2: Float, epsilon: Float,
    correction1: Float, correction2: Float, decay: Float
) {
    typealias V = SIMD8<Float>
    let vb1 = V(repeating: beta1), vb2 = V(repeating: beta2), keep1 = V(repeating: 1 - beta1), keep2 = V(repeating: 1 - beta2)
    let vlr = V(repeating: lr), veps = V(repeating: epsilon), vc1 = V(repeating: correction1), vc2 = V(repeating: correction2)
    let vdecay = V(repeating: decay)
    let rp = UnsafeMutableRawPointer(p), rg = UnsafeRawPointer(g), rm = UnsafeMutableRawPointer(m), rv = UnsafeMutableRawPointer(v)
    var i = 0
    while i + 8 <= count {
        let offset = i &* 4
        let theta = rp.loadUnaligned(fromByteOffset: offset, as: V.self)
        let gradient = rg.loadUnaligned(fromByteOffset: offset, as: V.self) + vdecay * theta
        let mean = vb1 * rm.loadUnaligned(fromByteOffset: offset, as: V.self) + keep1 * gradient
        let square = vb2 * rv.loadUnaligned(fromByteOffset: offset, as: V.self) + keep2 * gradient * gradient
        rm.storeBytes(of: mean, toByteOffset: offset, as: V.self)
        rv.storeBytes(of: square, toByteOffset: offset, as: V.self)
        let mHat = mean / vc1, vHat = square / vc2
        rp.storeBytes(of: theta - vlr * mHat / (vHat.squareRoot() + veps), toByteOffset: offset, as: V.self)
        i &+= 8
    }
    while i < count {
        let gradient = g[i] + decay * p[i]
        m[i] = beta1 * m[i] + (1 - beta1) * gradient
        v[i] = beta2 * v[i] + (1 - beta2) * gradient * gradient
        let mHat = m[i] / correction1, vHat = v[i] / correction2
        p[i] -= lr * mHat / (vHat.squareRoot() + epsilon)
        i += 1
    }
}
