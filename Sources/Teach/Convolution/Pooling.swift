/// Max or average: what a pooling window keeps.
public enum PoolingKind: Sendable, Hashable {
    /// `max` keeps the largest number of each window (PyTorch's `nn.MaxPool2d`), `average` their
    /// mean (`nn.AvgPool2d`).
    case max, average
}

/// Max or average pooling: each channel on its own, a `F×F` window moved by stride `S`, and one
/// number per window: the largest (max) or the mean (average). Pooling has no parameters and keeps
/// the depth: `H×W×C` becomes `Ho×Wo×C` with `Ho = (H − F)/S + 1` (article 004).
///
/// Backward: max pooling passes each window's gradient to the input that was largest (the first,
/// on ties); average pooling spreads it evenly, `1/F²` to each input of the window. Overlapping
/// windows (`S < F`, as AlexNet's 3×3 stride 2) add up their contributions.
///
/// By default a window that does not fit evenly is an error (the article's rule, see
/// ``ConvolutionGeometry``). With `roundDown` the output size is `⌊(H − F)/S⌋ + 1` and the last rows
/// and columns that no window reaches are ignored, as PyTorch's `MaxPool2d` and `AvgPool2d` do
/// with their default `ceil_mode=False`. The stride defaults to the window size, as in PyTorch.
public struct Pooling<Scalar: MatrixScalar>: Sendable, Equatable, CustomStringConvertible {
    /// Max or average, ``PoolingKind``.
    public typealias Kind = PoolingKind

    /// Whether each window keeps its largest number or its mean.
    public let kind: Kind
    /// The images it reads, `H×W×C`.
    public let inputShape: ImageShape
    /// The pooled images, `Ho×Wo×C`: the same channels, fewer pixels.
    public let outputShape: ImageShape
    /// `F`: the window is `F×F` pixels (PyTorch's `kernel_size`).
    public let size: Int
    /// `S`: the step between windows (PyTorch's `stride`), the window size unless given.
    public let stride: Int
    /// Whether a window that does not fit evenly rounds the output size down (PyTorch's floor mode)
    /// instead of being an error.
    public let roundsDown: Bool
    /// What the forward pass keeps for the backward pass: for max pooling, the input index each
    /// output came from (`batch × Ho·Wo·C`); for average pooling, only the batch size.
    @usableFromInline var saved = Saved<(batch: Int, sources: [Int32])>()

    /// A pooling layer over images of `inputShape` with `size×size` windows `stride` apart (the
    /// window size by default), rounding the output size down when `roundDown`.
    /// - Throws: ``GeometryError`` when the window does not fit the input evenly (unless
    ///   `roundDown`) or is larger than the input.
    public init(_ kind: Kind, inputShape: ImageShape, size: Int, stride: Int? = nil, roundDown: Bool = false) throws {
        try inputShape.validate("pooling")
        let name = kind == .max ? "max pooling" : "average pooling", stride = stride ?? size
        func outputSize(_ input: Int, _ side: String) throws -> Int {
            guard roundDown, stride >= 1, size >= 1, size <= input else {
                return try ConvolutionGeometry.outputSize(input: input, filter: size, stride: stride, padding: 0, layer: "\(name) (\(side))")
            }
            return (input - size) / stride + 1
        }
        let height = try outputSize(inputShape.height, "height"), width = try outputSize(inputShape.width, "width")
        self.kind = kind
        self.inputShape = inputShape
        self.outputShape = ImageShape(height: height, width: width, channels: inputShape.channels)
        self.size = size
        self.stride = stride
        self.roundsDown = roundDown
    }

    /// The table name: `max pool 3×3 stride 2`, with `(round down)` when it rounds down.
    public var description: String { "\(kind == .max ? "max" : "average") pool \(size)×\(size) stride \(stride)" + (roundsDown ? " (round down)" : "") }

