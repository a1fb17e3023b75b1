import RealModule

/// How the gradient becomes a step: plain gradient descent, or one of the rules that remember past
/// gradients. The update rules, names and defaults are torch.optim's documented algorithms, so the
/// same hyper-parameters give the same numbers in PyTorch.
///
/// For a parameter `θ` with gradient `g` at step `t` (counted per parameter from 1), learning
/// rate `γ` and weight decay `λ`, every rule but AdamW first adds the decay to the gradient,
/// `g ← g + λθ` (L2 regularization), then:
///
/// | rule | state | update |
/// |---|---|---|
/// | SGD | none | `θ ← θ − γ g` |
/// | momentum `μ` | `b` | `b ← μ b + (1 − τ) g` (`b = g` at `t = 1`), `θ ← θ − γ b` |
/// | Nesterov | `b` | as momentum, then `θ ← θ − γ (g + μ b)` |
/// | Adagrad | `s` | `s ← s + g²`, `θ ← θ − γ' g / (√s + ε)` with `γ' = γ / (1 + (t−1)·decay)` |
/// | RMSProp `α` | `v` | `v ← α v + (1 − α) g²`, `θ ← θ − γ g / (√v + ε)` |
/// | Adadelta `ρ` | `v`, `u` | `v ← ρ v + (1 − ρ) g²`, `Δ = √(u + ε) / √(v + ε) · g`, `u ← ρ u + (1 − ρ) Δ²`, `θ ← θ − γ Δ` |
/// | Adam `β₁`, `β₂` | `m`, `v` | `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`, `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`, `θ ← θ − γ m̂ / (√v̂ + ε)` |
/// | AdamW `β₁`, `β₂` | `m`, `v` | `θ ← θ − γλθ` (decoupled decay; `g` is left as it is), then Adam's update |
///
/// RMSProp with momentum keeps `b ← μ b + g / (√v + ε)` and steps `θ ← θ − γ b`; centred RMSProp
/// also keeps the average gradient `ḡ` and divides by `√(v − ḡ²) + ε`.
public enum OptimizerRule: Sendable, Hashable {
    /// Stochastic gradient descent, with optional (heavy-ball or Nesterov) momentum:
    /// `torch.optim.SGD(momentum=, dampening=, nesterov=)`.
    case sgd(momentum: Double, dampening: Double, nesterov: Bool)
    /// `torch.optim.Adagrad(lr_decay=, initial_accumulator_value=, eps=)`.
    case adagrad(learningRateDecay: Double, initialAccumulator: Double, epsilon: Double)
    /// `torch.optim.RMSprop(alpha=, eps=, momentum=, centered=)`.
    case rmsprop(alpha: Double, epsilon: Double, momentum: Double, centered: Bool)
    /// `torch.optim.Adadelta(rho=, eps=)`.
    case adadelta(rho: Double, epsilon: Double)
    /// `torch.optim.Adam(betas=(beta1, beta2), eps=)`, with bias correction.
    case adam(beta1: Double, beta2: Double, epsilon: Double)
    /// `torch.optim.AdamW(betas=(beta1, beta2), eps=)`: Adam with decoupled weight decay
    /// (Loshchilov and Hutter). The optimizer's weight decay `λ` shrinks each parameter before
    /// Adam's step, `θ ← θ − γλθ` (computed as `θ · (1 − γλ)`, as PyTorch does), and is not added
    /// to the gradient, so Adam's division by `√v̂` does not weaken the decay of parameters with
    /// large gradients as it does with Adam's L2 decay.
    case adamW(beta1: Double, beta2: Double, epsilon: Double)
}

