/// A network: a list of layers (any ``Layer``: dense, convolution, pooling, dropout, batch
/// normalization, ``Sequential`` and ``Residual`` blocks, a layer of your own), with the forward
/// and backward passes, training with any ``Optimizer``, prediction, and saving.
///
/// ``Network`` is the dense-only network of the first chapters (with the articles' error terms);
/// a `Model` is the general form, and `Network.train` runs through it.
///
/// **Two ways to train.** ``train(inputs:targets:options:optimizer:using:)`` runs minibatch
/// training with a ``TrainingOptions`` value. Or write the loop yourself, with any loss and any
/// number of networks (a GAN trains its generator with the gradient that comes out of the
/// discriminator's input):
///
///     let output = try model.forward(x, mode: .training, using: &generator)
///     let gradient = try Loss.meanSquaredError.gradient(output, y)
///     let backward = try model.backward(outputGradient: gradient)   // ∂E/∂x and every parameter's gradient
///     try model.step(backward.parameters, optimizer: &optimizer)
public struct Model<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The layers, input side first.
    public var layers: [any Layer<Scalar>]
    /// The shape of one input record.
    public let inputShape: RecordShape

    /// A model from layers whose shapes chain; the first layer fixes the input shape.
    /// - Throws: ``InvalidArgument`` for no layers or a first layer that takes any shape,
    ///   ``ShapeError`` naming the first layer that does not fit.
    public init(_ layers: [any Layer<Scalar>]) throws {
        guard let first = layers.first else { throw InvalidArgument("Model: needs at least one layer") }
        guard let input = first.requiredInputShape else {
            throw InvalidArgument(
                "Model: the first layer (\(first.name)) takes records of any shape; give the input shape: Model(input: .features(784), layers)")
        }
        try self.init(input: input, layers)
    }

    /// A model reading records of shape `input`.
    /// - Throws: ``InvalidArgument`` for no layers, ``ShapeError`` naming the first layer that does not fit.
    public init(input: RecordShape, _ layers: [any Layer<Scalar>]) throws {
        guard !layers.isEmpty else { throw InvalidArgument("Model: needs at least one layer") }
        do {
            _ = try layers.chainedShapes(from: input)
        } catch let error as ShapeError {
            throw ShapeError(operation: "Model", shapes: error.shapes, expected: error.expected)
        }
        self.layers = layers
        self.inputShape = input
    }

    /// The dense layers of `network`, as a model.
    public init(_ network: Network<Scalar>) {
        layers = network.layers
        inputShape = .features(network.layers[0].inputCount)
    }

    /// Whether both models have the same input shape and equal layers, layer by layer (the same types
    /// with the same parameters and settings).
    public static func == (lhs: Model, rhs: Model) -> Bool {
        lhs.inputShape == rhs.inputShape && Sequential(lhs.layers) == Sequential(rhs.layers)
    }

    /// The shape of one output record.
    public var outputShape: RecordShape { (try? layers.chainedShapes(from: inputShape).last) ?? inputShape }

    /// One row per layer, nested layers under the block that holds them: its name, the shape of
    /// its output and its parameter count, as Keras's `model.summary()`.
    public var summary: [SummaryRow] { layers.summaryRows(input: inputShape, depth: 0) }

    /// How many numbers the model learns (frozen ones included).
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Every trainable parameter, in the order of the layers: the order of ``backward(outputGradient:needsInputGradient:)``'s
    /// gradients and of the optimizer's slots.
    public var parameters: [Matrix<Scalar>] { layers.flatMap { $0.parameters } }

    /// The parameters' names, PyTorch style: `0.weight`, `0.bias`, `3.body.0.weight`, ….
    public var parameterNames: [String] { Sequential(layers).parameterNames }

    /// The forward pass in `mode`: every layer keeps what its backward pass needs. Training mode
    /// draws dropout masks from `generator` and updates batch normalization's running averages.
    @inlinable public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        guard x.columns == inputShape.count else {
            throw ShapeError(
                operation: "Model.forward", shapes: [x.shape],
                expected: "one record of \(inputShape) per row (\(inputShape.count) columns), got \(x.columns) columns")
        }
        return try layers.forward(x, mode: mode, using: &generator)
    }

    /// The backward pass of the last ``forward(_:mode:using:)``: from `∂E/∂ŷ` to `∂E/∂x` (the
    /// input gradient, when `needsInputGradient`) and every parameter's gradient, in the order of
    /// ``parameters``.
    @inlinable public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool = true) throws -> LayerGradients<Scalar> {
        try layers.backward(outputGradient: outputGradient, through: layers.count, needsInputGradient: needsInputGradient)
    }

    /// The model's outputs for `x` in inference mode (no dropout, batch normalization with its
    /// running averages).
    ///
    /// Large inputs go through in chunks of ``predictionChunk`` rows: every layer works row by row
    /// at inference, so the result is the same, but the intermediate matrices stay small enough
    /// to be reused from the heap instead of being mapped (and zeroed) afresh for each layer.
    @inlinable public func predict(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var model = self
        var unused = SeededGenerator(seed: 0)
        guard x.rows > Self.predictionChunk else { return try model.forward(x, mode: .inference, using: &unused) }
        var outputs: [Scalar] = []
        var columns = 0
        for start in stride(from: 0, to: x.rows, by: Self.predictionChunk) {
            let chunk = try x.gatherRows(start..<min(start + Self.predictionChunk, x.rows))
            let output = try model.forward(chunk, mode: .inference, using: &unused)
            columns = output.columns
            outputs += output.elements
        }
        return try Matrix(rows: x.rows, columns: columns, elements: outputs)
    }

    /// Rows per chunk in ``predict(_:)``.
    public static var predictionChunk: Int { 1024 }

    /// The loss of the inference-mode outputs for `x` against `targets` (no penalty).
    @inlinable public func loss(_ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: Loss) throws -> Scalar {
        try loss.value(predict(x), targets)
    }

    /// A forward pass in training mode and the backward pass from `loss` (plus the weight
    /// `penalty` on every layer's ``Layer/penalizedParameters``): the batch's loss, the penalty,
    /// the outputs and the gradient of loss plus penalty for every parameter, in the order of
    /// ``parameters``.
    ///
    /// When the last layer is ``Softmax`` and the loss ``Loss/crossEntropy``, the two backward
    /// passes are taken together: the gradient of the scores is `(ŷ − y)/m`.
    @inlinable public mutating func backpropagate(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: Loss, penalty: Penalty = .none,
        using generator: inout SeededGenerator
    ) throws -> ModelGradients<Scalar> {
        let output = try forward(x, mode: .training, using: &generator)
        var outputGradient: Matrix<Scalar>, lossValue: Scalar?
        var below = layers.count
        // book: softmax-cross-entropy-gradient
        if loss == .crossEntropy, layers[layers.count - 1] is Softmax<Scalar> {
            try loss.check(output, targets)
            let scale = 1 / Scalar(output.rows)
            outputGradient = try output.zipMap(targets) { ($0 - $1) * scale }
            below -= 1
        } else {
            (lossValue, outputGradient) = try loss.valueAndGradient(output, targets)
        }
        // book: end softmax-cross-entropy-gradient
        var gradients = try layers.backward(outputGradient: outputGradient, through: below, needsInputGradient: false).parameters
        var penaltyValue: Scalar = 0
        if penalty != .none {
            var offset = 0
            for layer in layers {
                let parameters = layer.parameters
                for index in layer.penalizedParameters {
                    penaltyValue += penalty.value(parameters[index])
                    try penalty.addGradient(of: parameters[index], to: &gradients[offset + index])
                }
                offset += parameters.count
            }
        }
        return ModelGradients(loss: try lossValue ?? loss.value(output, targets), penalty: penaltyValue, output: output, gradients: gradients)
    }

    /// One optimizer step on every trainable parameter, with `gradients` in the order of
    /// ``parameters`` (parameter `i` is the optimizer's slot `i`).
    /// - Throws: ``InvalidArgument`` when the number of gradients is not the number of parameters
    ///   (before anything is updated); ``ShapeError`` when a gradient does not have its parameter's shape.
    @inlinable public mutating func step(_ gradients: [Matrix<Scalar>], optimizer: inout Optimizer<Scalar>) throws {
        _ = try step(gradients, optimizer: &optimizer, stoppingAtNonFinite: false)
    }

    /// ``step(_:optimizer:)``; when `stoppingAtNonFinite`, each gradient is checked just before the
    /// optimizer reads it (so the check costs no extra trip to memory), and at the first one with
    /// a NaN or infinite number the step stops there: that parameter and the ones after it are
    /// left as they were. Returns that gradient's index (in the order of ``parameters``), or `nil`.
    @inlinable mutating func step(_ gradients: [Matrix<Scalar>], optimizer: inout Optimizer<Scalar>, stoppingAtNonFinite: Bool) throws -> Int? {
        // checked first, so that a refused step leaves the model and the optimizer as they were (in a
        // scope of its own: the parameters' copies are released before the update, which is in place)
        do {
            let parameters = layers.flatMap { $0.parameters }
            guard parameters.count == gradients.count else {
                throw InvalidArgument("Model.step: \(gradients.count) gradients for a model with \(parameters.count) parameters")
            }
            if let index = parameters.indices.first(where: { parameters[$0].shape != gradients[$0].shape }) {
                throw ShapeError(
                    operation: "Model.step", shapes: [parameters[index].shape, gradients[index].shape],
                    expected: "the gradient must have the parameter's shape (parameter \(index))")
            }
        }
        var nonFinite: Int?
        try layers.updateParameters { parameter, index in
            guard index < gradients.count else {
                throw InvalidArgument("Model.step: \(gradients.count) gradients for a model with more parameters")
            }
            guard nonFinite == nil else { return }
            if stoppingAtNonFinite, gradients[index].hasNonFiniteElements {
                nonFinite = index
                return
            }
            try optimizer.update(&parameter, gradient: gradients[index], slot: index)
        }
        return nonFinite
    }

    /// Trains with minibatches, as `options` say: each epoch sets the learning rate from the
    /// schedule, shuffles the records (when asked), cuts them into batches (see ``Minibatches``),
    /// and for each batch augments its inputs (when asked), backpropagates (with the penalty),
    /// clips the gradients to a global norm (when asked) and lets the optimizer step.
    ///
    /// - Returns: one record per epoch. With ``LossReport/wholeTrainingSet`` (the default) it
    ///   starts with epoch 0, the untrained model, and each loss is measured in inference mode
    ///   over the whole training set after the epoch; with ``LossReport/batchAverage`` it starts
    ///   with epoch 1 and each loss is the mean of the epoch's batch losses, as Keras prints,
    ///   which costs nothing extra. The validation loss (when there is a validation set) is
    ///   always measured after the epoch. With ``TrainingOptions/measureAccuracy`` (one-hot
    ///   targets) each record also has the fraction of records classified correctly, measured
    ///   the same way as its loss (Keras's `metrics=['accuracy']`).
    ///
    /// A training program runs faster with ``ProcessTuning/forTraining()`` called once first: memory
    /// freed at the end of each step then stays in the process for the next, and the second core's
    /// thread stays awake between products. The library never changes the process by itself.
    /// - Throws: ``TrainingDiverged`` when a loss is not finite; ``ShapeError`` when the data do not
    ///   fit the model; ``InvalidArgument`` for a bad batch size, epoch count or schedule.
    @inlinable @discardableResult
    public mutating func train(
        inputs: Matrix<Scalar>, targets: Matrix<Scalar>, options: TrainingOptions<Scalar>, optimizer: inout Optimizer<Scalar>,
        using generator: inout SeededGenerator
    ) throws -> [EpochRecord] {
        let (loss, epochs, measureAccuracy, lossReport, validation) = (options.loss, options.epochs, options.measureAccuracy, options.lossReport, options.validation)
        guard epochs >= 0 else { throw InvalidArgument("train: epochs \(epochs) must not be negative") }
        try options.schedule.validate()
        guard inputs.rows == targets.rows else {
            throw ShapeError(
                operation: "train", shapes: [inputs.shape, targets.shape], expected: "one row of targets per row of inputs")
        }
        let baseRate = optimizer.learningRate
        var updates = 0
        var batchLosses = 0.0, batchCount = 0, batchCorrect = 0, batchRecords = 0
        /// Loss and accuracy of the model in inference mode on `x`, from one forward pass.
        func evaluate(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) throws -> (loss: Double, accuracy: Double?) {
            let outputs = try predict(x)
            let accuracy = measureAccuracy ? Double(try outputs.correctClassifications(y)) / Double(max(y.rows, 1)) : nil
            return (Double(try loss.value(outputs, y)), accuracy)
        }
        func measure(_ epoch: Int) throws -> EpochRecord {
            // A parameter can overflow while every gradient is finite (a huge step), or sit at ±∞
            // where no loss sees it (a bias of −∞ behind a ReLU): checked at every epoch's end.
            if let bad = firstNonFiniteParameter() {
                throw divergence(
                    bad, .parameter, epoch: epoch, update: updates, loss: batchCount > 0 ? batchLosses / Double(batchCount) : .nan,
                    learningRate: optimizer.learningRate)
            }
            let training = lossReport == .batchAverage
                ? (loss: batchLosses / Double(max(batchCount, 1)), accuracy: measureAccuracy ? Double(batchCorrect) / Double(max(batchRecords, 1)) : nil)
                : try evaluate(inputs, targets)
            guard training.loss.isFinite else {
                throw TrainingDiverged(epoch: epoch, update: updates, loss: training.loss, learningRate: optimizer.learningRate)
            }
            let validated = try validation.map { try evaluate($0.inputs, $0.targets) }
            return EpochRecord(
                epoch: epoch, loss: training.loss, updates: updates, validationLoss: validated?.loss,
                learningRate: epoch == 0 ? nil : optimizer.learningRate, accuracy: training.accuracy,
                validationAccuracy: validated?.accuracy)
        }
        var history: [EpochRecord] = []
        if lossReport == .wholeTrainingSet {
            history.append(try measure(0))
            try options.afterEpoch(history[0])
        }
        for epoch in stride(from: 1, through: epochs, by: 1) {
            (batchLosses, batchCount, batchCorrect, batchRecords) = (0, 0, 0, 0)
            optimizer.learningRate = options.schedule.learningRate(base: baseRate, epoch: epoch - 1)
            let batches = options.shuffle
                ? try Minibatches(count: inputs.rows, batchSize: options.batchSize, shuffledWith: &generator)
                : try Minibatches(count: inputs.rows, batchSize: options.batchSize)
            for batch in batches {
                let full = batch.count == inputs.rows && !options.shuffle
                var x = full ? inputs : try inputs.gatherRows(batch)
                let y = full ? targets : try targets.gatherRows(batch)
                if let augment = options.augment { x = try augment(x, &generator) }
                var pass = try backpropagate(x, targets: y, loss: loss, penalty: options.penalty, using: &generator)
                guard pass.loss.isFinite else {
                    throw TrainingDiverged(epoch: epoch, update: updates + 1, loss: Double(pass.loss), learningRate: optimizer.learningRate)
                }
                // A finite loss does not prove finite gradients (an overflow the loss does not see),
                // and the optimizer would write them into the parameters: checked with clipping's
                // norm when there is one, else by the step just before the optimizer reads each
                // one. The parameters are checked once per epoch, in `measure`: a pass over them
                // at every update made a 784-500×5-10 epoch 40% slower, a separate pass over the
                // gradients about 10%.
                if options.clipNorm != nil, let bad = firstNonFinite(in: pass.gradients) {
                    throw divergence(bad, .gradient, gradients: pass.gradients, epoch: epoch, update: updates + 1, loss: Double(pass.loss), learningRate: optimizer.learningRate)
                }
                let gradientNorm = try options.clipNorm.map { try clipByGlobalNorm(&pass.gradients, maxNorm: $0) }
                if let bad = try step(pass.gradients, optimizer: &optimizer, stoppingAtNonFinite: true) {
                    throw divergence(bad, .gradient, gradients: pass.gradients, epoch: epoch, update: updates + 1, loss: Double(pass.loss), learningRate: optimizer.learningRate)
                }
                updates += 1
                batchLosses += Double(pass.loss)
                batchCount += 1
                let correct = measureAccuracy ? try pass.output.correctClassifications(y) : nil
                batchCorrect += correct ?? 0
                batchRecords += y.rows
                try options.afterBatch(
                    BatchRecord(epoch: epoch, batch: batchCount, batchCount: batches.count, records: y.rows, loss: Double(pass.loss), correct: correct,
                        gradientNorm: gradientNorm))
            }
            history.append(try measure(epoch))
            try options.afterEpoch(history[history.count - 1])
        }
        return history
    }
}

