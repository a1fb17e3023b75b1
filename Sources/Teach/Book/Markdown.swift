/// Builds the Markdown the chapters print: headings, paragraphs, tables, lists, code and figures.
///
/// Pure functions of their arguments, so the book's text depends on nothing but the numbers.
public enum Markdown {
    /// How a table column is aligned.
    public enum Alignment: Sendable { case left, right, center }

    /// A heading of the given level (`#` is the book's title, `##` a chapter, `###` a section).
    public static func heading(_ text: String, level: Int) -> String {
        String(repeating: "#", count: max(1, min(level, 6))) + " " + text + "\n"
    }

    /// A paragraph: the text with its lines joined as written, followed by a blank line.
    public static func paragraph(_ text: String) -> String {
        text.trimmingTrailingNewlines() + "\n"
    }

    /// A fenced code block.
    public static func code(_ text: String, language: String = "") -> String {
        "```\(language)\n" + text.trimmingTrailingNewlines() + "\n```\n"
    }

    /// A bulleted (or numbered) list.
    public static func list(_ items: [String], numbered: Bool = false) -> String {
        items.enumerated().map { (numbered ? "\($0.offset + 1). " : "- ") + $0.element }.joined(separator: "\n") + "\n"
    }

    /// A table. Cells containing `|` are escaped. Columns default to left alignment for the first
    /// and right alignment for the rest (numbers).
    public static func table(_ headers: [String], _ rows: [[String]], alignments: [Alignment]? = nil) -> String {
        let align = alignments ?? headers.indices.map { $0 == 0 ? .left : .right }
        func line(_ cells: [String]) -> String {
            let padded = headers.indices.map { $0 < cells.count ? cells[$0] : "" }
            return "| " + padded.map { $0.replacingAll("|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        let rule = "|" + headers.indices.map { i -> String in
            switch i < align.count ? align[i] : .left {
            case .left: ":---"
            case .right: "---:"
            case .center: ":---:"
            }
        }.joined(separator: "|") + "|"
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// An image link: `![caption](path)`.
    /// Text blocks (such as matrices from ``Matrix/formatted(places:)``) set next to each other,
    /// line by line, each padded to its widest line plus `gap` spaces; for a code block.
    public static func sideBySide(_ blocks: [String], gap: Int = 4) -> String {
        let columns = blocks.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        let widths = columns.map { $0.map(\.count).max() ?? 0 }
        let height = columns.map(\.count).max() ?? 0
        return (0..<height).map { line in
            let text = columns.enumerated().map { index, column in
                let cell = line < column.count ? column[line] : ""
                return cell + String(repeating: " ", count: widths[index] - cell.count + gap)
            }.joined()
            return String(text.reversed().drop { $0 == " " }.reversed())
        }.joined(separator: "\n")
    }

    /// A figure: the image at `path` (relative to `book.md`, e.g. `plots/descent-mountain.png`) with
    /// `caption` as its alternative text.
    public static func image(_ path: String, caption: String) -> String {
        "![\(caption)](\(path))\n"
    }
}

extension String {
    /// The string without the line breaks at its end; the book's blocks end in exactly one.
    package func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while s.last == "\n" { s = s.dropLast() }
        return String(s)
    }

    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
