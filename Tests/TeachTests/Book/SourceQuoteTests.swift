import Foundation
import Testing

@testable import Teach

@Suite struct SourceQuoteTests {
    static let sample = """
        struct Layer {
            // book: forward
            func forward(_ x: Int) -> Int {
                // book: inner
                let y = x + 1

                return y * 2
                // book: end inner
            }
            // book: end forward
        }
        """

    func error(_ marker: String, in text: String) -> SourceQuoteError? {
        do {
            _ = try SourceQuote(marker, in: text, file: "Sample.swift")
            return nil
        } catch let error as SourceQuoteError {
            return error
        } catch {
            return nil
        }
    }

    @Test func aRegionLosesItsCommonIndentationAndTheInnerMarkers() throws {
        let quote = try SourceQuote("forward", in: Self.sample, file: "Sample.swift")
        #expect(quote.firstLine == 3 && quote.lastLine == 9)
        #expect(
            quote.code == """
                func forward(_ x: Int) -> Int {
                    let y = x + 1

                    return y * 2
                }
                """)
        let inner = try SourceQuote("inner", in: Self.sample, file: "Sample.swift")
        #expect(inner.firstLine == 5 && inner.lastLine == 7)
        #expect(inner.code == "let y = x + 1\n\nreturn y * 2")
    }

    @Test func theMarkdownNamesTheFileAndTheLines() throws {
        let quote = try SourceQuote("inner", in: Self.sample, file: "Sources/Sample.swift")
        #expect(quote.markdown == "From `Sources/Sample.swift`, lines 5–7:\n\n```swift\nlet y = x + 1\n\nreturn y * 2\n```\n")
        let one = try SourceQuote("one", in: "// book: one\n  x += 1\n// book: end one\n", file: "A.swift")
        #expect(one.markdown.hasPrefix("From `A.swift`, line 2:\n"))
    }

    @Test func tabsAndWindowsLineEndingsAreHandled() throws {
        let quote = try SourceQuote("t", in: "\t// book: t\r\n\t\tlet a = 1\r\n\t\t\tlet b = 2\r\n\t// book: end t\r\n", file: "T.swift")
        #expect(quote.code == "let a = 1\n\tlet b = 2")
    }

    @Test func everyMistakeIsAnErrorNamingTheFileAndTheMarker() {
        let missing = error("backward", in: Self.sample)
        #expect(missing?.description == "Sample.swift: the quoted region `backward` is not in the file")
        let twice = error("a", in: "// book: a\nx\n// book: end a\n// book: a\ny\n// book: end a\n")
        #expect(twice?.description == "Sample.swift: the quoted region `a` is opened twice (lines 1 and 4)")
        let unclosed = error("a", in: "// book: a\nx\n")
        #expect(unclosed?.description == "Sample.swift: the quoted region `a` is opened on line 1 but never closed (`// book: end a`)")
        let early = error("a", in: "// book: end a\n// book: a\nx\n")
        #expect(early?.description == "Sample.swift: the quoted region `a` is closed on line 1 before it is opened")
        let closedTwice = error("a", in: "// book: a\nx\n// book: end a\n// book: end a\n")
        #expect(closedTwice?.description == "Sample.swift: the quoted region `a` is closed twice (lines 3 and 4)")
        let empty = error("a", in: "// book: a\n   \n// book: b\n// book: end b\n// book: end a\n")
        #expect(empty?.description == "Sample.swift: the quoted region `a` holds no code (line 1)")
        let malformed = error("a", in: "// book: a\nx\n// book: end of a\n")
        #expect(malformed?.description == "Sample.swift has a malformed marker on line 3: `// book: end of a` (expected `// book: NAME` or `// book: end NAME`)")
        let badName = error("Dense Forward", in: Self.sample)
        #expect(badName?.marker == "Dense Forward" && badName?.description.contains("is not a marker name") == true)
    }

    @Test func aMissingFileOrMissingSourcesAreClearErrors() throws {
        let directory = try ProgramRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: SourceQuoteError.self) { try SourceQuote.read("a", from: "Nowhere.swift", root: directory) }
        do {
            _ = try SourceQuote.read("a", from: "Nowhere.swift", root: directory)
        } catch let error as SourceQuoteError {
            #expect(error.file == "Nowhere.swift" && error.marker == "a")
            #expect(error.description.contains("there is no readable file \(directory.appendingPathComponent("Nowhere.swift").path)"))
        }
        // no Package.swift above a temporary file: the sources of a moved program are not found
        let file = directory.appendingPathComponent("Sources/Teach/Book/SourceQuote.swift")
        #expect(SourceQuote.packageRoot(above: file) == nil)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: directory.appendingPathComponent("Package.swift"))
        #expect(SourceQuote.packageRoot(above: file)?.standardizedFileURL.path == directory.standardizedFileURL.path)
    }

    @Test func thePackageRootIsFoundFromTheLibrarysOwnSource() throws {
        let root = try #require(SourceQuote.packageRoot)
        #expect(root.standardizedFileURL.path == ProgramRunner.packageRoot.standardizedFileURL.path)
    }

    /// Every region marked anywhere in the package parses, and every one is quoted in the
    /// committed book exactly as the source has it now: a quote that drifted from its source, or a
    /// marker no chapter uses, fails here as well as in the book check.
    @Test func everyMarkedRegionResolvesAndIsInTheBook() throws {
        let root = ProgramRunner.packageRoot
        let book = try String(contentsOf: root.appendingPathComponent("book.md"), encoding: .utf8)
        var regions = 0
        for directory in ["Sources/Teach", "Chapters"] {
            let files = FileManager.default.enumerator(atPath: root.appendingPathComponent(directory).path)!
                .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
            for file in files {
                let path = "\(directory)/\(file)"
                let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
                let names = text.split(separator: "\n").compactMap { line -> String? in
                    let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
                    return words.count == 3 && words[0] == "//" && words[1] == "book:" ? String(words[2]) : nil
                }
                for name in names {
                    let quote = try SourceQuote.read(name, from: path)
                    #expect(book.contains(quote.markdown), "\(path): region `\(name)` is not in book.md as it is now (run ./run-book)")
                    regions += 1
                }
            }
        }
        #expect(regions >= 15)
    }

    /// The point of quoting: editing a quoted region (in a temporary copy) changes what the book
    /// prints, and moving it moves the line numbers.
    @Test func editingTheSourceChangesTheQuote() throws {
        let path = "Sources/Teach/Layers/Dense.swift"
        let original = try String(contentsOf: ProgramRunner.packageRoot.appendingPathComponent(path), encoding: .utf8)
        let directory = try ProgramRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try original.write(to: copy, atomically: true, encoding: .utf8)
        let before = try SourceQuote.read("dense-backward", from: path, root: directory)
        #expect(before == (try SourceQuote.read("dense-backward", from: path)))
        #expect(before.code.contains("trace.input.transposedMatmul(weightedSumGradient)"))

        let edited = original.replacingOccurrences(
            of: "trace.input.transposedMatmul(weightedSumGradient)", with: "weightedSumGradient.transposedMatmul(trace.input)")
        try ("// a line above\n" + edited).write(to: copy, atomically: true, encoding: .utf8)
        let after = try SourceQuote.read("dense-backward", from: path, root: directory)
        #expect(after.markdown != before.markdown)
        #expect(after.code.contains("weightedSumGradient.transposedMatmul(trace.input)"))
        #expect(after.firstLine == before.firstLine + 1 && after.lastLine == before.lastLine + 1)
    }

    /// A chapter finds the sources from where the library was built, not from where it runs.
    @Test func aChapterQuotesFromAnyWorkingDirectory() throws {
        let directory = try ProgramRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try ProgramRunner.run("backprop", ["--plots", "figures", "--no-terminal-plots", "--quick"], in: directory)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("From `Sources/Teach/Layers/Dense.swift`, lines "))
        #expect(result.output.contains("From `Sources/Teach/Learning/ComputationGraph.swift`, lines "))
    }
}
