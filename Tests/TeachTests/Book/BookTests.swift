import Foundation
import Testing

@testable import Teach
@testable import TeachBook

@Suite struct BookTests {
    @Test func contentsListsExactlyTheChapterDirectoriesAndTheirPrograms() throws {
        let directories = try FileManager.default.contentsOfDirectory(
            atPath: ProgramRunner.packageRoot.appendingPathComponent("Chapters").path
        ).filter { !$0.hasPrefix(".") }.sorted()
        #expect(directories == BookContents.chapters.map(\.directory))
        for (index, entry) in BookContents.chapters.enumerated() {
            #expect(entry.number == index + 1)
            #expect(entry.directory.hasPrefix(String(format: "%02d-", entry.number)))
            let program = ProgramRunner.binaries.appendingPathComponent(entry.name).path
            #expect(FileManager.default.isExecutableFile(atPath: program), "no program \(program) for \(entry.directory)")
        }
    }

    /// The committed `book.md` and figure scripts are what the chapters print now.
    @Test func committedBookMatchesTheChapters() throws {
        let result = try ProgramRunner.run("book", ["--check"])
        #expect(result.status == 0, "\(result.error)")
    }

    @Test func assemblyHasTitleContentsAndEveryChapter() {
        let outputs = BookContents.chapters.map { "## Chapter \($0.number): \($0.title)\n\nText of \($0.name).\n" }
        let book = BookContents.assemble(outputs)
        #expect(book.hasPrefix("# \(BookContents.title)\n"))
        #expect(book.contains("[Chapter 1: Neurons and the perceptron](#chapter-1-neurons-and-the-perceptron)"))
        for entry in BookContents.chapters { #expect(book.contains("Text of \(entry.name).")) }
        #expect(book.hasSuffix(".\n"))
        #expect(BookContents.assemble(outputs) == book)
    }

    @Test func sourceNotesComeTogetherAtTheChaptersEnd() throws {
        let chapter = Chapter(entry: BookContents.chapters[0], options: try ChapterOptions.parse([]), plotter: Plotter(directory: "/tmp"))
        #expect(chapter.sourceNotesSection() == nil)
        chapter.sourceNote("The copy lost a formula.\n")
        chapter.sourceNote("Article 000 dates it 2007.")
        #expect(chapter.sourceNotesSection() == "### Notes on the sources\n\n- The copy lost a formula.\n- Article 000 dates it 2007.\n")
    }

    @Test func exercisesComeBeforeTheNotesAtTheChaptersEnd() throws {
        let chapter = Chapter(entry: BookContents.chapters[3], options: try ChapterOptions.parse([]), plotter: Plotter(directory: "/tmp"))
        let section = try #require(chapter.exercisesSection())
        #expect(section.hasPrefix("### Exercises\n\nWrite each answer in `Exercises/04-backprop.swift`"))
        #expect(section.contains("- **4.1 The derivative of tanh.** Return tanh′(h), the derivative of tanh at `h`. (`tanhDerivative(_:)`)"))
        #expect(section.contains("`swift run exercises check 4.1`"))
        #expect(!section.contains("5.1"))
        let book = try String(contentsOf: ProgramRunner.packageRoot.appendingPathComponent("book.md"), encoding: .utf8)
        let exercises = try #require(book.range(of: "### Exercises\n\nWrite each answer in `Exercises/04-backprop.swift`"))
        let chapter5 = try #require(book.range(of: "## Chapter 5"))
        #expect(exercises.lowerBound < chapter5.lowerBound)
    }

    @Test func anchorsFollowGitHub() {
        #expect(BookContents.anchor("Chapter 12: AlexNet, layer by layer") == "chapter-12-alexnet-layer-by-layer")
    }
}

@Suite struct ChapterProgramTests {
    @Test func helpListsTheCommonFlags() throws {
        let result = try ProgramRunner.run("perceptron", ["--help"])
        #expect(result.status == 0)
        for flag in ["--seed", "--plots", "--no-terminal-plots", "--quick"] { #expect(result.output.contains(flag)) }
        #expect(result.output.contains("Chapter 1: Neurons and the perceptron"))
    }

    @Test func badFlagsAreClearErrorsNotCrashes() throws {
        let result = try ProgramRunner.run("perceptron", ["--seed", "many"])
        #expect(result.status != 0)
        #expect(result.error.contains("error:"))
        #expect(result.error.contains("many"))
        #expect(!result.error.contains("Fatal error"))
        #expect(result.output.isEmpty)
    }

    @Test func aChapterPrintsItsLessonAndWritesItsFigures() throws {
        let directory = try ProgramRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try ProgramRunner.run("perceptron", ["--plots", "figures", "--no-terminal-plots"], in: directory)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix("## Chapter 1: Neurons and the perceptron\n"))
        #expect(result.output.contains("![The perceptron's decision line for AND over the four inputs](figures/perceptron-and.png)"))
        let written = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("figures").path)
        #expect(written.contains("perceptron-and.gp"))
        #expect(!written.contains { $0.hasSuffix(".tmp") || $0.hasPrefix(".") }, "no temporary files left: \(written)")
        // The same seed gives the same text; another seed gives other random weights.
        let again = try ProgramRunner.run("perceptron", ["--plots", "figures", "--no-terminal-plots"], in: directory)
        #expect(again.output == result.output)
        let other = try ProgramRunner.run("perceptron", ["--plots", "figures", "--no-terminal-plots", "--seed", "7"], in: directory)
        #expect(other.output != result.output)
    }

