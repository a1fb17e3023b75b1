import Numerics
import Testing

import Teach

/// A dense layer with Xavier weights and small random biases (zero biases would hide bias bugs).
private func dense(_ inputs: Int, _ units: Int, _ activation: Activation, _ random: inout SeededGenerator) throws -> Dense<Double> {
    var layer = try Dense<Double>(inputs: inputs, units: units, activation: activation, initializer: .xavier, using: &random)
    layer.bias = Matrix.uniform(rows: 1, columns: units, in: -0.5..<0.5, using: &random)
    return layer
}

/// `GradientCheck.run` on every parameter and every input, expecting agreement to 1e-6.
private func expectGradientsMatch(
    _ model: Model<Double>, _ x: Matrix<Double>, _ y: Matrix<Double>, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let check = try GradientCheck.run(model, inputs: x, targets: y, checkInput: true)
    #expect(
        check.maxRelativeError < 1e-6, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)",
        sourceLocation: sourceLocation)
    #expect(check.parametersChecked == model.parameters.reduce(0) { $0 + $1.count } + x.count, sourceLocation: sourceLocation)
}

@Suite struct SequentialTests {
    @Test func nestedGivesBitIdenticalOutputsAndGradients() throws {
        var random = SeededGenerator(seed: 71)
        let a = try dense(3, 5, .tanh, &random), b = try dense(5, 4, .relu, &random), c = try dense(4, 2, .sigmoid, &random)
        var flat = try Model<Double>([a, b, c])
        var nested = try Model<Double>([Sequential([a, Sequential([b])]), c])
        #expect(nested.parameterNames == ["0.0.weight", "0.0.bias", "0.1.0.weight", "0.1.0.bias", "1.weight", "1.bias"])
        #expect(nested.parameters == flat.parameters)
        #expect(nested.parameterCount == flat.parameterCount)
        #expect(nested.outputShape == flat.outputShape)

        let x = Matrix<Double>.gaussian(rows: 7, columns: 3, using: &random)
        let g = Matrix<Double>.gaussian(rows: 7, columns: 2, using: &random)
        var r1 = SeededGenerator(seed: 1), r2 = SeededGenerator(seed: 1)
        let flatOutput = try flat.forward(x, mode: .training, using: &r1)
        let nestedOutput = try nested.forward(x, mode: .training, using: &r2)
        #expect(flatOutput == nestedOutput)
        let flatBackward = try flat.backward(outputGradient: g)
        let nestedBackward = try nested.backward(outputGradient: g)
        #expect(flatBackward.input == nestedBackward.input)
        #expect(flatBackward.parameters == nestedBackward.parameters)

        // and so training is the same, bit for bit
        let y = Matrix<Double>.uniform(rows: 7, columns: 2, in: 0..<1, using: &random)
        var o1 = try Optimizer<Double>.adam(learningRate: 0.01), o2 = try Optimizer<Double>.adam(learningRate: 0.01)
        let h1 = try flat.train(inputs: x, targets: y, options: TrainingOptions(epochs: 3, batchSize: 3), optimizer: &o1, using: &r1)
        let h2 = try nested.train(inputs: x, targets: y, options: TrainingOptions(epochs: 3, batchSize: 3), optimizer: &o2, using: &r2)
        #expect(h1 == h2)
        #expect(flat.parameters == nested.parameters)
        #expect(flat.parameters != [a, b, c].flatMap(\.parameters))
    }
}

