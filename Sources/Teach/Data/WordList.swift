import Foundation

/// A list of words for a character-level language model (makemore's `names.txt`): read from a
/// file of one word per line, cleaned to the words of lowercase letters `a`–`z` only, each kept
/// once.
///
///     let list = try WordList.load(WordList.source(for: nil))   // wamerican if installed, else the sample
///     let parts = try list.split(count: 4000, seed: 42)          // 80% training, 10% validation, 10% test
///     let batch = try EncodedWords<Float>(parts.training)        // B×T inputs and targets
///
/// **Cleaning.** Each line is trimmed of surrounding white space (so `\r\n` line ends read as
/// `\n`) and empty lines are skipped. A line is kept only when every character is one of the 26
/// lowercase ASCII letters: a capital (`Paris`), an apostrophe (`cat's`), an accent (`café`), a
/// digit, a hyphen or a space inside the line drops it, so that every word is spelt with the
/// 26 letters of ``CharacterVocabulary/lowercase``. A word seen before is dropped too. The counts
/// of both are kept (``dropped``, ``duplicates``) so a chapter can say how much was left out.
public struct WordList: Sendable, Equatable {
    /// Where a word list comes from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// A file the reader named (`--data FILE`, or a directory holding `words.txt`).
        case file(String)
        /// Debian's `wamerican` package, ``WordList/debianPath``.
        case debianWamerican
        /// The 5,000-word sample shipped in the package (``WordList/embeddedSamplePath``).
        case embeddedSample

        /// The file to read.
        public var path: String {
            switch self {
            case .file(let path): path
            case .debianWamerican: WordList.debianPath
            case .embeddedSample: WordList.embeddedSamplePath
            }
        }

        /// Where the words come from, in a sentence for the book.
        public var description: String {
            switch self {
            case .file(let path): "the word list \(path)"
            case .debianWamerican: "Debian's wamerican word list (\(WordList.debianPath))"
            case .embeddedSample:
                "the sample shipped in the package (Data/words-small: 5,000 words drawn at random from Debian's wamerican, SCOWL's licence beside them)"
            }
        }
    }

    /// Where Debian's `wamerican` installs its American English word list.
    public static let debianPath = "/usr/share/dict/american-english"

    /// The 5,000-word sample shipped in the package (`Data/words-small/words.txt`), found next to
    /// the package's sources.
    public static var embeddedSamplePath: String { TextFile.inPackage("Data/words-small/words.txt") }

    /// A word list's format, as the errors name it.
    static let format = "one word per line"

    /// The largest file the reader accepts, in bytes (wamerican's list is about 1 MB).
    public static let maximumBytes = 64 << 20

    /// The words, in the file's order.
    public var words: [String]
    /// Where they came from.
    public var source: Source
    /// The non-empty lines that were not words of lowercase letters `a`–`z` (capitals,
    /// apostrophes, accents, digits, …).
    public var dropped: Int
    /// The lines that repeated a word already kept.
    public var duplicates: Int

    /// A list of `words` (kept as given: ``cleaned(_:source:)`` cleans lines).
    public init(words: [String], source: Source, dropped: Int = 0, duplicates: Int = 0) {
        self.words = words
        self.source = source
        self.dropped = dropped
        self.duplicates = duplicates
    }

    /// Chooses the list as the chapters do: `data` when given (`embedded` names the sample shipped
    /// in the package; a directory means its `words.txt`), else Debian's wamerican list when it is
    /// installed, else the sample.
    public static func source(for data: String?, fileManager: FileManager = .default) -> Source {
        switch data {
        case "embedded"?: return .embeddedSample
        case let path?:
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                return .file((path.hasSuffix("/") ? path : path + "/") + "words.txt")
            }
            return .file(path)
        case nil:
            return fileManager.fileExists(atPath: debianPath) ? .debianWamerican : .embeddedSample
        }
    }

    /// Reads and cleans the list at `source`.
    /// - Throws: ``DataFileError`` naming the file when it is missing, a directory, empty, larger
    ///   than ``maximumBytes``, not UTF-8 text, or holds no word of lowercase letters `a`–`z`.
    public static func load(_ source: Source) throws -> WordList {
        let data = try TextFile.contents(of: source.path, what: "a word list", format: Self.format, example: debianPath)
        return try parse(data, source: source)
    }

    /// Cleans the word list held in `data` (the contents of `source`'s file).
    /// - Throws: ``DataFileError`` naming `source`'s path when `data` is empty, too large, not
    ///   UTF-8 text (or holds a NUL byte, as a binary file does), or holds no word of lowercase
    ///   letters `a`–`z`.
    public static func parse(_ data: Data, source: Source) throws -> WordList {
        let path = source.path
        let text = try TextFile.text(data, path: path, maximumBytes: maximumBytes, what: "a word list", format: Self.format)
        let list = cleaned(text.split(whereSeparator: \.isNewline).map(String.init), source: source)
        guard !list.words.isEmpty else {
            throw DataFileError(
                path: path,
                problem: "holds \(list.dropped) non-empty lines but no word of lowercase letters a–z only (capitals, apostrophes and accents are dropped)")
        }
        return list
    }

    /// The words of `lines`: each trimmed, kept when it is made of lowercase letters `a`–`z` only
    /// and not seen before, in order; the rest counted.
    public static func cleaned(_ lines: [String], source: Source) -> WordList {
        var seen = Set<String>(), words: [String] = [], dropped = 0, duplicates = 0
        for line in lines {
            let word = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if word.isEmpty { continue }
            guard isLowercaseWord(word) else {
                dropped += 1
                continue
            }
            guard seen.insert(word).inserted else {
                duplicates += 1
                continue
            }
            words.append(word)
        }
        return WordList(words: words, source: source, dropped: dropped, duplicates: duplicates)
    }

    /// Whether `word` is one or more of the ASCII letters `a`–`z` and nothing else.
    public static func isLowercaseWord(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    }

    /// `count` of the words (all of them when `nil`) in an order shuffled by `seed`, cut into a
    /// training, a validation and a test part: the first `trainingFraction`, the next
    /// `validationFraction`, and the rest (each rounded down, the test part taking what is left).
    /// The same seed gives the same parts on every machine, and a smaller `count` takes the first
    /// words of the same shuffle. (A file in alphabetical order, as wamerican is, needs the
    /// shuffle: its first thousand words all start with `a`.)
    /// - Throws: ``InvalidArgument`` for a count outside `3...words.count`, fractions that are not
    ///   positive or leave no test part, or a part that would be empty.
    public func split(count: Int? = nil, trainingFraction: Double = 0.8, validationFraction: Double = 0.1, seed: UInt64)
        throws -> (training: [String], validation: [String], test: [String])
    {
        try heldOutSplit(
            words, count: count, trainingFraction: trainingFraction, validationFraction: validationFraction, seed: seed,
            operation: "WordList.split", items: "words", whole: "the list")
    }
}