    @Test func unwritablePlotDirectoryIsAClearError() throws {
        let directory = try ProgramRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("blocked").path, contents: Data("x".utf8))
        let result = try ProgramRunner.run("perceptron", ["--plots", "blocked/figures", "--no-terminal-plots"], in: directory)
        #expect(result.status == 1)
        #expect(result.error.hasPrefix("error: "))
        #expect(result.error.contains("blocked/figures"))
        #expect(!result.error.contains("Fatal error"))
    }
}

@Suite struct MarkdownTests {
    @Test func tablesAlignNumbersRightAndEscapePipes() {
        let table = Markdown.table(["x", "y"], [["a|b", "1.0"]])
        #expect(table == "| x | y |\n|:---|---:|\n| a\\|b | 1.0 |\n")
    }

    @Test func timingBlocksAreLeftOutOfTheComparison() {
        let first = "a\n\(BookContents.timingsStart)\n| 1 | 12.5 ms |\n\(BookContents.timingsEnd)\nb\n"
        let second = "a\n\(BookContents.timingsStart)\n| 1 | 9.1 ms |\n\(BookContents.timingsEnd)\nb\n"
        #expect(first != second)
        #expect(BookContents.withoutTimings(first) == BookContents.withoutTimings(second))
        #expect(BookContents.withoutTimings(first) == "a\nb\n")
        #expect(BookContents.withoutTimings("a\nb\n") != BookContents.withoutTimings("a\nc\n"))
    }

    @Test func matricesSideBySide() throws {
        let m = try Matrix<Double>([[1, -2], [0.5, 3]])
        #expect(m.formatted(places: 1) == "[  1.0  -2.0 ]\n[  0.5   3.0 ]")
        let w = try Matrix<Double>([[1, -2], [4, 3]])
        #expect(Markdown.sideBySide(["W\n" + w.formatted(places: 0), "b\n[ 1 ]"], gap: 2) == "W           b\n[  1  -2 ]  [ 1 ]\n[  4   3 ]")
    }

    @Test func fixedNeverPrintsNegativeZero() {
        #expect((-0.00001).fixed(4) == "0.0000")
        #expect(0.68997.fixed(4) == "0.6900")
        #expect((-0.0203).fixed(4) == "-0.0203")
        #expect(0.0203.signed(4) == "+0.0203")
        #expect(62_378_344.grouped == "62,378,344")
        #expect([String]().listed == "" && ["a"].listed == "a" && ["a", "b"].listed == "a and b")
        #expect(["L2", "L1", "dropout"].listed == "L2, L1 and dropout")
        #expect((-1234).grouped == "-1,234")
    }
}