/// An optimizer: a rule, a learning rate, weight decay, and the state the rule keeps for every
/// parameter tensor (a velocity, running averages of squared gradients, a step count).
///
/// Parameters are identified by a *slot*, a small integer chosen by the caller (``Network`` uses
/// `2l` for layer `l`'s weights and `2l + 1` for its biases). Each slot's state is created at its
/// first update, zero-filled as in PyTorch, and its step count `t` advances by one per update.
///
///     var optimizer = Optimizer<Double>.adam(learningRate: 0.01)
///     try optimizer.update(&weights, gradient: gradient, slot: 0)
public struct Optimizer<Scalar: MatrixScalar>: Sendable, CustomStringConvertible {
    /// The update rule and its hyper-parameters.
    public var rule: OptimizerRule
    /// `γ`, the learning rate (`lr` in torch.optim); a ``LearningRateSchedule`` may change it per epoch.
    public var learningRate: Double
    /// `λ`, added to each gradient as `λθ` before the rule (L2 regularization; `weight_decay`); for
    /// ``OptimizerRule/adamW(beta1:beta2:epsilon:)``, the decoupled decay `θ ← θ − γλθ` instead.
    public var weightDecay: Double
    @usableFromInline var slots: [Int: SlotState] = [:]

    /// What the rule remembers about one parameter tensor.
    @usableFromInline struct SlotState: Sendable {
        @usableFromInline var step = 0
        /// Momentum buffer `b`, Adagrad's sum `s`, or Adam's first moment `m`.
        @usableFromInline var first: [Scalar]
        /// Running average of squared gradients `v` (RMSProp, Adadelta, Adam).
        @usableFromInline var second: [Scalar]
        /// Adadelta's running average of squared steps `u`; centred RMSProp's average gradient `ḡ`.
        @usableFromInline var third: [Scalar]

        @usableFromInline init(count: Int, first fill: Scalar) {
            first = [Scalar](repeating: fill, count: count)
            second = [Scalar](repeating: 0, count: count)
            third = [Scalar](repeating: 0, count: count)
        }
    }

