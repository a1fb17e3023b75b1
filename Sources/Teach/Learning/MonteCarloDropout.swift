extension Model {
    /// Dropout as an ensemble: the average prediction of many randomly thinned networks.
    ///
    /// Every training-mode forward pass of a model with ``Dropout`` draws new masks, so it is a
    /// different *thinned* network (Srivastava et al., 2014): with `k` droppable units there are
    /// `2^k` of them, all sharing the same weights. Their average prediction is what the ensemble
    /// would say; the single inference pass (``predict(_:)``, where inverted dropout passes every
    /// unit) is the cheap stand-in dropout uses for it, exact only for a network that is linear
    /// after its dropout layers. This averages `n` training-mode passes for each `n` in
    /// `sampleCounts` (one run of `max(sampleCounts)` passes, the running average read at each
    /// count): Monte-Carlo dropout.
    ///
    /// Meant for models whose only random or batch-dependent layer is ``Dropout``: in training
    /// mode ``BatchNorm`` would normalize with the batch's own statistics (and this works on a
    /// copy, so the model's running averages are never touched).
    ///
    /// - Returns: one `records×outputs` matrix of averaged predictions per entry of `sampleCounts`.
    /// - Throws: ``InvalidArgument`` for no counts or a count below 1; what the forward pass throws.
    public func monteCarloPredictions(
        _ x: Matrix<Scalar>, sampleCounts: [Int], using generator: inout SeededGenerator
    ) throws -> [Matrix<Scalar>] {
        guard let largest = sampleCounts.max(), sampleCounts.allSatisfy({ $0 >= 1 }) else {
            throw InvalidArgument("monteCarloPredictions: needs sample counts of at least 1, got \(sampleCounts)")
        }
        var thinned = self
        var sum: Matrix<Scalar>? = nil
        var averages: [Int: Matrix<Scalar>] = [:]
        for n in 1...largest {
            let output = try thinned.forward(x, mode: .training, using: &generator)
            if sum == nil { sum = output } else { try sum!.add(output, scaledBy: 1) }
            if sampleCounts.contains(n) { averages[n] = sum! * (1 / Scalar(n)) }
        }
        return sampleCounts.map { averages[$0]! }
    }
}
