/// Drawings of small networks and computation graphs, the way the articles and micrograd draw them:
/// nodes as circles in columns, left to right, each connection a line with a number written on it,
/// and a note under each node.
extension Figure {
    /// A diagram of the dense `layers` (inputs `inputNames`, units `unitNames`, one list per layer):
    /// each weight on its line, positive in blue, negative in red, and each unit's bias under it;
    /// connections of weight 0 are left out, as the articles leave them out of their drawings.
    /// Numbers are written with `places` decimals.
    /// - Throws: ``InvalidArgument`` when the names do not match the layers' sizes, or a layer's
    ///   inputs are not the units of the layer before.
    public static func network(
        name: String, title: String, inputNames: [String], layers: [Dense<Double>], unitNames: [[String]], places: Int = 1
    ) throws -> Figure {
        guard !layers.isEmpty, unitNames.count == layers.count else {
            throw InvalidArgument("Figure.network: \(unitNames.count) lists of unit names for \(layers.count) layers (one list per layer, at least one layer)")
        }
        var columns = [inputNames.map { DiagramNode(label: $0, notes: []) }]
        var edges: [DiagramEdge] = []
        for (index, layer) in layers.enumerated() {
            guard layer.weights.rows == columns[index].count else {
                throw InvalidArgument(
                    "Figure.network: layer \(index + 1) takes \(layer.weights.rows) inputs, but the column before it has \(columns[index].count)")
            }
            guard unitNames[index].count == layer.unitCount else {
                throw InvalidArgument("Figure.network: layer \(index + 1) has \(layer.unitCount) units but \(unitNames[index].count) names")
            }
            columns.append(unitNames[index].enumerated().map { DiagramNode(label: $1, notes: ["b = " + signed(layer.bias[0, $0], places)]) })
            for i in 0..<layer.weights.rows {
                for j in 0..<layer.unitCount where layer.weights[i, j] != 0 {
                    let weight = layer.weights[i, j]
                    edges.append(
                        DiagramEdge(from: (index, i), to: (index + 1, j), text: signed(weight, places), color: weight > 0 ? "#1f77b4" : "#d62728"))
                }
            }
        }
        return diagram(name: name, title: title, columns: columns, edges: edges)
    }

    /// The computation graph that ends at `output`, after `output.backward()`: each node with how
    /// it is computed, its value and its gradient under it, each edge with the local derivative the
    /// chain rule multiplies along it (micrograd's drawing). Inputs stand in the first column, every other node one
    /// column right of its furthest input.
    public static func computationGraph(name: String, title: String, output: GraphNode, places: Int = 2) -> Figure {
        let order = output.topologicalOrder
        var depth: [ObjectIdentifier: Int] = [:]
        for node in order { depth[ObjectIdentifier(node)] = node.inputs.map { depth[ObjectIdentifier($0.node)]! + 1 }.max() ?? 0 }
        var columns: [[DiagramNode]] = Array(repeating: [], count: (depth.values.max() ?? 0) + 1)
        var place: [ObjectIdentifier: (Int, Int)] = [:]
        for node in order {
            let column = depth[ObjectIdentifier(node)]!
            place[ObjectIdentifier(node)] = (column, columns[column].count)
            let names = node.inputs.map(\.node.name)
            let computed = switch (node.operation, names.count) {
            case ("input", _): "value " + signed(node.value, places)
            case (let operation, 2): "\(names[0]) \(operation) \(names[1]) = " + signed(node.value, places)
            case (let operation, _): "\(operation)(\(names.joined(separator: ", "))) = " + signed(node.value, places)
            }
            columns[column].append(DiagramNode(label: node.name, notes: [computed, "gradient " + signed(node.gradient, places)]))
        }
        let edges = order.flatMap { node in
            node.inputs.map { input in
                DiagramEdge(
                    from: place[ObjectIdentifier(input.node)]!, to: place[ObjectIdentifier(node)]!,
                    text: "×" + signed(input.localDerivative, places), color: "#555555")
            }
        }
        return diagram(name: name, title: title, columns: columns, edges: edges)
    }

    /// Draws `columns` of nodes, each column's nodes centred one unit apart, and `edges` between
    /// them (lines first, so the circles cover their ends), with no axes.
    static func diagram(name: String, title: String, columns: [[DiagramNode]], edges: [DiagramEdge]) -> Figure {
        let tallest = columns.map(\.count).max() ?? 1
        func position(_ column: Int, _ row: Int) -> (x: Double, y: Double) {
            (Double(column), (Double(columns[column].count) - 1) / 2 - Double(row))
        }
        let highest = (Double(tallest) - 1) / 2
        var figure = Figure(
            name: name, title: title, xLabel: "", yLabel: "", xRange: -0.45...(Double(columns.count - 1) + 0.45),
            yRange: (-highest - 0.6)...(highest + 0.3), keyPosition: .none, width: 240 * columns.count + 160, height: 130 * tallest + 130)
        figure.showsAxes = false
        for edge in edges {
            let from = position(edge.from.column, edge.from.row), to = position(edge.to.column, edge.to.row)
            figure.series.append(Series("", x: [from.x, to.x], y: [from.y, to.y], color: edge.color, lineWidth: 1.5))
            // the number nearer the node the edge feeds, where lines from different nodes have spread apart
            let t = 0.68
            figure.labels.append(Label(edge.text, x: from.x + t * (to.x - from.x), y: from.y + t * (to.y - from.y) + 0.07, centered: true))
        }
        let places = columns.indices.flatMap { column in columns[column].indices.map { position(column, $0) } }
        figure.series.append(Series("", x: places.map(\.x), y: places.map(\.y), style: .points, color: "#eef2f8", pointType: 7, pointSize: 6))
        figure.series.append(Series("", x: places.map(\.x), y: places.map(\.y), style: .points, color: "#333333", pointType: 6, pointSize: 6))
        for (column, nodes) in columns.enumerated() {
            for (row, node) in nodes.enumerated() {
                let place = position(column, row)
                figure.labels.append(Label(node.label, x: place.x, y: place.y, centered: true))
                for (line, note) in node.notes.enumerated() {
                    figure.labels.append(Label(note, x: place.x, y: place.y - 0.27 - 0.16 * Double(line), centered: true))
                }
            }
        }
        return figure
    }

    /// `value` with `places` decimals and a true minus sign; whole numbers without decimals when `places` is 0.
    static func signed(_ value: Double, _ places: Int) -> String {
        let shown = value.fixed(places)
        return shown.hasPrefix("-") ? "−" + shown.dropFirst() : shown
    }
}

/// A node of a diagram: the text in its circle and the lines of notes under it.
struct DiagramNode {
    var label: String
    var notes: [String]
}

/// A line of a diagram from one node to another (each given as column and row), with its text and colour.
struct DiagramEdge {
    var from: (column: Int, row: Int)
    var to: (column: Int, row: Int)
    var text: String
    var color: String
}
