/// Figures of images and small grids of numbers, drawn as heat maps with row 0 at the top.
extension Figure {
    /// A `height×width` grid of `values` (row-major) as a heat map, row 0 at the top, the axes
    /// numbered by row and column from 0, optionally with each value written in its cell
    /// (`labelPlaces` decimals) and a colour bar (`colorBarLabel`).
    public static func grid(
        name: String, title: String, values: [Double], width: Int, height: Int, labelPlaces: Int? = nil,
        lowColor: String = "#ffffff", highColor: String = "#08306b", valueRange: ClosedRange<Double>? = nil,
        colorBarLabel: String? = nil
    ) throws -> Figure {
        let matrix = try Matrix<Double>(rows: height, columns: width, elements: values)
        var heatMap = try HeatMap(xs: (0..<width).map(Double.init), ys: (0..<height).map { -Double($0) }, values: matrix)
        heatMap.lowColor = lowColor
        heatMap.highColor = highColor
        heatMap.valueRange = valueRange
        heatMap.colorBarLabel = colorBarLabel
        let labels = labelPlaces.map { places in
            (0..<height).flatMap { r in (0..<width).map { c in Label(values[r * width + c].fixed(places), x: Double(c), y: -Double(r)) } }
        } ?? []
        // every row and column numbered on small grids, every fifth on larger ones
        func ticks(_ count: Int, sign: Double) -> [Tick] {
            let step = count <= 12 ? 1 : 5
            return stride(from: 0, to: count, by: step).map { Tick(String($0), at: sign * Double($0)) }
        }
        var figure = Figure(
            name: name, title: title, xLabel: "column", yLabel: "row", xRange: -0.5...(Double(width) - 0.5),
            yRange: -(Double(height) - 0.5)...0.5, squareAspect: true, heatMap: heatMap, labels: labels, keyPosition: .none)
        figure.xTicks = ticks(width, sign: 1)
        figure.yTicks = ticks(height, sign: -1)
        return figure
    }
}

extension Figure {
    /// Images side by side in rows of `columns`, each with a caption underneath (say, a predicted
    /// and a true label). `images` holds one image per row, pixels in 0...1 (the layout of
    /// ``ImageShape`` with one channel); ink is drawn dark on white.
    ///
    /// - Throws: ``InvalidArgument`` when the images are not single-channel `shape` images or the
    ///   captions do not match them.
    public static func imageGrid(
        name: String, title: String, images: Matrix<Float>, shape: ImageShape, captions: [String], columns: Int
    ) throws -> Figure {
        guard shape.channels == 1, images.columns == shape.count, captions.count == images.rows, columns >= 1, images.rows >= 1 else {
            throw InvalidArgument(
                "imageGrid: \(images.rows) images of \(images.columns) pixels with \(captions.count) captions in rows of \(columns); "
                    + "expected single-channel \(shape) images (\(shape.count) pixels each), one caption per image, at least one image and column")
        }
        let gap = 2, captionRows = 9
        let rowsOfImages = (images.rows + columns - 1) / columns
        let tileWidth = shape.width + gap, tileHeight = shape.height + captionRows
        let width = columns * tileWidth - gap, height = rowsOfImages * tileHeight
        var values = [Double](repeating: 0, count: width * height)
        var labels: [Label] = []
        for index in 0..<images.rows {
            let top = (index / columns) * tileHeight, left = (index % columns) * tileWidth
            let pixels = images.rowArray(index)
            for y in 0..<shape.height {
                for x in 0..<shape.width { values[(top + y) * width + left + x] = Double(pixels[y * shape.width + x]) }
            }
            labels.append(Label(captions[index], x: Double(left) + Double(shape.width - 1) / 2, y: -Double(top + shape.height + captionRows / 2 - 1), centered: true))
        }
        var figure = try grid(name: name, title: title, values: values, width: width, height: height, valueRange: 0...1)
        figure.labels = labels
        figure.xTicks = []
        figure.yTicks = []
        figure.width = max(640, 150 * columns)
        figure.height = max(320, figure.width * height / width + 60)
        return figure
    }
}

extension Figure {
    /// The filters of a convolution on single-channel images, one small grey-scale panel per
    /// filter (numbered from 1) in rows of `columns`, each `F×F` as it lies over the image (row 0
    /// at the top). All panels share one scale, symmetric about 0: black is the most negative
    /// weight of any filter, white the most positive, mid-grey 0, so the filters can be compared.
    ///
    /// - Throws: ``InvalidArgument`` when the layer reads more than one channel or `columns` is
    ///   not positive.
    public static func filters<Scalar: MatrixScalar>(
        name: String, title: String, of layer: Conv2D<Scalar>, columns: Int
    ) throws -> Figure {
        guard layer.inputShape.channels == 1, columns >= 1 else {
            throw InvalidArgument(
                "filters: a convolution on \(layer.inputShape.channels) channels in rows of \(columns); expected single-channel filters and at least one column")
        }
        let size = layer.filterSize
        // Column k of the weights is filter k, row fy·F + fx its weight at (fy, fx).
        let weights = layer.weights.converted(to: Double.self)
        let largest = Swift.max(weights.maxMagnitude(), Double.leastNormalMagnitude)
        let count = weights.columns
        let rows = (count + columns - 1) / columns
        var figure = Figure(name: name, title: title, xLabel: "", yLabel: "", width: Swift.max(400, 170 * columns), height: 170 * rows + 60)
        figure.panelsPerRow = columns
        figure.panels = try (0..<count).map { k in
            var panel = try grid(
                name: "\(name)\(k + 1)", title: String(k + 1), values: weights.columnArray(k), width: size, height: size,
                lowColor: "#000000", highColor: "#ffffff", valueRange: -largest...largest)
            panel.xLabel = ""
            panel.yLabel = ""
            panel.xTicks = []
            panel.yTicks = []
            return panel
        }
        return figure
    }
}
