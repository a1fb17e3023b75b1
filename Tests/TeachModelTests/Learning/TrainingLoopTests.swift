import Testing

@testable import Teach

@Suite struct MinibatchesTests {
    @Test(arguments: [(10, 3), (10, 5), (10, 1), (10, 10), (7, 100), (0, 4), (400, 128)])
    func everyRecordOncePerEpoch(count: Int, batchSize: Int) throws {
        var random = SeededGenerator(seed: 3)
        let batches = try Minibatches(count: count, batchSize: batchSize, shuffledWith: &random)
        #expect(batches.count == (count + batchSize - 1) / batchSize)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<count))
        #expect(batches.dropLast().allSatisfy { $0.count == batchSize })
        #expect(batches.lastBatchIsPartial == (count % batchSize != 0))
        if batchSize >= count && count > 0 { #expect(batches.count == 1) }
    }

    @Test func shuffledBySeedAndInOrderWithout() throws {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9), c = SeededGenerator(seed: 10)
        let first = try Minibatches(count: 50, batchSize: 8, shuffledWith: &a).order
        #expect(first == (try Minibatches(count: 50, batchSize: 8, shuffledWith: &b).order))
        #expect(first != (try Minibatches(count: 50, batchSize: 8, shuffledWith: &c).order))
        #expect(first != Array(0..<50))
        // The generator moves on: the next epoch is ordered differently.
        #expect(first != (try Minibatches(count: 50, batchSize: 8, shuffledWith: &a).order))
        #expect(try Minibatches(count: 5, batchSize: 2).map(Array.init) == [[0, 1], [2, 3], [4]])
    }

    @Test func batchSizeZeroIsAClearError() {
        #expect(throws: InvalidArgument.self) { try Minibatches(count: 10, batchSize: 0) }
        do { _ = try Minibatches(count: 10, batchSize: 0) } catch { #expect("\(error)".contains("batch size 0")) }
    }
}

@Suite struct TrainingTests {
    @Test func xnorIsLearnedWithZeroErrors() throws {
        // The settings of chapter 4: seed 42, 2-2-1 sigmoid, standard deviation 1, η = 5, full batch, 3000 epochs.
        var random = SeededGenerator(seed: 42)
        var network = try Network<Double>(sizes: [2, 2, 1], hidden: .sigmoid, output: .sigmoid, standardDeviation: 1, using: &random)
        let targets = Matrix(column: LogicGate.xnor.targets)
        #expect(binaryAccuracy(try network.predict(LogicGate.inputs), targets: targets) < 1)
        var shuffler = SeededGenerator(seed: 42)
        let history = try network.train(
            inputs: LogicGate.inputs, targets: targets, learningRate: 5, batchSize: 4, epochs: 3000, shuffle: false, using: &shuffler)
        #expect(binaryAccuracy(try network.predict(LogicGate.inputs), targets: targets) == 1)
        #expect(history.last!.loss < 1e-3)
        #expect(history.count == 3001 && history[0].epoch == 0 && history.last!.updates == 3000)
    }

    @Test func noisyXorIsLearnedWithMinibatches() throws {
        var random = SeededGenerator(seed: 8)
        let data = try SyntheticData.xorBlobs(perCorner: 25, using: &random)
        var network = try Network<Double>(sizes: [2, 8, 1], hidden: .tanh, output: .sigmoid, using: &random)
        let history = try network.train(inputs: data.inputs, targets: data.targets, learningRate: 1, batchSize: 10, epochs: 300, using: &random)
        #expect(history.last!.loss < history[0].loss / 4)
        #expect(history.last!.updates == 300 * 10)
        #expect(binaryAccuracy(try network.predict(data.inputs), targets: data.targets) >= 0.95)
    }

    @Test func updatesCountPartialBatches() throws {
        var random = SeededGenerator(seed: 2)
        var network = try Network<Double>(sizes: [2, 1], hidden: .sigmoid, output: .sigmoid, using: &random)
        let x = Matrix<Double>.uniform(rows: 10, columns: 2, in: 0..<1, using: &random)
        let history = try network.train(inputs: x, targets: Matrix(rows: 10, columns: 1), learningRate: 0.1, batchSize: 4, epochs: 3, using: &random)
        #expect(history.map(\.updates) == [0, 3, 6, 9])
    }

