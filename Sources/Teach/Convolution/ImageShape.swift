/// The shape of one image (or feature map): height × width × channels.
///
/// **Memory layout.** The package stores images *channels-last*, as the articles write shapes
/// (32×32×3): one image is one row of a batch-first matrix, holding `height·width·channels`
/// numbers, pixel by pixel along each image row, and the channels of a pixel next to each other.
/// Element `(y, x, c)` of image `n` is column `(y·width + x)·channels + c` of row `n`. This is
/// TensorFlow's and Keras's default (NHWC); PyTorch uses channels-first (NCHW). A one-channel
/// image (MNIST, Fashion-MNIST) is the same in both: its IDX pixels, row by row.
public struct ImageShape: Sendable, Hashable, CustomStringConvertible {
    /// The number of pixel rows, `H`.
    public var height: Int
    /// The number of pixels per row, `W`.
    public var width: Int
    /// The numbers per pixel, `C`: 1 for grey, 3 for RGB, `K` after a convolution with `K` filters.
    public var channels: Int

    /// A `height×width×channels` shape.
    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// A square `size×size×channels` shape.
    public init(_ size: Int, _ channels: Int) {
        self.init(height: size, width: size, channels: channels)
    }

    /// Numbers per image: `height·width·channels`.
    public var count: Int { height * width * channels }

    /// `55×55×96`.
    public var description: String { "\(height)×\(width)×\(channels)" }

    /// ``count``, `height·width·channels`, computed without trapping: for a shape that came from
    /// outside (a file header, a command line, a layer's geometry) before anything relies on it.
    /// - Parameter what: names the shape in the error, e.g. `Conv2D: the output`.
    /// - Throws: ``InvalidArgument`` naming `what` and the shape when the count is larger than `Int.max`.
    public func checkedCount(_ what: String) throws -> Int {
        try CheckedSize.product([height, width, channels], "\(what): the numbers per image \(self)")
    }

    /// Checks that the shape can be a layer's input; `layer` names the layer in the error.
    /// - Throws: ``InvalidArgument`` unless every dimension is at least 1 and ``count`` fits in an `Int`.
    public func validate(_ layer: String) throws {
        guard height >= 1, width >= 1, channels >= 1 else {
            throw InvalidArgument("\(layer): the input shape \(self) needs every dimension ≥ 1")
        }
        _ = try checkedCount("\(layer): the input")
    }
}

/// The output-size rule of convolution and pooling (article 004), and its error when a geometry
/// does not fit.
///
/// For an input `N` wide, a filter (or pooling window) `F` wide, stride `S` and zero padding `P` on
/// each side, the window fits `(N − F + 2P)/S + 1` times. The article's rule demands that this is a
/// whole number; frameworks round down and silently drop the last rows and columns. The package
/// refuses instead, naming the numbers.
public enum ConvolutionGeometry {
    /// `(N − F + 2P)/S + 1`.
    /// - Throws: ``GeometryError`` when the stride is below 1, the padding negative, the filter
    ///   larger than the padded input, or `(N − F + 2P)/S` not a whole number.
    public static func outputSize(input n: Int, filter f: Int, stride s: Int, padding p: Int, layer: String = "convolution") throws -> Int {
        guard f >= 1 else { throw GeometryError(layer: layer, input: n, filter: f, stride: s, padding: p, problem: "the filter size must be at least 1") }
        guard s >= 1 else { throw GeometryError(layer: layer, input: n, filter: f, stride: s, padding: p, problem: "the stride must be at least 1") }
        guard p >= 0 else { throw GeometryError(layer: layer, input: n, filter: f, stride: s, padding: p, problem: "the padding must not be negative") }
        // N − F + 2P from numbers a user may have typed: checked, so a padding near Int.max is an
        // error rather than a trap.
        let (twiceP, overflowP) = p.multipliedReportingOverflow(by: 2)
        let (padded, overflowN) = n.addingReportingOverflow(twiceP)
        let (span, overflowF) = padded.subtractingReportingOverflow(f)
        guard !overflowP, !overflowN, !overflowF else {
            throw GeometryError(
                layer: layer, input: n, filter: f, stride: s, padding: p,
                problem: "the padded input \(n) + 2·\(p) is too large (more than \(Int.max))")
        }
        guard span >= 0 else {
            throw GeometryError(
                layer: layer, input: n, filter: f, stride: s, padding: p,
                problem: "the filter (\(f)) is larger than the padded input (\(n) + 2·\(p) = \(padded))")
        }
        guard span % s == 0 else {
            throw GeometryError(
                layer: layer, input: n, filter: f, stride: s, padding: p,
                problem: "(N − F + 2P)/S = (\(n) − \(f) + 2·\(p))/\(s) = \(span)/\(s) is not a whole number, so the "
                    + "window does not fit evenly; change the stride or the padding")
        }
        return span / s + 1
    }

    /// The padding `(F − 1)/2` that keeps a stride-1 convolution's output the size of its input
    /// (article 004); `nil` for an even `F`, which has no such padding.
    public static func samePadding(filter f: Int) -> Int? { f % 2 == 1 ? (f - 1) / 2 : nil }
}

/// A convolution or pooling geometry that does not fit, with the numbers and the rule.
public struct GeometryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The layer whose geometry does not fit, and along which side: `conv 1 (height)`.
    public var layer: String
    /// `N`: the input's size along that side.
    public var input: Int
    /// `F`: the filter's (or pooling window's) size.
    public var filter: Int
    /// `S`: the step between windows.
    public var stride: Int
    /// `P`: the zeros added on each side.
    public var padding: Int
    /// What does not fit, with the numbers put into the rule.
    public var problem: String

    /// The layer, the four numbers, the problem and the rule, as one line.
    public var description: String {
        "\(layer): N = \(input), F = \(filter), S = \(stride), P = \(padding): \(problem) "
            + "(output size = (N − F + 2P)/S + 1)"
    }
}
