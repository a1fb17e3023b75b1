extension Figure {
    /// A figure with a heat map as characters: the map shaded from ` ` (lowest) to `@` (highest),
    /// the point series drawn over it with a letter each (`o`, `x`, `+`, …), and a legend below.
    /// gnuplot's `dumb` terminal cannot shade, so this is drawn here.
    public func textHeatMap(columns: Int = 78, lines: Int = 24) throws -> String {
        try validate()
        guard let heatMap else { throw PlotError.invalidFigure("\(name): textHeatMap needs a heat map") }
        let shades = Array(" .:-=+*#%@")
        let markers = Array("ox+*#@")
        let width = max(columns - 2, 10), height = max(lines - 4, 5)
        let xSpan = xRange ?? (heatMap.xs.min()!...heatMap.xs.max()!)
        let ySpan = yRange ?? (heatMap.ys.min()!...heatMap.ys.max()!)
        let values = heatMap.values
        let range = heatMap.valueRange ?? (values.elements.min()!...values.elements.max()!)
        func nearest(_ grid: [Double], _ value: Double) -> Int {
            grid.indices.min { abs(grid[$0] - value) < abs(grid[$1] - value) }!
        }
        func x(_ column: Int) -> Double { xSpan.lowerBound + (xSpan.upperBound - xSpan.lowerBound) * (Double(column) + 0.5) / Double(width) }
        func y(_ line: Int) -> Double { ySpan.upperBound - (ySpan.upperBound - ySpan.lowerBound) * (Double(line) + 0.5) / Double(height) }
        var canvas = (0..<height).map { line in
            (0..<width).map { column -> Character in
                let value = values[nearest(heatMap.ys, y(line)), nearest(heatMap.xs, x(column))]
                let fraction = range.upperBound > range.lowerBound
                    ? (value - range.lowerBound) / (range.upperBound - range.lowerBound) : 0
                return shades[min(shades.count - 1, max(0, Int(fraction * Double(shades.count))))]
            }
        }
        var legend = ["shade: ' ' = \(range.lowerBound) … '@' = \(range.upperBound)" + (heatMap.colorBarLabel.map { " (\($0))" } ?? "")]
        for (index, series) in series.filter({ $0.style == .points }).prefix(markers.count).enumerated() {
            let marker = markers[index]
            legend.append("\(marker) \(series.title)")
            for (px, py) in zip(series.x, series.y) {
                let column = Int(((px - xSpan.lowerBound) / (xSpan.upperBound - xSpan.lowerBound) * Double(width)).rounded(.down))
                let line = Int(((ySpan.upperBound - py) / (ySpan.upperBound - ySpan.lowerBound) * Double(height)).rounded(.down))
                if (0..<width).contains(column), (0..<height).contains(line) { canvas[line][column] = marker }
            }
        }
        let border = "+" + String(repeating: "-", count: width) + "+"
        let body = canvas.map { "|" + String($0) + "|" }
        return ([title, border] + body + [border, "\(xLabel) from \(xSpan.lowerBound) to \(xSpan.upperBound) →, \(yLabel) from \(ySpan.lowerBound) to \(ySpan.upperBound) ↑"] + legend)
            .joined(separator: "\n")
    }
}
