import Foundation
import Testing

@testable import Teach

@Suite struct ClassificationTests {
    @Test func oneHotRowsAndBadLabels() throws {
        let targets = try Matrix<Float>.oneHot([2, 0, 1], classes: 3)
        #expect(targets == (try Matrix([[0, 0, 1], [1, 0, 0], [0, 1, 0]])))
        do {
            _ = try Matrix<Float>.oneHot([0, 10], classes: 10)
            Issue.record("label 10 of 10 classes was accepted")
        } catch {
            #expect("\(error)".contains("label 10 (record 1)"))
        }
        #expect(throws: InvalidArgument.self) { try Matrix<Float>.oneHot([0], classes: 0) }
    }

    @Test func predictedClassesTakeTheFirstLargest() throws {
        let outputs = try Matrix<Double>([[0.1, 0.7, 0.2], [0.5, 0.5, 0], [0, 0, 1]])
        #expect(outputs.predictedClasses() == [1, 0, 2])
        let targets = try Matrix<Double>.oneHot([1, 1, 2], classes: 3)
        #expect(try outputs.correctClassifications(targets) == 2)
        #expect(throws: ShapeError.self) { try outputs.correctClassifications(Matrix<Double>.oneHot([1], classes: 3)) }
        #expect(try classificationAccuracy(predicted: [1, 0, 2], labels: [1, 1, 2]) == 2.0 / 3)
        #expect(throws: InvalidArgument.self) { try classificationAccuracy(predicted: [1], labels: [1, 2]) }
    }

    @Test func confusionMatrixCountsPairs() throws {
        let confusion = try ConfusionMatrix(predicted: [0, 1, 1, 2, 2, 2, 0], labels: [0, 1, 2, 2, 2, 0, 0], classes: 3)
        #expect(confusion[0, 0] == 2 && confusion[0, 2] == 1)
        #expect(confusion[2, 1] == 1 && confusion[2, 2] == 2)
        #expect(confusion.total == 7)
        #expect(abs(confusion.accuracy - 5.0 / 7) < 1e-12)
        #expect(confusion.classAccuracies.map { ($0 * 1000).rounded() / 1000 } == [0.667, 1, 0.667])
        #expect(confusion.mostConfused(5).map { [$0.truth, $0.predicted, $0.count] } == [[0, 2, 1], [2, 1, 1]])
        do {
            _ = try ConfusionMatrix(predicted: [3], labels: [0], classes: 3)
            Issue.record("class 3 of 3 was accepted")
        } catch {
            #expect("\(error)".contains("predicted as 3"))
        }
    }

    /// Keras's numbers: with `measureAccuracy` every epoch has the batches' accuracy and the
    /// validation accuracy, and `afterBatch` sees every update.
    @Test func trainingMeasuresAccuracyAndReportsBatches() throws {
        var random = SeededGenerator(seed: 5)
        let data = try SyntheticData.spirals(perClass: 60, noise: 0.1, using: &random)
        let targets = try Matrix<Double>.oneHot(data.targets.elements.map { Int($0) }, classes: 2)
        var model: Model<Double> = try LayerSpecification.classifier(input: "2", layers: ["dense 16"], classes: 2, using: &random)
        var optimizer = try Optimizer<Double>.adam(learningRate: 0.01)
        var batches: [BatchRecord] = []
        var options = TrainingOptions<Double>(
            epochs: 3, batchSize: 32, loss: .crossEntropy, validation: (data.inputs, targets), lossReport: .batchAverage, measureAccuracy: true)
        options.afterBatch = { batches.append($0) }
        let history = try model.train(inputs: data.inputs, targets: targets, options: options, optimizer: &optimizer, using: &random)
        #expect(history.map(\.epoch) == [1, 2, 3])
        #expect(batches.count == 3 * 4)
        #expect(batches.prefix(4).map(\.batch) == [1, 2, 3, 4] && batches.allSatisfy { $0.batchCount == 4 })
        #expect(batches.prefix(4).map(\.records) == [32, 32, 32, 24])
        for epoch in 1...3 {
            let own = batches.filter { $0.epoch == epoch }
            let correct = own.reduce(0) { $0 + ($1.correct ?? 0) }
            #expect(history[epoch - 1].accuracy == Double(correct) / 120)
            #expect(abs(history[epoch - 1].loss - own.map(\.loss).reduce(0, +) / 4) < 1e-12)
        }
        let outputs = try model.predict(data.inputs)
        #expect(history[2].validationAccuracy == Double(try outputs.correctClassifications(targets)) / 120)
        // without measureAccuracy nothing is counted
        let plain = try model.train(inputs: data.inputs, targets: targets, options: TrainingOptions(epochs: 1, batchSize: 32, loss: .crossEntropy), optimizer: &optimizer, using: &random)
        #expect(plain.allSatisfy { $0.accuracy == nil && $0.validationAccuracy == nil })
    }

