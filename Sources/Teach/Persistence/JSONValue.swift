/// A JSON value, with a strict parser and a compact writer, for the header of a safetensors file
/// and the architecture a model file keeps in it.
///
/// The parser follows RFC 8259 and refuses what a file header should never hold: duplicate keys in
/// an object, nesting deeper than ``maximumDepth`` (so a header of a million `[` cannot exhaust the
/// stack), invalid UTF-8, lone surrogates, control characters inside strings and anything after the
/// value but whitespace. Numbers without a fraction or exponent that fit an `Int` stay exact
/// integers; other numbers become `Double`s.
///
/// The writer is compact (no spaces) and keeps each object's members in the order given, so the
/// same value always gives the same bytes. Strings are escaped as `serde_json` (which the reference
/// safetensors implementation uses) escapes them: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other
/// control characters as `\u00XX`, everything else as plain UTF-8.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in file order (keys are unique).
    case object([JSONMember])

    /// How deeply arrays and objects may nest.
    static let maximumDepth = 64

    /// The value of `key`, if this is an object that has it.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The value as JSON text when it is short (a number, `true`), else its ``kind``: for error messages.
    var summary: String {
        switch self {
        case .null, .bool, .integer, .number: (try? encoded()) ?? kind
        case .string(let text) where text.count <= 40: (try? encoded()) ?? kind
        default: kind
        }
    }

    /// A name for the kind of value, for error messages: `a string`, `an array`, …
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` member of a JSON object.
struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSONValue

    init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// Text that is not valid JSON: what was wrong and at which byte (counted from 0).
struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    var problem: String
    var offset: Int

    var description: String { "\(problem) at byte \(offset)" }
}

// MARK: - Parsing

extension JSONValue {
    /// Parses `bytes` (UTF-8) as one JSON value, surrounded by nothing but whitespace.
    /// - Throws: ``JSONSyntaxError`` naming the problem and its byte offset.
    init(parsing bytes: some Collection<UInt8>) throws {
        var parser = JSONParser(bytes: Array(bytes))
        self = try parser.parseDocument()
    }
}

/// A recursive-descent parser over UTF-8 bytes.
private struct JSONParser {
    let bytes: [UInt8]
    var position = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ problem: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(problem: problem, offset: offset ?? position)
    }

    /// The byte at the current position, if any.
    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected \(describe(bytes[position])) after the end of the JSON value") }
        return value
    }

    func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    mutating func parseValue() throws -> JSONValue {
        guard let byte = current else { throw error("unexpected end of the text: a value was expected") }
        switch byte {
        case UInt8(ascii: "{"): return try nested { try $0.parseObject() }
        case UInt8(ascii: "["): return try nested { try $0.parseArray() }
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected \(describe(byte)): a value was expected")
        }
    }

    mutating func nested(_ parse: (inout JSONParser) throws -> JSONValue) throws -> JSONValue {
        depth += 1
        defer { depth -= 1 }
        guard depth <= JSONValue.maximumDepth else { throw error("arrays and objects nest deeper than \(JSONValue.maximumDepth) levels") }
        return try parse(&self)
    }

    mutating func expectWord(_ word: StaticString) throws {
        let start = position
        for expected in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) {
            guard current == expected else { throw error("invalid literal (expected \(word))", at: start) }
            position += 1
        }
    }

    mutating func expect(_ character: Unicode.Scalar, _ context: String) throws {
        guard current == UInt8(ascii: character) else {
            throw error(current.map { "unexpected \(describe($0)): expected '\(character)' \(context)" } ?? "unexpected end of the text: expected '\(character)' \(context)")
        }
        position += 1
    }

    mutating func parseObject() throws -> JSONValue {
        position += 1  // {
        var members: [JSONMember] = []
        var keys = Set<String>()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            let keyStart = position
            guard current == UInt8(ascii: "\"") else {
                throw error(current.map { "unexpected \(describe($0)): an object key (a string) was expected" } ?? "unexpected end of the text inside an object")
            }
            let key = try parseString()
            guard keys.insert(key).inserted else { throw error("duplicate key \"\(key)\" in an object", at: keyStart) }
            skipWhitespace()
            try expect(":", "after the key \"\(key)\"")
            skipWhitespace()
            members.append(JSONMember(key, try parseValue()))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect("}", "or ',' in an object")
            return .object(members)
        }
    }

    mutating func parseArray() throws -> JSONValue {
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect("]", "or ',' in an array")
            return .array(elements)
        }
    }

    mutating func parseNumber() throws -> JSONValue {
        let start = position
        var isInteger = true
        if current == UInt8(ascii: "-") { position += 1 }
        func digits(_ parser: inout JSONParser) -> Int {
            var count = 0
            while let byte = parser.current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                parser.position += 1
                count += 1
            }
            return count
        }
        let integerStart = position
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw error("a number needs digits", at: start) }
        guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw error("a number cannot start with 0", at: start) }
        if current == UInt8(ascii: ".") {
            position += 1
            isInteger = false
            guard digits(&self) > 0 else { throw error("a number needs digits after its decimal point", at: start) }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            isInteger = false
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw error("a number needs digits in its exponent", at: start) }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int(text) { return .integer(integer) }
        guard let number = Double(text), number.isFinite else { throw error("the number \(text) is out of range", at: start) }
        return .number(number)
    }

    mutating func parseHexQuad() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let digit: UInt8
            switch current {
            case .some(let byte) where byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case .some(let byte) where byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case .some(let byte) where byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("\\u needs four hexadecimal digits")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    mutating func parseString() throws -> String {
        let start = position
        position += 1  // "
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw error("unterminated string", at: start) }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: utf8, as: UTF8.self) else { throw error("a string is not valid UTF-8", at: start) }
                return string
            case UInt8(ascii: "\\"):
                guard let escape = current else { throw error("unterminated string", at: start) }
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHexQuad()
                    if (0xD800..<0xDC00).contains(code) {
                        guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("a lone UTF-16 surrogate in a \\u escape")
                        }
                        position += 2
                        let low = try parseHexQuad()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("a lone UTF-16 surrogate in a \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("a lone UTF-16 surrogate in a \\u escape") }
                    utf8.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    throw error("invalid escape \\\(Character(Unicode.Scalar(escape)))", at: position - 2)
                }
            case 0..<0x20:
                throw error("a control character (0x\(String(byte, radix: 16, uppercase: true))) inside a string must be escaped", at: position - 1)
            default:
                utf8.append(byte)
            }
        }
    }
}

// MARK: - Writing

extension JSONValue {
    /// The value as compact JSON text.
    /// - Throws: ``InvalidArgument`` for a number that is not finite (JSON has no NaN or infinity).
    func encoded() throws -> String {
        var text = ""
        try write(to: &text)
        return text
    }

    func write(to text: inout String) throws {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .integer(let value): text += String(value)
        case .number(let value):
            guard value.isFinite else { throw InvalidArgument("JSON: the number \(value) cannot be written (JSON numbers are finite)") }
            // Swift's description is the shortest text that reads back as the same Double
            // ("0.1", "1e-05", "100.0"), and every such text is a JSON number.
            text += value.description
        case .string(let value): Self.writeString(value, to: &text)
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                try element.write(to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += "," }
                Self.writeString(member.key, to: &text)
                text += ":"
                try member.value.write(to: &text)
            }
            text += "}"
        }
    }

    static func writeString(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
