/// How ``Model/train(inputs:targets:options:optimizer:using:)`` trains: everything but the data,
/// the optimizer and the random generator, in one value (Keras's `fit` arguments, PyTorch
/// Lightning's `Trainer`).
///
///     var options = TrainingOptions<Float>(epochs: 5, batchSize: 128, loss: .crossEntropy)
///     options.validation = (validationImages, validationLabels)
///     options.measureAccuracy = true
///     options.afterEpoch = { print("epoch \($0.epoch): loss \($0.loss)") }
///     try model.train(inputs: images, targets: labels, options: options, optimizer: &adam, using: &random)
public struct TrainingOptions<Scalar: MatrixScalar> {
    /// Passes over the training set.
    public var epochs: Int
    /// Records per update; the last batch of an epoch may be smaller (see ``Minibatches``).
    public var batchSize: Int
    /// What training minimizes.
    public var loss: Loss
    /// Shuffle the records before every epoch (with the training generator).
    public var shuffle: Bool
    /// The learning rate per epoch, from the optimizer's learning rate.
    public var schedule: LearningRateSchedule
    /// A weight penalty (L1 or L2) added to the loss, on each layer's ``Layer/penalizedParameters``.
    public var penalty: Penalty
    /// When given, every update's gradients are scaled down to this global norm if they exceed
    /// it (``clipByGlobalNorm(_:maxNorm:)``, PyTorch's `clip_grad_norm_`).
    public var clipNorm: Double?
    /// Records held out: their loss (and accuracy) is measured after every epoch.
    public var validation: (inputs: Matrix<Scalar>, targets: Matrix<Scalar>)?
    /// Changes each batch's inputs before the update (data augmentation, see ``Augmentation``).
    public var augment: ((Matrix<Scalar>, inout SeededGenerator) throws -> Matrix<Scalar>)?
    /// How each epoch's training loss is measured.
    public var lossReport: LossReport
    /// Also measure the fraction of records classified correctly (one-hot targets).
    public var measureAccuracy: Bool
    /// Called after every update, for a progress display such as ``TrainingProgress``.
    public var afterBatch: (BatchRecord) throws -> Void
    /// Called with each epoch's record as soon as it is measured.
    public var afterEpoch: (EpochRecord) throws -> Void

    /// Options with the given values; the rest are set afterwards as properties.
    public init(
        epochs: Int, batchSize: Int, loss: Loss = .halfSquaredError, shuffle: Bool = true, schedule: LearningRateSchedule = .constant,
        penalty: Penalty = .none, clipNorm: Double? = nil, validation: (inputs: Matrix<Scalar>, targets: Matrix<Scalar>)? = nil,
        lossReport: LossReport = .wholeTrainingSet, measureAccuracy: Bool = false
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.loss = loss
        self.shuffle = shuffle
        self.schedule = schedule
        self.penalty = penalty
        self.clipNorm = clipNorm
        self.validation = validation
        self.augment = nil
        self.lossReport = lossReport
        self.measureAccuracy = measureAccuracy
        self.afterBatch = { _ in }
        self.afterEpoch = { _ in }
    }
}