@Suite struct ResidualTests {
    @Test func identityShortcutByHand() throws {
        // f(x) = ReLU(x·W + b), W = [[0.5, −1], [2, 1]] (row i: input, column j: unit), b = [0.5, −1.5]
        let body = try Dense<Double>(weights: [[0.5, -1], [2, 1]], bias: [0.5, -1.5], activation: .relu)
        var model = try Model<Double>([Residual([body])])
        #expect(model.parameterNames == ["0.body.0.weight", "0.body.0.bias"])
        let x = Matrix<Double>(row: [1, 2])
        // h = [1·0.5 + 2·2 + 0.5, 1·(−1) + 2·1 − 1.5] = [5, −0.5]; f(x) = ReLU(h) = [5, 0]
        // y = f(x) + x = [5 + 1, 0 + 2] = [6, 2]
        var random = SeededGenerator(seed: 0)
        #expect(try model.forward(x, mode: .training, using: &random) == Matrix(row: [6, 2]))
        // backward from g = ∂E/∂y = [1, −2]:
        // ∂E/∂h = g ⊙ ReLU'(h) = [1·1, −2·0] = [1, 0]
        // ∂E/∂x through f = ∂E/∂h · Wᵀ = [0.5·1 + (−1)·0, 2·1 + 1·0] = [0.5, 2]
        // ∂E/∂x = through f + g = [0.5 + 1, 2 − 2] = [1.5, 0]
        // ∂E/∂W = xᵀ·∂E/∂h = [[1·1, 1·0], [2·1, 2·0]] = [[1, 0], [2, 0]]; ∂E/∂b = [1, 0]
        let backward = try model.backward(outputGradient: Matrix(row: [1, -2]))
        #expect(backward.input == Matrix(row: [1.5, 0]))
        #expect(backward.parameters == [try Matrix([[1, 0], [2, 0]]), Matrix(row: [1, 0])])
    }

    @Test func identityShortcutMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 72)
        let model = try Model<Double>([
            Residual([dense(3, 3, .tanh, &random), dense(3, 3, .identity, &random)]), dense(3, 2, .sigmoid, &random),
        ])
        let x = Matrix<Double>.gaussian(rows: 5, columns: 3, using: &random)
        let y = Matrix<Double>.uniform(rows: 5, columns: 2, in: 0..<1, using: &random)
        try expectGradientsMatch(model, x, y)
    }

    @Test func projectionShortcutMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 73)
        let block = Residual<Double>([try dense(3, 4, .tanh, &random), try dense(4, 4, .identity, &random)], projection: [try dense(3, 4, .identity, &random)])
        #expect(block.name == "residual with projection")
        let model = try Model<Double>([block, ActivationLayer(.tanh), dense(4, 2, .identity, &random)])
        #expect(model.outputShape == .features(2))
        #expect(model.parameterNames.prefix(6) == ["0.body.0.weight", "0.body.0.bias", "0.body.1.weight", "0.body.1.bias", "0.shortcut.0.weight", "0.shortcut.0.bias"])
        let x = Matrix<Double>.gaussian(rows: 5, columns: 3, using: &random)
        let y = Matrix<Double>.gaussian(rows: 5, columns: 2, using: &random)
        try expectGradientsMatch(model, x, y)
    }

    @Test func nestedResidualInsideASequentialMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 74)
        let inner = Residual<Double>([try dense(4, 4, .tanh, &random)])
        let outer = Residual<Double>([try dense(4, 4, .tanh, &random), inner, try dense(4, 4, .identity, &random)])
        let model = try Model<Double>([
            Sequential([try dense(3, 4, .tanh, &random), outer, Residual([try dense(4, 2, .tanh, &random)], projection: [try dense(4, 2, .identity, &random)])]),
            dense(2, 2, .identity, &random),
        ])
        #expect(model.parameterNames.contains("0.1.body.1.body.0.weight"))
        let x = Matrix<Double>.gaussian(rows: 4, columns: 3, using: &random)
        let y = Matrix<Double>.gaussian(rows: 4, columns: 2, using: &random)
        try expectGradientsMatch(model, x, y)
    }

    @Test func shapeMismatchWithoutProjectionNamesBothShapes() throws {
        var random = SeededGenerator(seed: 75)
        let block = Residual<Double>([try dense(3, 4, .tanh, &random)])
        let error = #expect(throws: ShapeError.self) { try Model<Double>([block]) }
        let message = error?.description ?? ""
        #expect(message.contains("records of 4"), "\(message)")  // the body's output
        #expect(message.contains("gives 3"), "\(message)")  // the shortcut's (the input)
        #expect(message.contains("projection"), "\(message)")
        // the layer itself says the same
        let direct = #expect(throws: ShapeError.self) { try block.outputShape(for: .features(3)) }
        #expect(direct?.shapes == [Shape(1, 4), Shape(1, 3)])
        // with a projection it fits
        let projected = Residual<Double>([try dense(3, 4, .tanh, &random)], projection: [try dense(3, 4, .identity, &random)])
        #expect(try projected.outputShape(for: .features(3)) == .features(4))
    }
}

