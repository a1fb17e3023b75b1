import Testing

import Teach

@Suite struct TrainingOptionsTests {
    func setup() throws -> (Model<Double>, Matrix<Double>, Matrix<Double>) {
        var random = SeededGenerator(seed: 110)
        let model = Model(try Network<Double>(sizes: [2, 6, 1], hidden: .tanh, output: .sigmoid, using: &random))
        let x = Matrix<Double>.gaussian(rows: 10, columns: 2, using: &random)
        let y = x.rowSums().map { $0 > 0 ? 1 : 0 }
        return (model, x, y)
    }

    @Test func defaultsAreTheOldTrainingArguments() {
        // Model.train(…, loss: .halfSquaredError, schedule: .constant, shuffle: true, penalty: .none,
        // clipNorm: nil, validation: nil, augment: nil, lossReport: .wholeTrainingSet, measureAccuracy: false)
        let options = TrainingOptions<Float>(epochs: 3, batchSize: 8)
        #expect(options.epochs == 3)
        #expect(options.batchSize == 8)
        #expect(options.loss == .halfSquaredError)
        #expect(options.shuffle)
        #expect(options.schedule == .constant)
        #expect(options.penalty == .none)
        #expect(options.clipNorm == nil)
        #expect(options.validation == nil)
        #expect(options.augment == nil)
        #expect(options.lossReport == .wholeTrainingSet)
        #expect(!options.measureAccuracy)
    }

    /// The default options train exactly as the loop written out by hand: shuffle every epoch with
    /// the training generator, half squared error without penalty, a constant learning rate, and
    /// the loss of the whole training set in inference mode before the first epoch and after each.
    @Test func defaultsTrainAsTheLoopWrittenOut() throws {
        let (start, x, y) = try setup()
        var trained = start
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.3, momentum: 0.9)
        var random = SeededGenerator(seed: 5)
        let history = try trained.train(inputs: x, targets: y, options: TrainingOptions(epochs: 3, batchSize: 4), optimizer: &optimizer, using: &random)

        var manual = start
        var manualOptimizer = try Optimizer<Double>.sgd(learningRate: 0.3, momentum: 0.9)
        var manualRandom = SeededGenerator(seed: 5)
        var losses = [Double(try manual.loss(x, targets: y, loss: .halfSquaredError))]
        for _ in 1...3 {
            for batch in try Minibatches(count: x.rows, batchSize: 4, shuffledWith: &manualRandom) {
                let pass = try manual.backpropagate(
                    x.gatherRows(batch), targets: y.gatherRows(batch), loss: .halfSquaredError, using: &manualRandom)
                try manual.step(pass.gradients, optimizer: &manualOptimizer)
            }
            losses.append(Double(try manual.loss(x, targets: y, loss: .halfSquaredError)))
        }
        #expect(history.map(\.loss) == losses)
        #expect(trained == manual)
        #expect(trained != start)
        #expect(history.map(\.epoch) == [0, 1, 2, 3])
        #expect(history.map(\.updates) == [0, 3, 6, 9])  // ⌈10/4⌉ = 3 batches per epoch
        #expect(history.map(\.learningRate) == [nil, 0.3, 0.3, 0.3])
        #expect(history.allSatisfy { $0.validationLoss == nil && $0.accuracy == nil })
        #expect(optimizer.learningRate == 0.3)
    }

    @Test func callbacksAreCalledOncePerBatchAndPerEpoch() throws {
        let (start, x, y) = try setup()
        for report in [LossReport.wholeTrainingSet, .batchAverage] {
            var model = start
            var optimizer = try Optimizer<Double>.adam(learningRate: 0.01)
            var random = SeededGenerator(seed: 6)
            var batches: [BatchRecord] = [], epochs: [EpochRecord] = []
            var options = TrainingOptions<Double>(epochs: 4, batchSize: 3, lossReport: report)
            options.afterBatch = { batches.append($0) }
            options.afterEpoch = { epochs.append($0) }
            let history = try model.train(inputs: x, targets: y, options: options, optimizer: &optimizer, using: &random)
            // 10 records in batches of 3: 3, 3, 3 and 1, four times
            #expect(batches.count == 16)
            #expect(batches.map(\.epoch) == [1, 2, 3, 4].flatMap { Array(repeating: $0, count: 4) })
            #expect(batches.map(\.batch) == Array(repeating: [1, 2, 3, 4], count: 4).flatMap { $0 })
            #expect(batches.allSatisfy { $0.batchCount == 4 })
            #expect(batches.map(\.records) == Array(repeating: [3, 3, 3, 1], count: 4).flatMap { $0 })
            #expect(batches.allSatisfy { $0.loss.isFinite && $0.correct == nil })
            // whole training set: epoch 0 (before training) and every epoch; batch average: every epoch
            #expect(epochs == history)
            #expect(epochs.map(\.epoch) == (report == .wholeTrainingSet ? [0, 1, 2, 3, 4] : [1, 2, 3, 4]))
            if report == .batchAverage {
                // the mean of the epoch's batch losses
                for (epoch, record) in epochs.enumerated() {
                    let losses = batches[(4 * epoch)..<(4 * epoch + 4)].map(\.loss)
                    #expect(abs(record.loss - losses.reduce(0, +) / 4) < 1e-12)
                }
            }
        }
    }

    @Test func noEpochsCallsOnlyTheFirstEpochRecord() throws {
        let (start, x, y) = try setup()
        var model = start
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.1)
        var random = SeededGenerator(seed: 7)
        var batchCalls = 0, epochCalls = 0
        var options = TrainingOptions<Double>(epochs: 0, batchSize: 3)
        options.afterBatch = { _ in batchCalls += 1 }
        options.afterEpoch = { _ in epochCalls += 1 }
        let history = try model.train(inputs: x, targets: y, options: options, optimizer: &optimizer, using: &random)
        #expect(history.count == 1)
        #expect((batchCalls, epochCalls) == (0, 1))
        #expect(model == start)
    }

    struct Stop: Error {}

    @Test func aThrowingCallbackStopsTraining() throws {
        let (start, x, y) = try setup()
        var model = start
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.1)
        var random = SeededGenerator(seed: 8)
        var batchCalls = 0, epochCalls = 0
        var options = TrainingOptions<Double>(epochs: 5, batchSize: 3)
        options.afterBatch = { _ in
            batchCalls += 1
            if batchCalls == 6 { throw Stop() }
        }
        options.afterEpoch = { _ in epochCalls += 1 }
        #expect(throws: Stop.self) { try model.train(inputs: x, targets: y, options: options, optimizer: &optimizer, using: &random) }
        // epoch 0, epoch 1 (4 batches), then the second batch of epoch 2 stopped it
        #expect((batchCalls, epochCalls) == (6, 2))
        #expect(model != start)
    }
}
