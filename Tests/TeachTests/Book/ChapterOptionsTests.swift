import ArgumentParser
import Testing

@testable import Teach
@testable import TeachBook

@Suite struct ChapterOptionsTests {
    /// `--plots ""` used to write the figures into the working directory.
    @Test func anEmptyPlotsDirectoryIsAnError() throws {
        #expect(throws: (any Error).self) { try ChapterOptions.parse(["--plots", ""]) }
        do {
            _ = try ChapterOptions.parse(["--plots", ""])
        } catch {
            #expect(ChapterOptions.message(for: error).contains(#"--plots "" names no directory"#), "\(ChapterOptions.message(for: error))")
        }
        #expect(try ChapterOptions.parse(["--plots", "."]).plots == ".")
        #expect(try ChapterOptions.parse([]).plots == "plots")
    }
}

/// Knobs of the kinds chapters declare: a number, a whole number, a flag and a named choice.
struct ExampleKnobs: ChapterKnobs {
    enum Activation: String, ExpressibleByArgument, CaseIterable { case tanh, relu }
    @Option(help: "Learning rate.") var learningRate = 0.5
    @Option(help: "Hidden units.") var hiddenUnits = 3
    @Flag(help: "Shuffle the records.") var noShuffle = false
    @Option(help: "Activation.") var activation = Activation.tanh
}

@Suite struct ChapterKnobsTests {
    @Test func theBooksRunDiffersInNothing() throws {
        let book = try ExampleKnobs.parse([])
        #expect(book.differences(from: book).isEmpty)
        #expect(try ExampleKnobs.parse(["--learning-rate", "0.5", "--activation", "tanh"]).differences(from: book).isEmpty)
    }

    @Test func eachChangedKnobIsNamedWithBothValuesInDeclarationOrder() throws {
        let book = try ExampleKnobs.parse([])
        let run = try ExampleKnobs.parse(["--activation", "relu", "--learning-rate", "2", "--no-shuffle"])
        #expect(run.learningRate == 2 && run.activation == .relu && run.noShuffle)
        let expected = [
            KnobDifference(flag: "--learning-rate", value: "2.0", bookValue: "0.5"),
            KnobDifference(flag: "--no-shuffle", value: "true", bookValue: "false"),
            KnobDifference(flag: "--activation", value: "relu", bookValue: "tanh"),
        ]
        #expect(run.differences(from: book) == expected)
        #expect(expected[0].description == "`--learning-rate 2.0` (the book: 0.5)")
    }

    @Test func knobsParseBesideTheCommonFlags() throws {
        let parsed = try ChapterArguments<ExampleKnobs>.parse(["--seed", "7", "--hidden-units", "8", "--quick"])
        #expect(parsed.common.seed == 7 && parsed.common.quick && parsed.knobs.hiddenUnits == 8)
        #expect(throws: (any Error).self) { try ChapterArguments<ExampleKnobs>.parse(["--hidden-units", "many"]) }
        #expect(throws: (any Error).self) { try ChapterArguments<NoKnobs>.parse(["--hidden-units", "8"]) }
        #expect(ChapterArguments<ExampleKnobs>.helpMessage().contains("--learning-rate <learning-rate>"))
    }

    @Test func propertyNamesBecomeArgumentParsersFlags() {
        #expect(ExampleKnobs.flag(forProperty: "_learningRate") == "--learning-rate")
        #expect(ExampleKnobs.flag(forProperty: "epochs") == "--epochs")
    }
}

@Suite struct KnobCheckTests {
    /// The message of the `ValidationError` that `check` throws, or nil when it throws none.
    func message(_ check: () throws -> Void) -> String? {
        do {
            try check()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func positiveRefusesZeroNegativeAndNonFiniteNumbers() {
        #expect(message { try KnobCheck.positive(0.5, "--learning-rate", "a learning rate") } == nil)
        #expect(message { try KnobCheck.positive(-1, "--learning-rate", "a learning rate") } == "--learning-rate -1.0: expected a learning rate above 0 (a finite number)")
        #expect(message { try KnobCheck.positive(0, "--learning-rate", "a learning rate") } != nil)
        #expect(message { try KnobCheck.positive(.nan, "--learning-rate", "a learning rate") } != nil)
        #expect(message { try KnobCheck.positive(.infinity, "--learning-rate", "a learning rate") } != nil)
    }

    @Test func wholeNumbersAreCheckedAgainstTheirBounds() {
        #expect(message { try KnobCheck.atLeast(1, 1, "--epochs", "a number of epochs") } == nil)
        #expect(message { try KnobCheck.atLeast(1, 0, "--epochs", "a number of epochs") } == "--epochs 0: expected a number of epochs of at least 1")
        #expect(message { try KnobCheck.within(1...300, 300, "--batch-size", "a batch size") } == nil)
        #expect(message { try KnobCheck.within(1...300, 301, "--batch-size", "a batch size") } == "--batch-size 301: expected a batch size from 1 to 300")
        #expect(message { try KnobCheck.within(0...0.99, 0.9, "--momentum", "a momentum") } == nil)
        #expect(message { try KnobCheck.within(0...0.99, 1, "--momentum", "a momentum") } == "--momentum 1.0: expected a momentum from 0.0 to 0.99")
    }

    @Test func quickRunsShortenTheEpochsButKeepAtLeastOne() throws {
        let full = try ChapterOptions.parse([]), quick = try ChapterOptions.parse(["--quick"])
        #expect(full.epochs(50) == 50)
        #expect(quick.epochs(50) == 10)
        #expect(quick.epochs(20, quickDividedBy: 2) == 10)
        #expect(quick.epochs(3) == 1)
    }
}
