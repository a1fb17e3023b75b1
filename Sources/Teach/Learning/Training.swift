/// The loss after one epoch of training.
public struct EpochRecord: Sendable, Equatable {
    /// 0 for the untrained network, then 1, 2, …
    public var epoch: Int
    /// The loss over the whole training set after this epoch.
    public var loss: Double
    /// Weight updates made so far, counting from the start of training.
    public var updates: Int

    public init(epoch: Int, loss: Double, updates: Int) {
        self.epoch = epoch
        self.loss = loss
        self.updates = updates
    }
}

/// Training stopped because the loss stopped being a number: the steps grew until they overflowed.
public struct TrainingDiverged: Error, CustomStringConvertible, Sendable {
    public var epoch: Int
    public var update: Int
    public var loss: Double
    public var learningRate: Double

    public init(epoch: Int, update: Int, loss: Double, learningRate: Double) {
        self.epoch = epoch
        self.update = update
        self.loss = loss
        self.learningRate = learningRate
    }

    public var description: String {
        "training diverged in epoch \(epoch), update \(update): the loss became \(loss) with learning rate "
            + "\(learningRate); try a smaller learning rate (or standardize the inputs)"
    }
}

extension Network {
    /// Trains with minibatch gradient descent: each epoch shuffles the records (when `shuffle`),
    /// cuts them into batches of `batchSize` (see ``Minibatches``; the last may be smaller), and makes
    /// one update `W ← W − η ∂E/∂W` per batch. `batchSize` 1 is stochastic gradient descent, the
    /// number of records is full-batch gradient descent.
    ///
    /// - Returns: one record per epoch, starting with epoch 0, the untrained network.
    /// - Throws: ``TrainingDiverged`` when a loss is not finite; ``ShapeError`` when the data do not
    ///   fit the network; ``InvalidArgument`` for a batch size below 1 or a bad learning rate.
    @inlinable @discardableResult
    public mutating func train(
        inputs: Matrix<Scalar>, targets: Matrix<Scalar>, loss: Loss = .halfSquaredError, learningRate: Scalar,
        batchSize: Int, epochs: Int, shuffle: Bool = true, using generator: inout SeededGenerator,
        afterEpoch: (EpochRecord) throws -> Void = { _ in }
    ) throws -> [EpochRecord] {
        guard learningRate.isFinite, learningRate > 0 else {
            throw InvalidArgument("train: learning rate \(learningRate) must be a positive number")
        }
        guard epochs >= 0 else { throw InvalidArgument("train: epochs \(epochs) must not be negative") }
        guard inputs.rows == targets.rows else {
            throw ShapeError(
                operation: "train", shapes: [inputs.shape, targets.shape],
                expected: "one row of targets per row of inputs")
        }
        var updates = 0
        func measure(_ epoch: Int) throws -> EpochRecord {
            let value = Double(try self.loss(inputs, targets: targets, loss: loss))
            guard value.isFinite else {
                throw TrainingDiverged(epoch: epoch, update: updates, loss: value, learningRate: Double(learningRate))
            }
            return EpochRecord(epoch: epoch, loss: value, updates: updates)
        }
        var history = [try measure(0)]
        try afterEpoch(history[0])
        for epoch in stride(from: 1, through: epochs, by: 1) {
            let batches = shuffle
                ? try Minibatches(count: inputs.rows, batchSize: batchSize, shuffledWith: &generator)
                : try Minibatches(count: inputs.rows, batchSize: batchSize)
            for batch in batches {
                let full = batch.count == inputs.rows && !shuffle
                let x = full ? inputs : try inputs.gatherRows(batch)
                let y = full ? targets : try targets.gatherRows(batch)
                let pass = try backpropagate(x, targets: y, loss: loss)
                guard pass.loss.isFinite else {
                    throw TrainingDiverged(epoch: epoch, update: updates + 1, loss: Double(pass.loss), learningRate: Double(learningRate))
                }
                try descend(pass.gradients, learningRate: learningRate)
                updates += 1
            }
            history.append(try measure(epoch))
            try afterEpoch(history[history.count - 1])
        }
        return history
    }
}

/// The fraction of records whose single output, thresholded at `threshold`, equals its 0/1 target.
public func binaryAccuracy<Scalar: MatrixScalar>(_ outputs: Matrix<Scalar>, targets: Matrix<Scalar>, threshold: Scalar = 0.5) -> Double {
    guard outputs.count > 0, outputs.shape == targets.shape else { return 0 }
    let correct = zip(outputs.elements, targets.elements).filter { ($0 >= threshold ? 1 : 0) == $1 }.count
    return Double(correct) / Double(outputs.count)
}
