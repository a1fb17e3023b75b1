/// A 2-D convolution layer: `K` filters of `F×F×C`, stride `S`, zero padding `P`, one bias per
/// filter, and an activation (article 004's convolution layer).
///
/// Layout: channels-last rows, see ``ImageShape``. The filters are one `(F·F·C)×K` matrix: column
/// `k` is filter `k`, row `(fy·F + fx)·C + c` its weight at offset `(fy, fx)` and channel `c`.
///
/// Forward, for a batch `x` of `m` images (`m × H·W·C`), by *im2col*: every window the filters visit
/// becomes one row of a patch matrix, and one matrix product applies every filter to every window:
///
///     patches = im2col(x)          // (m·Ho·Wo) × (F·F·C): the input under each window
///     h = patches · W + b          // (m·Ho·Wo) × K = m × (Ho·Wo·K), channels-last again
///     a = f(h)
///
/// Backward, from `∂E/∂a`:
///
///     ∂E/∂h = ∂E/∂a ⊙ f'(h)
///     ∂E/∂W = patchesᵀ · ∂E/∂h     // (F·F·C) × K
///     ∂E/∂b = column sums of ∂E/∂h
///     ∂E/∂x = col2im(∂E/∂h · Wᵀ)   // each window's gradient added back onto the pixels it read
///
/// `Ho = (H − F + 2P)/S + 1`, and the same for `Wo` (see ``ConvolutionGeometry``).
public struct Conv2D<Scalar: MatrixScalar>: Sendable, Equatable {
    /// The images it reads, `H×W×C`.
    public let inputShape: ImageShape
    /// The feature maps it writes, `Ho×Wo×K`: one channel per filter.
    public let outputShape: ImageShape
    /// `F`: filters are `F×F×C`.
    public let filterSize: Int
    /// `S`.
    public let stride: Int
    /// `P`: zeros added on every side.
    public let padding: Int
    /// `(F·F·C)×K`, one column per filter.
    public var weights: Matrix<Scalar>
    /// `1×K`, one bias per filter.
    public var bias: Matrix<Scalar>
    /// The activation `f` applied to the weighted sums (PyTorch puts it in a separate module).
    public var activation: Activation
    /// What ``forward(_:mode:using:)`` keeps for the backward pass: the input `x` (`m × H·W·C`), `h`
    /// and `a` (`m × Ho·Wo·K`).
    @usableFromInline var saved = Saved<ConvolutionTrace<Scalar>>()

    /// The sizes of a convolution computed from its geometry alone, before any weights exist (what
    /// `swift run shapes` prints): its output shape `Ho×Wo×K`, the rows `F·F·C` of its weight
    /// matrix, its parameters `(F·F·C)·K + K` and its multiply-adds per image `Ho·Wo·K·(F·F·C)`.
    /// Every product is checked, so a geometry too large for an `Int` is an error, not a trap.
    /// - Throws: ``InvalidArgument`` for fewer than one filter, an empty input shape or a size too
    ///   large for an `Int` (naming it), ``GeometryError`` when the geometry does not fit the input.
    public static func sizes(
        inputShape: ImageShape, filters: Int, filterSize: Int, stride: Int = 1, padding: Int = 0
    ) throws -> (outputShape: ImageShape, weightRows: Int, parameterCount: Int, multiplyAdds: Int) {
        guard filters >= 1 else { throw InvalidArgument("Conv2D: needs at least 1 filter, got \(filters)") }
        try inputShape.validate("Conv2D")
        let height = try ConvolutionGeometry.outputSize(input: inputShape.height, filter: filterSize, stride: stride, padding: padding, layer: "Conv2D (height)")
        let width = try ConvolutionGeometry.outputSize(input: inputShape.width, filter: filterSize, stride: stride, padding: padding, layer: "Conv2D (width)")
        let output = ImageShape(height: height, width: width, channels: filters)
        let outputCount = try output.checkedCount("Conv2D: the output")
        let rows = try CheckedSize.product([filterSize, filterSize, inputShape.channels], "Conv2D: the weights per filter F·F·C")
        let weights = try CheckedSize.product([rows, filters], "Conv2D: the weights (F·F·C)·K")
        let parameters = try CheckedSize.sum([weights, filters], "Conv2D: the parameters (F·F·C)·K + K")
        let multiplyAdds = try CheckedSize.product([outputCount, rows], "Conv2D: the multiply-adds per image Ho·Wo·K·(F·F·C)")
        return (output, rows, parameters, multiplyAdds)
    }

