import Teach

extension ReferenceAnswers {
    /// 2.1: XOR = (x1 OR x2) AND NOT (x1 AND x2): an OR unit and a NAND unit, then an AND.
    public static func xorNetwork() throws -> [Dense<Double>] {
        [
            try Dense<Double>(weights: [[1, -1], [1, -1]], bias: [-0.5, 1.5], activation: .step),
            try Dense<Double>(weights: [[1], [1]], bias: [-1.5], activation: .step),
        ]
    }

    /// 2.2: XNOR = (x1 AND x2) OR (NOT x1 AND NOT x2) in 3 units: the AND unit, the NOR unit
    /// (which is NOT x1 AND NOT x2), then an OR. Case 1 of the chapter, a third of case 2's units.
    public static func xnorWithSixUnits() throws -> [Dense<Double>] {
        [
            try Dense<Double>(weights: [[1, -1], [1, -1]], bias: [-1.5, 0.5], activation: .step),
            try Dense<Double>(weights: [[1], [1]], bias: [-0.5], activation: .step),
        ]
    }
}
