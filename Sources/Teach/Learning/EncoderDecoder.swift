/// A sequence-to-sequence model: an encoder reads the source sequence, a decoder writes the target
/// one token at a time, with or without attention (Cho et al. 2014 and Sutskever et al. 2014;
/// attention as Luong et al. 2015 place it, after the decoder's recurrence).
///
/// Both halves are ``GRU``s over ``Embedding``s of the tokens. The decoder is *teacher-forced* in
/// training: its input at step `j` is the target's token `j − 1` (a start token at step 0), and it
/// predicts token `j`.
///
/// - **Without attention** the encoder's last state `h_T` is all the decoder learns about the
///   source: it is appended to the decoder's input at every step (Cho et al.'s context vector), and
///   the output layer reads the decoder's state `s_j`:
///
///       s_j = GRU([embed(y_{j−1}); h_T], s_{j−1})      logits_j = W s_j + b
///
/// - **With attention** the decoder's state asks every encoder state how well it matches
///   (``CrossAttention``, one head by default) and reads the weighted average `c_j` of them; the
///   output layer reads both:
///
///       s_j = GRU(embed(y_{j−1}), s_{j−1})    c_j = Attention(query s_j, memory h_1 … h_T)    logits_j = W [s_j; c_j] + b
///
/// **Shapes.** Source ids `B×Ts` (padded on the left with ``paddingID``, so that the encoder's last
/// step is always a real token), decoder inputs `B×Tt`, logits `B×(Tt·V)` for
/// ``Loss/crossEntropyWithLogits(ignoreIndex:)`` against the `B×Tt` targets. The source's padding
/// is masked out of the attention (PyTorch's `key_padding_mask`).
///
/// Differences from the papers: the decoder starts
/// from a zero state (Cho et al. start it from `tanh(V h_T)`); Luong et al. pass `[s_j; c_j]`
/// through a `tanh` layer before the output, this model feeds it to the output layer directly.
public struct EncoderDecoder<Scalar: MatrixScalar>: Sendable {
    /// The source tokens' vectors, `Vs×D`; row ``paddingID`` stays 0.
    public var sourceEmbedding: Embedding<Scalar>
    /// The encoder, `D → H` over `Ts` steps.
    public var encoder: GRU<Scalar>
    /// The target tokens' vectors, `Vt×D`.
    public var targetEmbedding: Embedding<Scalar>
    /// The decoder, `D → H` over `Tt` steps with attention, `D + H → H` without.
    public var decoder: GRU<Scalar>
    /// The attention from the decoder's states to the encoder's, or `nil` for none.
    public var attention: CrossAttention<Scalar>?
    /// The output layer at every target position, `2H → Vt` with attention, `H → Vt` without.
    public var output: Dense<Scalar>
    /// The source id that marks padding.
    public let paddingID: Int
    /// The source's padding mask of the last forward pass, `B` rows of `Ts` flags: a backward pass
    /// needs a forward pass first (each layer keeps its own saved values).
    private var savedPadding = Saved<[[Bool]]>()

    /// A model for sources of `sourceLength` tokens of `sourceVocabulary` ids and targets of
    /// `targetLength` tokens of `targetVocabulary` ids, with `dimension`-number embeddings and
    /// `hidden` GRU units, every part initialized as PyTorch initializes it.
    /// - Throws: ``InvalidArgument`` for sizes below 1 or a padding id outside the source vocabulary.
    public init(
        sourceVocabulary: Int, sourceLength: Int, targetVocabulary: Int, targetLength: Int, dimension: Int, hidden: Int,
        attention: Bool, paddingID: Int = 0, using generator: inout SeededGenerator
    ) throws {
        guard (0..<sourceVocabulary).contains(paddingID) else {
            throw InvalidArgument("EncoderDecoder: padding id \(paddingID); expected one of the \(sourceVocabulary) source ids")
        }
        sourceEmbedding = try Embedding(count: sourceVocabulary, dimension: dimension, length: sourceLength, paddingIndex: paddingID, using: &generator)
        encoder = try GRU(inputs: dimension, hidden: hidden, length: sourceLength, using: &generator)
        targetEmbedding = try Embedding(count: targetVocabulary, dimension: dimension, length: targetLength, using: &generator)
        decoder = try GRU(inputs: dimension + (attention ? 0 : hidden), hidden: hidden, length: targetLength, using: &generator)
        self.attention = attention ? try CrossAttention(dimension: hidden, heads: 1, using: &generator) : nil
        output = try Dense(inputs: attention ? 2 * hidden : hidden, units: targetVocabulary, activation: .identity, using: &generator)
        self.paddingID = paddingID
    }

    /// `Ts`, the source tokens per record.
    public var sourceLength: Int { encoder.length }
    /// `Tt`, the target tokens per record.
    public var targetLength: Int { decoder.length }
    /// `H`, the GRUs' units.
    public var hiddenCount: Int { encoder.hiddenCount }
    /// `Vt`, the target vocabulary.
    public var targetVocabulary: Int { output.unitCount }

