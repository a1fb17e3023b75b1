import Numerics
import Testing

@testable import Teach

/// The convolution written as the definition: every output is the bias plus a sum over the window.
private func naiveConvolution(_ conv: Conv2D<Double>, _ x: Matrix<Double>) -> Matrix<Double> {
    let input = conv.inputShape, output = conv.outputShape, f = conv.filterSize
    return Matrix(rows: x.rows, columns: output.count) { n, index in
        let k = index % output.channels, pixel = index / output.channels
        let oy = pixel / output.width, ox = pixel % output.width
        var sum = conv.bias[0, k]
        for fy in 0..<f {
            for fx in 0..<f {
                let iy = oy * conv.stride - conv.padding + fy, ix = ox * conv.stride - conv.padding + fx
                guard iy >= 0, iy < input.height, ix >= 0, ix < input.width else { continue }
                for c in 0..<input.channels {
                    sum += x[n, (iy * input.width + ix) * input.channels + c] * conv.weights[(fy * f + fx) * input.channels + c, k]
                }
            }
        }
        return sum
    }
}

private func naivePooling(_ pooling: Pooling<Double>, _ x: Matrix<Double>) -> Matrix<Double> {
    let input = pooling.inputShape, output = pooling.outputShape
    return Matrix(rows: x.rows, columns: output.count) { n, index in
        let c = index % output.channels, pixel = index / output.channels
        let oy = pixel / output.width, ox = pixel % output.width
        var values: [Double] = []
        for fy in 0..<pooling.size {
            for fx in 0..<pooling.size {
                values.append(x[n, ((oy * pooling.stride + fy) * input.width + ox * pooling.stride + fx) * input.channels + c])
            }
        }
        return pooling.kind == .max ? values.max()! : values.reduce(0, +) / Double(values.count)
    }
}

/// `E = Σ y ⊙ R`, whose gradient with respect to `y` is `R`.
private func weighted(_ y: Matrix<Double>, _ r: Matrix<Double>) -> Double {
    zip(y.elements, r.elements).reduce(0) { $0 + $1.0 * $1.1 }
}

private func numericGradient(of matrix: Matrix<Double>, _ loss: (Matrix<Double>) throws -> Double) rethrows -> Matrix<Double> {
    var gradient = Matrix<Double>(rows: matrix.rows, columns: matrix.columns)
    for r in 0..<matrix.rows {
        for c in 0..<matrix.columns {
            var plus = matrix, minus = matrix
            plus[r, c] += 1e-6
            minus[r, c] -= 1e-6
            gradient[r, c] = (try loss(plus) - loss(minus)) / 2e-6
        }
    }
    return gradient
}

private func worstDifference(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
    zip(a.elements, b.elements).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct Conv2DTests {
    static let geometries: [(stride: Int, padding: Int)] = [(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)]

    @Test(arguments: geometries)
    func forwardMatchesTheDefinition(stride: Int, padding: Int) throws {
        var random = SeededGenerator(seed: UInt64(10 + stride * 3 + padding))
        let conv = try Conv2D<Double>(
            inputShape: ImageShape(height: 5, width: 7, channels: 3), weights: Matrix.gaussian(rows: 27, columns: 4, using: &random),
            bias: Matrix.gaussian(rows: 1, columns: 4, using: &random), filterSize: 3, stride: stride, padding: padding,
            activation: .identity)
        let x = Matrix<Double>.gaussian(rows: 2, columns: 5 * 7 * 3, using: &random)
        #expect(worstDifference(try conv.forward(x), naiveConvolution(conv, x)) < 1e-12)
    }

    @Test(arguments: geometries)
    func backwardMatchesCentralDifferences(stride: Int, padding: Int) throws {
        var random = SeededGenerator(seed: UInt64(20 + stride * 3 + padding))
        let shape = ImageShape(height: 5, width: 5, channels: 2)
        let conv = try Conv2D<Double>(
            inputShape: shape, weights: Matrix.gaussian(rows: 18, columns: 3, standardDeviation: 0.5, using: &random),
            bias: Matrix.gaussian(rows: 1, columns: 3, using: &random), filterSize: 3, stride: stride, padding: padding,
            activation: .tanh)
        let x = Matrix<Double>.gaussian(rows: 2, columns: shape.count, using: &random)
        let r = Matrix<Double>.gaussian(rows: 2, columns: conv.outputShape.count, using: &random)
        let backward = try conv.backward(try conv.forwardTrace(x), outputGradient: r)
        let dx = try numericGradient(of: x) { weighted(try conv.forward($0), r) }
        let dw = try numericGradient(of: conv.weights) { w in
            var copy = conv
            copy.weights = w
            return weighted(try copy.forward(x), r)
        }
        let db = try numericGradient(of: conv.bias) { b in
            var copy = conv
            copy.bias = b
            return weighted(try copy.forward(x), r)
        }
        #expect(worstDifference(backward.inputGradient, dx) < 1e-7)
        #expect(worstDifference(backward.weights, dw) < 1e-7)
        #expect(worstDifference(backward.bias, db) < 1e-7)
    }

    @Test func badInputsAreErrorsThatNameTheNumbers() throws {
        var random = SeededGenerator(seed: 1)
        let error = #expect(throws: GeometryError.self) {
            try Conv2D<Double>(inputShape: ImageShape(26, 10), filters: 6, filterSize: 5, stride: 2, using: &random)
        }
        #expect(error?.description.contains("21/2") == true)
        #expect(throws: GeometryError.self) { try Conv2D<Double>(inputShape: ImageShape(4, 1), filters: 1, filterSize: 7, using: &random) }
        #expect(throws: GeometryError.self) { try Conv2D<Double>(inputShape: ImageShape(8, 1), filters: 1, filterSize: 3, stride: 0, using: &random) }
        let conv = try Conv2D<Double>(inputShape: ImageShape(8, 1), filters: 2, filterSize: 3, using: &random)
        #expect(throws: ShapeError.self) { try conv.forward(Matrix(rows: 1, columns: 65)) }
    }
}

