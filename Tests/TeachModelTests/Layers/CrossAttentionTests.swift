import Foundation
import Testing

@testable import Teach

@Suite struct CrossAttentionTests {
    /// `nn.MultiheadAttention(4, 2, batch_first=True)` with the parameters below: two query
    /// positions looking at a memory of three whose last is padding (`key_padding_mask`), and
    /// `E = Σ Y ⊙ coefficients` (PyTorch 2.15, float64, from `scripts/recurrent-reference.py`).
    @Test func matchesPyTorch() throws {
        var attention = try CrossAttention<Double>(
            inputWeights: Matrix(rows: 12, columns: 4) { r, c in 0.1 * Double((r * 4 + c) % 7) - 0.3 },
            inputBias: Matrix(rows: 1, columns: 12) { _, r in 0.02 * Double(r % 4) - 0.03 },
            outputWeights: Matrix(rows: 4, columns: 4) { r, c in 0.05 * Double((r * 4 + c) % 5) - 0.1 },
            outputBias: Matrix(rows: 1, columns: 4) { _, r in 0.01 * Double(r % 3) }, heads: 2)
        let queries = Matrix<Double>(row: [1.0, -0.5, 0.25, 2.0, -1.0, 0.5, 1.5, -2.0])
        let memory = Matrix<Double>(row: [0.3, 0.7, -0.2, 1.1, 0.5, -1.5, 1.0, 0.2, 2.0, 2.0, -2.0, 2.0])
        let coefficients = Matrix<Double>(row: [1.0, -2.0, 0.5, 1.5, -1.0, 3.0, 0.25, -0.5])
        let expected: [(String, [Double])] = [
            ("out", [0.023111564603009616, 0.006566621907773266, 0.03152566290857018, -0.041978385249540826, 0.01912892825141596, 0.009178191527776389, 0.036137019500672135, -0.04268206603598322]),
            ("dquery", [-0.003167778977737198, -0.0034772238512732236, 0.001030987691255877, 0.003025761579373715, 0.0041428484451917335, 0.004706721324105649, -0.0005527347482252861, -0.004319856763841986]),
            ("dmemory", [-0.005437438407169918, 0.000933385148333273, 0.0033063712497625156, -0.009116701117404258, 0.022937438407169917, 0.016566614851666713, 0.03169362875023751, -0.05213329888259574, 0.0, 0.0, 0.0, 0.0]),
            ("in_proj_weight", [0.0013303686528690702, -0.0006651843264345351, -0.001187055168196986, 0.0026607373057381404, -0.00947887665169211, 0.004739438325846055, 0.008457768073403508, -0.01895775330338422, 0.01461673814190932, -0.00730836907095466, -0.010344202366553567, 0.02923347628381864, -0.015201407667585678, 0.007600703833792839, 0.010757970461215703, -0.030402815335171356, 0.00033794269780067503, -0.003717369675807425, 0.00202765618680405, -0.0015207421401030377, 0.0028756850765898016, -0.03163253584248783, 0.017254110459538816, -0.012940582844654117, -0.000573618179135936, 0.006309799970495296, -0.0034417090748156158, 0.0025812818061117125, 0.001643232151383059, -0.018075553665213667, 0.009859392908298363, -0.007394544681223778, 0.06625600052725554, -0.17881600579981086, 0.1225360031635332, 0.03872299762735013, 0.0020919710514978804, 0.07698831843352336, -0.037448173691012734, 0.05183613026825957, -0.010766554196002772, 0.018432096156030357, -0.014599325176016564, -0.01280050611798761, -0.05447651070426601, 0.049241617746926133, -0.05185906422559607, -0.09173070183080295]),
            ("in_proj_bias", [-0.0004063711544615054, 0.0028953944755382164, -0.001381418317554563, 0.0014366750502567494, 0.0, -3.469446951953614e-18, 0.0, -5.204170427930421e-18, 0.13750000000000004, 0.02500000000000001, -0.025000000000000036, -0.1375]),
            ("out_proj.weight", [-0.032160932996485675, -0.013783256998493847, 0.01547604040407885, 0.0015476040404078795, -0.059045086882775794, 0.051837819907381795, -0.309792428935968, 0.15702075710640323, -0.1086056811550532, 0.011311850933548652, -0.2013922408938183, 0.12086077591061818, -0.17160835237047567, 0.003596420412653331, -0.25562628752169203, 0.1624373712478308]),
            ("out_proj.bias", [0.0, 1.0, 0.75, 1.0]),
        ]
        let output = try attention.forward(queries: queries, memory: memory, padding: [[false, false, true]])
        let gradients = try attention.backward(outputGradient: coefficients)
        let actual = [output.elements, gradients.queries.elements, gradients.memory.elements] + gradients.parameters.map(\.elements)
        #expect(actual.count == expected.count)
        for ((key, values), mine) in zip(expected, actual) {
            #expect(mine.count == values.count, "\(key)")
            for (a, b) in zip(mine, values) { #expect(abs(a - b) < 1e-14, "\(key): \(a) vs PyTorch \(b)") }
        }
        #expect(attention.parameterNames == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
    }

    /// One head, every projection the identity: one query `[1, 0]` looking at the memory `[1, 0]`,
    /// `[0, 1]`. The scores are `1/√2` and `0`, the weights `e^{1/√2}/(e^{1/√2} + 1) = 0.66976…`
    /// and `0.33023…`, and the output is the weighted average of the two memory vectors.
    @Test func handWorkedNumbers() throws {
        let identity = Matrix<Double>(rows: 2, columns: 2) { r, c in r == c ? 1 : 0 }
        var stacked = Matrix<Double>(rows: 6, columns: 2)
        for block in 0..<3 { stacked.setBlock(rows: 2 * block, columns: 0, identity) }
        var attention = try CrossAttention<Double>(
            inputWeights: stacked, inputBias: Matrix(rows: 1, columns: 6), outputWeights: identity, outputBias: Matrix(rows: 1, columns: 2),
            heads: 1)
        let y = try attention.forward(queries: Matrix(row: [1, 0]), memory: Matrix(row: [1, 0, 0, 1]))
        let first = exp(1 / 2.0.squareRoot()) / (exp(1 / 2.0.squareRoot()) + 1)
        #expect(abs(first - 0.66976) < 1e-5)
        #expect(abs(y[0, 0] - first) < 1e-15)
        #expect(abs(y[0, 1] - (1 - first)) < 1e-15)
        #expect(abs(attention.attentionWeights[0][0, 0] - first) < 1e-15)
    }

    /// A padded memory position gets weight 0 and no gradient; what it holds changes nothing.
    @Test func paddingIsLeftOut() throws {
        var random = SeededGenerator(seed: 5)
        var attention = try CrossAttention<Double>(dimension: 4, heads: 2, using: &random)
        let queries = Matrix<Double>.gaussian(rows: 2, columns: 3 * 4, using: &random)
        var memory = Matrix<Double>.gaussian(rows: 2, columns: 5 * 4, using: &random)
        let padding = [[false, false, false, true, true], [true, false, false, false, false]]
        let y = try attention.forward(queries: queries, memory: memory, padding: padding)
        for (index, p) in attention.attentionWeights.enumerated() {
            let record = index / 2
            for i in 0..<3 {
                #expect(abs((0..<5).map { p[i, $0] }.reduce(0, +) - 1) < 1e-14)
                for j in 0..<5 where padding[record][j] { #expect(p[i, j] == 0) }
            }
        }
        let memoryGradient = try attention.backward(outputGradient: Matrix(rows: 2, columns: 12, repeating: 1)).memory
        for c in 12..<20 { #expect(memoryGradient[0, c] == 0) }
        for c in 0..<4 { #expect(memoryGradient[1, c] == 0) }
        for c in 12..<20 { memory[0, c] = 100 }
        #expect(try attention.forward(queries: queries, memory: memory, padding: padding) == y)
    }

    @Test func refusesShapesAndAnAllPaddingMemory() throws {
        var random = SeededGenerator(seed: 6)
        var attention = try CrossAttention<Double>(dimension: 4, heads: 2, using: &random)
        #expect(throws: ShapeError.self) { try attention.forward(queries: Matrix(rows: 2, columns: 8), memory: Matrix(rows: 3, columns: 8)) }
        #expect(throws: ShapeError.self) { try attention.forward(queries: Matrix(rows: 1, columns: 6), memory: Matrix(rows: 1, columns: 8)) }
        #expect(throws: ShapeError.self) {
            try attention.forward(queries: Matrix(rows: 1, columns: 8), memory: Matrix(rows: 1, columns: 8), padding: [[false]])
        }
        #expect(throws: InvalidArgument.self) {
            try attention.forward(queries: Matrix(rows: 1, columns: 8), memory: Matrix(rows: 1, columns: 8), padding: [[true, true]])
        }
        #expect(throws: InvalidArgument.self) { try CrossAttention<Double>(dimension: 6, heads: 4, using: &random) }
        #expect(throws: InvalidArgument.self) { try attention.backward(outputGradient: Matrix(rows: 1, columns: 8)) }
    }

    /// Every parameter's, query's and memory element's gradient against central differences of
    /// `E = Σ Y ⊙ R`, two heads, with padding.
    @Test func matchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 7)
        let attention = try CrossAttention<Double>(dimension: 4, heads: 2, using: &random)
        let queries = Matrix<Double>.gaussian(rows: 2, columns: 2 * 4, using: &random)
        let memory = Matrix<Double>.gaussian(rows: 2, columns: 3 * 4, using: &random)
        let coefficients = Matrix<Double>.gaussian(rows: 2, columns: 2 * 4, using: &random)
        let padding = [[false, true, false], [false, false, false]]
        func energy(_ layer: CrossAttention<Double>, _ q: Matrix<Double>, _ m: Matrix<Double>) throws -> Double {
            var layer = layer
            return zip(try layer.forward(queries: q, memory: m, padding: padding).elements, coefficients.elements).map { $0 * $1 }.reduce(0, +)
        }
        var traced = attention
        _ = try traced.forward(queries: queries, memory: memory, padding: padding)
        let analytic = try traced.backward(outputGradient: coefficients)
        let epsilon = 1e-6
        var worst = 0.0
        for p in 0..<4 {
            for e in 0..<attention.parameters[p].count {
                func nudged(_ delta: Double) -> CrossAttention<Double> {
                    var copy = attention
                    copy.updateParameters { parameter, index in if index == p { parameter.withUnsafeMutableBufferPointer { $0[e] += delta } } }
                    return copy
                }
                let numeric = (try energy(nudged(epsilon), queries, memory) - energy(nudged(-epsilon), queries, memory)) / (2 * epsilon)
                worst = max(worst, abs(numeric - analytic.parameters[p].elements[e]))
            }
        }
        // the queries' elements (input 0), then the memory's (input 1)
        for (input, gradient) in [(0, analytic.queries), (1, analytic.memory)] {
            for r in 0..<gradient.rows {
                for c in 0..<gradient.columns {
                    func energyNudged(_ delta: Double) throws -> Double {
                        var q = queries, m = memory
                        if input == 0 { q[r, c] += delta } else { m[r, c] += delta }
                        return try energy(attention, q, m)
                    }
                    let numeric = (try energyNudged(epsilon) - energyNudged(-epsilon)) / (2 * epsilon)
                    worst = max(worst, abs(numeric - gradient[r, c]))
                }
            }
        }
        #expect(worst < 1e-8, "largest difference from central differences: \(worst)")
    }
}