/// A random `count` of `all` (all of them by default), in an order drawn from `seed`, cut into a
/// training, a validation and a test part: the first two `count × fraction` rounded down, the test
/// part what is left. Shared by ``WordList`` and ``TextCorpus``, whose errors name `operation`,
/// their `items` ("words") and their `whole` ("the list").
/// - Throws: ``InvalidArgument`` for a count outside `3...all.count`, fractions that are not
///   positive or leave no test part, or a part that would be empty.
func heldOutSplit(
    _ all: [String], count: Int?, trainingFraction: Double, validationFraction: Double, seed: UInt64, operation: String, items: String,
    whole: String
) throws -> (training: [String], validation: [String], test: [String]) {
    let count = count ?? all.count
    guard count >= 3, count <= all.count else {
        throw InvalidArgument("\(operation): \(count) \(items) asked for, but \(whole) has \(all.count); expected 3 to \(all.count)")
    }
    guard trainingFraction > 0, validationFraction > 0, trainingFraction + validationFraction < 1 else {
        throw InvalidArgument(
            "\(operation): fractions \(trainingFraction) and \(validationFraction); expected both above 0 and a sum below 1 (the test part is the rest)")
    }
    var generator = SeededGenerator(seed: seed)
    let order = generator.permutation(all.count).prefix(count).map { all[$0] }
    let trainingCount = Int(Double(count) * trainingFraction), validationCount = Int(Double(count) * validationFraction)
    guard trainingCount >= 1, validationCount >= 1, trainingCount + validationCount < count else {
        throw InvalidArgument(
            "\(operation): \(count) \(items) cut \(trainingFraction)/\(validationFraction)/rest leave a part empty; expected more \(items) or larger fractions")
    }
    return (
        Array(order[0..<trainingCount]), Array(order[trainingCount..<(trainingCount + validationCount)]), Array(order[(trainingCount + validationCount)...])
    )
}

/// The tokens of a character-level language model over lowercase words: `.` (id 0), which marks
/// both the start and the end of a word (makemore's convention), then `a`–`z` (ids 1 to 26).
public struct CharacterVocabulary: Sendable, Equatable {
    /// The tokens, by id: `.abcdefghijklmnopqrstuvwxyz`.
    public let tokens: [Character]

    /// The 27 tokens `.`, `a`, …, `z`.
    public static let lowercase = CharacterVocabulary()

    /// The id of `.`, the start and end of every word.
    public static let boundary = 0

    init() {
        tokens = Array(".abcdefghijklmnopqrstuvwxyz")
    }

    /// How many tokens: 27.
    public var count: Int { tokens.count }

