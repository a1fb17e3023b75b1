/// A figure described in Swift: axes, several series, an optional heat map, labels.
///
/// A ``Plotter`` turns it into a gnuplot script and a PNG, and into text for the terminal. Nothing in
/// a figure depends on time or machine, so the same figure always gives the same script.
///
///     var figure = Figure(name: "loss", title: "Loss per epoch", xLabel: "epoch", yLabel: "loss",
///                         logScaleY: true)
///     figure.series.append(Series("training", x: epochs, y: losses))
public struct Figure: Sendable {
    /// The file name without extension: letters, digits, `-`, `_` and `.` only.
    public var name: String
    /// The title above the plot.
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis.
    public var yLabel: String
    /// The visible x range; `nil` lets gnuplot choose from the data.
    public var xRange: ClosedRange<Double>?
    /// The visible y range; `nil` lets gnuplot choose from the data.
    public var yRange: ClosedRange<Double>?
    /// The distance between tick marks on x; `nil` lets gnuplot choose.
    public var xTickStep: Double?
    /// The distance between tick marks on y (1 for counts); `nil` lets gnuplot choose.
    public var yTickStep: Double?
    /// Ticks at chosen places with chosen text on x (say, class numbers); an empty list hides the
    /// ticks, `nil` lets gnuplot (or ``xTickStep``) place them.
    public var xTicks: [Tick]?
    /// Ticks at chosen places with chosen text on y (say, class names).
    public var yTicks: [Tick]?
    /// Whether the x axis is logarithmic (base 10).
    public var logScaleX: Bool
    /// Whether the y axis is logarithmic (base 10), as for losses that fall by powers of ten.
    public var logScaleY: Bool
    /// One unit on x is as long as one unit on y (for geometry in the input plane).
    public var squareAspect: Bool
    /// The curves and point sets, drawn in order on top of the heat map.
    public var series: [Series]
    /// A coloured grid under the series, such as a classifier's output over its input plane.
    public var heatMap: HeatMap?
    /// Text placed at data coordinates.
    public var labels: [Label]
    /// Where the legend goes.
    public var keyPosition: KeyPosition
    /// Plots drawn side by side in one image (gnuplot's multiplot). When there are panels, only
    /// this figure's name, title and size are used; each panel brings its own axes and series.
    public var panels: [Figure] = []
    /// How many panels share a row; `nil` puts them all in one row.
    public var panelsPerRow: Int?
    /// Whether the axes (border, ticks, grid) are drawn; `false` for a drawing such as a network
    /// diagram, whose coordinates mean nothing to the reader.
    public var showsAxes: Bool = true
    /// The PNG's width in pixels.
    public var width: Int
    /// The PNG's height in pixels.
    public var height: Int

    /// A figure with no panels and no custom ticks; every setting but the name, the title and the
    /// axis labels has a default (800×560 pixels, the legend at the top right, linear axes).
    public init(
        name: String, title: String, xLabel: String, yLabel: String,
        xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
        xTickStep: Double? = nil, yTickStep: Double? = nil,
        logScaleX: Bool = false, logScaleY: Bool = false, squareAspect: Bool = false,
        series: [Series] = [], heatMap: HeatMap? = nil, labels: [Label] = [],
        keyPosition: KeyPosition = .topRight, width: Int = 800, height: Int = 560
    ) {
        self.name = name
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.xTickStep = xTickStep
        self.yTickStep = yTickStep
        self.logScaleX = logScaleX
        self.logScaleY = logScaleY
        self.squareAspect = squareAspect
        self.series = series
        self.heatMap = heatMap
        self.labels = labels
        self.keyPosition = keyPosition
        self.width = width
        self.height = height
    }

    /// Where a figure's legend is placed.
    public enum KeyPosition: Sendable {
        /// Inside the axes, in the corner the name gives.
        case topRight, topLeft, bottomRight, bottomLeft
        /// To the right of the plot, outside the axes.
        case outside
        /// No legend.
        case none
    }
}

/// One set of (x, y) points and how to draw them.
public struct Series: Sendable {
    /// The legend entry; empty for none.
    public var title: String
    /// The points' x coordinates.
    public var x: [Double]
    /// The points' y coordinates, one per x.
    public var y: [Double]
    /// Lines, points, both, impulses or steps.
    public var style: Style
    /// A colour as `#rrggbb`; `nil` takes gnuplot's next colour.
    public var color: String?
    /// gnuplot's point type (7 filled circle, 5 filled square, 9 filled triangle, 1 plus, 2 cross).
    public var pointType: Int?
    /// gnuplot's point size (1 is its default); `nil` leaves it to gnuplot.
    public var pointSize: Double?
    /// The line width, in gnuplot's units (2 by default).
    public var lineWidth: Double
    /// Whether the line is dashed (for earlier states, references and guides).
    public var dashed: Bool