    @Test func divergenceIsAnErrorThatSuggestsAFix() throws {
        var random = SeededGenerator(seed: 4)
        let prices = try SyntheticData.propertyPrices(count: 50, using: &random)
        var network = try Network<Double>(sizes: [4, 1], hidden: .identity, output: .identity, using: &random)
        #expect(throws: TrainingDiverged.self) {
            try network.train(inputs: prices.inputs, targets: prices.targets, learningRate: 10, batchSize: 50, epochs: 100, using: &random)
        }
        do {
            try network.train(inputs: prices.inputs, targets: prices.targets, learningRate: 10, batchSize: 50, epochs: 100, using: &random)
        } catch {
            #expect("\(error)".contains("smaller learning rate"))
        }
    }

    /// The issue's reproducer: a dense 64-32-32-10 network with plain SGD at learning rate 1e8
    /// used to "train" to the end with NaN weights behind its ReLUs and a finite loss. Now NaN
    /// passes through ReLU and the first non-finite gradient or parameter stops training, named.
    @Test(arguments: [1e8, 3e7, 3e8])
    func nonFiniteParametersStopTrainingNamingTheLayer(learningRate: Double) throws {
        var random = SeededGenerator(seed: 16)
        var model: Model<Float> = try LayerSpecification.classifier(input: "64", layers: ["dense 32", "dense 32"], classes: 10, using: &random)
        let count = 256
        let x = Matrix<Float>.uniform(rows: count, columns: 64, in: 0..<1, using: &random)
        let labels = (0..<count).map { _ in random.integer(below: 10) }
        let y = Matrix<Float>(rows: count, columns: 10) { r, c in labels[r] == c ? 1 : 0 }
        var optimizer = try Optimizer<Float>.sgd(learningRate: learningRate)
        let options = TrainingOptions<Float>(epochs: 20, batchSize: 32, loss: .crossEntropy)
        do {
            try model.train(inputs: x, targets: y, options: options, optimizer: &optimizer, using: &random)
            Issue.record("training at learning rate \(learningRate) ended with \(model.parameters.filter(\.hasNonFiniteElements).count) non-finite parameters")
        } catch let error as TrainingDiverged {
            let text = "\(error)"
            #expect(text.contains("epoch \(error.epoch), update \(error.update)"))
            #expect(error.update >= 1)
            if error.quantity != .loss {
                #expect(error.layer?.hasPrefix("layer ") == true)
                #expect(error.parameter == "weight" || error.parameter == "bias")
                #expect(text.contains("parameter '\(error.parameter!)' of \(error.layer!)"))
                #expect(error.element.map { !$0.value.isFinite } == true)
            }
        }
    }

    /// A gradient that overflows while the loss is finite (x = 1e300, error 1e10) is caught
    /// before the update, naming the layer, the parameter, the epoch and the update; a parameter
    /// that is infinite where the loss cannot see it (a bias of −∞ behind a ReLU) at the epoch's end.
    @Test func nonFiniteGradientsAndParametersAreNamed() throws {
        let options = TrainingOptions<Double>(epochs: 1, batchSize: 1, loss: .halfSquaredError, shuffle: false, lossReport: .batchAverage)
        var random = SeededGenerator(seed: 1)
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.1)
        var overflowing = try Model<Double>([Dense(weights: [[1e-300]], bias: [0], activation: .identity)])
        let x = try Matrix<Double>(rows: 1, columns: 1, elements: [1e300]), y = try Matrix<Double>(rows: 1, columns: 1, elements: [-1e10])
        do {
            try overflowing.train(inputs: x, targets: y, options: options, optimizer: &optimizer, using: &random)
            Issue.record("an infinite gradient was accepted")
        } catch let error as TrainingDiverged {
            #expect(error.quantity == .gradient)
            #expect((error.epoch, error.update) == (1, 1))
            #expect(error.layer == "layer 0 (dense 1)" && error.parameter == "weight")
            #expect(error.loss.isFinite)
            #expect("\(error)".contains("the gradient of parameter 'weight' of layer 0 (dense 1) became non-finite (element 0 is "))
        }
        #expect(overflowing.parameters[0][0, 0] == 1e-300)  // refused before the update

