import Foundation
import Testing

/// Chapters run with other knobs than the book's: the text follows the run's numbers, the note at
/// the top names the changed options, `--help` lists the knobs and a bad value is a usage error.
@Suite struct ChapterKnobsRunTests {
    /// Runs `chapter` with `arguments`, without terminal plots, its figures in a scratch directory.
    func run(_ chapter: String, _ arguments: [String]) throws -> ProgramRunner.Result {
        let directory = try ProgramRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try ProgramRunner.run(chapter, arguments + ["--no-terminal-plots", "--plots", "figures"], in: directory)
    }

    /// At η = 2 the worked step of chapter 3 overshoots: the cost rises, and the text says so
    /// instead of the book's "fell" and "walks the output towards 0.5".
    @Test func descentWithALargeLearningRateSaysTheCostRose() throws {
        let result = try run("descent", ["--learning-rate", "2"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("> This run's choices differ from the book's: `--learning-rate 2.0` (the book: 0.5)."))
        #expect(result.output.contains("the cost `½(y − ŷ)²` rose from 0.018045 to"))
        #expect(!result.output.contains("the cost `½(y − ŷ)²` fell from"))
        #expect(result.output.contains("does not bring the output closer to 0.5 at `η = 2.0`"))
        #expect(!result.output.contains("walks the output towards 0.5"))
        #expect(result.output.contains("the cost does not fall at every step"))
        #expect(!result.output.contains("divides the cost by about the same factor"))
    }

    /// The book's run says the opposite of the test above (the check that the test can fail).
    @Test func descentAtTheBooksLearningRateSaysTheCostFell() throws {
        let result = try run("descent", [])
        #expect(result.status == 0, "\(result.error)")
        #expect(!result.output.contains("This run's choices differ"))
        #expect(result.output.contains("the cost `½(y − ŷ)²` fell from 0.018045 to 0.001127."))
        #expect(result.output.contains("walks the output towards 0.5"))
    }

    /// With a tiny learning rate and few epochs, chapter 5's wider networks no longer beat the
    /// narrower ones beyond the spread over seeds, and 5 full-batch updates leave nothing to
    /// compare per update: the text says both, not the book's verdicts.
    @Test func sgdWithATinyLearningRateDoesNotClaimWidthHelps() throws {
        let result = try run("sgd", ["--learning-rate", "0.001", "--epochs", "5", "--fit-epochs", "5"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains(
            "`--learning-rate 0.001` (the book: 0.05), `--epochs 5` (the book: 50) and `--fit-epochs 5` (the book: 200)"))
        #expect(result.output.contains("the error does not fall with width here beyond the spread over seeds"))
        #expect(!result.output.contains("each width beating the one before on every seed"))
        #expect(result.output.contains("Per update there is nothing to compare here: 5 full-batch updates are too few"))
        #expect(!result.output.contains("Per update the comparison is closer"))
        #expect(result.output.contains("learning rate `η = 0.001`"))
        #expect(result.output.contains("the table shows what 5 epochs of SGD found"))
    }

    /// The seed is one of the choices the note names: another seed gives other numbers.
    @Test func anotherSeedIsNamedAtTheTop() throws {
        let result = try run("perceptron", ["--seed", "7", "--learning-rate", "0.2"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains(
            "> This run's choices differ from the book's: `--seed 7` (the book: 42) and `--learning-rate 0.2` (the book: 0.1)."))
    }

    @Test func helpListsTheKnobsWithTheBooksValues() throws {
        let result = try ProgramRunner.run("sgd", ["--help"])
        #expect(result.status == 0)
        let help = result.output.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        #expect(help.contains("THE CHAPTER'S CHOICES"))
        for (flag, value) in [("--learning-rate", "0.05"), ("--epochs", "50"), ("--hidden-units", "8"), ("--fit-epochs", "200")] {
            let entry = help.range(of: "\(flag) <")
            #expect(entry != nil, "\(flag) missing from --help")
            if let entry {
                let after = help[entry.upperBound...]
                #expect(after.range(of: "(default: \(value))").map { after.distance(from: after.startIndex, to: $0.lowerBound) < 200 } == true,
                        "\(flag)'s default \(value) not shown: \(after.prefix(200))")
            }
        }
    }

    @Test func aBadKnobValueIsAUsageErrorNamingIt() throws {
        let negative = try ProgramRunner.run("sgd", ["--learning-rate", "-1"])
        #expect(negative.status == 64)
        #expect(negative.error.contains("--learning-rate -1.0: expected a learning rate above 0"), "\(negative.error)")
        #expect(!negative.error.contains("Fatal error"))
        #expect(negative.output.isEmpty)
        let noUnits = try ProgramRunner.run("minibatch", ["--hidden-units", "0"])
        #expect(noUnits.status == 64)
        #expect(noUnits.error.contains("--hidden-units 0: expected a number of hidden units of at least 1"), "\(noUnits.error)")
    }
}