    /// An optimizer with the given rule; prefer the named constructors (``sgd(learningRate:momentum:dampening:nesterov:weightDecay:)`` …).
    /// - Throws: ``InvalidArgument`` for a negative or non-finite learning rate or weight decay, or a
    ///   hyper-parameter outside the range PyTorch accepts.
    public init(rule: OptimizerRule, learningRate: Double, weightDecay: Double = 0) throws {
        guard learningRate.isFinite, learningRate >= 0 else {
            throw InvalidArgument("Optimizer: learning rate \(learningRate) must be a number ≥ 0")
        }
        guard weightDecay.isFinite, weightDecay >= 0 else {
            throw InvalidArgument("Optimizer: weight decay \(weightDecay) must be a number ≥ 0")
        }
        func check(_ name: String, _ value: Double, _ range: Range<Double>) throws {
            guard range.contains(value) else {
                throw InvalidArgument("Optimizer: \(name) \(value) must be in [\(range.lowerBound), \(range.upperBound))")
            }
        }
        switch rule {
        case .sgd(let momentum, let dampening, let nesterov):
            try check("momentum", momentum, 0..<1)
            try check("dampening", dampening, 0..<1)
            if nesterov && (momentum == 0 || dampening != 0) {
                throw InvalidArgument("Optimizer: Nesterov momentum needs a momentum > 0 and zero dampening, got momentum \(momentum), dampening \(dampening)")
            }
        case .adagrad(let decay, let initial, let epsilon):
            try check("learning rate decay", decay, 0..<Double.infinity)
            try check("initial accumulator", initial, 0..<Double.infinity)
            try check("epsilon", epsilon, 0..<Double.infinity)
        case .rmsprop(let alpha, let epsilon, let momentum, _):
            try check("alpha", alpha, 0..<1)
            try check("epsilon", epsilon, 0..<Double.infinity)
            try check("momentum", momentum, 0..<1)
        case .adadelta(let rho, let epsilon):
            try check("rho", rho, 0..<1)
            try check("epsilon", epsilon, 0..<Double.infinity)
        case .adam(let beta1, let beta2, let epsilon), .adamW(let beta1, let beta2, let epsilon):
            try check("beta1", beta1, 0..<1)
            try check("beta2", beta2, 0..<1)
            try check("epsilon", epsilon, 0..<Double.infinity)
        }
        self.rule = rule
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// `torch.optim.SGD`: plain gradient descent, or with momentum `μ` (Nesterov's when `nesterov`).
    /// The learning rate's default, 0.001, is PyTorch's since version 2.2 (before, it had none).
    public static func sgd(
        learningRate: Double = 0.001, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0
    ) throws -> Optimizer {
        try Optimizer(rule: .sgd(momentum: momentum, dampening: dampening, nesterov: nesterov), learningRate: learningRate, weightDecay: weightDecay)
    }

    /// `torch.optim.Adagrad` (defaults `lr=0.01`, `lr_decay=0`, `initial_accumulator_value=0`, `eps=1e-10`).
    public static func adagrad(
        learningRate: Double = 0.01, learningRateDecay: Double = 0, initialAccumulator: Double = 0, epsilon: Double = 1e-10,
        weightDecay: Double = 0
    ) throws -> Optimizer {
        try Optimizer(
            rule: .adagrad(learningRateDecay: learningRateDecay, initialAccumulator: initialAccumulator, epsilon: epsilon),
            learningRate: learningRate, weightDecay: weightDecay)
    }

    /// `torch.optim.RMSprop` (defaults `lr=0.01`, `alpha=0.99`, `eps=1e-8`, no momentum, not centred).
    public static func rmsprop(
        learningRate: Double = 0.01, alpha: Double = 0.99, epsilon: Double = 1e-8, momentum: Double = 0, centered: Bool = false,
        weightDecay: Double = 0
    ) throws -> Optimizer {
        try Optimizer(
            rule: .rmsprop(alpha: alpha, epsilon: epsilon, momentum: momentum, centered: centered), learningRate: learningRate,
            weightDecay: weightDecay)
    }

    /// `torch.optim.Adadelta` (defaults `lr=1.0`, `rho=0.9`, `eps=1e-6`).
    public static func adadelta(learningRate: Double = 1, rho: Double = 0.9, epsilon: Double = 1e-6, weightDecay: Double = 0) throws -> Optimizer {
        try Optimizer(rule: .adadelta(rho: rho, epsilon: epsilon), learningRate: learningRate, weightDecay: weightDecay)
    }

    /// `torch.optim.Adam` (defaults `lr=0.001`, `betas=(0.9, 0.999)`, `eps=1e-8`).
    public static func adam(
        learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0
    ) throws -> Optimizer {
        try Optimizer(rule: .adam(beta1: beta1, beta2: beta2, epsilon: epsilon), learningRate: learningRate, weightDecay: weightDecay)
    }

    /// `torch.optim.AdamW` (defaults `lr=0.001`, `betas=(0.9, 0.999)`, `eps=1e-8`,
    /// `weight_decay=0.01`): Adam with the decoupled weight decay `θ ← θ − γλθ` before each step
    /// (see ``OptimizerRule/adamW(beta1:beta2:epsilon:)``). With `weightDecay` 0 it is Adam.
    public static func adamW(
        learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01
    ) throws -> Optimizer {
        try Optimizer(rule: .adamW(beta1: beta1, beta2: beta2, epsilon: epsilon), learningRate: learningRate, weightDecay: weightDecay)
    }

    /// The rule and its settings, for tables: `Adam (lr 0.001, β 0.9, 0.999)`, `momentum (lr 0.01, μ 0.9)`.
    public var description: String {
        let rate = "lr \(learningRate)" + (weightDecay > 0 ? ", weight decay \(weightDecay)" : "")
        switch rule {
        case .sgd(let momentum, _, let nesterov) where momentum > 0:
            return "\(nesterov ? "Nesterov" : "momentum") (\(rate), μ \(momentum))"
        case .sgd: return "SGD (\(rate))"
        case .adagrad: return "Adagrad (\(rate))"
        case .rmsprop(let alpha, _, _, _): return "RMSProp (\(rate), α \(alpha))"
        case .adadelta(let rho, _): return "Adadelta (\(rate), ρ \(rho))"
        case .adam(let beta1, let beta2, _): return "Adam (\(rate), β \(beta1), \(beta2))"
        case .adamW(let beta1, let beta2, _): return "AdamW (\(rate), β \(beta1), \(beta2))"
        }
    }

    /// How many updates the parameter in `slot` has had (`t` of the formulas).
    public func stepCount(slot: Int) -> Int { slots[slot]?.step ?? 0 }

    /// Forgets every slot's state, as a fresh optimizer.
    public mutating func reset() { slots = [:] }

    /// One update of `parameter` from its `gradient`, by the rule (see ``OptimizerRule``).
    ///
    /// - Throws: ``ShapeError`` when the gradient's shape differs from the parameter's, or the
    ///   slot was first used for a tensor with a different number of elements.
    @inlinable public mutating func update(_ parameter: inout Matrix<Scalar>, gradient: Matrix<Scalar>, slot: Int) throws {
        guard parameter.shape == gradient.shape else {
            throw ShapeError(
                operation: "Optimizer.update", shapes: [parameter.shape, gradient.shape],
                expected: "the gradient must have the parameter's shape (slot \(slot))")
        }
        var state = slots.removeValue(forKey: slot) ?? SlotState(count: parameter.count, first: initialFirst)
        guard state.first.count == parameter.count else {
            let count = state.first.count
            slots[slot] = state
            throw ShapeError(
                operation: "Optimizer.update", shapes: [parameter.shape],
                expected: "slot \(slot) holds state for \(count) elements; use one slot per parameter tensor")
        }
        state.step += 1
        parameter.storage.withUnsafeMutableBufferPointer { theta in
            gradient.storage.withUnsafeBufferPointer { g in apply(to: theta, gradient: g, state: &state) }
        }
        slots[slot] = state
    }

    /// Adagrad's sum starts at `initial_accumulator_value`; every other buffer at 0.
    @usableFromInline var initialFirst: Scalar {
        if case .adagrad(_, let initial, _) = rule { return Scalar(initial) }
        return 0
    }

    /// The rule, one pass over the elements.
    @inlinable func apply(to theta: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>, state: inout SlotState) {
        // book: optimizer-decay
        let lr = Scalar(learningRate), decay = Scalar(weightDecay)
        let t = state.step
        @inline(__always) func decayed(_ i: Int) -> Scalar { decay == 0 ? gradient[i] : gradient[i] + decay * theta[i] }
        // book: end optimizer-decay
        switch rule {
        // book: optimizer-sgd
        case .sgd(let momentum, let dampening, let nesterov):
            let mu = Scalar(momentum), keep = 1 - Scalar(dampening)
            if momentum == 0 {
                for i in theta.indices { theta[i] -= lr * decayed(i) }
            } else {
                state.first.withUnsafeMutableBufferPointer { b in
                    for i in theta.indices {
                        let g = decayed(i)
                        b[i] = t == 1 ? g : mu * b[i] + keep * g
                        theta[i] -= lr * (nesterov ? g + mu * b[i] : b[i])
                    }
                }
            }
        // book: end optimizer-sgd
        // book: optimizer-adagrad
        case .adagrad(let learningRateDecay, _, let epsilon):
            let rate = lr / (1 + Scalar(t - 1) * Scalar(learningRateDecay)), eps = Scalar(epsilon)
            state.first.withUnsafeMutableBufferPointer { sum in
                for i in theta.indices {
                    let g = decayed(i)
                    sum[i] += g * g
                    theta[i] -= rate * g / (sum[i].squareRoot() + eps)
                }
            }
        // book: end optimizer-adagrad
        // book: optimizer-rmsprop
        case .rmsprop(let alpha, let epsilon, let momentum, let centered):
            let a = Scalar(alpha), eps = Scalar(epsilon), mu = Scalar(momentum)
            state.second.withUnsafeMutableBufferPointer { v in
                state.third.withUnsafeMutableBufferPointer { average in
                    state.first.withUnsafeMutableBufferPointer { b in
                        for i in theta.indices {
                            let g = decayed(i)
                            v[i] = a * v[i] + (1 - a) * g * g
                            var scale = v[i]
                            if centered {
                                average[i] = a * average[i] + (1 - a) * g
                                scale -= average[i] * average[i]
                            }
                            let step = g / (scale.squareRoot() + eps)
                            if momentum > 0 {
                                b[i] = mu * b[i] + step
                                theta[i] -= lr * b[i]
                            } else {
                                theta[i] -= lr * step
                            }
                        }
                    }
                }
            }
        // book: end optimizer-rmsprop
        // book: optimizer-adadelta
        case .adadelta(let rho, let epsilon):
            let r = Scalar(rho), eps = Scalar(epsilon)
            state.second.withUnsafeMutableBufferPointer { v in
                state.third.withUnsafeMutableBufferPointer { u in
                    for i in theta.indices {
                        let g = decayed(i)
                        v[i] = r * v[i] + (1 - r) * g * g
                        let delta = (u[i] + eps).squareRoot() / (v[i] + eps).squareRoot() * g
                        u[i] = r * u[i] + (1 - r) * delta * delta
                        theta[i] -= lr * delta
                    }
                }
            }
        // book: end optimizer-adadelta
        case .adam(let beta1, let beta2, let epsilon):
            adam(theta, gradient: gradient, state: &state, beta1: beta1, beta2: beta2, epsilon: epsilon, decay: decay)
        // book: optimizer-adamw
        case .adamW(let beta1, let beta2, let epsilon):
            if weightDecay != 0 {
                let shrink = Scalar(1 - learningRate * weightDecay)
                for i in theta.indices { theta[i] *= shrink }
            }
            adam(theta, gradient: gradient, state: &state, beta1: beta1, beta2: beta2, epsilon: epsilon, decay: 0)
            // book: end optimizer-adamw
        }
    }

    /// Adam's update with the L2 decay `decay` added to the gradient (0 for AdamW, which has
    /// already shrunk `theta`); Float parameters go through the C kernel.
    @inlinable func adam(
        _ theta: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>, state: inout SlotState, beta1: Double,
        beta2: Double, epsilon: Double, decay: Scalar
    ) {
        // book: optimizer-adam-corrections
        let lr = Scalar(learningRate), t = state.step
        let b1 = Scalar(beta1), b2 = Scalar(beta2), eps = Scalar(epsilon)
        let correction1 = 1 - Scalar.pow(b1, Scalar(t)), correction2 = 1 - Scalar.pow(b2, Scalar(t))
        // book: end optimizer-adam-corrections
        state.first.withUnsafeMutableBufferPointer { mBuffer in
            state.second.withUnsafeMutableBufferPointer { vBuffer in
                // raw pointers and no branch in the loop, so the compiler can vectorise it
                guard let m = mBuffer.baseAddress, let v = vBuffer.baseAddress, let p = theta.baseAddress,
                    let gradient = gradient.baseAddress
                else { return }
                if Scalar.self == Float.self {
                    adamFloatUpdate(
                        count: theta.count, parameters: UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self),
                        gradients: UnsafeRawPointer(gradient).assumingMemoryBound(to: Float.self),
                        first: UnsafeMutableRawPointer(m).assumingMemoryBound(to: Float.self),
                        second: UnsafeMutableRawPointer(v).assumingMemoryBound(to: Float.self), learningRate: Float(lr),
                        beta1: Float(b1), beta2: Float(b2), epsilon: Float(eps), correction1: Float(correction1),
                        correction2: Float(correction2), decay: Float(decay))
                    return
                }
                // book: optimizer-adam
                let keep1 = 1 - b1, keep2 = 1 - b2
                for i in 0..<theta.count {
                    let g = gradient[i] + decay * p[i]
                    m[i] = b1 * m[i] + keep1 * g
                    v[i] = b2 * v[i] + keep2 * g * g
                    let mHat = m[i] / correction1, vHat = v[i] / correction2
                    p[i] -= lr * mHat / (vHat.squareRoot() + eps)
                }
                // book: end optimizer-adam
            }
        }
    }
}