@Suite struct PoolingTests {
    static let cases: [(kind: PoolingKind, size: Int, stride: Int)] = [
        (.max, 2, 2), (.max, 3, 1), (.max, 2, 1), (.average, 2, 2), (.average, 3, 1), (.average, 2, 1),
    ]

    @Test(arguments: cases)
    func forwardAndBackward(kind: PoolingKind, size: Int, stride: Int) throws {
        var random = SeededGenerator(seed: UInt64(size * 10 + stride))
        let pooling = try Pooling<Double>(kind, inputShape: ImageShape(height: 6, width: 6, channels: 2), size: size, stride: stride)
        let x = Matrix<Double>.gaussian(rows: 3, columns: 72, using: &random)
        let (output, sources) = try pooling.forward(x)
        #expect(worstDifference(output, naivePooling(pooling, x)) < 1e-14)
        let r = Matrix<Double>.gaussian(rows: 3, columns: pooling.outputShape.count, using: &random)
        let dx = try pooling.backward(sources: sources, outputGradient: r)
        let numeric = try numericGradient(of: x) { weighted(try pooling.forward($0).output, r) }
        #expect(worstDifference(dx, numeric) < 1e-7)
    }

    /// Float max pooling runs eight channels at a time without branches: the same maxima and the
    /// same source of each (the first pixel of the window that holds it, ties included) as Double's
    /// one channel at a time, with 19 channels (two vectors and three left over).
    @Test func floatMaxPoolingMatchesDoubleWithTies() throws {
        var random = SeededGenerator(seed: 8)
        let shape = ImageShape(height: 7, width: 7, channels: 19)
        let pooling = try Pooling<Double>(.max, inputShape: shape, size: 3, stride: 2)
        let floatPooling = try Pooling<Float>(.max, inputShape: shape, size: 3, stride: 2)
        // values on a coarse grid, so that many windows hold their maximum twice
        let values = (0..<(2 * shape.count)).map { _ in Double(random.integer(below: 5)) - 2 }
        let double = try Matrix<Double>(rows: 2, columns: shape.count, elements: values)
        let float = try Matrix<Float>(rows: 2, columns: shape.count, elements: values.map(Float.init))
        let (doubleOutput, doubleSources) = try pooling.forward(double)
        let (floatOutput, floatSources) = try floatPooling.forward(float)
        #expect(floatOutput.elements.map(Double.init) == doubleOutput.elements)
        #expect(floatSources == doubleSources)
        #expect(worstDifference(doubleOutput, naivePooling(pooling, double)) == 0)
    }

    @Test func articleMaxPoolingExample() throws {
        // a 4×4 block, 2×2 windows with stride 2: the largest of each quarter
        let block = try Matrix<Double>([[1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4]])
        let pooling = try Pooling<Double>(.max, inputShape: ImageShape(4, 1), size: 2, stride: 2)
        #expect(try pooling.forward(block).output == Matrix(row: [6, 8, 3, 4]))
        #expect(pooling.outputShape == ImageShape(2, 1))
    }

