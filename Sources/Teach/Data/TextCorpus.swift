import Foundation

/// A collection of short texts for a character-level language model, read from a file in the
/// format of BSD `fortune`'s collections: the texts one after another, each followed by a line
/// holding only `%`.
///
///     let corpus = try TextCorpus.load(TextCorpus.source(for: nil))   // Debian's fortunes if installed, else the sample
///     let parts = try corpus.split(seed: 2026)                        // 80% training, 10% validation, 10% test texts
///     let ids = try TextVocabulary.printableASCII.encode(TextCorpus.stream(parts.training))
///     let windows = try EncodedText<Float>(ids, length: 64)           // B×T inputs and targets
///
/// **Splitting.** A line holding only `%` ends a text (lines end with `\n` or `\r\n`). A file without
/// any such line is read as paragraphs: texts separated by blank lines. Leading and trailing
/// blank lines of each text are dropped, and so are texts left empty.
///
/// **Cleaning.** Every text is kept to the characters of ``TextVocabulary/printableASCII`` (the 95
/// printable ASCII characters and the newline): a tab becomes one space (counted in
/// ``tabs``), and any other character (a control character such as the backspace of an old
/// overstrike, or a letter outside ASCII, *é*) is dropped (counted in ``dropped``, in Unicode
/// scalars), so that a chapter can say how much it changed.
public struct TextCorpus: Sendable, Equatable {
    /// Where a corpus comes from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// A file the reader named (`--data FILE`).
        case file(String)
        /// Debian's `fortunes` package, ``TextCorpus/debianPath``.
        case debianFortunes
        /// The copy shipped in the package (``TextCorpus/embeddedSamplePath``).
        case embeddedSample

        /// The file to read.
        public var path: String {
            switch self {
            case .file(let path): path
            case .debianFortunes: TextCorpus.debianPath
            case .embeddedSample: TextCorpus.embeddedSamplePath
            }
        }

