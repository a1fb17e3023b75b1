extension BookContents {
    /// The GitHub-style anchor of a heading: lower case, punctuation dropped, spaces as hyphens.
    /// `Chapter 1: Neurons and the perceptron` → `chapter-1-neurons-and-the-perceptron`.
    public static func anchor(_ heading: String) -> String {
        var out = ""
        for c in heading.lowercased() {
            if c.isLetter || c.isNumber || c == "-" || c == "_" { out.append(c) } else if c == " " { out.append("-") }
        }
        return out
    }

    /// The whole book: title, introduction, contents, then each chapter's Markdown as it printed
    /// it (`outputs[i]` is chapter `i`'s standard output).
    public static func assemble(_ outputs: [String]) -> String {
        precondition(outputs.count == chapters.count, "assemble: \(outputs.count) outputs for \(chapters.count) chapters")
        var book = Markdown.heading(title, level: 1) + "\n"
        book += Markdown.paragraph(
            """
            This book is generated: every chapter is a small Swift program (`swift run <chapter>`) that \
            prints its section of the book, computes every number in it, and draws its figures with \
            gnuplot. `swift run book` runs them all in order and writes this file and `plots/`, so the \
            text, the numbers and the figures cannot drift apart. All random numbers come from a seeded \
            generator (`SeededGenerator`, xoshiro256**), so every number here reproduces on any machine.
            """) + "\n"
        book += Markdown.paragraph(
            """
            The figures need gnuplot (`sudo apt-get install gnuplot-nox`); without it the chapters still \
            run and write each figure's gnuplot script beside where its PNG would be.
            """) + "\n"
        book += Markdown.heading("Contents", level: 2) + "\n"
        book += Markdown.list(chapters.map { entry in
            let heading = "Chapter \(entry.number): \(entry.title)"
            return "[\(heading)](#\(anchor(heading))) (`swift run \(entry.name)`)"
        }) + "\n"
        for output in outputs {
            book += output.trimmingTrailingNewlines() + "\n\n"
        }
        return book.trimmingTrailingNewlines() + "\n"
    }
}

extension BookContents {
    /// The line that opens a block of timings: numbers measured on the machine that ran the
    /// chapter, which differ from run to run. ``withoutTimings(_:)`` drops such blocks, so the drift
    /// check (`book --check`) compares everything else byte for byte.
    public static let timingsStart = "<!-- timings: measured when this was generated; they differ on every run and the drift check ignores them -->"
    /// The line that closes a block of timings.
    public static let timingsEnd = "<!-- end of timings -->"

    /// `text` without its timing blocks (from a ``timingsStart`` line to the next ``timingsEnd``
    /// line, both included).
    public static func withoutTimings(_ text: String) -> String {
        var kept: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == timingsStart { inside = true } else if line == timingsEnd && inside { inside = false } else if !inside { kept.append(line) }
        }
        return kept.joined(separator: "\n")
    }
}
