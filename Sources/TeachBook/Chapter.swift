import ArgumentParser
import Foundation
import Teach

/// A running chapter: parses the common flags, owns the seeded generator, and prints the lesson as
/// Markdown to standard output, block by block.
///
/// A chapter's `main.swift` is one call:
///
///     import Teach
///     Chapter.run("perceptron") { chapter in
///         chapter.text("A neuron adds up its weighted inputs …")
///         …
///     }
///
/// Any error thrown in the body (a shape mismatch, a bad file, a failed plot) ends the program with
/// `error: <message>` on standard error and exit status 1, never a crash trace.
public final class Chapter {
    /// This chapter's entry in the book's contents.
    public let entry: ChapterEntry
    /// The parsed command-line flags.
    public let options: ChapterOptions
    /// The chapter's random generator, seeded with `--seed`.
    public var random: SeededGenerator
    /// Draws the figures into `--plots`.
    public let plotter: Plotter
    var toldAboutGnuplot = false
    /// The notes ``sourceNote(_:)`` collected, printed at the chapter's end.
    var sourceNotes: [String] = []
    /// The chapter's knobs (and `--seed`) that this run set to other values than the book's (empty for the book's run).
    public internal(set) var knobDifferences: [KnobDifference] = []

    init(entry: ChapterEntry, options: ChapterOptions, plotter: Plotter) {
        self.entry = entry
        self.options = options
        self.random = SeededGenerator(seed: options.seed)
        self.plotter = plotter
    }

    /// Parses the flags, prints the chapter heading, runs `body` and exits: status 0 when the body
    /// returns, 1 (with the error on standard error) when it throws.
    ///
    /// A chapter is a program that trains, so before `body` runs this asks for
    /// `ProcessTuning.forTraining()` (freed memory kept for the next step, the second core's
    /// thread kept awake between products): faster, with the same numbers. Nothing else in the
    /// library changes the process.
    ///
    /// - Parameters:
    ///   - name: the chapter's executable name, as in `BookContents.chapters`.
    ///   - arguments: the command-line arguments, without the program name.
    ///   - body: the chapter itself: it writes its text, tables and figures through the ``Chapter`` it is given.
    public static func run(
        _ name: String, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        _ body: (Chapter) throws -> Void
    ) -> Never {
        run(name, knobs: NoKnobs.self, arguments: arguments) { chapter, _ in try body(chapter) }
    }

    /// ``run(_:arguments:_:)`` for a chapter with options of its own (``ChapterKnobs``): `body`
    /// gets them parsed, and `--help` lists them with the book's values as defaults.
    ///
    /// When any knob (or `--seed`) differs from the book's value, the chapter opens with a note that lists them,
    /// so a reader comparing with the book knows which numbers are their own.
    public static func run<Knobs: ChapterKnobs>(
        _ name: String, knobs: Knobs.Type, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        _ body: (Chapter, Knobs) throws -> Void
    ) -> Never {
        guard let entry = BookContents.chapter(named: name) else {
            fail("chapter '\(name)' is not in BookContents.chapters (\(BookContents.chapters.map(\.name)))")
        }
        ProcessTuning.forTraining()
        let parsed: ChapterArguments<Knobs>
        let book: Knobs
        do {
            parsed = try ChapterArguments<Knobs>.parse(arguments)
            book = try Knobs.parse([])
        } catch {
            let code = ChapterArguments<Knobs>.exitCode(for: error)
            if code == .success {
                print("Chapter \(entry.number): \(entry.title)\n\nUSAGE: swift run \(entry.name) [options]\n")
                print(ChapterArguments<Knobs>.helpMessage(includeHidden: false).split(separator: "\n", omittingEmptySubsequences: false)
                    .drop { !$0.hasPrefix("OPTIONS") && !$0.hasPrefix("THE CHAPTER") }.joined(separator: "\n"))
                exit(0)
            }
            fail(ChapterArguments<Knobs>.message(for: error) + "\nSee 'swift run \(entry.name) --help'.", status: code.rawValue)
        }
        let options = parsed.common
        // Temporary files that an interrupted earlier run left in the figures' directory go first.
        Plotter.removeStaleTemporaryFiles(in: options.plots)
        let chapter = Chapter(entry: entry, options: options, plotter: Plotter(directory: options.plots))
        // The seed is a choice like the knobs: another seed gives other random numbers.
        chapter.knobDifferences = parsed.knobs.differences(from: book)
        if let bookSeed = try? ChapterOptions.parse([]).seed, options.seed != bookSeed {
            chapter.knobDifferences.insert(KnobDifference(flag: "--seed", value: "\(options.seed)", bookValue: "\(bookSeed)"), at: 0)
        }
        chapter.emit(Markdown.heading("Chapter \(entry.number): \(entry.title)", level: 2))
        if !chapter.knobDifferences.isEmpty {
            chapter.emit(
                "> This run's choices differ from the book's: \(chapter.knobDifferences.map(\.description).listed). "
                    + "Every number below, and every sentence built on them, is this run's.\n")
        }
        do {
            try body(chapter, parsed.knobs)
        } catch {
            fail("\(error)")
        }
        if let exercises = chapter.exercisesSection() { chapter.emit(exercises) }
        if let notes = chapter.sourceNotesSection() { chapter.emit(notes) }
        exit(0)
    }

