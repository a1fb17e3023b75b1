import Foundation
import Testing

@testable import Teach

@Suite struct EncoderDecoderTests {
    /// Sources of 4 ids in 1..<5 (0 pads on the left), targets of 3 ids in 0..<4, start id 3.
    func batch(_ random: inout SeededGenerator) -> (source: Matrix<Double>, inputs: Matrix<Double>, targets: Matrix<Double>) {
        let source = Matrix<Double>(rows: 3, columns: 4) { r, c in c < r ? 0 : Double(1 + random.integer(below: 4)) }
        let targets = Matrix<Double>(rows: 3, columns: 3) { _, _ in Double(random.integer(below: 3)) }
        let inputs = Matrix<Double>(rows: 3, columns: 3) { r, c in c == 0 ? 3 : targets[r, c - 1] }
        return (source, inputs, targets)
    }

    /// Every parameter's gradient, with and without attention, against central differences of
    /// the mean cross-entropy. The padding row of the source embedding is left out: as PyTorch's
    /// `padding_idx`, it gets no gradient, though the forward pass reads it.
    @Test(arguments: [false, true]) func matchesCentralDifferences(attention: Bool) throws {
        var random = SeededGenerator(seed: 11)
        let model = try EncoderDecoder<Double>(
            sourceVocabulary: 5, sourceLength: 4, targetVocabulary: 4, targetLength: 3, dimension: 3, hidden: 4, attention: attention,
            using: &random)
        let (source, inputs, targets) = batch(&random)
        var traced = model
        let loss = Loss.crossEntropyWithLogits()
        let logits = try traced.forward(source: source, decoderInputs: inputs)
        let analytic = try traced.backward(logitsGradient: try loss.gradient(logits, targets))
        #expect(analytic.count == model.parameters.count)
        #expect(zip(analytic, model.parameters).allSatisfy { $0.shape == $1.shape })
        let epsilon = 1e-6
        var worst = 0.0, checked = 0
        for p in analytic.indices {
            for e in 0..<analytic[p].count where !(p == 0 && e < 3) {
                func nudged(_ delta: Double) throws -> EncoderDecoder<Double> {
                    var copy = model
                    try copy.updateParameters { parameter, index in if index == p { parameter.withUnsafeMutableBufferPointer { $0[e] += delta } } }
                    return copy
                }
                let numeric = (try nudged(epsilon).loss(source: source, decoderInputs: inputs, targets: targets)
                    - nudged(-epsilon).loss(source: source, decoderInputs: inputs, targets: targets)) / (2 * epsilon)
                worst = max(worst, abs(numeric - analytic[p].elements[e]))
                checked += 1
            }
        }
        #expect(checked == model.parameterCount - 3)
        #expect(worst < 1e-8, "largest difference from central differences: \(worst)")
        #expect(analytic[0].block(rows: 0, 1, columns: 0, 3).elements.allSatisfy { $0 == 0 })
    }

    /// The parts and their sizes: without attention the decoder reads the encoder's last state
    /// beside each token, with attention the output layer reads the context beside the state.
    @Test func partsFollowTheChoice() throws {
        var random = SeededGenerator(seed: 12)
        let plain = try EncoderDecoder<Float>(
            sourceVocabulary: 30, sourceLength: 20, targetVocabulary: 12, targetLength: 10, dimension: 8, hidden: 16, attention: false,
            using: &random)
        let attending = try EncoderDecoder<Float>(
            sourceVocabulary: 30, sourceLength: 20, targetVocabulary: 12, targetLength: 10, dimension: 8, hidden: 16, attention: true,
            using: &random)
        #expect(plain.attention == nil && attending.attention != nil)
        #expect(plain.decoder.inputCount == 8 + 16 && attending.decoder.inputCount == 8)
        #expect(plain.output.weights.rows == 16 && attending.output.weights.rows == 32)
        #expect(plain.parameters.count == 12 && attending.parameters.count == 16)
        #expect(throws: InvalidArgument.self) {
            try EncoderDecoder<Float>(
                sourceVocabulary: 30, sourceLength: 20, targetVocabulary: 12, targetLength: 10, dimension: 8, hidden: 16, attention: true,
                paddingID: 30, using: &random)
        }
    }

    /// Greedy decoding writes what the teacher-forced pass predicts when fed its own output: the
    /// decoder is causal, so each position depends only on the tokens before it.
    @Test func translationAgreesWithTheTeacherForcedPass() throws {
        var random = SeededGenerator(seed: 13)
        var model = try EncoderDecoder<Double>(
            sourceVocabulary: 5, sourceLength: 4, targetVocabulary: 4, targetLength: 3, dimension: 3, hidden: 4, attention: true,
            using: &random)
        let (source, _, _) = batch(&random)
        let written = try model.translate(source: source, start: 3)
        #expect(written.count == 3 && written.allSatisfy { $0.count == 3 })
        let inputs = Matrix<Double>(rows: 3, columns: 3) { r, c in c == 0 ? 3 : Double(written[r][c - 1]) }
        let logits = try model.forward(source: source, decoderInputs: inputs)
        for r in 0..<3 {
            for step in 0..<3 {
                let row = (0..<4).map { logits[r, step * 4 + $0] }
                #expect(row.firstIndex(of: row.max()!) == written[r][step])
            }
        }
        #expect(throws: InvalidArgument.self) { try model.translate(source: source, start: 4) }
    }

    /// Reversing four symbols needs every source position at the right output step: with
    /// attention the model learns it in 300 steps; an untrained one gets about 1 in 4 symbols right.
    @Test func learnsToReverseWithAttention() throws {
        var random = SeededGenerator(seed: 14)
        var model = try EncoderDecoder<Float>(
            sourceVocabulary: 5, sourceLength: 4, targetVocabulary: 5, targetLength: 4, dimension: 8, hidden: 16, attention: true,
            using: &random)
        func reversals(_ count: Int) -> (Matrix<Float>, Matrix<Float>, Matrix<Float>) {
            let source = Matrix<Float>(rows: count, columns: 4) { _, _ in Float(1 + random.integer(below: 4)) }
            let targets = Matrix<Float>(rows: count, columns: 4) { r, c in source[r, 3 - c] }
            let inputs = Matrix<Float>(rows: count, columns: 4) { r, c in c == 0 ? 0 : targets[r, c - 1] }
            return (source, inputs, targets)
        }
        let (testSource, _, testTargets) = reversals(100)
        func symbolAccuracy() throws -> Double {
            let written = try model.translate(source: testSource, start: 0)
            let right = (0..<100).map { r in (0..<4).filter { Float(written[r][$0]) == testTargets[r, $0] }.count }.reduce(0, +)
            return Double(right) / 400
        }
        let before = try symbolAccuracy()
        var adam = try Optimizer<Float>.adam(learningRate: 0.01)
        for _ in 0..<300 {
            let (source, inputs, targets) = reversals(32)
            try model.trainStep(source: source, decoderInputs: inputs, targets: targets, optimizer: &adam)
        }
        let after = try symbolAccuracy()
        #expect(before < 0.5)
        #expect(after > 0.95, "symbol accuracy after training \(after) (before \(before))")
    }
}
