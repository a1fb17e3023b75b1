import Testing
import TeachKernels

@testable import Teach

@Suite(.serialized) struct ProcessTuningTests {
    /// On Linux with glibc the allocator's thresholds are set (this caught a C guard that compiled
    /// the setting away, which left one epoch of the 5×500 network at 614,000 page faults).
    @Test func keepsFreedMemoryWithGlibc() {
        #if os(Linux) && canImport(Glibc)
        #expect(ProcessTuning.keepFreedMemory())
        #expect(ProcessTuning.keepFreedMemory(), "setting it again changes nothing")
        #endif
    }

    /// The worker's spin is off until a program asks, and the switch reaches the kernels' worker.
    @Test func theSecondCoreSleepsUntilAskedOtherwise() {
        let before = ProcessTuning.keepsSecondCoreAwake
        defer { ProcessTuning.keepsSecondCoreAwake = before }
        ProcessTuning.keepsSecondCoreAwake = true
        #expect(FloatKernels.workerStaysAwake)
        ProcessTuning.keepsSecondCoreAwake = false
        #expect(!FloatKernels.workerStaysAwake)
    }

    /// Training from the same seed gives the same model with the process tuned for training and
    /// without: the settings change speed, never a number.
    @Test func trainingGivesTheSameModelTunedOrNot() throws {
        var generator = SeededGenerator(seed: 3)
        let x = Matrix<Float>.uniform(rows: 256, columns: 300, in: 0..<1, using: &generator)
        let y = Matrix<Float>(rows: 256, columns: 3) { r, c in r % 3 == c ? 1 : 0 }
        func run() throws -> Matrix<Float> {
            var g = SeededGenerator(seed: 9)
            var model = try Model<Float>([
                Dense(inputs: 300, units: 64, activation: .relu, initializer: .he, using: &g),
                Dense(inputs: 64, units: 3, activation: .identity, initializer: .xavier, using: &g), Softmax(),
            ])
            var optimizer = try Optimizer<Float>.adam()
            try model.train(inputs: x, targets: y, options: TrainingOptions(epochs: 2, batchSize: 64, loss: .crossEntropy), optimizer: &optimizer, using: &g)
            return try model.predict(x)
        }
        let before = ProcessTuning.keepsSecondCoreAwake
        defer { ProcessTuning.keepsSecondCoreAwake = before }
        ProcessTuning.keepsSecondCoreAwake = false
        let plain = try run()
        ProcessTuning.forTraining()
        let tuned = try run(), again = try run()
        #expect(plain == tuned)
        #expect(tuned == again)
        #expect(plain.elements.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }
}