        /// Where the texts come from, in a sentence for the book.
        public var description: String {
            switch self {
            case .file(let path): "the file \(path)"
            case .debianFortunes: "Debian's fortunes package (\(TextCorpus.debianPath))"
            case .embeddedSample:
                "the copy shipped in the package (Data/fortunes-small: BSD fortune's `fortunes` collection, from Debian's fortunes package, its BSD licence beside it)"
            }
        }
    }

    /// Where Debian's `fortunes` package installs BSD fortune's `fortunes` collection.
    public static let debianPath = "/usr/share/games/fortunes/fortunes"

    /// The copy shipped in the package (`Data/fortunes-small/fortunes.txt`), found next to the
    /// package's sources.
    public static var embeddedSamplePath: String { TextFile.inPackage("Data/fortunes-small/fortunes.txt") }

    /// A text file's format, as the errors name it.
    static let format = "texts separated by lines holding '%'"

    /// The largest file the reader accepts, in bytes.
    public static let maximumBytes = 64 << 20

    /// The line that ends each text in a fortune file.
    public static let separator = "%"

    /// The texts, in the file's order, cleaned.
    public var texts: [String]
    /// Where they came from.
    public var source: Source
    /// The tabs read as spaces.
    public var tabs: Int
    /// The characters (Unicode scalars) dropped: neither printable ASCII, a newline nor a tab.
    public var dropped: Int

    /// A corpus of `texts` (kept as given: ``parse(_:source:)`` splits and cleans a file).
    public init(texts: [String], source: Source, tabs: Int = 0, dropped: Int = 0) {
        self.texts = texts
        self.source = source
        self.tabs = tabs
        self.dropped = dropped
    }

    /// The characters of all the texts, not counting what ``stream(_:)`` puts between them.
    public var characters: Int { texts.reduce(0) { $0 + $1.utf8.count } }

    /// Chooses the file as the chapters do: `data` when given (`embedded` names the copy shipped in
    /// the package), else Debian's collection when it is installed, else the shipped copy.
    public static func source(for data: String?, fileManager: FileManager = .default) -> Source {
        switch data {
        case "embedded"?: .embeddedSample
        case let path?: .file(path)
        case nil: fileManager.fileExists(atPath: debianPath) ? .debianFortunes : .embeddedSample
        }
    }

    /// Reads, splits and cleans the file at `source`.
    /// - Throws: ``DataFileError`` naming the file when it is missing, a directory, unreadable, or
    ///   as ``parse(_:source:)``.
    public static func load(_ source: Source) throws -> TextCorpus {
        let data = try TextFile.contents(of: source.path, what: "a text file", format: Self.format, example: debianPath)
        return try parse(data, source: source)
    }

    /// The corpus held in `data` (the contents of `source`'s file), split and cleaned.
    /// - Throws: ``DataFileError`` naming `source`'s path when `data` is empty, larger than
    ///   ``maximumBytes``, holds a NUL byte (a binary file), is not UTF-8 text, or holds fewer
    ///   than 3 texts (a training, a validation and a test part need one each).
    public static func parse(_ data: Data, source: Source) throws -> TextCorpus {
        let path = source.path
        let text = try TextFile.text(data, path: path, maximumBytes: maximumBytes, what: "a text file", format: Self.format)
        var tabs = 0, dropped = 0
        let texts = split(text).compactMap { raw -> String? in
            let (clean, replaced, removed) = cleaned(raw)
            tabs += replaced
            dropped += removed
            return trimmingBlankLines(clean)
        }
        guard texts.count >= 3 else {
            throw DataFileError(
                path: path,
                problem: "holds \(texts.count) text\(texts.count == 1 ? "" : "s"); expected at least 3 (separated by lines holding '%', or by blank lines), to split into training, validation and test texts")
        }
        return TextCorpus(texts: texts, source: source, tabs: tabs, dropped: dropped)
    }

    /// The texts of a file: separated by lines holding only `%`, or, when there is no such line,
    /// by blank lines. Not yet cleaned; empty texts are kept (``parse(_:source:)`` drops them).
    static func split(_ text: String) -> [String] {
        // `\r\n` is one Character in Swift, so it is a line end of its own
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
        let isSeparator: (String) -> Bool =
            lines.contains(separator)
            ? { $0 == separator } : { $0.allSatisfy { $0 == " " || $0 == "\t" } }
        var texts: [String] = [], current: [String] = []
        for line in lines {
            if isSeparator(line) {
                texts.append(current.joined(separator: "\n"))
                current = []
            } else {
                current.append(line)
            }
        }
        texts.append(current.joined(separator: "\n"))
        return texts
    }

    /// `text` kept to ``TextVocabulary/printableASCII``: tabs as spaces, other characters dropped;
    /// with how many of each.
    static func cleaned(_ text: String) -> (text: String, tabs: Int, dropped: Int) {
        var scalars = String.UnicodeScalarView(), tabs = 0, dropped = 0
        for scalar in text.unicodeScalars {
            if scalar == "\t" {
                scalars.append(" ")
                tabs += 1
            } else if scalar == "\n" || (0x20...0x7E).contains(scalar.value) {
                scalars.append(scalar)
            } else {
                dropped += 1
            }
        }
        return (String(scalars), tabs, dropped)
    }

    /// `text` without its leading and trailing blank lines, or `nil` when nothing else is left.
    static func trimmingBlankLines(_ text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while let first = lines.first, first.allSatisfy({ $0 == " " }) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy({ $0 == " " }) { lines.removeLast() }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    /// The texts in an order shuffled by `seed`, cut into a training, a validation and a test
    /// part: the first `trainingFraction`, the next `validationFraction`, and the rest (each
    /// rounded down, the test part taking what is left), as ``WordList/split(count:trainingFraction:validationFraction:seed:)``.
    /// Whole texts go to one part, so no held-out text was seen in part.
    /// - Throws: ``InvalidArgument`` for a count outside `3...texts.count`, fractions that are not
    ///   positive or leave no test part, or a part that would be empty.
    public func split(count: Int? = nil, trainingFraction: Double = 0.8, validationFraction: Double = 0.1, seed: UInt64)
        throws -> (training: [String], validation: [String], test: [String])
    {
        try heldOutSplit(
            texts, count: count, trainingFraction: trainingFraction, validationFraction: validationFraction, seed: seed,
            operation: "TextCorpus.split", items: "texts", whole: "the corpus")
    }

    /// `texts` as one stream of characters, as the file holds them: each text followed by a
    /// newline, the separator `%` and a newline, so that a model learns where a text ends.
    public static func stream(_ texts: [String]) -> String {
        texts.map { $0 + "\n" + separator + "\n" }.joined()
    }
}

/// The tokens of a character-level language model over English text: the newline (id 0), then the
/// 95 printable ASCII characters from the space (id 1) to `~` (id 95), in ASCII's order.
public struct TextVocabulary: Sendable, Equatable {
    /// The tokens, by id.
    public let tokens: [Character]

    /// The 96 tokens: `\n`, then ` ` to `~`.
    public static let printableASCII = TextVocabulary()

    init() {
        tokens = ["\n"] + (0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }
    }

    /// How many tokens: 96.
    public var count: Int { tokens.count }

