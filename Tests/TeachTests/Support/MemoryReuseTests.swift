import Testing

@testable import Teach

@Suite struct MemoryReuseTests {
    /// On Linux with glibc the allocator's thresholds are set (this caught a C guard that compiled
    /// the setting away, which left one epoch of the 5×500 network at 614,000 page faults).
    @Test func keepsFreedMemoryWithGlibc() {
        #if os(Linux) && canImport(Glibc)
        #expect(MemoryReuse.keepFreedMemory())
        #expect(MemoryReuse.keepFreedMemory(), "setting it again changes nothing")
        #endif
    }

    /// With the setting in place (train sets it), training from the same seed gives the same model.
    @Test func trainingStaysReproducible() throws {
        var generator = SeededGenerator(seed: 3)
        let x = Matrix<Float>.uniform(rows: 64, columns: 20, in: 0..<1, using: &generator)
        let y = Matrix<Float>(rows: 64, columns: 3) { r, c in r % 3 == c ? 1 : 0 }
        func run() throws -> Matrix<Float> {
            var g = SeededGenerator(seed: 9)
            var model = try Model<Float>([
                Dense(inputs: 20, units: 16, activation: .relu, initializer: .he, using: &g),
                Dense(inputs: 16, units: 3, activation: .identity, initializer: .xavier, using: &g), Softmax(),
            ])
            var optimizer = try Optimizer<Float>.adam()
            try model.train(inputs: x, targets: y, options: TrainingOptions(epochs: 2, batchSize: 16, loss: .crossEntropy), optimizer: &optimizer, using: &g)
            return try model.predict(x)
        }
        let first = try run(), second = try run()
        #expect(first == second)
        #expect(first.elements.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }
}