    /// A layer with random filters from `initializer` (fan-in `F·F·C`) and zero biases.
    /// - Throws: ``GeometryError`` when the geometry does not fit the input, ``InvalidArgument``
    ///   for fewer than one filter, an empty input shape or sizes too large for an `Int`.
    public init(
        inputShape: ImageShape, filters: Int, filterSize: Int, stride: Int = 1, padding: Int = 0,
        activation: Activation = .relu, initializer: Initializer = .he, using generator: inout SeededGenerator
    ) throws {
        // The sizes first: they are checked, and the weights are allocated only when they fit.
        let fanIn = try Self.sizes(inputShape: inputShape, filters: filters, filterSize: filterSize, stride: stride, padding: padding).weightRows
        try self.init(
            inputShape: inputShape, weights: initializer.weights(inputs: max(fanIn, 1), units: filters, using: &generator),
            bias: Matrix(rows: 1, columns: filters), filterSize: filterSize, stride: stride, padding: padding, activation: activation)
    }

    /// A layer with the given filters (`(F·F·C)×K`) and biases (`1×K`).
    /// - Throws: ``GeometryError`` or ``InvalidArgument`` for a geometry that does not fit,
    ///   ``ShapeError`` when the weights or biases do not match `F`, `C` and `K`.
    public init(
        inputShape: ImageShape, weights: Matrix<Scalar>, bias: Matrix<Scalar>, filterSize: Int, stride: Int = 1, padding: Int = 0,
        activation: Activation = .relu
    ) throws {
        let sizes = try Self.sizes(
            inputShape: inputShape, filters: max(weights.columns, 1), filterSize: filterSize, stride: stride, padding: padding)
        guard weights.rows == sizes.weightRows, weights.columns >= 1,
            bias.rows == 1, bias.columns == weights.columns
        else {
            throw ShapeError(
                operation: "Conv2D", shapes: [weights.shape, bias.shape],
                expected: "weights (F·F·C)×K = \(sizes.weightRows)×K and a 1×K bias")
        }
        self.inputShape = inputShape
        self.outputShape = sizes.outputShape
        self.filterSize = filterSize
        self.stride = stride
        self.padding = padding
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// `K`, the number of filters (the output's depth).
    public var filterCount: Int { weights.columns }
    /// `(F·F·C)·K + K`.
    public var parameterCount: Int { weights.count + bias.count }
    /// Multiply-adds per image: every output number is a dot product of length `F·F·C`.
    public var multiplyAdds: Int { outputShape.count * weights.rows }

    @inlinable func checkInput(_ x: Matrix<Scalar>) throws {
        guard x.columns == inputShape.count else {
            throw ShapeError(
                operation: "Conv2D.forward", shapes: [x.shape],
                expected: "one \(inputShape) image per row (\(inputShape.count) columns), got \(x.columns) columns")
        }
    }

    /// Calls `body(patchOffset, pixelOffset, count)` for every window position and filter row,
    /// with the stretch of that row that lands on the input rather than the padding: in the
    /// channels-last layout the pixels of one filter row are `count` consecutive numbers, both in
    /// the patch matrix and in the image. im2col copies them from image to patch; col2im, in the
    /// backward pass, adds them from patch to image.
    // book: im2col-windows
    @inlinable func forEachWindowRow(batch: Int, _ body: (_ patchOffset: Int, _ pixelOffset: Int, _ count: Int) -> Void) {
        let c = inputShape.channels, h = inputShape.height, w = inputShape.width
        let ho = outputShape.height, wo = outputShape.width, f = filterSize
        let rowLength = f &* f &* c
        for n in 0..<batch {
            let image = n &* inputShape.count
            for oy in 0..<ho {
                for ox in 0..<wo {
                    let row = ((n &* ho &+ oy) &* wo &+ ox) &* rowLength
                    let left = ox &* stride &- padding
                    let first = Swift.max(0, -left), last = Swift.min(f, w &- left)  // filter columns on the image
                    guard first < last else { continue }
                    for fy in 0..<f {
                        let iy = oy &* stride &- padding &+ fy
                        guard iy >= 0, iy < h else { continue }
                        body(row &+ (fy &* f &+ first) &* c, image &+ (iy &* w &+ left &+ first) &* c, (last &- first) &* c)
                    }
                }
            }
        }
    }
    // book: end im2col-windows

    /// Copies `count` numbers: vectors of eight, then 4, 2 and 1, without a call of memmove (a
    /// window row of a one-channel image is 3 numbers, and a call per 3 numbers took longer than
    /// the copy).
    @inlinable @inline(__always) func copyNumbers(from source: UnsafePointer<Scalar>, to target: UnsafeMutablePointer<Scalar>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        let size = MemoryLayout<Scalar>.stride
        var offset = 0, left = count
        while left >= 8 {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD8<Scalar>.self), toByteOffset: offset, as: SIMD8<Scalar>.self)
            offset &+= 8 &* size
            left &-= 8
        }
        if left & 4 != 0 {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD4<Scalar>.self), toByteOffset: offset, as: SIMD4<Scalar>.self)
            offset &+= 4 &* size
        }
        if left & 2 != 0 {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: SIMD2<Scalar>.self), toByteOffset: offset, as: SIMD2<Scalar>.self)
            offset &+= 2 &* size
        }
        if left & 1 != 0 {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: Scalar.self), toByteOffset: offset, as: Scalar.self)
        }
    }

    // book: im2col
    /// im2col: the `(m·Ho·Wo)×(F·F·C)` matrix whose rows are the input under each window position
    /// (zeros where the window hangs over the padding).
    @inlinable public func patches(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try checkInput(x)
        let rows = x.rows * outputShape.height * outputShape.width, rowLength = weights.rows
        // Without padding every window lies on the image and every number is copied, so the
        // matrix need not be zeroed first (4 MB for AlexNet's first layer).
        let out = [Scalar](unsafeUninitializedCapacity: rows * rowLength) { buffer, initialized in
            guard let target = buffer.baseAddress else { return }
            if padding > 0 { target.initialize(repeating: 0, count: buffer.count) }
            x.storage.withUnsafeBufferPointer { input in
                guard let source = input.baseAddress else { return }
                forEachWindowRow(batch: x.rows) { patch, pixel, count in copyNumbers(from: source + pixel, to: target + patch, count: count) }
            }
            initialized = buffer.count
        }
        return Matrix(unchecked: rows, rowLength, out)
    }
    // book: end im2col

    /// The forward pass, keeping the input and the weighted sums for the backward pass.
    ///
    /// For Float (training), the product runs without the patch matrix: blocks of its rows are
    /// gathered in cache and multiplied there, on both cores, with the bias and a ReLU applied to
    /// each block while it is in cache (`FloatConvolution`, in TeachKernels); the numbers are the same as the
    /// product over the whole patch matrix gives.
    @inlinable public func forwardTrace(_ x: Matrix<Scalar>) throws -> ConvolutionTrace<Scalar> {
        try checkInput(x)
        let windows = x.rows * outputShape.height * outputShape.width
        if Scalar.self == Float.self, windows > floatProductFewRows {
            let float = unsafeBitCast(self, to: Conv2D<Float>.self)
            return unsafeBitCast(float.floatForwardTrace(unsafeBitCast(x, to: Matrix<Float>.self)), to: ConvolutionTrace<Scalar>.self)
        }
        // book: convolution-forward
        let columns = try patches(x)
        var sums = try columns.matmul(weights)
        try sums.addToEachRow(bias)  // in place: the product is ours alone
        let h = Matrix(unchecked: x.rows, outputShape.count, sums.storage)
        return ConvolutionTrace(input: x, weightedSums: h, output: activation(h))
        // book: end convolution-forward
    }

    /// The outputs `f(conv(x) + b)`, `m × (Ho·Wo·K)`.
    @inlinable public func forward(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> { try forwardTrace(x).output }

    /// The backward pass (formulas in the type's documentation). With `inputGradient` false (the
    /// first layer, whose input is the data) `∂E/∂x` is not computed and an empty matrix comes back.
    /// - Throws: ``ShapeError`` when `outputGradient` does not match the trace, or the trace does
    ///   not match this layer (its input and weighted sums, for the same batch);
    ///   ``InvalidArgument`` for a trace of a convolution pooled together
    ///   (``ConvolutionTrace/isPooledTogether``).
    @inlinable public func backward(
        _ trace: ConvolutionTrace<Scalar>, outputGradient: Matrix<Scalar>, inputGradient needed: Bool = true
    ) throws -> (inputGradient: Matrix<Scalar>, weights: Matrix<Scalar>, bias: Matrix<Scalar>) {
        let batch = outputGradient.rows, windows = batch * outputShape.height * outputShape.width
        guard !trace.isPooledTogether else {
            throw InvalidArgument(
                "Conv2D.backward: this trace is of a forward pass that a Sequential ran together with the max pooling after the "
                    + "convolution (it holds the pooled output, m × \(trace.output.columns)); run the backward pass through the Sequential as well")
        }
        // checked here, before any kernel reads the trace through raw pointers
        guard outputGradient.columns == outputShape.count, trace.weightedSums.shape == outputGradient.shape,
            trace.input.rows == batch, trace.input.columns == inputShape.count
        else {
            throw ShapeError(
                operation: "Conv2D.backward", shapes: [outputGradient.shape, trace.input.shape, trace.weightedSums.shape],
                expected: "a gradient of m × \(outputShape.count) (one \(outputShape) per image) for a trace of the same m images: "
                    + "input m × \(inputShape.count), weighted sums m × \(outputShape.count)")
        }
        if Scalar.self == Float.self, windows > floatProductFewRows {
            // Float: the kernels that never make the patch matrix (Conv2DFloat.swift), the same numbers
            let float = unsafeBitCast(self, to: Conv2D<Float>.self)
            let fused = float.floatSumGradient(
                unsafeBitCast(outputGradient, to: Matrix<Float>.self), at: unsafeBitCast(trace.weightedSums, to: Matrix<Float>.self))
            let (sums, biasGradient): (Matrix<Float>, Matrix<Float>)
            if let fused {
                (sums, biasGradient) = fused
            } else {
                let dh = try activation.gradient(outputGradient, at: trace.weightedSums, operation: "Conv2D.backward")
                let perWindow = Matrix(unchecked: windows, filterCount, dh.storage)
                (sums, biasGradient) = (unsafeBitCast(perWindow, to: Matrix<Float>.self), unsafeBitCast(perWindow.columnSums(), to: Matrix<Float>.self))
            }
            let gradients = try float.floatGradients(
                unsafeBitCast(trace, to: ConvolutionTrace<Float>.self), sumGradient: sums, biasGradient: biasGradient, inputGradient: needed)
            return (
                unsafeBitCast(gradients.inputGradient, to: Matrix<Scalar>.self), unsafeBitCast(gradients.weights, to: Matrix<Scalar>.self),
                unsafeBitCast(gradients.bias, to: Matrix<Scalar>.self)
            )
        }
        let dh = try activation.gradient(outputGradient, at: trace.weightedSums, operation: "Conv2D.backward")
        let perWindow = Matrix(unchecked: windows, filterCount, dh.storage)
        let biasGradient = perWindow.columnSums()
        let weightGradient = try patches(trace.input).transposedMatmul(perWindow)
        guard needed else { return (Matrix(rows: 0, columns: 0), weightGradient, biasGradient) }
        // book: col2im
        let patchGradient = try perWindow.matmulTransposed(weights)
        // col2im: add each window's gradient back onto the input pixels it was read from.
        var dx = [Scalar](repeating: 0, count: batch * inputShape.count)
        patchGradient.storage.withUnsafeBufferPointer { source in
            dx.withUnsafeMutableBufferPointer { target in
                guard let windows = source.baseAddress, let pixels = target.baseAddress else { return }
                forEachWindowRow(batch: batch) { patch, pixel, count in
                    for i in 0..<count { pixels[pixel &+ i] += windows[patch &+ i] }
                }
            }
        }
        return (Matrix(unchecked: batch, inputShape.count, dx), weightGradient, biasGradient)
        // book: end col2im
    }
}

