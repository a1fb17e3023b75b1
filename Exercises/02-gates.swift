import Teach

extension MyAnswers {
    /// 2.1 XOR from gates (`swift run exercises show 2.1`).
    public static func xorNetwork() throws -> [Dense<Double>] {
        // OR is a start: it is wrong only when both inputs are 1.
        [try Dense<Double>(weights: [[1], [1]], bias: [-0.5], activation: .step)]
    }

    /// 2.2 XNOR with two neurons fewer (`swift run exercises show 2.2`).
    public static func xnorWithSixUnits() throws -> [Dense<Double>] {
        LogicNetworks.xnorCase2  // 8 units: remove two
    }
}
