import ExerciseChecks
import Exercises
import Foundation
import Solutions
import Teach
import Testing

@Suite struct ExerciseCheckTests {
    @Test func everyExerciseHasACheckAndEveryCheckAnExercise() {
        let ids = BookContents.exercises.map(\.id)
        #expect(Set(ids).count == ids.count, "an id is used twice")
        #expect(Set(ids) == ExerciseCatalogue.checkedIDs)
        for entry in BookContents.exercises {
            #expect(entry.id.hasPrefix("\(entry.chapter)."), "\(entry.id) is filed under chapter \(entry.chapter)")
        }
    }

    @Test func everyChapterHasTwoToFourExercises() {
        for chapter in BookContents.chapters {
            let count = BookContents.exercises(ofChapter: chapter.number).count
            #expect((2...4).contains(count), "chapter \(chapter.number) has \(count) exercises")
        }
    }

    @Test(arguments: BookContents.exercises.map(\.id))
    func theReferenceAnswerPasses(_ id: String) throws {
        let report = try #require(ExerciseCatalogue.check(id, answers: ReferenceAnswers.self))
        #expect(report.passed, "\(id): \(report.text)")
        #expect(report.summary.hasPrefix("Passed"))
    }

    /// A stub compiles and returns something plausible, so a check that passes it would pass a
    /// reader who has done nothing. Only the stubs as shipped are checked: a file of Exercises/
    /// that differs from git's HEAD holds the reader's own answers.
    @Test(arguments: BookContents.exercises.map(\.id))
    func anUntouchedStubFailsWithItsEvidence(_ id: String) throws {
        let entry = try #require(ExerciseCatalogue.entry(id))
        // Your own answers in Exercises/ are not stubs: their file is left out (CI checks a clean clone).
        guard Self.isAsShipped("Exercises/\(entry.file)") else { return }
        let report = try #require(ExerciseCatalogue.check(id, answers: MyAnswers.self))
        #expect(!report.passed, "\(id)'s stub passes its check: \(report.text)")
        #expect(report.summary.hasPrefix("Not yet"))
        #expect(report.rows.contains { $0.last == "✗" } || report.summary.contains("\n- "), "\(id) does not show what is wrong: \(report.text)")
    }

    @Test func unknownExercisesHaveNoCheck() {
        #expect(ExerciseCatalogue.check("4.9", answers: ReferenceAnswers.self) == nil)
        #expect(ExerciseCatalogue.entry("0.1") == nil)
    }

    @Test func aWrongGradientShowsTheGradientChecksTable() throws {
        guard Self.isAsShipped("Exercises/04-backprop.swift") else { return }
        let report = try #require(ExerciseCatalogue.check("4.3", answers: MyAnswers.self))
        #expect(report.headers == ["parameter", "expected", "yours", ""])
        // 4×2 weights, 2 biases and 3×4 inputs, each compared with its central difference.
        #expect(report.rows.count == 8 + 2 + 12)
        #expect(report.rows.first?.first == "∂E/∂W[0, 0]")
        #expect(report.text.contains("| ∂E/∂X[2, 3] |"))
    }

    @Test func everyExerciseIsInItsChaptersFileWithItsFunction() throws {
        for entry in BookContents.exercises {
            for folder in ["Exercises", "Solutions"] {
                let source = try String(contentsOf: Self.packageRoot.appendingPathComponent("\(folder)/\(entry.file)"), encoding: .utf8)
                let name = String(entry.function.prefix { $0 != "(" })
                #expect(source.contains("static func \(name)("), "\(folder)/\(entry.file) has no \(name)")
            }
        }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether `path` is as git's HEAD has it (true when git or the repository is not there: the
    /// files are then as shipped).
    static func isAsShipped(_ path: String) -> Bool {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", packageRoot.path, "diff", "--quiet", "HEAD", "--", path]
        git.standardOutput = FileHandle.nullDevice
        git.standardError = FileHandle.nullDevice
        guard (try? git.run()) != nil else { return true }
        git.waitUntilExit()
        return git.terminationStatus != 1
    }
}
