import Testing
import TeachKernels

@testable import Teach

/// Float convolutions run without their patch matrix (TeachKernels' FloatConvolution): every
/// number must be the one the product over the whole patch matrix gives, bit for bit, which is what
/// the book's chapter 14 trained with.
@Suite struct FloatConvolutionTests {
    /// (input, filters, filter size, stride, padding, batch): one channel and many, padding that
    /// swallows whole filter rows, strides, 1×1 filters, more than 256 windows (several depth blocks
    /// in the weight gradient), more than 256 filters (several in the input gradient), filter counts
    /// that are not a multiple of 16 (padded weights in the forward pass), and thin inputs whose
    /// patch matrix is kept, large enough to split the weight gradient's columns or rows over two cores.
    static let geometries: [(input: ImageShape, filters: Int, size: Int, stride: Int, padding: Int, batch: Int)] = [
        (ImageShape(height: 8, width: 8, channels: 1), 5, 3, 1, 1, 3),
        (ImageShape(height: 9, width: 7, channels: 3), 4, 3, 2, 2, 2),
        (ImageShape(height: 12, width: 12, channels: 2), 7, 5, 1, 0, 5),
        (ImageShape(height: 6, width: 6, channels: 5), 9, 1, 1, 0, 4),
        (ImageShape(height: 5, width: 5, channels: 3), 3, 3, 1, 3, 2),
        (ImageShape(height: 10, width: 10, channels: 16), 33, 3, 1, 1, 3),
        (ImageShape(height: 4, width: 4, channels: 2), 300, 2, 2, 0, 3),
        (ImageShape(height: 28, width: 28, channels: 1), 32, 3, 1, 1, 6),
        (ImageShape(height: 28, width: 28, channels: 1), 25, 5, 1, 0, 4),
    ]

    /// What Conv2D computed before: im2col, then matrix products, then col2im, from the output
    /// gradient `da`.
    static func reference(_ conv: Conv2D<Float>, _ x: Matrix<Float>, _ da: Matrix<Float>) throws
        -> (h: Matrix<Float>, a: Matrix<Float>, weights: Matrix<Float>, bias: Matrix<Float>, input: Matrix<Float>)
    {
        let patches = try conv.patches(x)
        var sums = try patches.matmul(conv.weights)
        try sums.addToEachRow(conv.bias)
        let h = Matrix(unchecked: x.rows, conv.outputShape.count, sums.storage)
        let dh = try conv.activation.gradient(da, at: h)
        let perWindow = Matrix(unchecked: patches.rows, conv.filterCount, dh.storage)
        let weightGradient = try patches.transposedMatmul(perWindow)
        let patchGradient = try perWindow.matmulTransposed(conv.weights)
        var dx = [Float](repeating: 0, count: x.count)
        conv.forEachWindowRow(batch: x.rows) { patch, pixel, count in
            for i in 0..<count { dx[pixel + i] += patchGradient.storage[patch + i] }
        }
        return (h, conv.activation(h), weightGradient, perWindow.columnSums(), Matrix(unchecked: x.rows, x.columns, dx))
    }