    /// The pooled outputs (`m × Ho·Wo·C`) and, for max pooling, the input index each came from.
    /// - Throws: ``ShapeError`` when the rows are not images of ``inputShape``.
    @inlinable public func forward(_ x: Matrix<Scalar>) throws -> (output: Matrix<Scalar>, sources: [Int32]) {
        guard x.columns == inputShape.count else {
            throw ShapeError(
                operation: "Pooling.forward", shapes: [x.shape],
                expected: "one \(inputShape) image per row (\(inputShape.count) columns), got \(x.columns) columns")
        }
        if Scalar.self == Float.self, kind == .max {
            // Float: the same loop in C, on both cores (PoolingFloat.swift)
            let (output, sources) = unsafeBitCast(self, to: Pooling<Float>.self).floatMaxPool(unsafeBitCast(x, to: Matrix<Float>.self))
            return (unsafeBitCast(output, to: Matrix<Scalar>.self), sources)
        }
        let c = inputShape.channels, w = inputShape.width
        let ho = outputShape.height, wo = outputShape.width, f = size
        var out = [Scalar](repeating: 0, count: x.rows * outputShape.count)
        var sources = [Int32](repeating: 0, count: kind == .max ? out.count : 0)
        let scale = 1 / Scalar(f * f)
        let isMax = kind == .max
        // The channels of a pixel are adjacent (channels-last), so the innermost loop runs over
        // them: for each window, the first pixel starts every channel's maximum (or sum), then the
        // other pixels follow in the order (fy, fx), each compared (or added) channel by channel.
        // Every output sees the same comparisons and additions, in the same order, as a loop over
        // one channel's window would make.
        x.storage.withUnsafeBufferPointer { inputBuffer in
            out.withUnsafeMutableBufferPointer { outBuffer in
                sources.withUnsafeMutableBufferPointer { sourceBuffer in
                    guard let input = inputBuffer.baseAddress, let output = outBuffer.baseAddress else { return }
                    let origin = sourceBuffer.baseAddress
                    for n in 0..<x.rows {
                        let image = input + n &* inputShape.count
                        for oy in 0..<ho {
                            for ox in 0..<wo {
                                let o = n &* outputShape.count &+ (oy &* wo &+ ox) &* c
                                let target = output + o
                                for fy in 0..<f {
                                    for fx in 0..<f {
                                        let pixel = ((oy &* stride &+ fy) &* w &+ ox &* stride &+ fx) &* c
                                        let values = image + pixel
                                        if fy == 0 && fx == 0 {
                                            // (0 + v, as the sum began: a -0 sums to +0)
                                            if isMax {
                                                for channel in 0..<c { target[channel] = values[channel] }
                                            } else {
                                                for channel in 0..<c { target[channel] = 0 + values[channel] }
                                            }
                                            if isMax, let origin {
                                                for channel in 0..<c { origin[o &+ channel] = Int32(truncatingIfNeeded: pixel &+ channel) }
                                            }
                                        } else if isMax, let origin {
                                            // Float, eight channels at a time, without branches: where the pixel
                                            // is larger, it and its index replace the maximum so far
                                            var first = 0
                                            if Scalar.self == Float.self {
                                                let from = UnsafeRawPointer(values), to = UnsafeMutableRawPointer(target)
                                                let indices = UnsafeMutableRawPointer(origin + o)
                                                let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(truncatingIfNeeded: pixel)
                                                while first &+ 8 <= c {
                                                    let offset = first &* 4
                                                    let value = from.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                                                    let maximum = to.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                                                    let larger = value .> maximum
                                                    to.storeBytes(of: maximum.replacing(with: value, where: larger), toByteOffset: offset, as: SIMD8<Float>.self)
                                                    let index = indices.loadUnaligned(fromByteOffset: offset, as: SIMD8<Int32>.self)
                                                    let here = lanes &+ Int32(truncatingIfNeeded: first)
                                                    indices.storeBytes(of: index.replacing(with: here, where: larger), toByteOffset: offset, as: SIMD8<Int32>.self)
                                                    first &+= 8
                                                }
                                            }
                                            for channel in first..<c where values[channel] > target[channel] {
                                                target[channel] = values[channel]
                                                origin[o &+ channel] = Int32(truncatingIfNeeded: pixel &+ channel)
                                            }
                                        } else {
                                            for channel in 0..<c { target[channel] += values[channel] }
                                        }
                                    }
                                }
                                if !isMax {
                                    for channel in 0..<c { target[channel] *= scale }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (Matrix(unchecked: x.rows, outputShape.count, out), sources)
    }

    /// `∂E/∂x` from `∂E/∂(output)`, using the sources the forward pass recorded (max pooling).
    /// - Throws: ``ShapeError`` when the gradient does not have the output's width.
    @inlinable public func backward(sources: [Int32], outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard outputGradient.columns == outputShape.count, kind == .average || sources.count == outputGradient.count else {
            throw ShapeError(
                operation: "Pooling.backward", shapes: [outputGradient.shape],
                expected: "one \(outputShape) gradient per image, as the forward pass produced")
        }
        if Scalar.self == Float.self, kind == .max {
            let float = unsafeBitCast(self, to: Pooling<Float>.self)
            return unsafeBitCast(
                float.floatMaxPoolBackward(sources: sources, outputGradient: unsafeBitCast(outputGradient, to: Matrix<Float>.self)),
                to: Matrix<Scalar>.self)
        }
        let batch = outputGradient.rows
        var dx = [Scalar](repeating: 0, count: batch * inputShape.count)
        let c = inputShape.channels, w = inputShape.width
        let ho = outputShape.height, wo = outputShape.width, f = size
        let scale = 1 / Scalar(f * f)
        outputGradient.storage.withUnsafeBufferPointer { g in
            for n in 0..<batch {
                let image = n &* inputShape.count
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        for channel in 0..<c {
                            let o = n &* outputShape.count &+ (oy &* wo &+ ox) &* c &+ channel
                            if kind == .max {
                                dx[image &+ Int(sources[o])] += g[o]
                            } else {
                                for fy in 0..<f {
                                    for fx in 0..<f {
                                        dx[image &+ ((oy &* stride &+ fy) &* w &+ ox &* stride &+ fx) &* c &+ channel] += g[o] * scale
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Matrix(unchecked: batch, inputShape.count, dx)
    }
}

extension Pooling: Layer {
    public var name: String { description }

    public var requiredInputShape: RecordShape? { .image(inputShape) }

    public func outputShape(for input: RecordShape) throws -> RecordShape {
        try checkImage(input, is: inputShape)
        return .image(outputShape)
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func forward(_ x: Matrix<Scalar>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Scalar> {
        let (output, sources) = try forward(x)
        saved.value = (x.rows, sources)
        return output
    }

    @inlinable @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public mutating func backward(outputGradient: Matrix<Scalar>, needsInputGradient: Bool) throws -> LayerGradients<Scalar> {
        let (batch, sources) = try saved.take(for: name)
        guard outputGradient.rows == batch else {
            throw ShapeError(operation: "\(name).backward", shapes: [outputGradient.shape], expected: "\(batch) rows, one per image of the forward pass")
        }
        return LayerGradients(input: try backward(sources: sources, outputGradient: outputGradient))
    }

    public var parameters: [Matrix<Scalar>] { [] }
    @inlinable public mutating func updateParameters(_ update: (inout Matrix<Scalar>, Int) throws -> Void) rethrows {}
}

extension Pooling: StorableLayer {
    /// In a model file: kind `pool` with `pooling` (`max` or `average`), `input_shape`, `size`,
    /// `stride` and, when true, `round_down`; no tensors.
    public static var kind: String { "pool" }

    public func store(into writer: inout LayerWriter) throws {
        try writer.set("pooling", kind == .max ? "max" : "average")
        try writer.set("input_shape", inputShape)
        try writer.set("size", size)
        try writer.set("stride", stride)
        if roundsDown { try writer.set("round_down", true) }
    }

    public init(reading reader: inout LayerReader) throws {
        let kind: PoolingKind
        switch try reader.string("pooling") {
        case "max": kind = .max
        case "average": kind = .average
        case let other: throw reader.problem("unknown pooling \"\(other)\" (max or average)")
        }
        let input = try reader.imageShape()
        let size = try reader.integer("size", atLeast: 1), stride = try reader.integer("stride", atLeast: 1)
        let roundDown = reader.has("round_down") ? try reader.bool("round_down") : false
        self = try reader.build { try Pooling(kind, inputShape: input, size: size, stride: stride, roundDown: roundDown) }
    }
}