extension Model {
    /// The index (in the order of ``parameters``) of the first of `values` with a NaN or infinite
    /// element, or `nil` when all are finite: one pass over each, stopping at the first bad one.
    @inlinable func firstNonFinite(in values: [Matrix<Scalar>]) -> Int? {
        values.firstIndex { $0.hasNonFiniteElements }
    }

    /// The index (in the order of ``parameters``) of the first parameter with a NaN or infinite element.
    @inlinable func firstNonFiniteParameter() -> Int? {
        var offset = 0
        for layer in layers {
            let parameters = layer.parameters
            if let index = firstNonFinite(in: parameters) { return offset + index }
            offset += parameters.count
        }
        return nil
    }

    /// The error for parameter number `index` (in the order of ``parameters``), whose gradient or
    /// value (`quantity`) is not finite: it names the layer, the parameter and the first bad element.
    @inlinable func divergence(
        _ index: Int, _ quantity: TrainingDiverged.Quantity, gradients: [Matrix<Scalar>]? = nil, epoch: Int, update: Int, loss: Double,
        learningRate: Double
    ) -> TrainingDiverged {
        var offset = 0
        for (position, layer) in layers.enumerated() {
            let parameters = layer.parameters
            if index < offset + parameters.count {
                let local = index - offset, names = layer.parameterNames
                let name = local < names.count ? names[local] : "parameter\(local)"
                let values = (gradients?[index] ?? parameters[local]).elements
                let bad = values.firstIndex { !$0.isFinite } ?? 0
                return TrainingDiverged(
                    epoch: epoch, update: update, quantity: quantity, layer: "layer \(position) (\(layer.name))", parameter: name,
                    element: (bad, values.isEmpty ? .nan : Double(values[bad])), loss: loss, learningRate: learningRate)
            }
            offset += parameters.count
        }
        return TrainingDiverged(epoch: epoch, update: update, loss: loss, learningRate: learningRate)
    }
}

/// How ``Model/train(inputs:targets:options:optimizer:using:)`` reports each epoch's training loss.
public enum LossReport: Sendable, Hashable {
    /// A forward pass over the whole training set after each epoch (and before the first).
    case wholeTrainingSet
    /// The mean of the epoch's batch losses, measured while the weights were changing (Keras's number).
    case batchAverage
}

/// The result of ``Model/backpropagate(_:targets:loss:penalty:using:)``.
public struct ModelGradients<Scalar: MatrixScalar>: Sendable {
    /// The batch's loss (without the penalty).
    public var loss: Scalar
    /// The penalty's value.
    public var penalty: Scalar
    /// The outputs, in training mode.
    public var output: Matrix<Scalar>
    /// The gradient of loss plus penalty for every parameter, in the order of ``Model/parameters``.
    public var gradients: [Matrix<Scalar>]

    /// The results of one backpropagation.
    @inlinable public init(loss: Scalar, penalty: Scalar, output: Matrix<Scalar>, gradients: [Matrix<Scalar>]) {
        self.loss = loss
        self.penalty = penalty
        self.output = output
        self.gradients = gradients
    }
}