    @Test func zeroPaddingAndItsBackward() throws {
        let padding = try ZeroPadding<Double>(inputShape: ImageShape(height: 1, width: 2, channels: 1), padding: 1)
        let x = Matrix<Double>(row: [3, 4])
        #expect(try padding.forward(x) == Matrix(row: [0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0]))
        let g = Matrix<Double>(row: (1...12).map(Double.init))
        #expect(try padding.backward(outputGradient: g) == Matrix(row: [6, 7]))
    }
}

@Suite struct GeometryTests {
    @Test func theArticlesWorkedExamples() throws {
        // 32×32×3 with one 5×5×3 filter: 28×28×1, 5·5·3 + 1 = 76 weights
        var random = SeededGenerator(seed: 1)
        let one = try Conv2D<Double>(inputShape: ImageShape(32, 3), filters: 1, filterSize: 5, using: &random)
        #expect(one.outputShape == ImageShape(28, 1))
        #expect(one.parameterCount == 76)
        let ten = try Conv2D<Double>(inputShape: ImageShape(32, 3), filters: 10, filterSize: 5, using: &random)
        #expect(ten.outputShape == ImageShape(28, 10))
        #expect(ten.parameterCount == 760)
        // 10 filters 7×7 stride 1: 26×26×10, each filter 7×7×3; then 5×5 filters are 5×5×10 deep
        let first = try Conv2D<Double>(inputShape: ImageShape(32, 3), filters: 10, filterSize: 7, using: &random)
        #expect(first.outputShape == ImageShape(26, 10))
        #expect(first.weights.rows == 7 * 7 * 3)
        #expect(throws: GeometryError.self) { try ConvolutionGeometry.outputSize(input: 26, filter: 5, stride: 2, padding: 0) }
        // 6×6 with 3×3: 4×4; padding (3 − 1)/2 = 1 keeps 6×6
        #expect(try ConvolutionGeometry.outputSize(input: 6, filter: 3, stride: 1, padding: 0) == 4)
        #expect(ConvolutionGeometry.samePadding(filter: 3) == 1)
        #expect(try ConvolutionGeometry.outputSize(input: 6, filter: 3, stride: 1, padding: 1) == 6)
        #expect(ConvolutionGeometry.samePadding(filter: 4) == nil)
        // pooling 4×4 with 2×2 stride 2: 2×2, depth kept
        #expect(try Pooling<Double>(.max, inputShape: ImageShape(4, 5), size: 2, stride: 2).outputShape == ImageShape(2, 5))
    }

    @Test func invalidGeometriesNameTheRule() {
        for (n, f, s, p) in [(26, 5, 2, 0), (4, 7, 1, 1), (8, 3, 0, 0), (8, 3, 1, -1), (8, 0, 1, 0)] {
            let error = #expect(throws: GeometryError.self) { try ConvolutionGeometry.outputSize(input: n, filter: f, stride: s, padding: p) }
            #expect(error?.description.contains("N = \(n), F = \(f), S = \(s), P = \(p)") == true)
        }
    }
}

@Suite struct ArchitectureTests {
    @Test func alexNetLayerByLayer() throws {
        var random = SeededGenerator(seed: 1)
        let model: Model<Float> = try Architectures.alexNet(initializer: .zeros, using: &random)
        let summary = model.summary
        let expected: [(String, Int)] = [
            ("55×55×96", 34_944), ("27×27×96", 0), ("27×27×256", 614_656), ("13×13×256", 0), ("13×13×384", 885_120),
            ("13×13×384", 1_327_488), ("13×13×256", 884_992), ("6×6×256", 0), ("9216", 0), ("4096", 37_752_832),
            ("4096", 16_781_312), ("1000", 4_097_000), ("1000", 0),
        ]
        #expect(summary.count == expected.count)
        for (row, (output, parameters)) in zip(summary, expected) {
            #expect(row.output == output, "\(row.layer)")
            #expect(row.parameters == parameters, "\(row.layer)")
        }
        #expect(model.parameterCount == 62_378_344)
        // The paper's two towers (chapter 12): each GPU holds half the filters; convolutions 2, 4
        // and 5 read only their own GPU's half of the channels, convolution 3 and the dense layers both.
        let perTower = (11 * 11 * 3 * 48 + 48) + (5 * 5 * 48 * 128 + 128) + (3 * 3 * 256 * 192 + 192) + (3 * 3 * 192 * 192 + 192)
            + (3 * 3 * 192 * 128 + 128) + (9216 * 2048 + 2048) + (4096 * 2048 + 2048)
        let twoTowers = 2 * perTower + (4096 * 1000 + 1000)
        #expect(twoTowers == 60_965_224)  // the paper's "60 million"
        let halfDepth = [2, 5, 6].map { (model.layers[$0] as! Conv2D<Float>).weights.count / 2 }.reduce(0, +)
        #expect(model.parameterCount - halfDepth == twoTowers, "the single tower minus half of convolutions 2, 4 and 5's weights")
    }