@Suite struct FrozenTests {
    @Test func trainingChangesOnlyTheUnfrozenLayer() throws {
        var random = SeededGenerator(seed: 76)
        let first = try dense(3, 4, .tanh, &random), second = try dense(4, 2, .sigmoid, &random)
        var model = try Model<Double>([Frozen(first), second])
        #expect(model.layers[0].name == "frozen dense 4")
        // the frozen numbers are counted but not offered to the optimizer
        #expect(model.parameterCount == 16 + 10)
        #expect(model.parameters == second.parameters)
        #expect(model.parameterNames == ["1.weight", "1.bias"])
        let x = Matrix<Double>.gaussian(rows: 12, columns: 3, using: &random)
        let y = Matrix<Double>.uniform(rows: 12, columns: 2, in: 0..<1, using: &random)
        var optimizer = try Optimizer<Double>.adam(learningRate: 0.05)
        let history = try model.train(inputs: x, targets: y, options: TrainingOptions(epochs: 5, batchSize: 4), optimizer: &optimizer, using: &random)
        #expect(history[5].loss < history[0].loss)
        let frozen = try #require(model.layers[0] as? Frozen<Double>)
        let kept = try #require(frozen.layer as? Dense<Double>)
        #expect(kept.weights == first.weights)
        #expect(kept.bias == first.bias)
        let trained = try #require(model.layers[1] as? Dense<Double>)
        #expect(trained.weights != second.weights)
        #expect(trained.bias != second.bias)
    }

    @Test func gradientFlowsThroughTheFrozenLayer() throws {
        var random = SeededGenerator(seed: 77)
        let a = try dense(3, 5, .tanh, &random), b = try dense(5, 4, .tanh, &random), c = try dense(4, 2, .identity, &random)
        var frozen = try Model<Double>([a, Frozen(b), c])
        var plain = try Model<Double>([a, b, c])
        let x = Matrix<Double>.gaussian(rows: 6, columns: 3, using: &random)
        let g = Matrix<Double>.gaussian(rows: 6, columns: 2, using: &random)
        var r1 = SeededGenerator(seed: 1), r2 = SeededGenerator(seed: 1)
        #expect(try frozen.forward(x, mode: .training, using: &r1) == plain.forward(x, mode: .training, using: &r2))
        let through = try frozen.backward(outputGradient: g, needsInputGradient: true)
        let reference = try plain.backward(outputGradient: g, needsInputGradient: true)
        #expect(through.input == reference.input)
        #expect(!through.input.elements.allSatisfy { $0 == 0 })
        // a's and c's gradients, without b's
        #expect(through.parameters.count == 4)
        #expect(through.parameters == Array(reference.parameters[0..<2]) + Array(reference.parameters[4..<6]))
        // and the frozen model's gradient check still holds for the layers below the frozen one
        let y = Matrix<Double>.gaussian(rows: 6, columns: 2, using: &random)
        try expectGradientsMatch(frozen, x, y)
    }
}

