/// One training run of an image classifier as article 004 runs its Keras experiments: Adam with
/// its defaults, softmax cross-entropy, minibatches of 128, accuracy measured on the training
/// batches and on a validation set after every epoch, then on the test set.
public struct ClassifierRun: Sendable {
    /// The run's name, for tables.
    public var name: String
    /// The trained model.
    public var model: Model<Float>
    /// One record per epoch (from 1): the mean batch loss and accuracy (Keras's numbers), and
    /// the validation loss and accuracy after the epoch.
    public var history: [EpochRecord]
    /// The predicted class of every test image.
    public var testPredictions: [Int]
    /// The fraction of test images classified correctly.
    public var testAccuracy: Double
    /// Seconds spent in `train` (the validation passes included, the test pass not).
    public var seconds: Double
    /// Training images seen per second.
    public var imagesPerSecond: Double

    /// The validation accuracy after the last epoch.
    public var validationAccuracy: Double { history.last?.validationAccuracy ?? 0 }

    @usableFromInline init(
        name: String, model: Model<Float>, history: [EpochRecord], testPredictions: [Int], testAccuracy: Double, seconds: Double,
        imagesPerSecond: Double
    ) {
        self.name = name
        self.model = model
        self.history = history
        self.testPredictions = testPredictions
        self.testAccuracy = testAccuracy
        self.seconds = seconds
        self.imagesPerSecond = imagesPerSecond
    }

    /// Trains `model` on `training` for `epochs` epochs with Adam at `learningRate` (Keras's and PyTorch's default 0.001) in
    /// batches of `batchSize`, shows a ``TrainingProgress`` on standard error when `progress`, and measures it on `validation` and `test`.
    ///
    /// - Throws: ``TrainingDiverged`` when the loss stops being a number, ``ShapeError`` when the
    ///   images do not fit the model, ``InvalidArgument`` for a bad batch size or epoch count.
    ///
    /// Inlinable, so that the training loop is compiled (and optimised) in the calling chapter.
    @inlinable public static func train(
        _ name: String, model: Model<Float>, training: LabeledImages, validation: LabeledImages, test: LabeledImages, epochs: Int,
        batchSize: Int = 128, learningRate: Double = 0.001, classes: Int = 10, seed: UInt64, progress: Bool = true
    ) throws -> ClassifierRun {
        // book: classifier-training
        var model = model
        var optimizer = try Optimizer<Float>.adam(learningRate: learningRate)
        var random = SeededGenerator(seed: seed)
        let display = progress ? TrainingProgress(epochs: epochs, title: "\(name): \(model.parameterCount.grouped) parameters, \(training.count.grouped) training images") : nil
        let clock = ContinuousClock()
        let start = clock.now
        var options = TrainingOptions<Float>(
            epochs: epochs, batchSize: batchSize, loss: .crossEntropy,
            validation: (validation.images, try validation.oneHotLabels(classes: classes)), lossReport: .batchAverage, measureAccuracy: true)
        options.afterBatch = { display?.batch($0) }
        options.afterEpoch = { display?.epoch($0) }
        let history = try model.train(
            inputs: training.images, targets: try training.oneHotLabels(classes: classes), options: options, optimizer: &optimizer, using: &random)
        // book: end classifier-training
        let seconds = (clock.now - start) / .seconds(1)
        let predictions = try model.predict(test.images).predictedClasses()
        return ClassifierRun(
            name: name, model: model, history: history, testPredictions: predictions,
            testAccuracy: try classificationAccuracy(predicted: predictions, labels: test.labels), seconds: seconds,
            imagesPerSecond: Double(training.count * epochs) / max(seconds, 1e-9))
    }
}
