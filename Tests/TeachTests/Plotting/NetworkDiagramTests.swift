import Testing

@testable import Teach

@Suite struct NetworkDiagramTests {
    /// Case 1 of XNOR (2-2-1): one line per nonzero weight in its sign's colour, the weight written
    /// on it, every node labelled, each unit's bias under it, and no axes.
    @Test func theXnorNetworkIsDrawnWithItsWeightsAndBiases() throws {
        let figure = try Figure.network(
            name: "xnor", title: "XNOR", inputNames: ["x1", "x2"], layers: LogicNetworks.xnorCase1, unitNames: [["a1", "a2"], ["a3"]])
        let lines = figure.series.filter { $0.style == .lines }
        #expect(lines.count == 6)
        #expect(lines.filter { $0.color == "#d62728" }.count == 2, "the two weights of −1 in red")
        // x1 (0, 0.5) to a1 (1, 0.5): weight −1
        #expect(lines.contains { $0.x == [0, 1] && $0.y == [0.5, 0.5] && $0.color == "#d62728" })
        let texts = figure.labels.map(\.text)
        #expect(texts.filter { $0 == "−1.0" }.count == 2 && texts.filter { $0 == "1.0" }.count == 4)
        #expect(["x1", "x2", "a1", "a2", "a3", "b = 0.5", "b = −1.5", "b = −0.5"].allSatisfy(texts.contains))
        let script = try figure.gnuplotScript(terminal: .png(width: figure.width, height: figure.height), output: "xnor.png")
        #expect(script.contains("unset border") && script.contains("unset xtics") && !script.contains("set grid"))
    }

    /// A weight of 0 is a connection the drawing leaves out (case 2 has 8 of 16 in its second layer).
    @Test func zeroWeightsAreLeftOut() throws {
        let figure = try Figure.network(
            name: "xnor2", title: "XNOR", inputNames: ["x1", "x2"], layers: LogicNetworks.xnorCase2,
            unitNames: [["a1", "a2", "a3", "a4"], ["a5", "a6"], ["a7"], ["a8"]])
        #expect(figure.series.filter { $0.style == .lines }.count == 4 + 4 + 2 + 1)
    }

    /// Names that do not fit the layers are an error naming the counts.
    @Test func mismatchedNamesAreAnError() {
        #expect(throws: InvalidArgument.self) {
            try Figure.network(name: "n", title: "t", inputNames: ["x1"], layers: LogicNetworks.xnorCase1, unitNames: [["a1", "a2"], ["a3"]])
        }
        #expect(throws: InvalidArgument.self) {
            try Figure.network(name: "n", title: "t", inputNames: ["x1", "x2"], layers: LogicNetworks.xnorCase1, unitNames: [["a1"], ["a3"]])
        }
        #expect(throws: InvalidArgument.self) {
            try Figure.network(name: "n", title: "t", inputNames: ["x1", "x2"], layers: LogicNetworks.xnorCase1, unitNames: [["a1", "a2"]])
        }
    }
}

@Suite struct ComputationGraphDiagramTests {
    /// Chapter 4's `e = (m − b) · (m · c)`: inputs in the first column, each node one column right of
    /// its furthest input, one line per input with the local derivative on it, and each node's
    /// value and gradient under it.
    @Test func theGraphShowsLocalDerivativesValuesAndGradients() {
        let m = GraphNode(2, name: "m"), b = GraphNode(1, name: "b"), c = GraphNode(-3, name: "c")
        let e = ((m - b).named("d") * (m * c).named("f")).named("e")
        e.backward()
        let figure = Figure.computationGraph(name: "graph", title: "graph", output: e, places: 0)
        let lines = figure.series.filter { $0.style == .lines }
        #expect(lines.count == 6)
        // m (column 0) to f (column 1): local derivative c = −3
        let texts = figure.labels.map(\.text)
        #expect(texts.contains("×−3") && texts.contains("×2") && texts.contains("×−6") && texts.filter { $0 == "×1" }.count == 2)
        #expect(texts.contains("m − b = 1") && texts.contains("d · f = −6") && texts.contains("gradient −9"))
        #expect(Set(lines.map { $0.x }) == [[0, 1], [1, 2]], "inputs in column 0, d and f in 1, e in 2")
    }
}
