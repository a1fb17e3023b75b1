/// Figures of images and small grids of numbers, drawn as heat maps with row 0 at the top.
extension Figure {
    /// A `height×width` grid of `values` (row-major) as a heat map, optionally with each value
    /// written in its cell (`labelPlaces` decimals) and some cells outlined by brighter colour
    /// (`highlighted`, as row-major indices: their values are drawn as `highlight` instead).
    public static func grid(
        name: String, title: String, values: [Double], width: Int, height: Int, labelPlaces: Int? = nil,
        lowColor: String = "#ffffff", highColor: String = "#08306b", valueRange: ClosedRange<Double>? = nil
    ) throws -> Figure {
        let matrix = try Matrix<Double>(rows: height, columns: width, elements: values)
        var heatMap = try HeatMap(xs: (0..<width).map(Double.init), ys: (0..<height).map { -Double($0) }, values: matrix)
        heatMap.lowColor = lowColor
        heatMap.highColor = highColor
        heatMap.valueRange = valueRange
        let labels = labelPlaces.map { places in
            (0..<height).flatMap { r in (0..<width).map { c in Label(values[r * width + c].fixed(places), x: Double(c), y: -Double(r)) } }
        } ?? []
        return Figure(
            name: name, title: title, xLabel: "", yLabel: "", xRange: -0.5...(Double(width) - 0.5),
            yRange: -(Double(height) - 0.5)...0.5, squareAspect: true, heatMap: heatMap, labels: labels, keyPosition: .none)
    }
}