    @Test func vggSubnetworkLayerByLayer() throws {
        var random = SeededGenerator(seed: 1)
        let model: Model<Float> = try Architectures.vggSubnetwork(initializer: .zeros, using: &random)
        let convolutions = model.summary.filter { $0.layer.hasPrefix("conv") }
        #expect(convolutions.map(\.output) == ["256×256×64", "256×256×64", "128×128×128", "128×128×128", "64×64×256", "64×64×256", "64×64×256"])
        #expect(convolutions.map(\.parameters) == [1_792, 36_928, 73_856, 147_584, 295_168, 590_080, 590_080])
        let dense = model.summary.filter { $0.layer.hasPrefix("dense") }
        #expect(dense.map(\.parameters) == [33_554_560, 8_256, 130])
        #expect(model.summary.first { $0.layer == "flatten" }?.output == "262144")
        #expect(model.parameterCount == 35_298_434)
    }

    @Test func smallCNNGradientsMatchCentralDifferences() throws {
        var random = SeededGenerator(seed: 3)
        let conv = try Conv2D<Double>(inputShape: ImageShape(6, 1), filters: 2, filterSize: 3, padding: 1, activation: .tanh, initializer: .xavier, using: &random)
        let pool = try Pooling<Double>(.average, inputShape: conv.outputShape, size: 2, stride: 2)
        let model = try Model<Double>([
            conv, pool, Flatten(inputShape: pool.outputShape),
            Dense(inputs: pool.outputShape.count, units: 3, activation: .identity, initializer: .xavier, using: &random), Softmax(),
        ])
        let x = Matrix<Double>.gaussian(rows: 2, columns: 36, using: &random)
        let y = try Matrix<Double>([[1, 0, 0], [0, 0, 1]])
        let worst = try worstModelGradientError(model, inputs: x, targets: y, loss: .halfSquaredError)
        #expect(worst < 1e-8)
        #expect(throws: ShapeError.self) {
            try Model<Double>([conv, try Pooling<Double>(.max, inputShape: ImageShape(3, 8), size: 3, stride: 3)])
        }
    }
}

@Suite struct LayerSpecificationTests {
    @Test func alexNetFromTextMatchesTheBuiltNetwork() throws {
        let model = try LayerSpecification.model(
            input: "227x227x3",
            layers: ["conv 96 11 stride 4", "maxpool 3 stride 2", "conv 256 5 pad 2", "maxpool 3 stride 2", "conv 384 3 pad 1",
                     "conv 384 3 pad 1", "conv 256 3 pad 1", "maxpool 3 stride 2", "dense 4096", "dense 4096", "dense 1000"])
        #expect(model.parameterCount == 62_378_344)
        let rows = LayerSpecification.table(model, input: "227×227×3")
        #expect(rows.last?[3] == "1,135,256,096")
    }

    @Test func badTextNamesTheLayer() throws {
        for (layers, fragment) in [
            (["conv 10 7", "conv 6 5 stride 2"], "layer 2 'conv 6 5 stride 2'"), (["conv ten 3"], "whole number"),
            (["pool 2"], "expected one of"), (["dense 10", "conv 3 3"], "needs an image input"), (["dropout x"], "rate"),
        ] {
            let error = #expect(throws: InvalidArgument.self) { try LayerSpecification.model(input: "32x32x3", layers: layers) }
            #expect(error?.description.contains(fragment) == true, "\(layers): \(error?.description ?? "")")
        }
        #expect(throws: InvalidArgument.self) { try LayerSpecification.parseInput("32x32") }
        #expect(try LayerSpecification.parseInput("784").width == 784)
    }
}