    /// The id of `character`.
    /// - Throws: ``InvalidArgument`` naming the character when it is not a token.
    public func id(of character: Character) throws -> Int {
        if character == "\n" { return 0 }
        guard let ascii = character.asciiValue, (0x20...0x7E).contains(ascii) else {
            throw InvalidArgument(
                "TextVocabulary: '\(character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " "))' is not a token; expected a newline or a printable ASCII character (space to '~')")
        }
        return Int(ascii) - 0x20 + 1
    }

    /// The ids of `text`'s characters.
    /// - Throws: ``InvalidArgument`` for a character that is not a token (``TextCorpus`` cleans
    ///   its texts to the tokens).
    public func encode(_ text: String) throws -> [Int] {
        try text.map { try id(of: $0) }
    }

    /// The text of `ids`.
    /// - Throws: ``InvalidArgument`` for an id outside `0..<count`.
    public func decode(_ ids: [Int]) throws -> String {
        String(try ids.map { id in
            guard tokens.indices.contains(id) else { throw InvalidArgument("TextVocabulary: id \(id) is not a token; expected 0 to \(count - 1)") }
            return tokens[id]
        })
    }

    /// How a token reads in a table: `⏎` for the newline, `␣` for the space, else the character.
    public func displayName(_ id: Int) -> String {
        guard tokens.indices.contains(id) else { return "?" }
        return id == 0 ? "⏎" : id == 1 ? "␣" : String(tokens[id])
    }
}

/// A stream of token ids cut into windows for a causal language model: `B×T` input ids and
/// `B×T` target ids, one window per row, the targets the inputs shifted by one (nanoGPT's
/// `x = data[i:i+T]`, `y = data[i+1:i+T+1]`).
///
/// Window `w` starts at `w·stride`. With `stride == length` every token after the first is a
/// target exactly once, so the mean loss over the targets is the negative log-likelihood per
/// character of the whole stream, each character predicted from the characters before it in its
/// window (at most `T − 1` of them). The last window is padded: its inputs with `padding`, its
/// targets with ``ignoreIndex``, which ``Loss/crossEntropyWithLogits(ignoreIndex:)`` leaves out.
/// A smaller stride makes overlapping windows, more training rows from the same text.
public struct EncodedText<Scalar: MatrixScalar>: Sendable {
    /// `B×T` token ids.
    public var inputs: Matrix<Scalar>
    /// `B×T` token ids: each input's next token, or ``ignoreIndex`` past the stream's end.
    public var targets: Matrix<Scalar>
    /// How many targets are not padding (with overlapping windows, some tokens count more than once).
    public var characters: Int

    /// The target past the stream's end: PyTorch's default `ignore_index`, −100.
    public static var ignoreIndex: Int { -100 }

    /// `T`: the positions of every window.
    public var length: Int { inputs.columns }

    /// `ids` in windows of `length` positions, one every `stride` tokens (by default `length`: no
    /// overlap), the last padded with `padding`.
    /// - Throws: ``InvalidArgument`` for fewer than 2 ids, a negative id, a length below 1, or a
    ///   stride outside `1...length` (a longer one would skip targets).
    public init(_ ids: [Int], length: Int, stride: Int? = nil, padding: Int = 0) throws {
        let stride = stride ?? length
        guard ids.count >= 2 else { throw InvalidArgument("EncodedText: \(ids.count) ids; expected at least 2 (an input and its target)") }
        guard length >= 1 else { throw InvalidArgument("EncodedText: windows of \(length) positions; expected at least 1") }
        guard (1...length).contains(stride) else {
            throw InvalidArgument("EncodedText: stride \(stride); expected 1 to the window's \(length) positions (a longer one skips targets)")
        }
        if let bad = ids.firstIndex(where: { $0 < 0 }) { throw InvalidArgument("EncodedText: id \(ids[bad]) at position \(bad); expected ids ≥ 0") }
        guard padding >= 0 else { throw InvalidArgument("EncodedText: padding id \(padding); expected an id ≥ 0") }
        let starts = Array(Swift.stride(from: 0, to: ids.count - 1, by: stride))
        var inputs = Matrix<Scalar>(rows: starts.count, columns: length)
        var targets = Matrix<Scalar>(rows: starts.count, columns: length)
        var characters = 0
        for (row, start) in starts.enumerated() {
            for t in 0..<length {
                let i = start + t
                inputs[row, t] = Scalar(i < ids.count ? ids[i] : padding)
                if i + 1 < ids.count {
                    targets[row, t] = Scalar(ids[i + 1])
                    characters += 1
                } else {
                    targets[row, t] = Scalar(Self.ignoreIndex)
                }
            }
        }
        self.inputs = inputs
        self.targets = targets
        self.characters = characters
    }
}
