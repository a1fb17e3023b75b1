import Foundation
import Testing

@testable import Teach

@Suite struct FilterFigureTests {
    /// Two 2×2 filters on one channel: filter 1 is (1, 2; 3, 4), filter 2 has −8 at the top left.
    @Test func eachFilterIsAPanelOnOneSymmetricGreyScale() throws {
        let weights = try Matrix<Double>([[1, -8], [2, 0], [3, 0], [4, 0]])
        let layer = try Conv2D<Double>(
            inputShape: ImageShape(height: 5, width: 5, channels: 1), weights: weights, bias: Matrix(rows: 1, columns: 2), filterSize: 2)
        let figure = try Figure.filters(name: "f", title: "filters", of: layer, columns: 1)
        #expect(figure.panels.count == 2 && figure.panelsPerRow == 1)
        #expect(figure.panels.map(\.title) == ["1", "2"])
        let first = try #require(figure.panels[0].heatMap)
        // Row 0 at the top: (fy, fx) = (0, 1) is the weight 2, (1, 0) the weight 3.
        #expect(first.values[0, 0] == 1 && first.values[0, 1] == 2 && first.values[1, 0] == 3 && first.values[1, 1] == 4)
        #expect(first.valueRange == -8...8 && first.lowColor == "#000000" && first.highColor == "#ffffff")
        #expect(figure.panels[1].heatMap?.values[0, 0] == -8)
        let script = try figure.gnuplotScript(terminal: .png(width: 400, height: 300), output: "f.png")
        #expect(script.contains("set multiplot layout 2,1") && script.contains("set cbrange [-8:8]"))
    }

    @Test func filtersOnSeveralChannelsAreAnError() throws {
        var random = SeededGenerator(seed: 1)
        let layer = try Conv2D<Float>(inputShape: ImageShape(height: 4, width: 4, channels: 2), filters: 3, filterSize: 3, using: &random)
        #expect(throws: InvalidArgument.self) { try Figure.filters(name: "f", title: "t", of: layer, columns: 3) }
    }
}