extension Conv2D: Layer {
    /// `conv 96 11×11 stride 4 pad 2`.
    public var name: String {
        "conv \(filterCount) \(filterSize)×\(filterSize)" + (stride == 1 ? "" : " stride \(stride)") + (padding == 0 ? "" : " pad \(padding)")
    }

    public var requiredInputShape: RecordShape? { .image(inputShape) }

    public func outputShape(for input: RecordShape) throws -> RecordShape {
        try checkImage(input, is: inputShape)
        return .image(outputShape)
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let trace = try forwardTrace(x)
        saved.value = trace
        return trace.output
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let backward = try backward(saved.take(for: name), outputGradient: outputGradient, inputGradient: needsInputGradient)
        return LayerGradients(input: backward.inputGradient, parameters: [backward.weights, backward.bias])
    }

    public var parameters: [Matrix<Scalar>] { [weights, bias] }
    public var parameterNames: [String] { ["weight", "bias"] }
    public var penalizedParameters: [Int] { [0] }

    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {
        try update(&weights, 0)
        try update(&bias, 1)
    }

    public func multiplyAdds(for input: RecordShape) -> Int { multiplyAdds }
}

/// What ``Conv2D``'s forward pass keeps for its backward pass.
public struct ConvolutionTrace<Scalar: MatrixScalar>: Sendable {
    /// The input `x`, `m × H·W·C`: the weight gradient reads its patches (``Conv2D/patches(_:)``).
    public var input: Matrix<Scalar>
    /// `h`, `m × (Ho·Wo·K)`; for a Float convolution with a ReLU, `a = relu(h)` instead (the same
    /// matrix as ``output``): the backward pass reads only where `h` is positive, which is where
    /// `a` is, and the forward pass then writes one matrix of the batch's size instead of two.
    public var weightedSums: Matrix<Scalar>
    /// `f(h)`.
    public var output: Matrix<Scalar>
    /// Whether a ``Sequential`` ran this convolution and the max pooling after it as one pass
    /// (Float, a ReLU, pooling windows that tile the output): ``weightedSums`` and ``output`` are
    /// then the pooling's output, `m × (Ho/s · Wo/s · K)` for windows of `s × s`, each block of the
    /// convolution's output having been pooled in cache instead of written whole. The backward pass
    /// of such a trace runs through the Sequential too, for both layers at once.
    public var isPooledTogether: Bool