        var hidden = try Model<Double>([
            Dense(weights: [[1, 1]], bias: [0, -.infinity], activation: .relu),
            Dense(weights: [[1], [1]], bias: [0], activation: .identity),
        ])
        let ones = try Matrix<Double>(rows: 1, columns: 1, elements: [1])
        do {
            try hidden.train(inputs: ones, targets: ones, options: options, optimizer: &optimizer, using: &random)
            Issue.record("an infinite bias was accepted")
        } catch let error as TrainingDiverged {
            #expect(error.quantity == .parameter)
            #expect((error.epoch, error.update) == (1, 1))
            #expect(error.layer == "layer 0 (dense 2)" && error.parameter == "bias")
            #expect(error.element?.index == 1 && error.element?.value == -.infinity)
            #expect("\(error)".contains("parameter 'bias' of layer 0 (dense 2) became non-finite (element 1 is -inf) by the end of the epoch"))
        }
    }

    @Test func badArgumentsAreErrors() throws {
        var random = SeededGenerator(seed: 2)
        var network = try Network<Double>(sizes: [2, 1], hidden: .sigmoid, output: .sigmoid, using: &random)
        let x = Matrix<Double>(rows: 4, columns: 2)
        for rate in [0, -1, Double.nan] {
            #expect(throws: InvalidArgument.self) { try network.train(inputs: x, targets: Matrix(rows: 4, columns: 1), learningRate: rate, batchSize: 2, epochs: 1, using: &random) }
        }
        #expect(throws: InvalidArgument.self) { try network.train(inputs: x, targets: Matrix(rows: 4, columns: 1), learningRate: 0.1, batchSize: 0, epochs: 1, using: &random) }
        #expect(throws: ShapeError.self) { try network.train(inputs: x, targets: Matrix(rows: 3, columns: 1), learningRate: 0.1, batchSize: 2, epochs: 1, using: &random) }
    }
}

/// The training step's buffers: parameters and optimizer state are updated where they are, never
/// copied (a copy-on-write would double the memory traffic of every step).
@Suite struct InPlaceStepTests {
    static func address(_ matrix: Matrix<Float>) -> UnsafeRawPointer {
        matrix.storage.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) }
    }

    static func weights(of model: Model<Float>, layer: Int) -> Matrix<Float> {
        guard let dense = model.layers[layer] as? Dense<Float> else { fatalError("layer \(layer) is not dense") }
        return dense.weights
    }

    @Test func optimizerStepsUpdateWeightsInPlace() throws {
        var generator = SeededGenerator(seed: 5)
        var model = try Model<Float>([
            Dense(inputs: 30, units: 20, activation: .relu, initializer: .he, using: &generator),
            Dense(inputs: 20, units: 4, activation: .identity, initializer: .xavier, using: &generator), Softmax(),
        ])
        let x = Matrix<Float>.uniform(rows: 32, columns: 30, in: 0..<1, using: &generator)
        let y = Matrix<Float>(rows: 32, columns: 4) { r, c in r % 4 == c ? 1 : 0 }
        var optimizer = try Optimizer<Float>.adam()
        // the first step creates Adam's moments; from then on nothing moves
        try model.step(model.backpropagate(x, targets: y, loss: .crossEntropy, using: &generator).gradients, optimizer: &optimizer)
        let before = (0...1).map { Self.address(Self.weights(of: model, layer: $0)) }
        let valuesBefore = Self.weights(of: model, layer: 0).elements.map { $0 }  // a copy, not a second reference
        for _ in 0..<3 {
            let gradients = try model.backpropagate(x, targets: y, loss: .crossEntropy, using: &generator).gradients
            try model.step(gradients, optimizer: &optimizer)
        }
        #expect((0...1).map { Self.address(Self.weights(of: model, layer: $0)) } == before)
        #expect(Self.weights(of: model, layer: 0).elements != valuesBefore, "the steps changed the weights")
    }
}