    static func sameBits(_ a: Matrix<Float>, _ b: Matrix<Float>) -> Bool {
        a.shape == b.shape && zip(a.elements, b.elements).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test(arguments: geometries.indices)
    func sameNumbersAsThePatchMatrix(index: Int) throws {
        let g = Self.geometries[index]
        var random = SeededGenerator(seed: UInt64(10 + index))
        for activation in [Activation.relu, .identity, .tanh] {
            var conv = try Conv2D<Float>(
                inputShape: g.input, filters: g.filters, filterSize: g.size, stride: g.stride, padding: g.padding, activation: activation,
                using: &random)
            conv.bias = .gaussian(rows: 1, columns: g.filters, using: &random)
            let x = Matrix<Float>.gaussian(rows: g.batch, columns: g.input.count, using: &random)
            let da = Matrix<Float>.gaussian(rows: g.batch, columns: conv.outputShape.count, using: &random)
            let expected = try Self.reference(conv, x, da)
            let trace = try conv.forwardTrace(x)
            // (with a ReLU the Float trace keeps a = relu(h) for h: positive exactly where h is)
            #expect(Self.sameBits(trace.weightedSums, activation == .relu ? expected.a : expected.h), "weighted sums, geometry \(index), \(activation)")
            #expect(Self.sameBits(trace.output, expected.a), "output, geometry \(index), \(activation)")
            let backward = try conv.backward(trace, outputGradient: da)
            #expect(Self.sameBits(backward.weights, expected.weights), "weight gradient, geometry \(index), \(activation)")
            #expect(Self.sameBits(backward.inputGradient, expected.input), "input gradient, geometry \(index), \(activation)")
            #expect(Self.sameBits(backward.bias, expected.bias), "bias gradient, geometry \(index), \(activation)")
        }
    }

    /// One core or two, and every instruction set the processor has: the same bits, for a
    /// convolution through gathered patches and for thin inputs computed straight from the image
    /// (one channel, 5×5, 25 filters; three channels, 3×3 with padding, 40 filters).
    @Test(arguments: [(8, 3, 24, 1), (1, 5, 25, 0), (3, 3, 40, 1)])
    func everyWayGivesTheSameNumbers(channels: Int, size: Int, filters: Int, padding: Int) throws {
        var random = SeededGenerator(seed: 3)
        let conv = try Conv2D<Float>(
            inputShape: ImageShape(height: 14, width: 14, channels: channels), filters: filters, filterSize: size, padding: padding,
            using: &random)
        #expect(conv.floatConvolution.isThin == (channels * size < 16))
        let x = Matrix<Float>.gaussian(rows: 16, columns: conv.inputShape.count, using: &random)
        let dh = Matrix<Float>.gaussian(rows: 16, columns: conv.outputShape.count, using: &random)
        let kernels = conv.floatConvolution
        func run(twoCores: Bool, _ instructions: VectorInstructions) -> [[Float]] {
            let windows = 16 * conv.outputShape.height * conv.outputShape.width
            var h = [Float](repeating: 0, count: windows * filters), a = h
            var dw = [Float](repeating: 0, count: conv.weights.count), dx = [Float](repeating: 1, count: x.count)
            kernels.forward(
                images: 16, x: x.storage, weights: conv.weights.storage, bias: conv.bias.storage, weightedSums: &h, output: &a, relu: true,
                twoCores: twoCores, instructions: instructions)
            kernels.weightGradient(images: 16, x: x.storage, gradient: dh.storage, into: &dw, twoCores: twoCores, instructions: instructions)
            kernels.inputGradient(images: 16, gradient: dh.storage, weights: conv.weights.storage, into: &dx, twoCores: twoCores, instructions: instructions)
            return [h, a, dw, dx]
        }
        let first = run(twoCores: true, .best)
        for instructions in VectorInstructions.allCases where instructions <= .best {
            for twoCores in [false, true] {
                let other = run(twoCores: twoCores, instructions)
                #expect(zip(first, other).allSatisfy { zip($0, $1).allSatisfy { $0.bitPattern == $1.bitPattern } }, "\(instructions), two cores \(twoCores)")
            }
        }
    }

    /// Max pooling in C (both cores; windows that tile the image cleared and filled row by row):
    /// the same outputs and sources as the generic code computes for Double, on numbers with many
    /// ties, and the same input gradient as adding each output's gradient at its source in order.
    @Test(arguments: [(2, 2, false), (3, 2, false), (2, 2, true), (3, 3, true)])
    func maxPoolingMatchesTheGenericCode(size: Int, stride: Int, roundDown: Bool) throws {
        var random = SeededGenerator(seed: UInt64(size * 10 + stride))
        // 16×16 tiled by 2×2 windows; 15×15 by overlapping 3×3 ones 2 apart; 17×16 leaves rows no window reaches
        let side = size == 2 ? 16 : 15
        let shape = ImageShape(height: roundDown ? 17 : side, width: roundDown ? 16 : side, channels: 21)
        let float = try Pooling<Float>(.max, inputShape: shape, size: size, stride: stride, roundDown: roundDown)
        let double = try Pooling<Double>(.max, inputShape: shape, size: size, stride: stride, roundDown: roundDown)
        let images = 16  // enough numbers for both cores
        let values = (0..<(images * shape.count)).map { _ in Double(random.integer(below: 5)) - 2 }
        let x = try Matrix<Float>(rows: images, columns: shape.count, elements: values.map(Float.init))
        let (output, sources) = try float.forward(x)
        let (expectedOutput, expectedSources) = try double.forward(Matrix(rows: images, columns: shape.count, elements: values))
        #expect(output.elements.map(Double.init) == expectedOutput.elements)
        #expect(sources == expectedSources)
        let g = Matrix<Float>.gaussian(rows: images, columns: float.outputShape.count, using: &random)
        var expected = [Float](repeating: 0, count: images * shape.count)
        for n in 0..<images {
            for o in 0..<float.outputShape.count {
                expected[n * shape.count + Int(sources[n * float.outputShape.count + o])] += g[n, o]
            }
        }
        let dx = try float.backward(sources: sources, outputGradient: g)
        #expect(zip(dx.elements, expected).allSatisfy { $0.bitPattern == $1.bitPattern })
    }

    /// The pooling's and the ReLU's backward passes in one (`FloatKernels.maxPoolReluBackward`):
    /// the same numbers, bit for bit, as max pooling's backward pass, then the ReLU's gradient and
    /// the column sums, on one core and two; on activations with many zeros (windows that are all
    /// zero, whose slope is 0) and gradients with negative zeros.
    @Test(arguments: [(16, 16, 25), (8, 8, 32), (6, 6, 7), (12, 12, 16), (9, 9, 40)])
    func poolingAndReluBackwardInOnePass(height: Int, width: Int, channels: Int) throws {
        var random = SeededGenerator(seed: UInt64(height * 100 + channels))
        let size = height == 9 ? 3 : 2, images = 12
        let shape = ImageShape(height: height, width: width, channels: channels)
        let pooling = try Pooling<Float>(.max, inputShape: shape, size: size)
        // a = relu(h) with h from -2…2 in steps of 1: many ties and many zeros
        let a = try Matrix<Float>(rows: images, columns: shape.count, elements: (0..<(images * shape.count)).map { _ in
            Float(max(0, random.integer(below: 5) - 2))
        })
        let (pooledA, sources) = try pooling.forward(a)
        var g = Matrix<Float>.gaussian(rows: images, columns: pooling.outputShape.count, using: &random)
        for i in stride(from: 0, to: g.count, by: 7) { g.storage[i] = -0.0 }
        // separately: the pooling's backward pass, then the ReLU's gradient and its column sums
        let pooled = try pooling.backward(sources: sources, outputGradient: g)
        var expected = [Float](repeating: 0, count: a.count), expectedSums = [Float](repeating: 0, count: channels)
        a.storage.withUnsafeBufferPointer { a in
            expected.withUnsafeMutableBufferPointer { output in
                FloatKernels.reluGradientAndColumnSums(
                    rows: images * height * width, columns: channels, gradient: pooled.storage, relu: (a.baseAddress!, output.baseAddress!),
                    sums: &expectedSums)
            }
        }
        for twoCores in [false, true] {
            var dh = [Float](repeating: .nan, count: a.count), sums = [Float](repeating: .nan, count: channels)
            FloatKernels.maxPoolReluBackward(
                images: images, height: height, width: width, channels: channels, outputHeight: pooling.outputShape.height,
                outputWidth: pooling.outputShape.width, size: size, gradient: g.storage, sources: sources, pooled: pooledA.storage, into: &dh, sums: &sums,
                twoCores: twoCores)
            #expect(zip(dh, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "two cores \(twoCores)")
            #expect(zip(sums, expectedSums).allSatisfy { $0.bitPattern == $1.bitPattern }, "two cores \(twoCores)")
        }
        #expect(expected.contains { $0 == 0 && $0.sign == .minus }, "the case of a negative zero is exercised")
    }

    /// (input, filters, filter size, padding, pooling window, batch) for a convolution pooled in
    /// one pass: the two CNNs' first and second layers (kept patches; 25 filters, padded for the
    /// product; 32 and 64, not), 3×3 windows, one row of pooling windows per image, and batches
    /// whose blocks of window rows cross from one image into the next and split over two cores.
    static let pooledGeometries: [(input: ImageShape, filters: Int, size: Int, padding: Int, pool: Int, batch: Int)] = [
        (ImageShape(height: 28, width: 28, channels: 1), 25, 5, 0, 2, 24),
        (ImageShape(height: 12, width: 12, channels: 25), 25, 5, 0, 2, 40),
        (ImageShape(height: 28, width: 28, channels: 1), 32, 3, 1, 2, 9),
        (ImageShape(height: 14, width: 14, channels: 32), 64, 3, 1, 2, 7),
        (ImageShape(height: 9, width: 9, channels: 3), 7, 3, 1, 3, 30),
        (ImageShape(height: 6, width: 10, channels: 2), 16, 5, 0, 2, 300),
    ]

    /// The convolution's forward pass pooled block by block (`FloatConvolution.forwardPooling`):
    /// the same pooled numbers and sources, bit for bit, as the convolution's whole output pooled
    /// afterwards, on one core and two, with biases that make many windows all zero (ties).
    @Test(arguments: pooledGeometries.indices)
    func aConvolutionPooledInCacheGivesTheSameNumbers(index: Int) throws {
        let g = Self.pooledGeometries[index]
        var random = SeededGenerator(seed: UInt64(40 + index))
        var conv = try Conv2D<Float>(inputShape: g.input, filters: g.filters, filterSize: g.size, padding: g.padding, using: &random)
        conv.bias = .gaussian(rows: 1, columns: g.filters, using: &random)
        for j in stride(from: 0, to: g.filters, by: 3) { conv.bias.storage[j] = -4 }
        let pool = try Pooling<Float>(.max, inputShape: conv.outputShape, size: g.pool)
        let x = Matrix<Float>.gaussian(rows: g.batch, columns: g.input.count, using: &random)
        let (expected, expectedSources) = try pool.forward(try conv.forwardTrace(x).output)
        let kernels = conv.floatConvolution
        for twoCores in [false, true] {
            var pooled = [Float](repeating: .nan, count: expected.count), sources = [Int32](repeating: -1, count: expected.count)
            kernels.forwardPooling(
                images: g.batch, x: x.storage, weights: conv.weights.storage, bias: conv.bias.storage, pool: g.pool, pooled: &pooled,
                sources: &sources, twoCores: twoCores)
            #expect(Self.sameBits(Matrix(unchecked: g.batch, expected.columns, pooled), expected), "geometry \(index), two cores \(twoCores)")
            #expect(sources == expectedSources, "geometry \(index), two cores \(twoCores)")
        }
        #expect(expected.elements.contains(0), "geometry \(index): windows whose ReLU outputs are all zero (ties) are exercised")
    }

    /// A Sequential meets a ReLU convolution and the max pooling after it and runs them as one,
    /// forward and backward: the same output and gradients, bit for bit, as each layer's own passes
    /// in turn; each layer's saved values are used up as their own passes would; and the
    /// convolution's trace, which holds the pooled output, is refused by its own backward pass.
    @Test(arguments: pooledGeometries.indices)
    func aConvolutionAndItsPoolingTogetherGiveTheSameNumbers(index: Int) throws {
        let shape = Self.pooledGeometries[index]
        var random = SeededGenerator(seed: UInt64(21 + index))
        let conv = try Conv2D<Float>(
            inputShape: shape.input, filters: shape.filters, filterSize: shape.size, padding: shape.padding, using: &random)
        let pool = try Pooling<Float>(.max, inputShape: conv.outputShape, size: shape.pool)
        let x = Matrix<Float>.gaussian(rows: shape.batch, columns: conv.inputShape.count, using: &random)
        let g = Matrix<Float>.gaussian(rows: shape.batch, columns: pool.outputShape.count, using: &random)
        var layers = Sequential<Float>([conv, pool])
        let output = try layers.forward(x, mode: .training, using: &random)
        let trace = try #require((layers.layers[0] as? Conv2D<Float>)?.saved.value)
        #expect(trace.isPooledTogether)
        #expect(throws: InvalidArgument.self) { try conv.backward(trace, outputGradient: g) }
        let together = try layers.backward(outputGradient: g, needsInputGradient: true)

        var (first, second) = (conv, pool)
        let expected = try second.forward(try first.forward(x, mode: .training, using: &random), mode: .training, using: &random)
        let poolGradient = try second.backward(outputGradient: g, needsInputGradient: true)
        let apart = try first.backward(outputGradient: poolGradient.input, needsInputGradient: true)

        #expect(Self.sameBits(output, expected))
        #expect(Self.sameBits(together.input, apart.input))
        #expect(together.parameters.count == 2)
        for (fused, separate) in zip(together.parameters, apart.parameters) { #expect(Self.sameBits(fused, separate)) }
        #expect(throws: InvalidArgument.self) { try layers.backward(outputGradient: g, needsInputGradient: true) }
        // in inference mode too, the same output
        #expect(Self.sameBits(try layers.forward(x, mode: .inference, using: &random), expected))
    }

    /// A gradient that does not fit the pooled pair goes to the layers' own passes, which name it;
    /// pairs that do not pool together (average pooling, windows that overlap, a convolution
    /// without a ReLU, too few windows) run layer by layer, with the same numbers as each layer alone.
    @Test func pairsThatDoNotPoolTogetherRunLayerByLayer() throws {
        var random = SeededGenerator(seed: 8)
        let input = ImageShape(height: 10, width: 10, channels: 2)
        let relu = try Conv2D<Float>(inputShape: input, filters: 8, filterSize: 3, padding: 1, using: &random)
        let tanh = try Conv2D<Float>(inputShape: input, filters: 8, filterSize: 3, padding: 1, activation: .tanh, using: &random)
        // one 2×2 image: 4 windows, few enough for the products' few-rows path
        let tiny = try Conv2D<Float>(inputShape: ImageShape(height: 2, width: 2, channels: 2), filters: 3, filterSize: 1, using: &random)
        let x = Matrix<Float>.gaussian(rows: 6, columns: input.count, using: &random)
        var pair = Sequential<Float>([relu, try Pooling<Float>(.max, inputShape: relu.outputShape, size: 2)])
        _ = try pair.forward(x, mode: .training, using: &random)
        #expect(throws: ShapeError.self) { try pair.backward(outputGradient: Matrix(rows: 5, columns: 200), needsInputGradient: true) }
        let others: [(Conv2D<Float>, Pooling<Float>, Int)] = [
            (relu, try Pooling<Float>(.average, inputShape: relu.outputShape, size: 2), 6),
            (relu, try Pooling<Float>(.max, inputShape: relu.outputShape, size: 2, stride: 1), 6),
            (tanh, try Pooling<Float>(.max, inputShape: tanh.outputShape, size: 2), 6),
            (tiny, try Pooling<Float>(.max, inputShape: tiny.outputShape, size: 2), 1),
        ]
        for (conv, pool, batch) in others {
            var layers = Sequential<Float>([conv, pool])
            let images = Matrix(unchecked: batch, conv.inputShape.count, Array(x.storage.prefix(batch * conv.inputShape.count)))
            let output = try layers.forward(images, mode: .training, using: &random)
            #expect(try #require((layers.layers[0] as? Conv2D<Float>)?.saved.value).isPooledTogether == false)
            #expect(Self.sameBits(output, try pool.forward(try conv.forward(images)).output))
        }
    }

    /// A trace that does not fit the gradient or the layer is an error naming the shapes, before
    /// any kernel reads it.
    @Test func aMismatchedTraceIsAnError() throws {
        var random = SeededGenerator(seed: 5)
        let conv = try Conv2D<Float>(inputShape: ImageShape(height: 8, width: 8, channels: 2), filters: 4, filterSize: 3, padding: 1, using: &random)
        let x = Matrix<Float>.gaussian(rows: 3, columns: conv.inputShape.count, using: &random)
        let trace = try conv.forwardTrace(x)
        let tooMany = Matrix<Float>.gaussian(rows: 5, columns: conv.outputShape.count, using: &random)
        #expect(throws: ShapeError.self) { try conv.backward(trace, outputGradient: tooMany) }
        let fewer = Matrix<Float>.gaussian(rows: 2, columns: conv.outputShape.count, using: &random)
        let shortTrace = ConvolutionTrace(input: x, weightedSums: fewer, output: fewer)
        #expect(throws: ShapeError.self) { try conv.backward(shortTrace, outputGradient: fewer) }
        let g = Matrix<Float>.gaussian(rows: 3, columns: conv.outputShape.count, using: &random)
        #expect(throws: ShapeError.self) { try conv.backward(trace, outputGradient: Matrix(rows: 3, columns: 7)) }
        #expect(throws: Never.self) { try conv.backward(trace, outputGradient: g) }
    }
}
