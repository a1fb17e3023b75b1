import Testing

@testable import Teach

@Suite struct LogicNetworksTests {
    let inputs = LogicGate.inputs

    func outputs(_ network: [Dense<Double>], _ x: Matrix<Double>) throws -> [Double] {
        try network.forward(x).elements
    }

    @Test func inputsAreTheTruthTableRowsInOrder() {
        #expect(inputs.rowArrays == [[0, 0], [0, 1], [1, 0], [1, 1]])
        #expect(LogicGate.and.targets == [0, 0, 0, 1])
        #expect(LogicGate.or.targets == [0, 1, 1, 1])
        #expect(LogicGate.xor.targets == [0, 1, 1, 0])
        #expect(LogicGate.xnor.targets == [1, 0, 0, 1])
    }

    @Test func singleNeuronGatesMatchTheirTruthTables() throws {
        #expect(try outputs(LogicNetworks.and, inputs) == [0, 0, 0, 1])
        #expect(try outputs(LogicNetworks.or, inputs) == [0, 1, 1, 1])
        #expect(try outputs(LogicNetworks.nor, inputs) == [1, 0, 0, 0])
        #expect(try outputs(LogicNetworks.not, Matrix(column: [0, 1])) == [1, 0])
        // The article's weighted sums: AND h = -1.5 + x1 + x2.
        #expect(try LogicNetworks.and[0].weightedSums(inputs).elements == [-1.5, -0.5, -0.5, 0.5])
        #expect(try LogicNetworks.not[0].weightedSums(Matrix(column: [0, 1])).elements == [1, -1])
    }

    /// With input weights 1, AND holds exactly for biases in [-2, -1) and OR for [-1, 0), with f(0) = 1.
    @Test(arguments: Array(stride(from: -3.0, through: 1.0, by: 0.125)))
    func biasDecidesBetweenAndAndOr(bias: Double) throws {
        let layer = try Dense<Double>(weights: [[1], [1]], bias: [bias], activation: .step)
        let out = try layer.forward(inputs).elements
        #expect((out == LogicGate.and.targets) == (-2 <= bias && bias < -1))
        #expect((out == LogicGate.or.targets) == (-1 <= bias && bias < 0))
    }

    @Test func xnorCase1EveryUnitEveryRow() throws {
        let network = LogicNetworks.xnorCase1
        #expect(network.map(\.unitCount) == [2, 1])
        let all = try network.forwardAll(inputs)
        #expect(all[1].rowArrays == [[1, 0], [0, 0], [0, 0], [0, 1]])  // a1 = A'.B', a2 = A.B
        #expect(all[2].elements == [1, 0, 0, 1])  // a3 = a1 OR a2 = XNOR
        #expect(all[2].elements == LogicGate.xnor.targets)
    }

    @Test func xnorCase2EveryUnitEveryRow() throws {
        let network = LogicNetworks.xnorCase2
        #expect(network.map(\.unitCount) == [4, 2, 1, 1])
        let all = try network.forwardAll(inputs)
        // a1 = A, a2 = A', a3 = B, a4 = B'
        #expect(all[1].rowArrays == [[0, 1, 0, 1], [0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 1, 0]])
        // a5 = A + B, a6 = A' + B'
        #expect(all[2].rowArrays == [[0, 1], [1, 1], [1, 1], [1, 0]])
        // a7 = (A + B).(A' + B') = XOR, a8 = NOT a7 = XNOR
        #expect(all[3].elements == LogicGate.xor.targets)
        #expect(all[4].elements == LogicGate.xnor.targets)
    }

    @Test func wrongInputWidthIsAShapeErrorNamingBothShapes() {
        #expect(throws: ShapeError.self) { try LogicNetworks.xnorCase1.forward(Matrix<Double>(rows: 4, columns: 3)) }
        do {
            _ = try LogicNetworks.and[0].forward(Matrix<Double>(rows: 4, columns: 3))
        } catch {
            #expect("\(error)".contains("4×3"))
            #expect("\(error)".contains("2×1"))
        }
    }
}
