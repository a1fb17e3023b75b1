/// A value in a small computation graph that remembers how it was computed, so the chain rule can
/// run backwards through it (as in Karpathy's micrograd). Used to show backpropagation on single
/// numbers: `d = a − b`, `e = d · c`, then `e.backward()` fills every node's `gradient` with `∂e/∂node`.
///
/// Each operation stores its inputs and the local derivatives `∂out/∂input`; ``backward()`` visits
/// the nodes from the output back and adds `local derivative × gradient of the output` to each
/// input. The adding matters: a node that feeds several others receives the sum over all paths.
public final class GraphNode: CustomStringConvertible {
    /// The value computed in the forward pass.
    public let value: Double
    /// `∂output/∂self` after ``backward()`` on the output.
    public private(set) var gradient: Double = 0
    /// A name for printing.
    public var name: String
    /// The nodes this one was computed from, with `∂self/∂input` for each.
    public let inputs: [(node: GraphNode, localDerivative: Double)]
    /// The operation, for printing: `+`, `−`, `·`, `sigmoid` or `input`.
    public let operation: String

    /// An input node (a leaf).
    public init(_ value: Double, name: String) {
        self.value = value
        self.name = name
        self.inputs = []
        self.operation = "input"
    }

    init(_ value: Double, name: String, operation: String, inputs: [(node: GraphNode, localDerivative: Double)]) {
        self.value = value
        self.name = name
        self.operation = operation
        self.inputs = inputs
    }

    /// The node `lhs + rhs`; its local derivatives are 1 for both inputs.
    public static func + (lhs: GraphNode, rhs: GraphNode) -> GraphNode {
        GraphNode(lhs.value + rhs.value, name: "(\(lhs.name) + \(rhs.name))", operation: "+", inputs: [(lhs, 1), (rhs, 1)])
    }

    /// The node `lhs − rhs`; its local derivatives are 1 for `lhs` and −1 for `rhs`.
    public static func - (lhs: GraphNode, rhs: GraphNode) -> GraphNode {
        GraphNode(lhs.value - rhs.value, name: "(\(lhs.name) − \(rhs.name))", operation: "−", inputs: [(lhs, 1), (rhs, -1)])
    }

    /// The node `lhs · rhs`; the local derivative for each input is the other input's value.
    public static func * (lhs: GraphNode, rhs: GraphNode) -> GraphNode {
        GraphNode(lhs.value * rhs.value, name: "\(lhs.name) · \(rhs.name)", operation: "·", inputs: [(lhs, rhs.value), (rhs, lhs.value)])
    }

    /// `σ(self)`, with local derivative `σ(x)(1 − σ(x))`.
    public func sigmoid() -> GraphNode {
        let s = Activation.sigmoid(value)
        return GraphNode(s, name: "σ(\(name))", operation: "sigmoid", inputs: [(self, s * (1 - s))])
    }

    /// Renames the node (for printing) and returns it.
    @discardableResult public func named(_ name: String) -> GraphNode {
        self.name = name
        return self
    }

    /// Every node this one depends on, inputs before the nodes computed from them, each once.
    public var topologicalOrder: [GraphNode] {
        var order: [GraphNode] = []
        var seen = Set<ObjectIdentifier>()
        func visit(_ node: GraphNode) {
            guard seen.insert(ObjectIdentifier(node)).inserted else { return }
            for input in node.inputs { visit(input.node) }
            order.append(node)
        }
        visit(self)
        return order
    }

    // book: graph-backward
    /// Sets every gradient in the graph to `∂self/∂node`: 1 for this node, then the chain rule
    /// backwards, summing over every path.
    public func backward() {
        let order = topologicalOrder
        for node in order { node.gradient = 0 }
        gradient = 1
        for node in order.reversed() {
            for input in node.inputs { input.node.gradient += input.localDerivative * node.gradient }
        }
    }
    // book: end graph-backward

    /// `name = value`, e.g. `(a − b) = 2.0`.
    public var description: String { "\(name) = \(value)" }
}
