import Testing

@testable import Teach

@Suite struct DatePhrasesTests {
    /// 3 March 1998 was a Tuesday: every format as the documentation shows it.
    @Test func everyFormatWritesTheDocumentedExample() throws {
        for format in DatePhrases.formats.indices {
            let date = try DatePhrases.phrase(year: 1998, month: 3, day: 3, format: format)
            #expect(date.phrase == DatePhrases.formats[format])
            #expect(date.iso == "1998-03-03")
        }
        #expect(try DatePhrases.phrase(year: 2000, month: 2, day: 29, format: 4).phrase == "the 29th of february 2000")
        #expect(try DatePhrases.phrase(year: 2021, month: 12, day: 22, format: 5).phrase == "december the 22nd, 2021")
        #expect(try DatePhrases.phrase(year: 1911, month: 11, day: 11, format: 3).phrase == "saturday, 11 november 1911")
        #expect(try DatePhrases.phrase(year: 1970, month: 1, day: 1, format: 3).phrase.hasPrefix("thursday"))
    }

    @Test func refusesDatesThatDoNotExist() {
        #expect(throws: InvalidArgument.self) { try DatePhrases.phrase(year: 1900, month: 2, day: 29, format: 0) }
        #expect(throws: InvalidArgument.self) { try DatePhrases.phrase(year: 2000, month: 13, day: 1, format: 0) }
        #expect(throws: InvalidArgument.self) { try DatePhrases.phrase(year: 2000, month: 1, day: 1, format: 6) }
    }

    /// The longest phrase of a whole year in every format is the documented length.
    @Test func longestPhraseIsTheDocumentedOne() throws {
        var longest = 0
        for format in DatePhrases.formats.indices {
            for month in 1...12 {
                for day in 1...DatePhrases.daysIn(month: month, year: 2000) {
                    longest = max(longest, try DatePhrases.phrase(year: 2000, month: month, day: day, format: format).phrase.count)
                }
            }
        }
        #expect(longest == DatePhrases.longestPhrase)
    }

    @Test func encodingPadsOnTheLeftAndShiftsTheTargets() throws {
        let date = try DatePhrases.phrase(year: 1998, month: 3, day: 3, format: 2)  // "3 mar 1998"
        let sources: Matrix<Double> = try DatePhrases.sources([date], length: 12)
        #expect(sources.elements.prefix(2) == [0, 0])
        #expect(sources[0, 2] == Double(DatePhrases.sourceCharacters.firstIndex(of: "3")!))
        #expect(sources[0, 11] == Double(DatePhrases.sourceCharacters.firstIndex(of: "8")!))
        let (inputs, targets): (Matrix<Double>, Matrix<Double>) = DatePhrases.targets([date])
        #expect(DatePhrases.text(ofTarget: targets.elements.map { Int($0) }) == "1998-03-03")
        #expect(inputs[0, 0] == Double(DatePhrases.startID))
        #expect(Array(inputs.elements.dropFirst()) == Array(targets.elements.dropLast()))
        #expect(throws: InvalidArgument.self) { let _: Matrix<Double> = try DatePhrases.sources([date], length: 9) }
        #expect(throws: InvalidArgument.self) {
            let _: Matrix<Double> = try DatePhrases.sources([DatePhrase(phrase: "3 März 1998", iso: "1998-03-03", format: 0)])
        }
    }

    @Test func randomDatesAreSeededAndValid() throws {
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        let first = DatePhrases.random(count: 200, using: &a)
        #expect(first == DatePhrases.random(count: 200, using: &b))
        #expect(Set(first.map(\.format)).count == DatePhrases.formats.count)
        for date in first {
            #expect(date.iso.count == DatePhrases.targetLength)
            #expect(date.phrase.count <= DatePhrases.longestPhrase)
            #expect(DatePhrases.years.contains(Int(date.iso.prefix(4))!))
        }
    }
}
