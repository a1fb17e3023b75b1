/// The loss after one epoch of training.
public struct EpochRecord: Sendable, Equatable {
    /// 0 for the untrained network, then 1, 2, …
    public var epoch: Int
    /// The loss over the whole training set after this epoch.
    public var loss: Double
    /// Weight updates made so far, counting from the start of training.
    public var updates: Int
    /// The loss over the validation set after this epoch, when there is one.
    public var validationLoss: Double?
    /// The learning rate this epoch's updates used (`nil` for epoch 0).
    public var learningRate: Double?
    /// The fraction of training records classified correctly, measured as the loss is (when
    /// training measures accuracy).
    public var accuracy: Double?
    /// The fraction of validation records classified correctly after this epoch.
    public var validationAccuracy: Double?

    /// A record of epoch `epoch`; the optional numbers are `nil` when training did not measure them.
    public init(
        epoch: Int, loss: Double, updates: Int, validationLoss: Double? = nil, learningRate: Double? = nil, accuracy: Double? = nil,
        validationAccuracy: Double? = nil
    ) {
        self.epoch = epoch
        self.loss = loss
        self.updates = updates
        self.validationLoss = validationLoss
        self.learningRate = learningRate
        self.accuracy = accuracy
        self.validationAccuracy = validationAccuracy
    }
}

/// One minibatch's update, as training reports it while an epoch runs (for a progress bar).
public struct BatchRecord: Sendable, Equatable {
    /// The epoch, from 1.
    public var epoch: Int
    /// The batch within the epoch, from 1.
    public var batch: Int
    /// How many batches the epoch has.
    public var batchCount: Int
    /// The records in this batch.
    public var records: Int
    /// The batch's loss (before the update).
    public var loss: Double
    /// How many of the batch's records were classified correctly (when training measures accuracy).
    public var correct: Int?
    /// The length of all the batch's gradients as one vector, before clipping (when training clips,
    /// ``TrainingOptions/clipNorm``): the update was clipped when it exceeds the maximum.
    public var gradientNorm: Double?

    /// A record of batch `batch` of `batchCount` in epoch `epoch`.
    public init(epoch: Int, batch: Int, batchCount: Int, records: Int, loss: Double, correct: Int? = nil, gradientNorm: Double? = nil) {
        self.epoch = epoch
        self.batch = batch
        self.batchCount = batchCount
        self.records = records
        self.loss = loss
        self.correct = correct
        self.gradientNorm = gradientNorm
    }
}

/// Training stopped because a number stopped being finite: the loss, a gradient or a parameter
/// became infinite or NaN, usually because the steps grew until they overflowed.
///
/// ``Model/train(inputs:targets:options:optimizer:using:)`` checks the loss of every batch and
/// every gradient before the optimizer uses it (so a NaN stops training at that update, naming the
/// layer and the parameter), and every parameter at the end of each epoch (a parameter that
/// overflowed, or sits at ±∞ where no loss sees it, is reported with the epoch and the updates so
/// far), instead of "training" to the end with a finite-looking loss.
public struct TrainingDiverged: Error, CustomStringConvertible, Sendable {
    /// Which number stopped being finite.
    public enum Quantity: String, Sendable, Hashable {
        /// The loss (``TrainingDiverged/loss`` is the non-finite value).
        case loss
        /// The gradient of a parameter, before the update.
        case gradient
        /// A parameter, at the end of an epoch.
        case parameter
    }

    /// The epoch in which the loss stopped being finite (0 when the untrained model's loss already was not).
    public var epoch: Int
    /// The weight update, counted from the start of training, after which it happened (for a
    /// parameter, found at the end of the epoch: the updates made so far).
    public var update: Int
    /// The loss that was measured: infinite or NaN when ``quantity`` is ``Quantity/loss``, otherwise
    /// the batch's loss (for a parameter, the epoch's mean batch loss), which may still look finite.
    public var loss: Double
    /// The learning rate in use: usually the culprit.
    public var learningRate: Double
    /// What stopped being finite: the loss, a gradient or a parameter.
    public var quantity: Quantity
    /// The layer holding the parameter, as `layer 1 (dense 32)` (counted from 0 in the model's
    /// layers); `nil` when it was the loss.
    public var layer: String?
    /// The parameter's name within its layer (``Layer/parameterNames``, e.g. `weight`); `nil` when it was the loss.
    public var parameter: String?
    /// The first non-finite element of the gradient or parameter (row-major index), and its value.
    public var element: (index: Int, value: Double)?

