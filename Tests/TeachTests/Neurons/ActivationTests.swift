import Numerics
import Testing

@testable import Teach

@Suite struct ActivationTests {
    @Test func stepIsAThresholdAtZero() {
        #expect(Activation.step(-1e-9) == 0.0)
        #expect(Activation.step(0.0) == 1.0)
        #expect(Activation.step(3.0) == 1.0)
        #expect(Activation.step.derivative(0.5) == 0.0)
    }

    @Test func sigmoidValuesDerivativeAndStability() {
        #expect(Activation.sigmoid(0.0) == 0.5)
        #expect(Activation.sigmoid(2.0).isApproximatelyEqual(to: 0.8807970779778823, absoluteTolerance: 1e-15))
        #expect(Activation.sigmoid(-800.0) == 0)
        #expect(Activation.sigmoid(800.0) == 1)
        #expect(Activation.sigmoid(Float(-100)).isFinite)
        for h in stride(from: -6.0, through: 6.0, by: 0.5) {
            let e = 1e-6
            let numeric = (Activation.sigmoid(h + e) - Activation.sigmoid(h - e)) / (2 * e)
            #expect(Activation.sigmoid.derivative(h).isApproximatelyEqual(to: numeric, absoluteTolerance: 1e-9))
        }
    }

    @Test func appliesElementWiseToMatrices() throws {
        let h = try Matrix<Double>([[-1, 0], [2, -3]])
        #expect(Activation.step(h).elements == [0, 1, 1, 0])
        #expect(Activation.sigmoid.derivative(h)[0, 1] == 0.25)
    }
}
