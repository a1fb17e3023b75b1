import ArgumentParser
import Testing

@testable import Teach

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