@Suite struct LayerSpecificationSizeTests {
    /// The issue's reproducers: each trapped (exit 132) or failed to allocate (exit 134) in
    /// `swift run shapes`; each is now an error naming the layer (or the input) and the size.
    @Test func sizesTooLargeForAnIntAreErrorsNamingTheLayer() throws {
        for (input, layers, fragment) in [
            ("32x32x3", ["pad 9223372036854775807"], "layer 1 'pad 9223372036854775807'"),
            ("32x32x3", ["conv 1 1 pad 9223372036854775807"], "layer 1 'conv 1 1 pad 9223372036854775807'"),
            ("32x32x3", ["conv 10 3 pad 3037000500"], "Conv2D: the output"),
            ("99999999999x99999999999x3", ["dense 10"], "input '99999999999x99999999999x3'"),
            ("1000000x1000000x1000000", ["dense 10"], "layer 1 'dense 10'"),
            ("784", ["dense 9223372036854775807"], "784 × 9223372036854775807 is too large"),
            ("100000x100000x3", ["conv 10 3", "dense 1000000000000"], "layer 2 'dense 1000000000000'"),
        ] {
            let error = #expect(throws: InvalidArgument.self) { try LayerSpecification.table(input: input, layers: layers) }
            #expect(error?.description.contains(fragment) == true, "\(input) \(layers): \(error?.description ?? "")")
            // The builders use the same checks, before any weight is allocated.
            #expect(throws: InvalidArgument.self) { try LayerSpecification.model(input: input, layers: layers) }
        }
    }

    /// Networks too large to build still get their table: it is computed from the geometry.
    @Test func theTableOfANetworkTooLargeToBuildNeedsNoWeights() throws {
        let wide = try LayerSpecification.table(input: "100000x100000x3", layers: ["dense 10"])
        #expect(wide.last == ["total", "", "300,000,000,010", "300,000,000,000"])
        let conv = try LayerSpecification.table(input: "1000x1000x3", layers: ["conv 100000 1000"])
        #expect(conv[1] == ["conv 100000 1000×1000", "1×1×100000", "300,000,100,000", "300,000,000,000"])
        let dense = try LayerSpecification.table(input: "784", layers: ["dense 100000000"])
        #expect(dense.last?[2] == "78,500,000,000")
    }

    /// The geometry-only table is the built model's table, row for row.
    @Test func theGeometryTableMatchesTheBuiltModel() throws {
        for (input, layers) in [
            ("32x32x1", ["conv 6 5", "maxpool 2", "conv 16 5", "maxpool 2", "dense 120", "dense 84", "dense 10"]),
            ("227x227x3", ["conv 96 11 stride 4", "maxpool 3 stride 2", "conv 256 5 pad 2", "avgpool 3 stride 2", "pad 1", "flatten", "dense 10", "dropout 0.5"]),
            ("784", ["dense 50", "dropout 0.2", "dense 10"]),
        ] {
            let model = try LayerSpecification.model(input: input, layers: layers)
            #expect(try LayerSpecification.table(input: input, layers: layers) == LayerSpecification.table(model, input: input), "\(layers)")
        }
    }
}

@Suite struct LayerSpecificationWordTests {
    /// Words left over or repeated were ignored; each is now an error naming the word and what
    /// the grammar expected there.
    @Test func trailingOrRepeatedWordsAreErrorsNamingTheWord() throws {
        for (layer, fragment) in [
            ("conv 10 3 💥", "unexpected word '💥' after 'conv 10 3': expected 'stride S' or 'pad P' or nothing"),
            ("flatten flatten", "unexpected word 'flatten' after 'flatten': 'flatten' ends there"),
            ("conv 10 3 pad 1 pad 5", "'pad' is given twice"),
            ("conv 10 3 stride 1 str 1", "'stride' is given twice"),
            ("maxpool 2 pad 1", "unexpected word 'pad' after 'maxpool 2': expected 'stride S' or nothing"),
            ("pad 1 2", "unexpected word '2' after 'pad 1'"),
            ("dense 10 relu", "unexpected word 'relu' after 'dense 10'"),
            ("dropout 0.5 0.2", "unexpected word '0.2' after 'dropout 0.5'"),
            ("conv 10 3 pad", "a whole number is missing after 'pad'"),
        ] {
            let error = #expect(throws: InvalidArgument.self) { try LayerSpecification.table(input: "32x32x3", layers: [layer]) }
            #expect(error?.description.contains("layer 1 '\(layer)': " + fragment) == true, "\(layer): \(error?.description ?? "")")
            #expect(throws: InvalidArgument.self) { try LayerSpecification.model(input: "32x32x3", layers: [layer]) }
        }
        // What the grammar allows still parses, options in either order and abbreviated.
        let rows = try LayerSpecification.table(input: "32x32x3", layers: ["conv 10 3 pad 1 str 1", "maxpool 2 stride 2", "pad 1", "flatten", "dense 10", "dropout 0.5"])
        #expect(rows[1][0] == "conv 10 3×3 pad 1" && rows[2][0] == "max pool 2×2 stride 2")
    }
}
