import Foundation

/// What went wrong while drawing a figure.
public enum PlotError: Error, CustomStringConvertible, Sendable {
    /// gnuplot ran and reported an error; `message` is gnuplot's own, `script` the script's path.
    case gnuplotFailed(message: String, script: String)
    /// The figure cannot be drawn as described (mismatched lengths, a bad name, NaN, a log axis ≤ 0).
    case invalidFigure(String)

    /// The message for the reader, gnuplot's own words included.
    public var description: String {
        switch self {
        case .gnuplotFailed(let message, let script):
            return "gnuplot could not draw \(script):\n\(message)"
        case .invalidFigure(let message):
            return "invalid figure: \(message)"
        }
    }
}

/// Where gnuplot draws: a PNG file or text.
public enum PlotTerminal: Sendable {
    /// pngcairo, `width × height` pixels.
    case png(width: Int, height: Int)
    /// gnuplot's `dumb` terminal: characters, `columns × lines`.
    case text(columns: Int, lines: Int)

    var isPNG: Bool {
        if case .png = self { return true }
        return false
    }
}

extension Figure {
    /// Checks that the figure can be drawn: a file-safe name, matching x and y lengths, finite
    /// values, positive values on log axes, valid ranges and colours.
    public func validate() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !name.isEmpty, !name.hasPrefix("."), name.allSatisfy(allowed.contains) else {
            throw PlotError.invalidFigure("name '\(name)' must be letters, digits, '-', '_' or '.', not starting with '.'")
        }
        for range in [xRange, yRange].compactMap({ $0 }) where !(range.lowerBound.isFinite && range.upperBound.isFinite) || range.lowerBound == range.upperBound {
            throw PlotError.invalidFigure("\(name): axis range \(range) must be finite and not empty")
        }
        for series in series {
            let label = "\(name), series '\(series.title)'"
            guard series.x.count == series.y.count else {
                throw PlotError.invalidFigure("\(label): \(series.x.count) x values but \(series.y.count) y values")
            }
            if let bad = zip(series.x, series.y).first(where: { !$0.0.isFinite || !$0.1.isFinite }) {
                throw PlotError.invalidFigure("\(label): the point (\(bad.0), \(bad.1)) is not finite")
            }
            if logScaleX, let bad = series.x.first(where: { $0 <= 0 }) {
                throw PlotError.invalidFigure("\(label): x = \(bad) cannot be shown on a logarithmic x axis (values must be > 0)")
            }
            if logScaleY, let bad = series.y.first(where: { $0 <= 0 }) {
                throw PlotError.invalidFigure("\(label): y = \(bad) cannot be shown on a logarithmic y axis (values must be > 0)")
            }
            if let color = series.color { try Figure.validateColor(color, in: label) }
        }
        if logScaleX, let range = xRange, range.lowerBound <= 0 {
            throw PlotError.invalidFigure("\(name): x range \(range) must be positive on a logarithmic axis")
        }
        if logScaleY, let range = yRange, range.lowerBound <= 0 {
            throw PlotError.invalidFigure("\(name): y range \(range) must be positive on a logarithmic axis")
        }
        if let heatMap {
            if heatMap.values.hasNonFiniteElements {
                throw PlotError.invalidFigure("\(name): the heat map has values that are not finite")
            }
            guard heatMap.xs.count >= 2, heatMap.ys.count >= 2 else {
                throw PlotError.invalidFigure("\(name): a heat map needs at least 2 × 2 values")
            }
            try Figure.validateColor(heatMap.lowColor, in: "\(name), heat map")
            try Figure.validateColor(heatMap.highColor, in: "\(name), heat map")
            if let middle = heatMap.middleColor { try Figure.validateColor(middle, in: "\(name), heat map") }
        }
        for step in [xTickStep, yTickStep].compactMap({ $0 }) where !(step > 0 && step.isFinite) {
            throw PlotError.invalidFigure("\(name): tick step \(step) must be positive")
        }
        for panel in panels {
            guard panel.panels.isEmpty else { throw PlotError.invalidFigure("\(name): a panel cannot have panels of its own") }
            try panel.validate()
        }
        guard width > 0, height > 0 else {
            throw PlotError.invalidFigure("\(name): size \(width)×\(height) must be positive")
        }
    }

    static func validateColor(_ color: String, in context: String) throws {
        let hex = Set("0123456789abcdefABCDEF")
        guard color.count == 7, color.first == "#", color.dropFirst().allSatisfy(hex.contains) else {
            throw PlotError.invalidFigure("\(context): colour '\(color)' must be written #rrggbb")
        }
    }

    /// The gnuplot script that draws this figure on `terminal` into `output`: settings, then the
    /// data as inline datablocks (`$data0 << EOD … EOD`), then one `plot` command. The script is
    /// self-contained and the same for the same figure.
    public func gnuplotScript(terminal: PlotTerminal, output: String) throws -> String {
        try validate()
        var lines: [String] = []
        lines.append("# \(title)")
        lines.append("# Written by Teach. Draw it again from the package's root with: gnuplot <this file>")
        lines.append("set encoding utf8")
        switch terminal {
        case .png(let width, let height):
            lines.append("set terminal pngcairo size \(width),\(height) noenhanced font 'DejaVu Sans,11'")
        case .text(let columns, let lines_):
            lines.append("set terminal dumb size \(columns),\(lines_) noenhanced")
        }
        lines.append("set output \(quoted(output))")
        if panels.isEmpty {
            lines += plotCommands(prefix: "", grid: terminal.isPNG)
        } else {
            let columns = Swift.max(1, Swift.min(panelsPerRow ?? panels.count, panels.count))
            let rows = (panels.count + columns - 1) / columns
            lines.append("set multiplot layout \(rows),\(columns) title \(quoted(title))")
            for (index, panel) in panels.enumerated() {
                lines.append("reset")
                lines += panel.plotCommands(prefix: "p\(index)", grid: terminal.isPNG)
            }
            lines.append("unset multiplot")
        }
        lines.append("unset output")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The settings, datablocks and `plot` command of one plot; datablock names start with `prefix`.
    func plotCommands(prefix: String, grid: Bool) -> [String] {
        var lines: [String] = []
        lines.append("set title \(quoted(title))")
        lines.append("set xlabel \(quoted(xLabel))")
        lines.append("set ylabel \(quoted(yLabel))")
        if let xRange { lines.append("set xrange [\(number(xRange.lowerBound)):\(number(xRange.upperBound))]") }
        if let yRange { lines.append("set yrange [\(number(yRange.lowerBound)):\(number(yRange.upperBound))]") }
        if let step = xTickStep { lines.append("set xtics \(number(step))") }
        if let step = yTickStep { lines.append("set ytics \(number(step))") }
        for (axis, ticks) in [("x", xTicks), ("y", yTicks)] {
            guard let ticks else { continue }
            lines.append(ticks.isEmpty
                ? "unset \(axis)tics"
                : "set \(axis)tics (" + ticks.map { "\(quoted($0.text)) \(number($0.position))" }.joined(separator: ", ") + ")")
        }
        if logScaleX { lines.append("set logscale x"); lines.append("set format x '%g'") }
        if logScaleY { lines.append("set logscale y"); lines.append("set format y '%g'") }
        if squareAspect { lines.append("set size ratio -1") }
        if !showsAxes {
            lines.append("unset border")
            lines.append("unset xtics")
            lines.append("unset ytics")
        } else if grid {
            lines.append("set grid lc rgb '#dddddd'")
        }
        switch keyPosition {
        case .topRight: lines.append("set key top right")
        case .topLeft: lines.append("set key top left")
        case .bottomRight: lines.append("set key bottom right")
        case .bottomLeft: lines.append("set key bottom left")
        case .outside: lines.append("set key outside right top")
        case .none: lines.append("unset key")
        }
        for label in labels {
            lines.append("set label \(quoted(label.text)) at \(number(label.x)),\(number(label.y))\(label.centered ? " center" : "") front")
        }

        var plots: [String] = []
        if let heatMap {
            if let middle = heatMap.middleColor {
                lines.append("set palette defined (0 '\(heatMap.lowColor)', 0.5 '\(middle)', 1 '\(heatMap.highColor)')")
            } else {
                lines.append("set palette defined (0 '\(heatMap.lowColor)', 1 '\(heatMap.highColor)')")
            }
            if let range = heatMap.valueRange { lines.append("set cbrange [\(number(range.lowerBound)):\(number(range.upperBound))]") }
            if let label = heatMap.colorBarLabel { lines.append("set cblabel \(quoted(label))") } else { lines.append("unset colorbox") }
            if let levels = heatMap.levels, levels >= 2 {
                lines.append("set palette maxcolors \(levels)")
                if let range = heatMap.valueRange {
                    let ticks = (0..<levels).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(levels - 1) }
                    lines.append("set cbtics (" + ticks.map { "\"\(short($0))\" \(number($0))" }.joined(separator: ", ") + ")")
                }
            }
            lines.append("$\(prefix)heat << EOD")
            for (row, y) in heatMap.ys.enumerated() {
                for (column, x) in heatMap.xs.enumerated() {
                    lines.append("\(short(x)) \(short(y)) \(short(heatMap.values[row, column]))")
                }
                lines.append("")
            }
            lines.append("EOD")
            plots.append("$\(prefix)heat using 1:2:3 with image notitle")
        }
        for (index, series) in series.enumerated() {
            lines.append("$\(prefix)data\(index) << EOD")
            for (x, y) in zip(series.x, series.y) { lines.append("\(number(x)) \(number(y))") }
            lines.append("EOD")
            plots.append("$\(prefix)data\(index) using 1:2 \(style(series)) \(series.title.isEmpty ? "notitle" : "title \(quoted(series.title))")")
        }
        if plots.isEmpty { plots.append("NaN notitle") }
        lines.append("plot " + plots.joined(separator: ", \\\n     "))
        return lines
    }

    func style(_ series: Series) -> String {
        var parts: [String]
        switch series.style {
        case .lines: parts = ["with lines"]
        case .points: parts = ["with points"]
        case .linesPoints: parts = ["with linespoints"]
        case .impulses: parts = ["with impulses"]
        case .steps: parts = ["with steps"]
        }
        if let color = series.color { parts.append("lc rgb '\(color)'") }
        if series.style != .points { parts.append("lw \(number(series.lineWidth))") }
        if series.dashed { parts.append("dt 2") }
        if series.style == .points || series.style == .linesPoints {
            parts.append("pt \(series.pointType ?? 7)")
            parts.append("ps \(number(series.pointSize ?? 1.2))")
        }
        return parts.joined(separator: " ")
    }

    /// A gnuplot string literal: single quotes, with a single quote written twice.
    func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: " ") + "'"
    }

    /// A heat-map number with 6 significant digits: plenty for a colour, and it keeps the scripts small.
    func short(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%.6g", value)
    }

    /// A number as gnuplot reads it, the same on every machine (Swift's shortest round-trip form).
    func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
