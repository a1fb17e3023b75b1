/// Figures of two-input classifiers over the unit square: the inputs coloured by their target and
/// the classifier's answer as a shaded background.
extension Figure {
    /// The points `inputs` (rows of two values) split into target 0 (blue circles) and target 1
    /// (red squares).
    public static func classPoints(_ inputs: Matrix<Double>, targets: [Double]) -> [Series] {
        func points(_ target: Double) -> (x: [Double], y: [Double]) {
            let rows = (0..<inputs.rows).filter { targets[$0] == target }
            return (rows.map { inputs[$0, 0] }, rows.map { inputs[$0, 1] })
        }
        let zeros = points(0), ones = points(1)
        return [
            Series("target 0", x: zeros.x, y: zeros.y, style: .points, color: "#08306b", pointType: 7, pointSize: 2.5),
            Series("target 1", x: ones.x, y: ones.y, style: .points, color: "#a50f15", pointType: 5, pointSize: 2.5),
        ]
    }

    /// A two-input classifier's output over the square `span × span` as a background (0 light blue,
    /// 1 light red) with the points `inputs` coloured by their 0/1 `targets` on top.
    ///
    /// - Parameters:
    ///   - name: the figure's file name, without extension.
    ///   - title: the title above the plot.
    ///   - span: the range of both inputs, `x1` and `x2`.
    ///   - colorBarLabel: the label of the colour bar, naming what the background shows.
    ///   - inputs: the points, one `(x1, x2)` per row.
    ///   - targets: each point's target, 0 or 1, which picks its colour and marker.
    ///   - pointSize: gnuplot's size of the points' markers.
    ///   - output: the classifier's output for `(x1, x2)`, between 0 and 1.
    public static func decisionSurface(
        name: String, title: String, span: ClosedRange<Double>, colorBarLabel: String, inputs: Matrix<Double>,
        targets: [Double], pointSize: Double = 2.5, _ output: (Double, Double) throws -> Double
    ) throws -> Figure {
        var figure = Figure(
            name: name, title: title, xLabel: "x1", yLabel: "x2", xRange: span, yRange: span, squareAspect: true)
        figure.heatMap = try HeatMap.sampling(x: span, y: span, resolution: 81, output)
        figure.heatMap?.lowColor = "#c6dbef"
        figure.heatMap?.highColor = "#fcbba1"
        figure.heatMap?.valueRange = 0...1
        figure.heatMap?.colorBarLabel = colorBarLabel
        figure.series = classPoints(inputs, targets: targets).map { series in
            var sized = series
            sized.pointSize = pointSize
            return sized
        }
        figure.keyPosition = .outside
        return figure
    }

    /// A two-input perceptron's decision: its output over `[-0.5, 1.5]²` as a background (0 blue,
    /// 1 red), its decision line `w₀ + w₁x₁ + w₂x₂ = 0`, the lines it had after each earlier epoch
    /// (thin, grey), and the four points coloured by target.
    public static func perceptronDecision(
        name: String, title: String, perceptron: Perceptron, inputs: Matrix<Double>, targets: [Double],
        earlierWeights: [[Double]] = []
    ) throws -> Figure {
        let span = -0.5...1.5
        var figure = try decisionSurface(
            name: name, title: title, span: span, colorBarLabel: "perceptron output", inputs: inputs, targets: targets
        ) { x1, x2 in perceptron.output([x1, x2]) }
        figure.heatMap?.levels = 2  // the output is 0 or 1
        let points = figure.series
        figure.series = []
        func line(_ weights: [Double], _ title: String, color: String, width: Double, dashed: Bool) -> Series? {
            guard let line = Perceptron(weights: weights).decisionLine else { return nil }
            let xs = [span.lowerBound, span.upperBound]
            return Series(
                title, x: xs, y: xs.map { line.slope * $0 + line.intercept }, style: .lines, color: color,
                lineWidth: width, dashed: dashed)
        }
        for (epoch, weights) in earlierWeights.enumerated() {
            if let series = line(weights, epoch == 0 ? "earlier epochs" : "", color: "#969696", width: 1, dashed: true) {
                figure.series.append(series)
            }
        }
        if let final = line(perceptron.weights, "decision line", color: "#000000", width: 2.5, dashed: false) {
            figure.series.append(final)
        }
        figure.series += points
        return figure
    }
}