    /// A series of the points `(x[i], y[i])`, drawn in `style`.
    public init(
        _ title: String, x: [Double], y: [Double], style: Style = .lines, color: String? = nil,
        pointType: Int? = nil, pointSize: Double? = nil, lineWidth: Double = 2, dashed: Bool = false
    ) {
        self.title = title
        self.x = x
        self.y = y
        self.style = style
        self.color = color
        self.pointType = pointType
        self.pointSize = pointSize
        self.lineWidth = lineWidth
        self.dashed = dashed
    }

    /// A series of `y` against 1, 2, 3, … (epochs, steps): the first value sits at x = 1.
    public init(
        _ title: String, y: [Double], style: Style = .lines, color: String? = nil, pointType: Int? = nil,
        pointSize: Double? = nil, lineWidth: Double = 2, dashed: Bool = false
    ) {
        self.init(
            title, x: y.indices.map { Double($0 + 1) }, y: y, style: style, color: color, pointType: pointType,
            pointSize: pointSize, lineWidth: lineWidth, dashed: dashed)
    }

    /// How a series is drawn.
    public enum Style: Sendable {
        /// `lines` joins the points, `points` marks them, `linesPoints` does both, `impulses` draws a
        /// vertical bar from zero to each point, and `steps` a staircase (gnuplot's `with lines`,
        /// `points`, `linespoints`, `impulses` and `steps`).
        case lines, points, linesPoints, impulses, steps
    }
}

/// Values on a regular grid, drawn as colours: `values[row][column]` belongs to `(xs[column], ys[row])`.
public struct HeatMap: Sendable {
    /// The grid's x coordinates, one per column of ``values``.
    public let xs: [Double]
    /// The grid's y coordinates, one per row of ``values``.
    public let ys: [Double]
    /// Row-major, `ys.count` rows of `xs.count` values.
    public let values: Matrix<Double>
    /// The colour of the lowest value, as `#rrggbb`.
    public var lowColor: String = "#f7fbff"
    /// The colour of the highest value.
    public var highColor: String = "#08306b"
    /// The colour halfway between, for values that diverge from a middle (say, white at 0).
    public var middleColor: String?
    /// The values mapped to the two colours; `nil` uses the smallest and largest value.
    public var valueRange: ClosedRange<Double>?
    /// The colour bar's label; `nil` for no colour bar.
    public var colorBarLabel: String?
    /// For values that take only a few levels (a classifier's 0 or 1): that many flat colours,
    /// evenly spread over the value range, with a tick at each level, instead of a continuous
    /// scale. `nil` (the default) for a continuous scale.
    public var levels: Int?

    /// A heat map of `values` over the grid `xs × ys`, in the default blue colours.
    /// - Throws: ``ShapeError`` unless `values` has `ys.count` rows and `xs.count` columns.
    public init(xs: [Double], ys: [Double], values: Matrix<Double>) throws {
        guard values.rows == ys.count, values.columns == xs.count else {
            throw ShapeError(
                operation: "HeatMap", shapes: [values.shape, Shape(ys.count, xs.count)],
                expected: "one row of values per y (\(ys.count)) and one column per x (\(xs.count))")
        }
        self.xs = xs
        self.ys = ys
        self.values = values
    }

    /// Samples `function(x, y)` on a `resolution × resolution` grid spanning `x` and `y`, ends included.
    public static func sampling(
        x: ClosedRange<Double>, y: ClosedRange<Double>, resolution: Int,
        _ function: (Double, Double) throws -> Double
    ) throws -> HeatMap {
        guard resolution >= 2 else {
            throw InvalidArgument("HeatMap.sampling: resolution \(resolution) must be at least 2")
        }
        func grid(_ range: ClosedRange<Double>) -> [Double] {
            (0..<resolution).map {
                range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(resolution - 1)
            }
        }
        let xs = grid(x), ys = grid(y)
        var values = Matrix<Double>(rows: resolution, columns: resolution)
        for (row, y) in ys.enumerated() {
            for (column, x) in xs.enumerated() { values[row, column] = try function(x, y) }
        }
        return try HeatMap(xs: xs, ys: ys, values: values)
    }
}

/// A tick mark on an axis with its own text.
public struct Tick: Sendable {
    /// Where the tick stands, in data coordinates.
    public var position: Double
    /// The text written at it.
    public var text: String

    /// A tick reading `text` at `position`.
    public init(_ text: String, at position: Double) {
        self.text = text
        self.position = position
    }
}

/// Text at a point of the figure, in data coordinates.
public struct Label: Sendable {
    /// The text.
    public var text: String
    /// The point's x, in data coordinates.
    public var x: Double
    /// The point's y, in data coordinates.
    public var y: Double
    /// Whether the text is centred on the point (otherwise it starts there).
    public var centered: Bool

    /// `text` at `(x, y)`, starting there or, with `centered`, centred on it.
    public init(_ text: String, x: Double, y: Double, centered: Bool = false) {
        self.text = text
        self.x = x
        self.y = y
        self.centered = centered
    }
}
