import Foundation
import Testing

@testable import Teach

@Suite struct ClassifierTrainingTests {
    /// Article 004's first network (784-50-10) from seed 42, and `source` split 70/30 as the chapter splits it.
    func firstNetwork(on source: ImageDataset.Source) throws -> (model: Model<Float>, training: LabeledImages, validation: LabeledImages, test: LabeledImages) {
        let data = try ImageDataset.load(source)
        let (training, validation) = try data.training.split(trainingFraction: 0.7)
        var random = SeededGenerator(seed: 42)
        let model: Model<Float> = try LayerSpecification.classifier(input: "784", layers: ["dense 50"], classes: 10, using: &random)
        return (model, training, validation, data.test)
    }

    /// The package's promise in one test: the real core, on real images, from a fixed seed, learns
    /// well above chance (0.10) in one epoch of the 2,100-image training split, and the same seeds
    /// give the same predictions.
    @Test func oneEpochOnTheSampleBeatsChance() throws {
        let (model, training, validation, test) = try firstNetwork(on: .embeddedSample)
        let run = try ClassifierRun.train(
            "784-50-10", model: model, training: training, validation: validation, test: test, epochs: 1, seed: 7, progress: false)
        #expect(run.history.count == 1)
        #expect(run.testAccuracy > 0.55)
        #expect(run.validationAccuracy > 0.55)
        #expect(run.testPredictions.count == 1000)
        #expect(run.model != model)
        let again = try ClassifierRun.train(
            "784-50-10", model: model, training: training, validation: validation, test: test, epochs: 1, seed: 7, progress: false)
        #expect(again.testPredictions == run.testPredictions)
        #expect(again.history == run.history)
    }

    /// The learning rate reaches Adam: 0.001 is the default (the same run bit for bit), and a
    /// learning rate of 10⁻⁹ leaves the weights where they started, so the run stays near chance
    /// while the default learns.
    @Test func theLearningRateIsAdams() throws {
        let (model, training, validation, test) = try firstNetwork(on: .embeddedSample)
        func train(_ learningRate: Double?) throws -> ClassifierRun {
            try learningRate.map {
                try ClassifierRun.train(
                    "784-50-10", model: model, training: training, validation: validation, test: test, epochs: 1, learningRate: $0, seed: 7,
                    progress: false)
            } ?? ClassifierRun.train("784-50-10", model: model, training: training, validation: validation, test: test, epochs: 1, seed: 7, progress: false)
        }
        let byDefault = try train(nil), explicit = try train(0.001), frozen = try train(1e-9)
        #expect(explicit.history == byDefault.history)
        #expect(explicit.testPredictions == byDefault.testPredictions)
        let start = try #require(model.layers.first as? Dense<Float>), moved = try #require(frozen.model.layers.first as? Dense<Float>)
        #expect(try moved.weights.relativeDistance(to: start.weights) < 1e-4)
        #expect(frozen.testAccuracy < 0.3, "test accuracy \(frozen.testAccuracy)")
        #expect(byDefault.testAccuracy > 0.55)
    }

    /// With Debian's full Fashion-MNIST installed: article 004's first network, trained as the
    /// chapter trains it (42,000 images, 5 epochs), lands within a point of PyTorch's 0.853.
    @Test(.enabled(if: ImageDataset.source(for: nil) == .debianFashionMNIST))
    func firstNetworkOnTheFullSetMatchesPyTorch() throws {
        let (model, training, validation, test) = try firstNetwork(on: .debianFashionMNIST)
        let run = try ClassifierRun.train(
            "784-50-10", model: model, training: training, validation: validation, test: test, epochs: 5, seed: 142, progress: false)
        #expect(abs(run.testAccuracy - 0.853) < 0.01, "test accuracy \(run.testAccuracy)")
    }
}