    @Test func classifierEndsInSoftmaxOverTheClasses() throws {
        var random = SeededGenerator(seed: 1)
        let dense: Model<Float> = try LayerSpecification.classifier(input: "784", layers: ["dense 50"], classes: 10, using: &random)
        #expect(dense.summary.map(\.layer) == ["dense 50", "dense 10", "softmax"])
        #expect(dense.parameterCount == 784 * 50 + 50 + 50 * 10 + 10)
        let cnn: Model<Float> = try LayerSpecification.classifier(
            input: "28x28x1", layers: ["conv 25 5", "maxpool 2", "conv 25 5", "maxpool 2", "conv 25 4"], classes: 10, using: &random)
        #expect(cnn.summary.map(\.output) == ["24×24×25", "12×12×25", "8×8×25", "4×4×25", "1×1×25", "25", "10", "10"])
        // random weights, not the zeros of `model(input:layers:)`
        guard let first = dense.layers[0] as? Dense<Float> else { Issue.record("not dense"); return }
        #expect(first.weights.maxMagnitude() > 0)
        #expect(throws: InvalidArgument.self) { let _: Model<Float> = try LayerSpecification.classifier(input: "4", layers: [], classes: 1, using: &random) }
    }
}

@Suite struct TrainingProgressTests {
    @Test func barShowsBatchesDone() {
        // 120 of 329 batches: 30·120/329 = 10.9, so 10 of the 30 places are done (the last one an arrow)
        #expect(TrainingProgress.bar(epoch: 3, of: 5, batch: 120, of: 329) == "Epoch 3/5  [=========>....................]  120/329")
        #expect(TrainingProgress.bar(epoch: 1, of: 10, batch: 329, of: 329).hasSuffix("[==============================]  329/329"))
        #expect(TrainingProgress.bar(epoch: 1, of: 10, batch: 3, of: 329).hasPrefix("Epoch  1/10  [...."))
    }

    /// Not a terminal: one plain line per epoch, with the validation numbers, and no redraws.
    @Test func plainLinesWhenNotATerminal() throws {
        let path = NSTemporaryDirectory() + "progress-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let progress = TrainingProgress(epochs: 2, title: "run", output: handle)
        for epoch in 1...2 {
            for batch in 1...3 {
                progress.batch(BatchRecord(epoch: epoch, batch: batch, batchCount: 3, records: 10, loss: Double(batch), correct: 5))
            }
            progress.epoch(EpochRecord(epoch: epoch, loss: 2, updates: 3 * epoch, validationLoss: 0.25, accuracy: 0.5, validationAccuracy: 0.75))
        }
        try handle.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "run")
        #expect(!lines.joined().contains("\r"))
        #expect(lines[1].hasPrefix("Epoch 1/2  [==============================]  3/3  "))
        #expect(lines[2].contains("loss 2.0000  accuracy 0.5000  val_loss 0.2500  val_accuracy 0.7500"))
    }
}
