import Testing

@testable import Teach

/// Shapes that do not fit are errors that name the layer and the numbers, when the model is built
/// and when data meets it.
@Suite struct ModelShapeTests {
    @Test func aFirstLayerThatTakesAnyShapeNeedsTheInputShape() throws {
        let error = #expect(throws: InvalidArgument.self) { try Model<Double>([ActivationLayer(.relu)]) }
        #expect(error.map { "\($0)" }?.contains("the first layer (ReLU) takes records of any shape") == true, "\(String(describing: error))")
        let model = try Model<Double>(input: .features(3), [ActivationLayer(.relu)])
        #expect(model.outputShape == .features(3))
    }

    @Test func layersThatDoNotChainNameTheLayerAndTheNumbers() throws {
        var random = SeededGenerator(seed: 1)
        let first = try Dense<Double>(inputs: 4, units: 5, activation: .relu, using: &random)
        let second = try Dense<Double>(inputs: 6, units: 2, activation: .identity, using: &random)
        let error = #expect(throws: ShapeError.self) { try Model<Double>([first, second]) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("layer 2 (dense 2)"), "\(message)")
        #expect(message.contains("needs 6 inputs"), "\(message)")
        #expect(message.contains("records of 5"), "\(message)")
    }

    @Test func dataOfTheWrongWidthIsAnErrorNotACrash() throws {
        var random = SeededGenerator(seed: 2)
        var model = try Model<Double>([try Dense<Double>(inputs: 4, units: 2, activation: .relu, using: &random)])
        let error = #expect(throws: ShapeError.self) { try model.forward(Matrix(rows: 3, columns: 5), mode: .training, using: &random) }
        #expect(error.map { "\($0)" }?.contains("4 columns") == true, "\(String(describing: error))")
        #expect(throws: ShapeError.self) { try model.predict(Matrix(rows: 2, columns: 3)) }
    }
}
