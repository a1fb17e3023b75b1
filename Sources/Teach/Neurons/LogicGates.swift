/// The Boolean functions of two inputs that the first chapters build from neurons.
///
/// Inputs and outputs are numbers: 0 for false, 1 for true.
public enum LogicGate: String, Sendable, CaseIterable {
    /// 1 when both inputs are 1.
    case and = "AND"
    /// 1 when at least one input is 1.
    case or = "OR"
    /// 1 when exactly one input is 1: not linearly separable, so no single neuron computes it.
    case xor = "XOR"
    /// 1 when both inputs are equal: not linearly separable, so no single neuron computes it.
    case xnor = "XNOR"

    /// The four input pairs `(x1, x2)` as the rows of a `4×2` matrix, in truth-table order:
    /// `(0, 0), (0, 1), (1, 0), (1, 1)`.
    public static let inputs = Matrix<Double>(rows: 4, columns: 2) { r, c in Double(c == 0 ? r / 2 : r % 2) }

    /// The gate's output for `x1` and `x2` (each 0 or 1).
    public func callAsFunction(_ x1: Double, _ x2: Double) -> Double {
        let a = x1 != 0, b = x2 != 0
        let out: Bool = switch self {
        case .and: a && b
        case .or: a || b
        case .xor: a != b
        case .xnor: a == b
        }
        return out ? 1 : 0
    }

    /// The correct output for each row of ``inputs``.
    public var targets: [Double] {
        (0..<4).map { self(LogicGate.inputs[$0, 0], LogicGate.inputs[$0, 1]) }
    }
}

/// The article's hand-built networks of step neurons (article 004), as layers of ``Dense``.
///
/// Each neuron is `a = f(w₀ + Σ wᵢ xᵢ)` with the step `f`; the bias of a ``Dense`` layer is `w₀`.
public enum LogicNetworks {
    /// AND: `a = f(-1.5 + x1 + x2)`.
    public static let and = [try! Dense<Double>(weights: [[1], [1]], bias: [-1.5], activation: .step)]
    /// OR: `a = f(-0.5 + x1 + x2)`.
    public static let or = [try! Dense<Double>(weights: [[1], [1]], bias: [-0.5], activation: .step)]
    /// NOT: `a = f(1 - 2 x1)` (one input).
    public static let not = [try! Dense<Double>(weights: [[-2]], bias: [1], activation: .step)]
    /// NOR (A'.B'): `a = f(0.5 - x1 - x2)`, true only when both inputs are 0.
    public static let nor = [try! Dense<Double>(weights: [[-1], [-1]], bias: [0.5], activation: .step)]

    /// XNOR, case 1: `(A'.B') + (A.B)`.
    ///
    /// Layer 1 has two units: `a1 = f(0.5 - x1 - x2)` (A'.B') and `a2 = f(-1.5 + x1 + x2)` (A.B).
    /// Layer 2 ORs them: `a3 = f(-0.5 + a1 + a2)`.
    public static let xnorCase1 = [
        try! Dense<Double>(weights: [[-1, 1], [-1, 1]], bias: [0.5, -1.5], activation: .step),
        try! Dense<Double>(weights: [[1], [1]], bias: [-0.5], activation: .step),
    ]

    /// XNOR, case 2: `NOT[(A+B).(A'+B')]`, built only from AND, OR and NOT neurons in three hidden
    /// layers and an output layer.
    ///
    /// - Layer 1: `a1 = f(-0.5 + x1)` (A), `a2 = f(1 - 2 x1)` (A'), `a3 = f(-0.5 + x2)` (B),
    ///   `a4 = f(1 - 2 x2)` (B'). The article's figure with a1's and a3's weights was lost; a
    ///   "copy" neuron needs a bias between -1 and 0, so -0.5 is used.
    /// - Layer 2: `a5 = f(-0.5 + a1 + a3)` (A+B), `a6 = f(-0.5 + a2 + a4)` (A'+B'). The zero weights
    ///   are the connections the article leaves out of its drawing.
    /// - Layer 3: `a7 = f(-1.5 + a5 + a6)`, AND.
    /// - Output: `a8 = f(1 - 2 a7)`, NOT: the XNOR.
    public static let xnorCase2 = [
        try! Dense<Double>(weights: [[1, -2, 0, 0], [0, 0, 1, -2]], bias: [-0.5, 1, -0.5, 1], activation: .step),
        try! Dense<Double>(weights: [[1, 0], [0, 1], [1, 0], [0, 1]], bias: [-0.5, -0.5], activation: .step),
        try! Dense<Double>(weights: [[1], [1]], bias: [-1.5], activation: .step),
        try! Dense<Double>(weights: [[-2]], bias: [1], activation: .step),
    ]
}