    /// A trace from its matrices, as the forward pass computed them.
    @inlinable public init(
        input: Matrix<Scalar>, weightedSums: Matrix<Scalar>, output: Matrix<Scalar>, isPooledTogether: Bool = false
    ) {
        self.input = input
        self.weightedSums = weightedSums
        self.output = output
        self.isPooledTogether = isPooledTogether
    }
}

extension Conv2D: StorableLayer {
    /// In a model file: kind `conv2d` with `input_shape`, `filters`, `filter_size`, `stride`,
    /// `padding` and `activation`; tensors `weight` (`[F·F·C, filters]`) and `bias` (`[filters]`).
    public static var kind: String { "conv2d" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("input_shape", inputShape)
        try writer.set("filters", filterCount)
        try writer.set("filter_size", filterSize)
        try writer.set("stride", stride)
        try writer.set("padding", padding)
        try writer.set(activation: activation)
        try writer.tensor("weight", weights)
        try writer.tensor("bias", bias, vector: true)
    }

    public init(reading reader: inout LayerReader) throws {
        let input = try reader.imageShape()
        let filters = try reader.integer("filters", atLeast: 1), size = try reader.integer("filter_size", atLeast: 1)
        let stride = try reader.integer("stride", atLeast: 1), padding = try reader.integer("padding")
        let activation = try reader.activation()
        guard let rows = LayerReader.product([size, size, input.channels]) else {
            throw reader.problem("filters of \(size)×\(size)×\(input.channels) are too large")
        }
        let weights: Matrix<Scalar> = try reader.tensor("weight", shape: [rows, filters], "filters, (F·F·C)×K")
        let bias: Matrix<Scalar> = try reader.tensor("bias", shape: [filters], "biases, one per filter")
        self = try reader.build {
            try Conv2D(inputShape: input, weights: weights, bias: bias, filterSize: size, stride: stride, padding: padding, activation: activation)
        }
        try reader.checkSize(outputShape, "the output")
    }
}
