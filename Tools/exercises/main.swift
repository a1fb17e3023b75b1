// `swift run exercises`: the book's exercises, and checks of the reader's answers in Exercises/.
import ArgumentParser
import ExerciseChecks
import Exercises
import Foundation
import Solutions
import Teach

struct ExercisesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercises",
        abstract: "The book's exercises: list them, read one, check your answer.",
        discussion: """
            Your answers go in Exercises/ (one file per chapter, each exercise a function that starts \
            as a stub); the reference answers are in Solutions/.
            """,
        subcommands: [List.self, Show.self, Check.self], defaultSubcommand: List.self)
}

/// `--reference` checks the reference answers instead of yours.
struct WhoseAnswers: ParsableArguments {
    @Flag(help: "Check the reference answers in Solutions/ instead of yours.")
    var reference = false

    var answers: any ExerciseAnswers.Type { reference ? ReferenceAnswers.self : MyAnswers.self }
    var folder: String { reference ? "Solutions" : "Exercises" }
}

/// The exercise `id`, or a validation error that lists the ids.
func exercise(_ id: String) throws -> ExerciseEntry {
    guard let entry = ExerciseCatalogue.entry(id) else {
        throw ValidationError("no exercise \(id); the exercises are \(BookContents.exercises.map(\.id).joined(separator: ", "))")
    }
    return entry
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every exercise, and whether the answer passes its check (the default).")
    @OptionGroup var whose: WhoseAnswers

    func run() {
        var passed = 0
        for entry in BookContents.exercises {
            let report = ExerciseCatalogue.check(entry.id, answers: whose.answers)!
            if report.passed { passed += 1 }
            let status = report.passed ? "✓ passes" : "· not yet"
            print("\(entry.id.padding(toLength: 5, withPad: " ", startingAt: 0)) \(status)   \(entry.title)  (\(whose.folder)/\(entry.file))")
        }
        print("\n\(passed) of \(BookContents.exercises.count) pass. Read one with `swift run exercises show 4.1`, check it with `swift run exercises check 4.1`.")
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "What an exercise asks, and where to write the answer.")
    @Argument(help: "The exercise, e.g. 4.1.") var id: String

    func validate() throws { _ = try exercise(id) }

    func run() throws {
        let entry = try exercise(id)
        let chapter = BookContents.chapters.first { $0.number == entry.chapter }!
        print("Exercise \(entry.id): \(entry.title) (chapter \(chapter.number), \(chapter.title))\n")
        print(entry.task + "\n")
        print("Write it as `MyAnswers.\(entry.function)` in Exercises/\(entry.file); check it with `swift run exercises check \(entry.id)`.")
        print("Stuck? The reference answer is `ReferenceAnswers.\(entry.function)` in Solutions/\(entry.file).")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Checks answers: what was expected beside what came back. Exits with 1 when one does not pass.")
    @Argument(help: "The exercises to check, e.g. 4.1 4.2 (all of them when none is given).") var ids: [String] = []
    @OptionGroup var whose: WhoseAnswers

    func validate() throws { for id in ids { _ = try exercise(id) } }

    func run() throws {
        let entries = ids.isEmpty ? BookContents.exercises : try ids.map(exercise)
        var failed = 0
        for entry in entries {
            let report = ExerciseCatalogue.check(entry.id, answers: whose.answers)!
            print("## \(entry.id) \(entry.title) (\(whose.folder)/\(entry.file), `\(entry.function)`)\n")
            print(report.text + "\n")
            if !report.passed { failed += 1 }
        }
        if entries.count > 1 { print("\(entries.count - failed) of \(entries.count) pass.") }
        if failed > 0 { throw ExitCode(1) }
    }
}

ExercisesCommand.main()
