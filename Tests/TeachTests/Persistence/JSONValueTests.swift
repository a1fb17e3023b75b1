import Testing

@testable import Teach

extension PersistenceTests {
    @Suite struct JSONValueTests {
        @Test func parsesWhatTheHeaderNeeds() throws {
            let value = try JSONValue(parsing: Array(#" {"a": [1, -2, 3.5, 1e-05, true, false, null], "b\u00e9\n\ud83d\ude00": "x\"y"} "#.utf8))
            #expect(value["a"] == .array([.integer(1), .integer(-2), .number(3.5), .number(1e-5), .bool(true), .bool(false), .null]))
            #expect(value["bé\n😀"] == .string("x\"y"))
            #expect(try JSONValue(parsing: Array("18446744073709551616".utf8)) == .number(18_446_744_073_709_551_616))
        }

        @Test func refusesWhatIsNotJSON() throws {
            for text in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\x\"", "\"\u{01}\"", "\"\\ud800\"", "tru", "1e999", "{\"a\":1,\"a\":2}", "{} {}"] {
                #expect(throws: JSONSyntaxError.self, "\(text)") { try JSONValue(parsing: Array(text.utf8)) }
            }
        }

        @Test func writesCompactTextThatReadsBack() throws {
            let value = JSONValue.object([
                JSONMember("z", .array([.integer(-3), .number(0.1), .number(1e-5), .number(100), .bool(true), .null])),
                JSONMember("a", .string("tab\tquote\"backslash\\\u{01}é")),
            ])
            let text = try value.encoded()
            #expect(text == #"{"z":[-3,0.1,1e-05,100.0,true,null],"a":"tab\tquote\"backslash\\\u0001é"}"#)
            #expect(try JSONValue(parsing: Array(text.utf8)) == value)
            #expect(throws: InvalidArgument.self) { try JSONValue.number(.nan).encoded() }
        }
    }
}
