import Foundation
import Testing

/// Chapters run with other values of their knobs: the sentences built on the numbers follow them.
@Suite struct ChapterKnobRunTests {
    func run(_ chapter: String, _ arguments: [String]) throws -> ProgramRunner.Result {
        let directory = try ProgramRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try ProgramRunner.run(chapter, arguments + ["--plots", "figures", "--no-terminal-plots", "--quick"], in: directory)
    }

    /// Chapter 13's single neuron: at the book's learning rate the far start is the slow one under
    /// the half squared error; with steps large enough both starts drop below 0.5 at once, and the
    /// chapter no longer says so.
    @Test func chapter13sSlowStartClaimFollowsTheLearningRate() throws {
        let book = try run("classification", ["--epochs", "1"])
        #expect(book.status == 0, "\(book.error)")
        #expect(book.output.contains("the far start is the slow one"))
        #expect(book.output.contains("The neuron learns slowest when it is most wrong"))
        #expect(book.output.contains("differ from the book's: `--epochs 1` (the book: 20)"))

        let large = try run("classification", ["--epochs", "1", "--neuron-learning-rate", "200"])
        #expect(large.status == 0, "\(large.error)")
        #expect(large.output.contains("the far start is not the slow one"))
        #expect(large.output.contains("It first drops below 0.5 at epoch 1 (the near start at epoch 1)"))
        #expect(!large.output.contains("The neuron learns slowest when it is most wrong"))
        #expect(large.output.contains("`--neuron-learning-rate 200.0` (the book: 0.15)"))
        #expect(large.output.contains("(η = 200.0)") || large.output.contains("η = 200.0"))
    }

    @Test func chapter13RefusesKnobsOutOfRange() throws {
        for (arguments, message) in [
            (["--epochs", "0"], "--epochs must be at least 1, got 0"),
            (["--neuron-learning-rate=-1"], "--neuron-learning-rate must be a number > 0, got -1.0"),
            (["--hidden-units", "0"], "--hidden-units must be at least 1, got 0"),
        ] {
            let result = try run("classification", arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.error.contains(message), "\(result.error)")
        }
    }
}