    /// The id of `character`.
    /// - Throws: ``InvalidArgument`` naming the character when it is not a token.
    public func id(of character: Character) throws -> Int {
        guard let ascii = character.asciiValue else {
            throw InvalidArgument("CharacterVocabulary: '\(character)' is not a token; expected '.' or a lowercase letter a–z")
        }
        if ascii == UInt8(ascii: ".") { return Self.boundary }
        guard ascii >= UInt8(ascii: "a"), ascii <= UInt8(ascii: "z") else {
            throw InvalidArgument("CharacterVocabulary: '\(character)' is not a token; expected '.' or a lowercase letter a–z")
        }
        return Int(ascii - UInt8(ascii: "a")) + 1
    }

    /// The ids of `word`'s letters (no boundary marks).
    /// - Throws: ``InvalidArgument`` naming the word and character that is not a letter `a`–`z`.
    public func encode(_ word: String) throws -> [Int] {
        try word.map { character in
            let id = try self.id(of: character)
            guard id != Self.boundary else {
                throw InvalidArgument("CharacterVocabulary: the word '\(word)' holds '.', which marks a word's start and end; expected letters a–z")
            }
            return id
        }
    }

    /// The characters of `ids`, `.` for the boundary.
    /// - Throws: ``InvalidArgument`` for an id outside `0..<count`.
    public func decode(_ ids: [Int]) throws -> String {
        String(try ids.map { id in
            guard tokens.indices.contains(id) else { throw InvalidArgument("CharacterVocabulary: id \(id) is not a token; expected 0 to \(count - 1)") }
            return tokens[id]
        })
    }
}

/// Words as a batch for a character-level language model: `B×T` input ids and `B×T` target ids,
/// one word per row, ready for `Embedding` and ``Loss/crossEntropyWithLogits(ignoreIndex:)``.
///
/// Word `w₁…wₙ` is read from the boundary `.` and must predict its letters and then the boundary:
///
///     inputs   .   w₁  w₂  …  wₙ   .    .   …      (padded with the boundary id 0)
///     targets  w₁  w₂  …  wₙ  .   -100 -100 …      (padded with the ignore index)
///
/// so the targets are the inputs shifted by one, and each row has `n + 1` predictions to make:
/// its `n` letters and its end. The padding's targets are ``ignoreIndex`` (PyTorch's default,
/// −100), so the loss counts only the real positions and the mean loss is the negative
/// log-likelihood per character, the end mark counted as a character (makemore's measure).
/// The padding's inputs are the boundary id, a real token, so the embedding accepts them; a
/// causal model's predictions at a word's real positions never see them.
public struct EncodedWords<Scalar: MatrixScalar>: Sendable {
    /// `B×T` token ids: the boundary, then the word's letters, then boundary padding.
    public var inputs: Matrix<Scalar>
    /// `B×T` token ids: the word's letters, the boundary, then ``ignoreIndex``.
    public var targets: Matrix<Scalar>
    /// How many targets are not padding: the characters to predict, letters plus one end per word.
    public var characters: Int

    /// The target of a padding position: PyTorch's default `ignore_index`, −100.
    public static var ignoreIndex: Int { -100 }

    /// `T`: the positions of every row.
    public var length: Int { inputs.columns }

    /// `words` encoded with `vocabulary`, `length` positions per row (by default the longest
    /// word's letters plus one).
    /// - Throws: ``InvalidArgument`` for no words, a word that is not spelt in `vocabulary`, or
    ///   one longer than `length − 1` letters.
    public init(_ words: [String], vocabulary: CharacterVocabulary = .lowercase, length: Int? = nil) throws {
        guard !words.isEmpty else { throw InvalidArgument("EncodedWords: no words to encode") }
        let encoded = try words.map { try vocabulary.encode($0) }
        let longest = encoded.map(\.count).max()!
        let length = length ?? longest + 1
        if let index = encoded.firstIndex(where: { $0.count + 1 > length }) {
            throw InvalidArgument(
                "EncodedWords: the word '\(words[index])' has \(encoded[index].count) letters, but rows of \(length) positions hold at most \(length - 1)")
        }
        var inputs = Matrix<Scalar>(rows: words.count, columns: length)
        var targets = Matrix<Scalar>(rows: words.count, columns: length)
        let boundary = CharacterVocabulary.boundary
        for (row, ids) in encoded.enumerated() {
            for t in 0..<length {
                inputs[row, t] = Scalar(t == 0 ? boundary : t <= ids.count ? ids[t - 1] : boundary)
                targets[row, t] = Scalar(t < ids.count ? ids[t] : t == ids.count ? boundary : Self.ignoreIndex)
            }
        }
        self.inputs = inputs
        self.targets = targets
        self.characters = encoded.reduce(0) { $0 + $1.count + 1 }
    }
}