    /// An error for the loss `loss` after update `update` of epoch `epoch`, at `learningRate`.
    public init(epoch: Int, update: Int, loss: Double, learningRate: Double) {
        self.epoch = epoch
        self.update = update
        self.loss = loss
        self.learningRate = learningRate
        self.quantity = .loss
    }

    /// An error for a gradient or parameter (`quantity`) of `layer` named `parameter` whose element
    /// `element.index` is `element.value`, found at update `update` of epoch `epoch`.
    public init(
        epoch: Int, update: Int, quantity: Quantity, layer: String, parameter: String, element: (index: Int, value: Double),
        loss: Double, learningRate: Double
    ) {
        self.init(epoch: epoch, update: update, loss: loss, learningRate: learningRate)
        self.quantity = quantity
        self.layer = layer
        self.parameter = parameter
        self.element = element
    }

    /// Where it happened, what became non-finite, the learning rate and what to try.
    public var description: String {
        let what: String
        switch quantity {
        case .loss: what = "the loss became \(loss)"
        case .gradient, .parameter:
            let place = element.map { " (element \($0.index) is \($0.value))" } ?? ""
            let name = "\(quantity == .gradient ? "the gradient of " : "")parameter '\(parameter ?? "?")' of \(layer ?? "a layer")"
            what = "\(name) became non-finite\(place) \(quantity == .gradient ? "before the update" : "by the end of the epoch"), with batch loss \(loss),"
        }
        return "training diverged in epoch \(epoch), update \(update): \(what) with learning rate "
            + "\(learningRate); try a smaller learning rate (or standardize the inputs)"
    }
}

extension Network {
    /// Trains with minibatch gradient descent: each epoch shuffles the records (when `shuffle`),
    /// cuts them into batches of `batchSize` (see ``Minibatches``; the last may be smaller), and makes
    /// one update `W ← W − η ∂E/∂W` per batch. `batchSize` 1 is stochastic gradient descent, the
    /// number of records is full-batch gradient descent. It runs as a ``Model`` with plain SGD.
    ///
    /// - Returns: one record per epoch, starting with epoch 0, the untrained network.
    /// - Throws: ``TrainingDiverged`` when a loss is not finite; ``ShapeError`` when the data do not
    ///   fit the network; ``InvalidArgument`` for a batch size below 1 or a bad learning rate.
    @inlinable @discardableResult
    public mutating func train(
        inputs: Matrix<Scalar>, targets: Matrix<Scalar>, loss: Loss = .halfSquaredError, learningRate: Scalar,
        batchSize: Int, epochs: Int, shuffle: Bool = true, using generator: inout SeededGenerator,
        afterEpoch: @escaping (EpochRecord) throws -> Void = { _ in }
    ) throws -> [EpochRecord] {
        guard learningRate.isFinite, learningRate > 0 else {
            throw InvalidArgument("train: learning rate \(learningRate) must be a positive number")
        }
        var optimizer = try Optimizer<Scalar>.sgd(learningRate: Double(learningRate))
        var model = Model(self)
        defer { layers = model.layers.compactMap { $0 as? Dense<Scalar> } }
        var options = TrainingOptions<Scalar>(epochs: epochs, batchSize: batchSize, loss: loss, shuffle: shuffle)
        options.afterEpoch = afterEpoch
        return try model.train(inputs: inputs, targets: targets, options: options, optimizer: &optimizer, using: &generator)
    }
}

/// The fraction of records whose single output, thresholded at `threshold`, equals its 0/1 target.
public func binaryAccuracy<Scalar: MatrixScalar>(_ outputs: Matrix<Scalar>, targets: Matrix<Scalar>, threshold: Scalar = 0.5) -> Double {
    guard outputs.count > 0, outputs.shape == targets.shape else { return 0 }
    let correct = zip(outputs.elements, targets.elements).filter { ($0 >= threshold ? 1 : 0) == $1 }.count
    return Double(correct) / Double(outputs.count)
}
