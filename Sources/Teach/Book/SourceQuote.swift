import Foundation

/// A region of a source file, quoted in the book as it is in the file, so that the code on the
/// page is the code that runs: when the region changes and the book is not regenerated, the book
/// check fails.
///
/// A region is marked in the source by two comment lines, each alone on its line (indentation
/// aside), around the lines to quote:
///
///     // book: dense-backward
///     let weightedSumGradient = …
///     …
///     // book: end dense-backward
///
/// A name is lowercase letters, digits and hyphens (`dense-backward`, `optimizer-adam`). Regions
/// may nest or overlap; the marker lines of other regions inside a quoted one are left out of the
/// quote. The quote is the lines between the two markers with their common indentation removed;
/// ``firstLine`` and ``lastLine`` are the file's line numbers (from 1) of its first and last line.
///
/// A chapter quotes with `Chapter.quote(_:from:)` (module `TeachBook`).
public struct SourceQuote: Sendable, Equatable {
    /// The file, as the caller named it (relative to the package's root, e.g.
    /// `Sources/Teach/Layers/Dense.swift`).
    public let file: String
    /// The region's name.
    public let marker: String
    /// The line number (from 1) of the region's first line in the file.
    public let firstLine: Int
    /// The line number of the region's last line.
    public let lastLine: Int
    /// The region's lines, common indentation removed, other regions' marker lines left out.
    public let code: String

    /// The comment that opens and closes a region: `// book: NAME` and `// book: end NAME`.
    public static let markerPrefix = "// book: "

    /// The region `marker` of `text`, the contents of `file` (`file` names it in errors and in
    /// ``markdown``).
    /// - Throws: ``SourceQuoteError`` when the region is missing, opened twice, closed before it
    ///   is opened or never closed, or holds no code; or when any marker in the file is malformed
    ///   (`// book:` followed by anything but a name, or `end` and a name).
    public init(_ marker: String, in text: String, file: String) throws {
        guard Self.isName(marker) else {
            throw SourceQuoteError(file: file, marker: marker, problem: "is not a marker name (lowercase letters, digits and hyphens)")
        }
        // `\r\n` is one Character in Swift, and a newline like `\n`
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var opened: Int?, closed: Int?
        var quoted: [(number: Int, text: String)] = []
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if let (name, isEnd) = try Self.markerLine(line, file: file, line: number) {
                guard name == marker else { continue }
                if isEnd {
                    guard opened != nil else {
                        throw SourceQuoteError(file: file, marker: marker, problem: "is closed on line \(number) before it is opened")
                    }
                    guard closed == nil else {
                        throw SourceQuoteError(file: file, marker: marker, problem: "is closed twice (lines \(closed!) and \(number))")
                    }
                    closed = number
                } else {
                    if let first = opened {
                        throw SourceQuoteError(file: file, marker: marker, problem: "is opened twice (lines \(first) and \(number))")
                    }
                    opened = number
                }
            } else if opened != nil && closed == nil {
                quoted.append((number, line))
            }
        }
        guard let opened else { throw SourceQuoteError(file: file, marker: marker, problem: "is not in the file") }
        guard closed != nil else {
            throw SourceQuoteError(
                file: file, marker: marker,
                problem: "is opened on line \(opened) but never closed (`\(Self.markerPrefix)end \(marker)`)")
        }
        // blank lines at either end are not part of the code
        while let first = quoted.first, first.text.allSatisfy(\.isWhitespace) { quoted.removeFirst() }
        while let last = quoted.last, last.text.allSatisfy(\.isWhitespace) { quoted.removeLast() }
        guard let first = quoted.first, let last = quoted.last else {
            throw SourceQuoteError(file: file, marker: marker, problem: "holds no code (line \(opened))")
        }
        let indentation = quoted.filter { !$0.text.allSatisfy(\.isWhitespace) }
            .map { $0.text.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
        self.file = file
        self.marker = marker
        self.firstLine = first.number
        self.lastLine = last.number
        self.code = quoted.map { $0.text.allSatisfy(\.isWhitespace) ? "" : String($0.text.dropFirst(indentation)) }
            .joined(separator: "\n")
    }

    /// The region `marker` of the file at `path`, relative to `root` (by default the package's
    /// root, ``packageRoot``).
    /// - Throws: ``SourceQuoteError`` when the package's sources cannot be found, the file cannot
    ///   be read, or the region is wrong (see ``init(_:in:file:)``).
    public static func read(_ marker: String, from path: String, root: URL? = nil) throws -> SourceQuote {
        guard let root = root ?? packageRoot else {
            throw SourceQuoteError(
                file: path, marker: marker,
                problem: "cannot be quoted: the package's sources are not where the program was built "
                    + "(no Package.swift above \(sourceFile)); run the chapter from a checkout of the package")
        }
        let url = root.appendingPathComponent(path)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw SourceQuoteError(file: path, marker: marker, problem: "cannot be quoted: there is no readable file \(url.path)")
        }
        return try SourceQuote(marker, in: text, file: path)
    }

    /// The package's root: the nearest directory above this source file that holds
    /// `Package.swift`, found from where the library was compiled, so that it does not depend on
    /// the directory a chapter runs in; `nil` when the sources are no longer there.
    public static var packageRoot: URL? { packageRoot(above: URL(fileURLWithPath: sourceFile)) }

    static let sourceFile = #filePath

    /// The nearest directory above `file` that holds `Package.swift`.
    static func packageRoot(above file: URL) -> URL? {
        var directory = file.deletingLastPathComponent()
        while directory.path != "/" && !directory.path.isEmpty {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// The line and range, then the code, as the book prints them:
    ///
    ///     From `Sources/Teach/Layers/Dense.swift`, lines 115–125:
    ///
    ///     ```swift
    ///     …
    ///     ```
    public var markdown: String {
        let lines = firstLine == lastLine ? "line \(firstLine)" : "lines \(firstLine)–\(lastLine)"
        return Markdown.paragraph("From `\(file)`, \(lines):") + "\n" + Markdown.code(code, language: "swift")
    }

    /// `(name, isEnd)` for a marker line, `nil` for any other line.
    static func markerLine(_ line: String, file: String, line number: Int) throws -> (String, Bool)? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let bare = markerPrefix.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(bare) else { return nil }
        let words = trimmed.dropFirst(bare.count).split(separator: " ").map(String.init)
        switch words.count {
        case 1 where isName(words[0]) && words[0] != "end": return (words[0], false)
        case 2 where words[0] == "end" && isName(words[1]): return (words[1], true)
        default:
            throw SourceQuoteError(
                file: file, marker: nil,
                problem: "has a malformed marker on line \(number): `\(trimmed)` (expected `\(markerPrefix)NAME` or `\(markerPrefix)end NAME`)")
        }
    }

    /// Lowercase letters, digits and hyphens, at least one.
    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// Why a ``SourceQuote`` could not be made; its description names the file and the marker.
public struct SourceQuoteError: Error, Equatable, CustomStringConvertible {
    /// The file, as the quote named it.
    public var file: String
    /// The region's name (`nil` for a malformed marker line, which concerns no one region).
    public var marker: String?
    /// What is wrong, e.g. `is opened twice (lines 12 and 40)`.
    public var problem: String

    public var description: String {
        if let marker { return "\(file): the quoted region `\(marker)` \(problem)" }
        return "\(file) \(problem)"
    }
}