    /// Every parameter, the source embedding's first, then the encoder's, the target embedding's,
    /// the decoder's, the attention's (if any) and the output layer's.
    public var parameters: [Matrix<Scalar>] {
        sourceEmbedding.parameters + encoder.parameters + targetEmbedding.parameters + decoder.parameters
            + (attention?.parameters ?? []) + output.parameters
    }

    /// The number of parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Calls `update` on every parameter with its index in ``parameters``.
    public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) throws {
        var offset = 0
        func next<L: Layer>(_ layer: inout L) throws where L.Scalar == Scalar {
            let base = offset
            try layer.updateParameters { try update(&$0, base + $1) }
            offset += layer.parameters.count
        }
        try next(&sourceEmbedding)
        try next(&encoder)
        try next(&targetEmbedding)
        try next(&decoder)
        if attention != nil {
            let base = offset
            try attention!.updateParameters { try update(&$0, base + $1) }
            offset += 4
        }
        try next(&output)
    }

    // book: encoder-decoder-forward
    /// The logits `B×(Tt·Vt)` for the source ids `B×Ts` and the decoder's inputs `B×Tt` (the
    /// target shifted right behind a start token).
    /// - Throws: ``ShapeError`` or ``InvalidArgument`` for ids of the wrong shape or out of range.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(source: Matrix<Scalar>, decoderInputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var unused = SeededGenerator(seed: 0)  // no layer here draws random numbers
        guard decoderInputs.rows == source.rows else {
            throw ShapeError(operation: "EncoderDecoder", shapes: [source.shape, decoderInputs.shape], expected: "the same batch size B")
        }
        let padding = try sourceEmbedding.ids(source).map { $0 == paddingID }.chunked(into: sourceLength)
        let states = try encoder.forward(try sourceEmbedding.forward(source, mode: .training, using: &unused), mode: .training, using: &unused)
        let embedded = try targetEmbedding.forward(decoderInputs, mode: .training, using: &unused)
        let decoderInput: Matrix<Scalar>
        if attention == nil {
            // the encoder's last state, beside the previous token at every step
            let last = states.timeStep(sourceLength - 1, width: hiddenCount)
            decoderInput = try Self.concatenatedSteps(embedded, Self.repeatedSteps(last, count: targetLength), length: targetLength)
        } else {
            decoderInput = embedded
        }
        let decoded = try decoder.forward(decoderInput, mode: .training, using: &unused)
        var features = decoded
        if attention != nil {
            let context = try attention!.forward(queries: decoded, memory: states, padding: padding)
            features = try Self.concatenatedSteps(decoded, context, length: targetLength)
        }
        savedPadding.value = padding
        return try output.forward(features, mode: .training, using: &unused)
    }
    // book: end encoder-decoder-forward

    /// The gradients of every parameter, in ``parameters``' order, for `∂E/∂logits` (`B×(Tt·Vt)`).
    /// - Throws: ``ShapeError`` for a gradient of another shape; ``InvalidArgument`` without a forward pass.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(logitsGradient: Matrix<Scalar>) throws -> [Matrix<Scalar>] {
        _ = try savedPadding.take(for: "EncoderDecoder")
        let h = hiddenCount, tt = targetLength
        let outputPass = try output.backward(outputGradient: logitsGradient, needsInputGradient: true)
        var dDecoded = outputPass.input
        var dStates: Matrix<Scalar>
        var attentionGradients: [Matrix<Scalar>] = []
        if attention != nil {
            let (dDecodedDirect, dContext) = try Self.splitSteps(outputPass.input, firstWidth: h, length: tt)
            let attentionPass = try attention!.backward(outputGradient: dContext)
            dDecoded = try dDecodedDirect + attentionPass.queries
            dStates = attentionPass.memory
            attentionGradients = attentionPass.parameters
        } else {
            dStates = Matrix(rows: logitsGradient.rows, columns: sourceLength * h)
        }
        let decoderPass = try decoder.backward(outputGradient: dDecoded, needsInputGradient: true)
        var dEmbedded = decoderPass.input
        if attention == nil {
            let (dTokens, dLast) = try Self.splitSteps(decoderPass.input, firstWidth: targetEmbedding.dimension, length: tt)
            dEmbedded = dTokens
            var summed = Matrix<Scalar>(rows: dLast.rows, columns: h)
            for step in 0..<tt { summed = try summed + dLast.timeStep(step, width: h) }
            dStates.setTimeStep(sourceLength - 1, summed)
        }
        let targetPass = try targetEmbedding.backward(outputGradient: dEmbedded, needsInputGradient: false)
        let encoderPass = try encoder.backward(outputGradient: dStates, needsInputGradient: true)
        let sourcePass = try sourceEmbedding.backward(outputGradient: encoderPass.input, needsInputGradient: false)
        return sourcePass.parameters + encoderPass.parameters + targetPass.parameters + decoderPass.parameters + attentionGradients
            + outputPass.parameters
    }

    /// One step of training on a batch: forward, the mean cross-entropy over every target token
    /// (``Loss/crossEntropyWithLogits(ignoreIndex:)``, so `ignoreIndex` targets count for nothing),
    /// backward, and `optimizer`'s update of every parameter. Returns the batch's loss.
    /// - Throws: as ``forward(source:decoderInputs:)`` and the loss do.
    @discardableResult
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func trainStep(
        source: Matrix<Scalar>, decoderInputs: Matrix<Scalar>, targets: Matrix<Scalar>, optimizer: inout Optimizer<Scalar>,
        ignoreIndex: Int = -100
    ) throws -> Scalar {
        let loss = Loss.crossEntropyWithLogits(ignoreIndex: ignoreIndex)
        let logits = try forward(source: source, decoderInputs: decoderInputs)
        let value = try loss.value(logits, targets)
        let gradients = try backward(logitsGradient: try loss.gradient(logits, targets))
        try updateParameters { parameter, index in try optimizer.update(&parameter, gradient: gradients[index], slot: index) }
        return value
    }

    /// The mean cross-entropy per target token of a batch, without training.
    /// - Throws: as ``forward(source:decoderInputs:)`` and the loss do.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public func loss(source: Matrix<Scalar>, decoderInputs: Matrix<Scalar>, targets: Matrix<Scalar>, ignoreIndex: Int = -100) throws -> Scalar {
        var model = self
        return try Loss.crossEntropyWithLogits(ignoreIndex: ignoreIndex).value(try model.forward(source: source, decoderInputs: decoderInputs), targets)
    }

    /// Greedy decoding: the `Tt` target ids the model writes for each source, each step's input the
    /// most likely token of the step before (`start` at step 0). With attention, ``attention``'s
    /// ``CrossAttention/attentionWeights`` are then those of the last step's pass, whose rows are
    /// the positions decoded.
    /// - Throws: as ``forward(source:decoderInputs:)`` does, or for a start id outside the target vocabulary.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func translate(source: Matrix<Scalar>, start: Int) throws -> [[Int]] {
        guard (0..<targetVocabulary).contains(start) else {
            throw InvalidArgument("EncoderDecoder.translate: start id \(start); expected one of the \(targetVocabulary) target ids")
        }
        let b = source.rows, v = targetVocabulary
        var inputs = Matrix<Scalar>(rows: b, columns: targetLength, repeating: Scalar(start))
        var written = [[Int]](repeating: [], count: b)
        for step in 0..<targetLength {
            // the decoder is causal: position `step` sees only the inputs up to it, all written already
            let logits = try forward(source: source, decoderInputs: inputs)
            for r in 0..<b {
                var best = 0
                for c in 1..<v where logits[r, step * v + c] > logits[r, step * v + best] { best = c }
                written[r].append(best)
                if step + 1 < targetLength { inputs[r, step + 1] = Scalar(best) }
            }
        }
        savedPadding.value = nil
        return written
    }

    /// `a` (`B×(T·A)`) and `b` (`B×(T·C)`) side by side at every step: `B×(T·(A + C))`.
    static func concatenatedSteps(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>, length: Int) throws -> Matrix<Scalar> {
        guard a.rows == b.rows, a.columns % length == 0, b.columns % length == 0 else {
            throw ShapeError(operation: "concatenatedSteps", shapes: [a.shape, b.shape], expected: "two B×(T·width) batches of T = \(length) steps")
        }
        let wa = a.columns / length, wb = b.columns / length
        var joined = Matrix<Scalar>(rows: a.rows, columns: length * (wa + wb))
        for step in 0..<length {
            joined.setBlock(rows: 0, columns: step * (wa + wb), a.timeStep(step, width: wa))
            joined.setBlock(rows: 0, columns: step * (wa + wb) + wa, b.timeStep(step, width: wb))
        }
        return joined
    }

    /// The inverse of ``concatenatedSteps(_:_:length:)``: the first `firstWidth` numbers of every
    /// step, and the rest.
    static func splitSteps(_ x: Matrix<Scalar>, firstWidth: Int, length: Int) throws -> (Matrix<Scalar>, Matrix<Scalar>) {
        let width = x.columns / length, rest = width - firstWidth
        guard x.columns % length == 0, firstWidth >= 0, rest >= 0 else {
            throw ShapeError(operation: "splitSteps", shapes: [x.shape], expected: "B×(T·width) with T = \(length) and width ≥ \(firstWidth)")
        }
        var first = Matrix<Scalar>(rows: x.rows, columns: length * firstWidth), second = Matrix<Scalar>(rows: x.rows, columns: length * rest)
        for step in 0..<length {
            first.setTimeStep(step, x.block(rows: 0, x.rows, columns: step * width, firstWidth))
            second.setTimeStep(step, x.block(rows: 0, x.rows, columns: step * width + firstWidth, rest))
        }
        return (first, second)
    }

    /// `x` (`B×W`) at each of `count` steps: `B×(count·W)`.
    static func repeatedSteps(_ x: Matrix<Scalar>, count: Int) -> Matrix<Scalar> {
        var repeated = Matrix<Scalar>(rows: x.rows, columns: count * x.columns)
        for step in 0..<count { repeated.setTimeStep(step, x) }
        return repeated
    }
}

extension Array {
    /// The elements in consecutive runs of `size` (the last may be shorter).
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
