import Foundation
import Testing

@testable import Teach

@Suite struct AttentionLayerTests {
    /// `nn.MultiheadAttention(4, 2, batch_first=True)` with a causal mask, given the parameters
    /// below, on one sequence of 3 positions, and `E = Σ Y ⊙ coefficients` (PyTorch 2.15, float64,
    /// from `scripts/recurrent-reference.py`).
    @Test func matchesPyTorch() throws {
        let layer = try CausalSelfAttention<Double>(
            inputWeights: Matrix(rows: 12, columns: 4) { r, c in 0.1 * Double((r * 4 + c) % 7) - 0.3 },
            inputBias: Matrix(rows: 1, columns: 12) { _, r in 0.02 * Double(r % 4) - 0.03 },
            outputWeights: Matrix(rows: 4, columns: 4) { r, c in 0.05 * Double((r * 4 + c) % 5) - 0.1 },
            outputBias: Matrix(rows: 1, columns: 4) { _, r in 0.01 * Double(r % 3) }, heads: 2, length: 3)
        let x = Matrix<Double>(row: [1.0, -0.5, 0.25, 2.0, -1.0, 0.5, 1.5, -2.0, 0.3, 0.7, -0.2, 1.1])
        let coefficients = Matrix<Double>(row: [1.0, -2.0, 0.5, 1.5, -1.0, 3.0, 0.25, -0.5, 2.0, 1.0, -1.5, 0.75])
        let expected: [(String, [Double])] = [
            ("out", [0.07125000000000001, -0.028749999999999998, 0.020000000000000004, -0.07500000000000001, 0.0038107028072002324, 0.024044249461950246, 0.040623745511676954, -0.03661115524844884, -0.00456993205961505, 0.031054143522475035, 0.02999863458667167, -0.027974342150202062]),
            ("dx", [-0.006596164851746502, 0.06470817828340368, -0.049833468197719666, -0.016622895100978016, 0.07699306819802214, -0.023405505815643306, 0.00238460163127444, -0.013478725329190193, 0.018995639622660845, 0.01772705842083395, -0.02580918530166788, -0.004595398734757616]),
            ("in_proj_weight", [0.05705718750910795, -0.015498422589212548, -0.08175337797973799, 0.12177918158606381, 0.08938877986099106, -0.0261080647092981, -0.12861660354995794, 0.18971069220503944, -0.009717100424759238, 0.005930206440709762, 0.014890843645471252, -0.018803814832853684, 0.0029281081750778875, -0.0024218019566798524, -0.004673852812364157, 0.005292835250661123, -0.019725514609963142, 0.006578848108677942, 0.015757234174426343, -0.041382740511869597, -0.24438229140047454, 0.11904406605377962, 0.15602485352086265, -0.49061580612239475, -0.0009642893297894269, 0.00038460847222260427, 0.0007045200911142705, -0.001985952890562447, -0.001464794516824734, 0.0020979039558219024, -0.0005102530669268498, -0.002126349799879153, -0.16822206160291106, 0.03507760792890534, 0.12352295061874682, -0.36528731313085167, 0.1972190303724167, -0.18616919888719083, -0.28340178305967584, 0.3429323644501378, 0.21656812875738918, -0.05914837738090607, -0.055408518368118026, 0.46203960280759515, -0.11613779471090725, 0.08614643278276136, 0.010457371468745737, -0.2157593921116335]),
            ("in_proj_bias", [-0.037128690432703414, -0.06096263540504204, 0.01135610406808769, -0.004392899033763983, 8.673617379884035e-19, 0.0, -1.0842021724855044e-19, 6.505213034913027e-19, -0.03750000000000002, -0.2875000000000001, 0.14999999999999997, -0.037499999999999985]),
            ("out_proj.weight", [-0.3197371753216802, -0.003557649044734615, -0.41863980421388763, 0.5229566617832981, 1.2914056307515562, -0.08916131458029722, -0.052603947502808446, -0.21910652583747162, -0.4630577211390821, 0.0508657353632553, -0.07894385464017506, -0.00659823109045625, -0.7465540914032156, 0.04321525625315067, -0.5924083535303556, 0.5809510644804913]),
            ("out_proj.bias", [2.0, 2.0, -0.75, 1.75]),
        ]
        var attention = layer
        var generator = SeededGenerator(seed: 1)
        let output = try attention.forward(x, mode: .training, using: &generator)
        let gradients = try attention.backward(outputGradient: coefficients, needsInputGradient: true)
        let actual = [output.elements, gradients.input.elements] + gradients.parameters.map(\.elements)
        for ((key, values), mine) in zip(expected, actual) {
            #expect(mine.count == values.count, "\(key)")
            for (a, b) in zip(mine, values) { #expect(abs(a - b) < 1e-14, "\(key): \(a) vs PyTorch \(b)") }
        }
        #expect(attention.parameterNames == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
    }

    /// A batch's sequences go in two halves on both cores; each sequence's output and input
    /// gradient are the numbers it gets alone, bit for bit (the weights' gradients sum over the
    /// sequences, so those are compared within rounding).
    @Test func eachSequenceGetsItsNumbersAloneOnTwoCores() throws {
        var random = SeededGenerator(seed: 31)
        let (batch, length, dimension) = (8, 32, 64)  // 8·4·32²·16 multiply-adds: split over both cores
        var layer = try CausalSelfAttention<Float>(dimension: dimension, heads: 4, length: length, using: &random)
        let x = Matrix<Float>(rows: batch, columns: length * dimension) { _, _ in Float(random.gaussian()) }
        let outputGradient = Matrix<Float>(rows: batch, columns: length * dimension) { _, _ in Float(random.gaussian()) }
        let output = try layer.forward(x, mode: .training, using: &random)
        let gradients = try layer.backward(outputGradient: outputGradient, needsInputGradient: true)
        var summed = gradients.parameters.map { Matrix<Float>(rows: $0.rows, columns: $0.columns) }
        for sequence in 0..<batch {
            var alone = layer
            let row = { (m: Matrix<Float>) in Matrix<Float>(rows: 1, columns: m.columns) { _, c in m[sequence, c] } }
            let aloneOutput = try alone.forward(row(x), mode: .training, using: &random)
            let aloneGradients = try alone.backward(outputGradient: row(outputGradient), needsInputGradient: true)
            #expect(aloneOutput == row(output), "sequence \(sequence): output")
            #expect(aloneGradients.input == row(gradients.input), "sequence \(sequence): ∂E/∂x")
            for index in summed.indices { try summed[index].add(aloneGradients.parameters[index], scaledBy: 1) }
        }
        for (mine, sum) in zip(gradients.parameters, summed) {
            #expect(try mine.relativeDistance(to: sum) < 1e-5)
        }
    }

    /// Position 0 can only look at itself; every row of weights sums to 1 and is 0 past the diagonal.
    @Test func theMaskKeepsEachPositionFromTheFuture() throws {
        var random = SeededGenerator(seed: 30)
        var attention = try CausalSelfAttention<Double>(dimension: 6, heads: 3, length: 5, using: &random)
        let x = Matrix<Double>.gaussian(rows: 2, columns: 30, using: &random)
        let y = try attention(x)
        #expect(attention.attentionWeights.count == 2 * 3)
        for p in attention.attentionWeights {
            #expect(p[0, 0] == 1)
            for i in 0..<5 {
                #expect(abs((0..<5).map { p[i, $0] }.reduce(0, +) - 1) < 1e-14)
                for j in (i + 1)..<5 { #expect(p[i, j] == 0) }
            }
        }
        // Changing the last position changes no earlier output.
        var later = x
        for c in 24..<30 { later[0, c] += 1 }
        let z = try attention(later)
        for c in 0..<24 { #expect(z[0, c] == y[0, c]) }
        #expect((24..<30).contains { z[0, $0] != y[0, $0] })
    }

    @Test func matchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 31)
        var attention = try CausalSelfAttention<Double>(dimension: 4, heads: 2, length: 3, using: &random)
        attention.inputBias = Matrix.gaussian(rows: 1, columns: 12, standardDeviation: 0.3, using: &random)
        attention.outputBias = Matrix.gaussian(rows: 1, columns: 4, standardDeviation: 0.3, using: &random)
        let model = try Model<Double>([attention])
        let x = Matrix<Double>.gaussian(rows: 2, columns: 12, using: &random)
        let y = Matrix<Double>.gaussian(rows: 2, columns: 12, using: &random)
        let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .meanSquaredError, checkInput: true)
        #expect(check.parametersChecked == 48 + 12 + 16 + 4 + 24)
        // The central difference is good to about 1e-11 absolute; the smallest gradients here are
        // near 5e-5, so that alone can reach 1e-7 relative (PyTorch agrees to 1e-14 above).
        #expect(check.maxAbsoluteError < 1e-9)
        #expect(check.maxRelativeError < 1e-6, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
    }

    @Test func badShapesAreThrownErrors() throws {
        var random = SeededGenerator(seed: 32)
        #expect(throws: InvalidArgument.self) { try CausalSelfAttention<Double>(dimension: 6, heads: 4, length: 2, using: &random) }
        var attention = try CausalSelfAttention<Double>(dimension: 4, heads: 2, length: 3, using: &random)
        #expect(throws: ShapeError.self) { try attention(Matrix(rows: 1, columns: 8)) }
        #expect(throws: InvalidArgument.self) { try attention.backward(outputGradient: Matrix(rows: 1, columns: 12), needsInputGradient: true) }
    }
}