    static func fail(_ message: String, status: Int32 = 1) -> Never {
        fflush(nil)
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        exit(status)
    }

    /// Prints one Markdown block followed by a blank line.
    public func emit(_ block: String) {
        print(block)
    }

    /// A remark about the articles the chapter follows rather than about its subject: a formula
    /// the copy of an article lost, an error in an article and its correction, where an article's
    /// number comes from. The notes are collected and printed together at the chapter's end, under
    /// "Notes on the sources", so that the lesson reads on without them.
    public func sourceNote(_ note: String) {
        sourceNotes.append(note.trimmingTrailingNewlines())
    }

    /// The "Notes on the sources" section: its heading and one list item per note, in the order
    /// they were made; `nil` when there are none.
    func sourceNotesSection() -> String? {
        guard !sourceNotes.isEmpty else { return nil }
        return Markdown.heading("Notes on the sources", level: 3) + "\n" + Markdown.list(sourceNotes)
    }

    /// The "Exercises" section: the chapter's exercises from `BookContents.exercises`, where to
    /// answer them and how to check an answer; `nil` when the chapter has none.
    func exercisesSection() -> String? {
        let exercises = BookContents.exercises(ofChapter: entry.number)
        guard let first = exercises.first else { return nil }
        return Markdown.heading("Exercises", level: 3) + "\n"
            + Markdown.paragraph(
                "Write each answer in `Exercises/\(first.file)`, where each one starts as a stub that compiles and fails "
                    + "its check. `swift run exercises check \(first.id)` checks an answer and shows what was expected beside "
                    + "what came back; `swift run exercises` lists every exercise with its status. Reference answers are in "
                    + "`Solutions/\(first.file)`.") + "\n"
            + Markdown.list(exercises.map { "**\($0.id) \($0.title).** \($0.task) (`\($0.function)`)" })
    }

    /// A section heading (`###`).
    public func section(_ title: String) {
        emit(Markdown.heading(title, level: 3))
    }

    /// A paragraph of prose. Line breaks inside are kept as written (Markdown joins them).
    public func text(_ paragraph: String) {
        emit(Markdown.paragraph(paragraph))
    }

    /// A formula or any fixed-width text, in a code block.
    public func formula(_ text: String) {
        emit(Markdown.code(text))
    }

    /// Swift code, in a code block.
    public func code(_ text: String) {
        emit(Markdown.code(text, language: "swift"))
    }

    /// A bulleted (or numbered) list.
    public func list(_ items: [String], numbered: Bool = false) {
        emit(Markdown.list(items, numbered: numbered))
    }

    /// A table with a header row.
    public func table(_ headers: [String], _ rows: [[String]], alignments: [Markdown.Alignment]? = nil) {
        emit(Markdown.table(headers, rows, alignments: alignments))
    }

    /// Measured times, which differ on every run: printed between the `BookContents.timingsStart`
    /// and `BookContents.timingsEnd` markers, which the drift check skips.
    public func timings(_ block: String) {
        emit(BookContents.timingsStart + "\n" + block.trimmingCharacters(in: .newlines) + "\n" + BookContents.timingsEnd + "\n")
    }

    /// A note to the reader that is not part of the book (e.g. a missing tool), on standard error.
    public func notice(_ message: String) {
        fflush(nil)
        FileHandle.standardError.write(Data("note: \(message)\n".utf8))
    }

    /// Draws `figure` as `<plots>/<chapter>-<figure name>.png` (and its `.gp` script), prints a
    /// Markdown link to it with `caption`, and, unless `--no-terminal-plots`, prints it as text.
    ///
    /// Without gnuplot the script is written, the link printed, and one note says how to install
    /// gnuplot. A gnuplot error is thrown with gnuplot's message and the script's path.
    public func figure(_ figure: Figure, caption: String) throws {
        var figure = figure
        figure.name = "\(entry.name)-\(figure.name)"
        let result = try plotter.draw(figure)
        if !result.rendered && !toldAboutGnuplot {
            toldAboutGnuplot = true
            notice(
                "gnuplot is not installed, so the figures were written as gnuplot scripts (\(plotter.directory)/*.gp) "
                    + "but not drawn. Install it with `sudo apt-get install gnuplot-nox` and run the chapter again.")
        }
        emit(Markdown.image(result.png, caption: caption))
        if !options.noTerminalPlots, let text = try plotter.terminalText(figure) {
            emit(Markdown.code(text))
        }
    }
}

extension Chapter {
    /// Prints the region `marker` of `file` (relative to the package's root; by default this
    /// chapter's own `Chapters/<directory>/main.swift`): a line naming the file and the lines,
    /// then the code (`SourceQuote.markdown`).
    /// - Throws: `SourceQuoteError` naming the file and the marker when the region cannot be
    ///   quoted.
    public func quote(_ marker: String, from file: String? = nil) throws {
        emit(try SourceQuote.read(marker, from: file ?? "Chapters/\(entry.directory)/main.swift").markdown)
    }
}
