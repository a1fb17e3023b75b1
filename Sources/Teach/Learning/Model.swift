/// A network as a list of ``Layer``s (dense, convolution, pooling, dropout, batch normalization, …), trained with any
/// ``Optimizer``, an optional weight ``Penalty``, gradient clipping and data augmentation.
///
/// ``Network`` is the dense-only network of the first chapters (with the articles' error terms);
/// a `Model` is the general form, and `Network.train` runs through it.
public struct Model<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The layers, input side first.
    public var layers: [Layer<Scalar>]

    /// A model from layers whose widths chain.
    /// - Throws: ``InvalidArgument`` for no layers, ``ShapeError`` naming the layers that do not fit.
    public init(_ layers: [Layer<Scalar>]) throws {
        guard let first = layers.first?.inputCount else {
            throw InvalidArgument("Model: needs at least one layer, and the first must have a fixed input width (dense, batch norm or an image layer)")
        }
        var width = first
        var image = layers[0].inputImageShape
        for (index, layer) in layers.enumerated() {
            if let needed = layer.inputCount, needed != width {
                throw ShapeError(
                    operation: "Model", shapes: [Shape(1, width), Shape(1, needed)],
                    expected: "layer \(index + 1) (\(layer.name)) needs \(needed) inputs, but the layer before gives \(width)")
            }
            if let needed = layer.inputImageShape, let given = image, needed != given {
                throw ShapeError(
                    operation: "Model", shapes: [Shape(1, width)],
                    expected: "layer \(index + 1) (\(layer.name)) reads \(needed) images, but the layer before gives \(given)")
            }
            width = layer.outputCount(inputs: width)
            switch layer {
            case .dropout, .activation, .batchNorm, .softmax: break
            default: image = layer.outputImageShape
            }
        }
        self.layers = layers
    }

    /// One row per layer: its name, the shape of its output and its parameter count, as Keras's
    /// `model.summary()`.
    public var summary: [(layer: String, output: String, parameters: Int)] {
        var width = layers.first?.inputCount ?? 0
        var image = layers.first?.inputImageShape
        return layers.map { layer in
            width = layer.outputCount(inputs: width)
            switch layer {
            case .dropout, .activation, .batchNorm, .softmax: break
            default: image = layer.outputImageShape
            }
            return (layer.name, image.map(\.description) ?? String(width), layer.parameterCount)
        }
    }

    /// The dense layers of `network`, as a model.
    public init(_ network: Network<Scalar>) {
        layers = network.layers.map { .dense($0) }
    }

    /// How many numbers the model learns.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// The forward pass in `mode`, keeping every layer's trace. Training mode draws dropout masks
    /// from `generator` and updates batch normalization's running averages.
    @inlinable public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> [LayerTrace<Scalar>] {
        var traces: [LayerTrace<Scalar>] = []
        traces.reserveCapacity(layers.count)
        var input = x
        for index in layers.indices {
            let trace = try layers[index].forward(input, mode: mode, using: &generator)
            input = trace.output
            traces.append(trace)
        }
        return traces
    }

    /// The model's outputs for `x` in inference mode (no dropout, batch normalization with its
    /// running averages).
    ///
    /// Large inputs go through in chunks of ``predictionChunk`` rows: every layer works row by row
    /// at inference, so the result is the same, but the intermediate matrices stay small enough
    /// to be reused from the heap instead of being mapped (and zeroed) afresh for each layer.
    @inlinable public func predict(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        MemoryReuse.keepFreedMemory()
        var model = self
        var unused = SeededGenerator(seed: 0)
        guard x.rows > Self.predictionChunk else { return try model.forward(x, mode: .inference, using: &unused).last!.output }
        var outputs: [Scalar] = []
        var columns = 0
        for start in stride(from: 0, to: x.rows, by: Self.predictionChunk) {
            let chunk = try x.gatherRows(start..<min(start + Self.predictionChunk, x.rows))
            let output = try model.forward(chunk, mode: .inference, using: &unused).last!.output
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

    /// A forward pass in training mode and the backward pass: the batch's loss, the penalty, and
    /// the gradient of their sum with respect to every parameter (one array per layer, in the
    /// order of ``Layer/parameters``).
    @inlinable public mutating func backpropagate(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: Loss, penalty: Penalty = .none,
        using generator: inout SeededGenerator
    ) throws -> ModelGradients<Scalar> {
        let traces = try forward(x, mode: .training, using: &generator)
        let output = traces.last!.output
        var outputGradient: Matrix<Scalar>
        var gradients = [[Matrix<Scalar>]](repeating: [], count: layers.count)
        var below = layers.count
        if loss == .crossEntropy, case .softmax = layers[layers.count - 1] {
            // softmax then cross-entropy: the gradient of the scores is (ŷ − y)/m
            try loss.check(output, targets)
            let scale = 1 / Scalar(output.rows)
            outputGradient = try output.zipMap(targets) { ($0 - $1) * scale }
            below -= 1
        } else {
            outputGradient = try loss.gradient(output, targets)
        }
        var penaltyValue: Scalar = 0
        for index in layers.indices.prefix(below).reversed() {
            let backward = try layers[index].backward(traces[index], outputGradient: outputGradient, inputGradient: index > 0)
            gradients[index] = backward.parameterGradients
            if case .dense(let dense) = layers[index], penalty != .none {
                penaltyValue += penalty.value(dense.weights)
                try penalty.addGradient(of: dense.weights, to: &gradients[index][0])
            }
            outputGradient = backward.inputGradient
        }
        return ModelGradients(loss: try loss.value(output, targets), penalty: penaltyValue, output: output, gradients: gradients)
    }

    /// One optimizer step on every parameter. Parameters are numbered in order through the layers
    /// (the optimizer's slots).
    @inlinable public mutating func step(_ gradients: [[Matrix<Scalar>]], optimizer: inout Optimizer<Scalar>) throws {
        guard gradients.count == layers.count else {
            throw InvalidArgument("Model.step: gradients for \(gradients.count) layers, the model has \(layers.count)")
        }
        var slot = 0
        for index in layers.indices {
            let layerGradients = gradients[index]
            guard layerGradients.count == layers[index].parameters.count else {
                throw InvalidArgument("Model.step: layer \(index + 1) has \(layers[index].parameters.count) parameters, got \(layerGradients.count) gradients")
            }
            try layers[index].updateParameters { parameter, p in
                try optimizer.update(&parameter, gradient: layerGradients[p], slot: slot + p)
            }
            slot += layerGradients.count
        }
    }

    /// Trains with minibatches: each epoch sets the learning rate from `schedule`, shuffles the
    /// records (when `shuffle`), cuts them into batches of `batchSize` (see ``Minibatches``), and
    /// for each batch augments its inputs (when `augment` is given), backpropagates (with the
    /// `penalty`), clips the gradients to the global norm `clipNorm` (when given) and lets the
    /// optimizer step.
    ///
    /// - Returns: one record per epoch. With `lossReport` ``LossReport/wholeTrainingSet`` (the
    ///   default) it starts with epoch 0, the untrained model, and each loss is measured in
    ///   inference mode over the whole training set after the epoch; with
    ///   ``LossReport/batchAverage`` it starts with epoch 1 and each loss is the mean of the
    ///   epoch's batch losses, as Keras prints, which costs nothing extra. The validation loss
    ///   (when `validation` is given) is always measured after the epoch. With `measureAccuracy`
    ///   (one-hot targets) each record also has the fraction of records classified correctly,
    ///   measured the same way as its loss (Keras's `metrics=['accuracy']`).
    ///
    /// Memory freed at the end of each step stays in the process for the next (see ``MemoryReuse``).
    ///
    /// `afterBatch` is called after every update with the batch's loss (and, with
    /// `measureAccuracy`, how many of its records were right), for a progress display such as
    /// ``TrainingProgress``; `afterEpoch` with each epoch's record.
    /// - Throws: ``TrainingDiverged`` when a loss is not finite; ``ShapeError`` when the data do not
    ///   fit the model; ``InvalidArgument`` for a bad batch size, epoch count or schedule.
    @inlinable @discardableResult
    public mutating func train(
        inputs: Matrix<Scalar>, targets: Matrix<Scalar>, loss: Loss = .halfSquaredError, optimizer: inout Optimizer<Scalar>,
        schedule: LearningRateSchedule = .constant, batchSize: Int, epochs: Int, shuffle: Bool = true,
        penalty: Penalty = .none, clipNorm: Double? = nil, validation: (inputs: Matrix<Scalar>, targets: Matrix<Scalar>)? = nil,
        augment: ((Matrix<Scalar>, inout SeededGenerator) throws -> Matrix<Scalar>)? = nil, lossReport: LossReport = .wholeTrainingSet,
        measureAccuracy: Bool = false, using generator: inout SeededGenerator, afterBatch: (BatchRecord) throws -> Void = { _ in },
        afterEpoch: (EpochRecord) throws -> Void = { _ in }
    ) throws -> [EpochRecord] {
        guard epochs >= 0 else { throw InvalidArgument("train: epochs \(epochs) must not be negative") }
        try schedule.validate()
        MemoryReuse.keepFreedMemory()
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
            try afterEpoch(history[0])
        }
        for epoch in stride(from: 1, through: epochs, by: 1) {
            (batchLosses, batchCount, batchCorrect, batchRecords) = (0, 0, 0, 0)
            optimizer.learningRate = schedule.learningRate(base: baseRate, epoch: epoch - 1)
            let batches = shuffle
                ? try Minibatches(count: inputs.rows, batchSize: batchSize, shuffledWith: &generator)
                : try Minibatches(count: inputs.rows, batchSize: batchSize)
            for batch in batches {
                let full = batch.count == inputs.rows && !shuffle
                var x = full ? inputs : try inputs.gatherRows(batch)
                let y = full ? targets : try targets.gatherRows(batch)
                if let augment { x = try augment(x, &generator) }
                var pass = try backpropagate(x, targets: y, loss: loss, penalty: penalty, using: &generator)
                guard pass.loss.isFinite else {
                    throw TrainingDiverged(epoch: epoch, update: updates + 1, loss: Double(pass.loss), learningRate: optimizer.learningRate)
                }
                if let clipNorm {
                    var flat = pass.gradients.flatMap { $0 }
                    try clipByGlobalNorm(&flat, maxNorm: clipNorm)
                    var offset = 0
                    for index in pass.gradients.indices {
                        let count = pass.gradients[index].count
                        pass.gradients[index] = Array(flat[offset..<offset + count])
                        offset += count
                    }
                }
                try step(pass.gradients, optimizer: &optimizer)
                updates += 1
                batchLosses += Double(pass.loss)
                batchCount += 1
                let correct = measureAccuracy ? try pass.output.correctClassifications(y) : nil
                batchCorrect += correct ?? 0
                batchRecords += y.rows
                try afterBatch(
                    BatchRecord(epoch: epoch, batch: batchCount, batchCount: batches.count, records: y.rows, loss: Double(pass.loss), correct: correct))
            }
            history.append(try measure(epoch))
            try afterEpoch(history[history.count - 1])
        }
        return history
    }
}

/// How ``Model/train(inputs:targets:loss:optimizer:schedule:batchSize:epochs:shuffle:penalty:clipNorm:validation:augment:lossReport:using:afterEpoch:)``
/// reports each epoch's training loss.
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
    /// One array per layer: the gradient of loss plus penalty for each of the layer's parameters.
    public var gradients: [[Matrix<Scalar>]]

    @inlinable public init(loss: Scalar, penalty: Scalar, output: Matrix<Scalar>, gradients: [[Matrix<Scalar>]]) {
        self.loss = loss
        self.penalty = penalty
        self.output = output
        self.gradients = gradients
    }
}