@Suite struct PublicBackwardTests {
    /// A generator `G` and a discriminator `D` trained on `E = ½‖D(G(z)) − 1‖²/m`: the generator's
    /// gradient is the discriminator's input gradient pushed back through the generator.
    @Test func gradientThroughTwoNetworksMatchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 78)
        var generator = try Model<Double>([dense(2, 5, .tanh, &random), dense(5, 3, .identity, &random)])
        var discriminator = try Model<Double>([dense(3, 4, .tanh, &random), dense(4, 1, .sigmoid, &random)])
        let z = Matrix<Double>.gaussian(rows: 6, columns: 2, using: &random)
        let real = Matrix<Double>(rows: 6, columns: 1, repeating: 1)
        let loss = Loss.binaryCrossEntropy

        var unused = SeededGenerator(seed: 0)
        let fake = try generator.forward(z, mode: .training, using: &unused)
        let judged = try discriminator.forward(fake, mode: .training, using: &unused)
        let discriminatorBackward = try discriminator.backward(outputGradient: loss.gradient(judged, real))
        #expect(discriminatorBackward.input.shape == fake.shape)
        let generatorBackward = try generator.backward(outputGradient: discriminatorBackward.input, needsInputGradient: false)
        #expect(generatorBackward.input.count == 0)
        #expect(generatorBackward.parameters.map(\.shape) == generator.parameters.map(\.shape))

        /// E as a function of the generator's first weight matrix, element `e`, nudged by `delta`.
        func composed(_ e: Int, _ delta: Double) throws -> Double {
            var nudged = generator
            nudged.layers.updateParameters { parameter, index in
                if index == 0 { parameter.withUnsafeMutableBufferPointer { $0[e] += delta } }
            }
            return try loss.value(discriminator.predict(nudged.predict(z)), real)
        }
        let epsilon = 1e-5
        for e in 0..<generator.parameters[0].count {
            let numeric = (try composed(e, epsilon) - composed(e, -epsilon)) / (2 * epsilon)
            let analytic = generatorBackward.parameters[0].elements[e]
            // GradientCheck's relative error
            #expect(abs(analytic - numeric) / max(abs(analytic) + abs(numeric), 1e-4) < 1e-6, "w[\(e)]: \(analytic) vs \(numeric)")
        }
        // a small generator step against that gradient fools the discriminator a little more
        let before = try loss.value(judged, real)
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.1)
        try generator.step(generatorBackward.parameters, optimizer: &optimizer)
        #expect(try loss.value(discriminator.predict(generator.predict(z)), real) < before)
    }

    @Test func backwardWithoutForwardNamesTheLayer() throws {
        var random = SeededGenerator(seed: 79)
        var model = try Model<Double>([dense(3, 4, .tanh, &random), ActivationLayer(.sigmoid), dense(4, 2, .identity, &random)])
        let g = Matrix<Double>(rows: 1, columns: 2, repeating: 1)
        let error = #expect(throws: InvalidArgument.self) { try model.backward(outputGradient: g) }
        // the last layer is the first one the backward pass meets
        #expect(error?.message.contains("dense 2") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("forward") == true)
        // one forward, one backward: a second backward has nothing left to go back through
        _ = try model.forward(Matrix(rows: 1, columns: 3, repeating: 0.5), mode: .training, using: &random)
        _ = try model.backward(outputGradient: g)
        #expect(throws: InvalidArgument.self) { try model.backward(outputGradient: g) }
        // inside blocks, the error names the innermost layer that has nothing saved
        var blocks = try Model<Double>(input: .features(3), [Sequential([Residual([ActivationLayer<Double>(.tanh)])])])
        let nested = #expect(throws: InvalidArgument.self) { try blocks.backward(outputGradient: Matrix(rows: 1, columns: 3)) }
        #expect(nested?.message.hasPrefix("tanh:") == true, "\(nested?.message ?? "")")
    }

    @Test func nestedSummaryRows() throws {
        var random = SeededGenerator(seed: 80)
        let model = try Model<Double>([
            Sequential([
                try Conv2D<Double>(inputShape: ImageShape(6, 1), filters: 4, filterSize: 3, activation: .relu, using: &random),
                try Pooling<Double>(.max, inputShape: ImageShape(4, 4), size: 2),
            ]),
            Flatten(inputShape: ImageShape(2, 4)),
            Residual([try dense(16, 16, .relu, &random), Sequential([try dense(16, 16, .relu, &random), try dense(16, 16, .identity, &random)])]),
            Residual([try dense(16, 5, .relu, &random)], projection: [try dense(16, 5, .identity, &random)]),
            dense(5, 2, .sigmoid, &random),
        ])
        let expected: [(layer: String, output: String, parameters: Int, depth: Int)] = [
            ("sequential", "2×2×4", 40, 0),
            ("↳ conv 4 3×3", "4×4×4", 40, 1),
            ("↳ max pool 2×2 stride 2", "2×2×4", 0, 1),
            ("flatten", "16", 0, 0),
            ("residual", "16", 3 * 272, 0),
            ("↳ dense 16", "16", 272, 1),
            ("↳ sequential", "16", 2 * 272, 1),
            ("  ↳ dense 16", "16", 272, 2),
            ("  ↳ dense 16", "16", 272, 2),
            ("residual with projection", "5", 2 * 85, 0),
            ("↳ dense 5", "5", 85, 1),
            ("↳ sequential", "5", 85, 1),
            ("  ↳ dense 5", "5", 85, 2),
            ("dense 2", "2", 12, 0),
        ]
        let rows = model.summary
        #expect(rows.count == expected.count)
        for (row, want) in zip(rows, expected) {
            #expect(row.layer == want.layer)
            #expect(row.output == want.output, "\(row.layer)")
            #expect(row.parameters == want.parameters, "\(row.layer)")
            #expect(row.depth == want.depth, "\(row.layer)")
        }
        #expect(rows.filter { $0.depth > 0 }.allSatisfy { $0.layer.drop { $0 == " " }.hasPrefix("↳ ") })
        #expect(rows.filter { $0.depth == 0 }.allSatisfy { !$0.layer.hasPrefix("↳") && !$0.layer.hasPrefix(" ") })
        #expect(rows.filter { $0.depth == 0 }.reduce(0) { $0 + $1.parameters } == model.parameterCount)
        #expect(rows.last?.output == model.outputShape.description)
        // the convolution's multiply-adds, Ho·Wo·K·(F·F·C) = 4·4·4·9
        #expect(rows[1].multiplyAdds == 4 * 4 * 4 * 9)
    }

    @Test func stepWithTheWrongNumberOfGradientsThrows() throws {
        var random = SeededGenerator(seed: 81)
        let start = try Model<Double>([dense(3, 4, .tanh, &random), Frozen(try dense(4, 4, .tanh, &random)), dense(4, 2, .identity, &random)])
        var model = start
        let gradients = model.parameters.map { $0.map { _ in 1 } }
        #expect(gradients.count == 4)
        for optimizer in [try Optimizer<Double>.sgd(learningRate: 0.1), try .adam(learningRate: 0.1)] {
            var optimizer = optimizer
            #expect(throws: InvalidArgument.self) { try model.step(Array(gradients.prefix(3)), optimizer: &optimizer) }
            #expect(throws: InvalidArgument.self) { try model.step(gradients + [gradients[0]], optimizer: &optimizer) }
            #expect(throws: InvalidArgument.self) { try model.step([], optimizer: &optimizer) }
            // a refused step changes nothing
            #expect(model == start)
            // a gradient of the wrong shape is a shape error, also refused before anything changes
            var swapped = gradients
            swapped.swapAt(2, 3)
            #expect(throws: ShapeError.self) { try model.step(swapped, optimizer: &optimizer) }
            #expect(model == start)
            try model.step(gradients, optimizer: &optimizer)
            #expect(model != start)
            model = start
        }
    }
}
