/// One block of a volume diagram: an image or a layer's output, `height × width × depth` numbers
/// (a dense layer's `n` features are drawn as `n × 1 × 1`, a tall bar).
public struct Volume: Sendable {
    /// The name under the box (`input`, `conv1`, `fc6`).
    public var label: String
    /// Rows of the image (or features of a dense layer).
    public var height: Int
    /// Columns of the image.
    public var width: Int
    /// Channels (feature maps).
    public var depth: Int

    /// A volume of `height × width × depth` numbers, named `label`.
    public init(_ label: String, height: Int, width: Int, depth: Int) {
        self.label = label
        self.height = height
        self.width = width
        self.depth = depth
    }

    /// A volume of the given record shape: an image's `height × width × channels`, or `n` features
    /// as `n × 1 × 1`; `nil` for a sequence.
    public init?(_ label: String, shape: RecordShape) {
        switch shape {
        case .image(let image): self.init(label, height: image.height, width: image.width, depth: image.channels)
        case .features(let count): self.init(label, height: count, width: 1, depth: 1)
        case .sequence: return nil
        }
    }

    /// `55×55×96`, or `4096` for features.
    public var size: String { width == 1 && depth == 1 ? "\(height)" : "\(height)×\(width)×\(depth)" }
}

extension Figure {
    /// Volumes drawn as boxes from left to right, as the AlexNet paper and CS231n draw them: each
    /// box's front face is `depth` wide and `height` tall, its side runs back `width` deep, each on
    /// a square-root scale so that 227 and 6 fit in one picture (the boxes show proportions of the
    /// square roots, not of the sizes; rows of features, drawn as bars, have a scale of their own);
    /// the label and size under each box. With `window`, a
    /// `window × window` window is drawn through the whole depth of the first volume, at its top
    /// left corner, with lines to the one output position of the second volume it computes.
    /// - Throws: ``InvalidArgument`` for no volumes, a size below 1, or a window larger than the
    ///   first volume (or without a second volume).
    public static func volumes(name: String, title: String, _ volumes: [Volume], window: Int? = nil) throws -> Figure {
        guard !volumes.isEmpty else { throw InvalidArgument("Figure.volumes: no volumes to draw") }
        if let bad = volumes.first(where: { min($0.height, $0.width, $0.depth) < 1 }) {
            throw InvalidArgument("Figure.volumes: \(bad.label) is \(bad.height)×\(bad.width)×\(bad.depth); every size must be at least 1")
        }
        if let window, window < 1 || window > min(volumes[0].height, volumes[0].width) || volumes.count < 2 {
            throw InvalidArgument(
                "Figure.volumes: a window of \(window) must be between 1 and the first volume's side (\(min(volumes[0].height, volumes[0].width))), "
                    + "with a second volume to point into (\(volumes.count) volumes)")
        }
        // square-root scales: the tallest image 4 units high (and apart from them the longest row of
        // features), the deepest 1.6 units wide, the widest 2 units back
        func isFeatures(_ volume: Volume) -> Bool { volume.width == 1 && volume.depth == 1 }
        let tallest = Double(volumes.filter { !isFeatures($0) }.map(\.height).max() ?? 1).squareRoot()
        let longest = Double(volumes.filter(isFeatures).map(\.height).max() ?? 1).squareRoot()
        let deepest = Double(volumes.map(\.depth).max()!).squareRoot()
        let widest = Double(volumes.map(\.width).max()!).squareRoot()
        func high(_ volume: Volume) -> Double { 4 * Double(volume.height).squareRoot() / (isFeatures(volume) ? longest : tallest) }
        func wide(_ v: Int) -> Double { max(0.08, 1.6 * Double(v).squareRoot() / deepest) }
        func back(_ v: Int) -> Double { 2 * Double(v).squareRoot() / widest }
        let slant = (x: 0.55, y: 0.45)  // the direction a box's side runs back, per unit of `back`

        var figure = Figure(name: name, title: title, xLabel: "", yLabel: "", keyPosition: .none)
        figure.showsAxes = false
        var left = 0.0, fronts: [(x: Double, top: Double, depth: Double)] = []
        /// The nine visible edges of a box whose front face has its bottom left corner at (x, y).
        func box(x: Double, y: Double, width w: Double, height h: Double, back b: Double, color: String, lineWidth: Double = 1.5) {
            let dx = slant.x * b, dy = slant.y * b
            let outline: [(Double, Double)] = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
            figure.series.append(Series("", x: outline.map(\.0), y: outline.map(\.1), color: color, lineWidth: lineWidth))
            let top: [(Double, Double)] = [(x, y + h), (x + dx, y + h + dy), (x + w + dx, y + h + dy), (x + w + dx, y + dy), (x + w, y)]
            figure.series.append(Series("", x: top.map(\.0), y: top.map(\.1), color: color, lineWidth: lineWidth))
            figure.series.append(Series("", x: [x + w, x + w + dx], y: [y + h, y + h + dy], color: color, lineWidth: lineWidth))
        }
        for volume in volumes {
            let w = wide(volume.depth), h = high(volume), b = back(volume.width)
            box(x: left, y: -h / 2, width: w, height: h, back: b, color: "#08306b")
            figure.labels.append(Label(volume.label, x: left + w / 2, y: -2.45, centered: true))
            figure.labels.append(Label(volume.size, x: left + w / 2, y: -2.75, centered: true))
            fronts.append((left, h / 2, w))
            left += max(w + slant.x * b + 0.45, 1.1)  // room for the size under a thin box
        }
        if let window {
            // the window through the first volume's whole depth, at its top left, and the output it makes
            let first = volumes[0], h = high(first), w = wide(first.depth)
            let side = h * Double(window) / Double(first.height), deep = back(first.width) * Double(window) / Double(first.width)
            box(x: 0, y: h / 2 - side, width: w, height: side, back: deep, color: "#d94801", lineWidth: 2)
            let output = fronts[1], cell = high(volumes[1]) / Double(volumes[1].height)
            let target = (x: output.x + 0.02, y: output.top - cell / 2)
            for corner in [(w, h / 2), (w, h / 2 - side)] {
                figure.series.append(Series("", x: [corner.0, target.x], y: [corner.1, target.y], color: "#d94801", lineWidth: 1, dashed: true))
            }
            figure.series.append(Series("", x: [target.x], y: [target.y], style: .points, color: "#d94801", pointType: 7, pointSize: 0.8))
        }
        let highest = volumes.map { high($0) / 2 + slant.y * back($0.width) }.max()!
        figure.xRange = -0.3...(left - 0.1)
        figure.yRange = -2.95...max(2.3, highest + 0.2)
        figure.squareAspect = true
        figure.width = min(1800, max(700, Int(110 * left)))
        figure.height = 520
        return figure
    }
}
