/// Dates written out the ways people write them (`tuesday, 3 march 1998`, `the 3rd of march 1998`),
/// each with its ISO 8601 form (`1998-03-03`): a sequence-to-sequence task generated in code, for
/// an encoder-decoder to learn character by character.
///
/// Every phrase is lowercase letters, digits, spaces and commas. The weekday, where a format names
/// it, is the date's own (Gregorian calendar).
public struct DatePhrase: Sendable, Hashable {
    /// The date as written, `march 3, 1998`.
    public var phrase: String
    /// The date in ISO 8601, `1998-03-03`: always ``DatePhrases/targetLength`` characters.
    public var iso: String
    /// Which of ``DatePhrases/formats`` wrote it.
    public var format: Int
}

/// The generator of ``DatePhrase``s and the characters the encoder-decoder reads and writes.
public enum DatePhrases {
    /// The month names, January first.
    public static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    ]
    /// The weekday names, Monday first.
    public static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The ways a date is written, each shown with 3 March 1998.
    public static let formats = [
        "3 march 1998", "march 3, 1998", "3 mar 1998", "tuesday, 3 march 1998", "the 3rd of march 1998", "march the 3rd, 1998",
    ]

    /// The source characters: id 0 is padding, then space, comma, the digits and `a`–`z`.
    public static let sourceCharacters: [Character] = ["·", " ", ","] + Array("0123456789abcdefghijklmnopqrstuvwxyz")
    /// The target characters: the digits, `-`, and `^`, the start token the decoder reads first.
    public static let targetCharacters: [Character] = Array("0123456789-^")
    /// The id of the start token, `^`.
    public static let startID = 11
    /// The source id of padding.
    public static let paddingID = 0
    /// The characters of every ISO date, `YYYY-MM-DD`.
    public static let targetLength = 10
    /// The longest phrase any format writes (`wednesday, 27 september 2000`, 28 characters).
    public static let longestPhrase = 28

    /// The years dates are drawn from.
    public static let years = 1900...2099

    /// `date` written in format `format` (an index of ``formats``).
    /// - Throws: ``InvalidArgument`` for a format out of range or a day that is not in the month.
    public static func phrase(year: Int, month: Int, day: Int, format: Int) throws -> DatePhrase {
        guard formats.indices.contains(format) else {
            throw InvalidArgument("DatePhrases: format \(format); expected 0..<\(formats.count)")
        }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else {
            throw InvalidArgument("DatePhrases: \(year)-\(month)-\(day) is not a date")
        }
        let name = months[month - 1], short = String(name.prefix(3))
        let weekday = weekdays[dayOfWeek(year: year, month: month, day: day)]
        let text: String
        switch format {
        case 0: text = "\(day) \(name) \(year)"
        case 1: text = "\(name) \(day), \(year)"
        case 2: text = "\(day) \(short) \(year)"
        case 3: text = "\(weekday), \(day) \(name) \(year)"
        case 4: text = "the \(ordinal(day)) of \(name) \(year)"
        default: text = "\(name) the \(ordinal(day)), \(year)"
        }
        func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return DatePhrase(phrase: text, iso: "\(year)-\(twoDigits(month))-\(twoDigits(day))", format: format)
    }

    /// `count` random dates from ``years``, each in a random format.
    public static func random(count: Int, using generator: inout SeededGenerator) -> [DatePhrase] {
        (0..<count).map { _ in
            let year = years.lowerBound + generator.integer(below: years.count)
            let month = 1 + generator.integer(below: 12)
            let day = 1 + generator.integer(below: daysIn(month: month, year: year))
            // the arguments are in range by construction
            return try! phrase(year: year, month: month, day: day, format: generator.integer(below: formats.count))
        }
    }

    /// The days of `month` (1–12) in `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// 0 for Monday … 6 for Sunday (Sakamoto's method).
    static func dayOfWeek(year: Int, month: Int, day: Int) -> Int {
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        let sunday0 = (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
        return (sunday0 + 6) % 7
    }

    /// `1st`, `2nd`, `3rd`, `4th`, … `11th`, `12th`, `13th`, … `21st`.
    static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th"
        return "\(n)\(suffix)"
    }

    /// The phrases as source ids, one row each, padded on the left to `length` characters (so the
    /// encoder's last step is the phrase's last character).
    /// - Throws: ``InvalidArgument`` for a phrase longer than `length` or a character outside
    ///   ``sourceCharacters``.
    public static func sources<Scalar: MatrixScalar>(_ phrases: [DatePhrase], length: Int = longestPhrase) throws -> Matrix<Scalar> {
        var ids = Matrix<Scalar>(rows: phrases.count, columns: length)
        for (r, phrase) in phrases.enumerated() {
            let characters = Array(phrase.phrase)
            guard characters.count <= length else {
                throw InvalidArgument("DatePhrases: \"\(phrase.phrase)\" has \(characters.count) characters; expected at most \(length)")
            }
            for (i, character) in characters.enumerated() {
                guard let id = sourceCharacters.firstIndex(of: character), id != paddingID else {
                    throw InvalidArgument("DatePhrases: \"\(character)\" in \"\(phrase.phrase)\" is not a source character")
                }
                ids[r, length - characters.count + i] = Scalar(id)
            }
        }
        return ids
    }

    /// The ISO dates as target ids (`B×10`), and the decoder's inputs: the same shifted right one
    /// place behind the start token (teacher forcing).
    public static func targets<Scalar: MatrixScalar>(_ phrases: [DatePhrase]) -> (decoderInputs: Matrix<Scalar>, targets: Matrix<Scalar>) {
        var targets = Matrix<Scalar>(rows: phrases.count, columns: targetLength)
        for (r, phrase) in phrases.enumerated() {
            for (i, character) in phrase.iso.enumerated() { targets[r, i] = Scalar(targetCharacters.firstIndex(of: character)!) }
        }
        let inputs = Matrix<Scalar>(rows: phrases.count, columns: targetLength) { r, c in c == 0 ? Scalar(startID) : targets[r, c - 1] }
        return (inputs, targets)
    }

    /// Target ids as text: `[1, 9, 9, 8, 10, …]` → `1998-…`.
    public static func text(ofTarget ids: [Int]) -> String {
        String(ids.map { targetCharacters.indices.contains($0) ? targetCharacters[$0] : "?" })
    }
}
