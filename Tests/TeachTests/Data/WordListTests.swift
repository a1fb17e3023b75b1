import Foundation
import Testing

@testable import Teach

@Suite struct WordListTests {
    let scratch = ScratchDirectory("word-list-tests")
    var directory: String { scratch.path }

    func write(_ bytes: [UInt8], name: String) throws -> String { try scratch.write(bytes, name: name) }

    @Test func cleaningKeepsLowercaseWordsOnceAndCountsTheRest() throws {
        let text = "emma\r\nOlivia\n\n  ava  \ncat's\ncafé\nemma\nx2\nwell-known\nsophia\n"
        let list = try WordList.parse(Data(text.utf8), source: .file("test"))
        #expect(list.words == ["emma", "ava", "sophia"])
        #expect(list.dropped == 5)  // Olivia, cat's, café, x2, well-known
        #expect(list.duplicates == 1)
        #expect(WordList.isLowercaseWord("abc"))
        #expect(!WordList.isLowercaseWord(""))
        #expect(!WordList.isLowercaseWord("naïve"))
    }

    @Test func readsAFileAndADirectoryHoldingWordsTxt() throws {
        let path = try write(Array("one\ntwo\nthree\n".utf8), name: "words.txt")
        #expect(try WordList.load(.file(path)).words == ["one", "two", "three"])
        #expect(WordList.source(for: directory) == .file(directory + "/words.txt"))
        #expect(WordList.source(for: path) == .file(path))
        #expect(WordList.source(for: "embedded") == .embeddedSample)
    }

    @Test func badFilesAreErrorsThatNameTheFileAndTheProblem() throws {
        func expectProblem(_ source: WordList.Source, _ fragment: String) {
            let error = #expect(throws: DataFileError.self) { try WordList.load(source) }
            #expect(error?.path == source.path)
            #expect(error?.problem.contains(fragment) == true, "\(error?.description ?? "no error")")
        }
        expectProblem(.file("\(directory)/missing.txt"), "no such file")
        expectProblem(.file(directory), "is a directory")
        expectProblem(.file(try write([], name: "empty.txt")), "is empty")
        expectProblem(.file(try write([0x1f, 0x8b, 0x08, 0x00, 0x41], name: "binary.gz")), "NUL byte")
        expectProblem(.file(try write([0x61, 0xff, 0xfe, 0x0a], name: "latin.txt")), "not UTF-8")
        expectProblem(.file(try write(Array("Paris\nO'Brien\n\n".utf8), name: "capitals.txt")), "no word of lowercase letters")
    }

    @Test func theEmbeddedSampleIsThereAndClean() throws {
        let list = try WordList.load(.embeddedSample)
        #expect(list.words.count == 5000)
        #expect(list.dropped == 0 && list.duplicates == 0)
        #expect(FileManager.default.fileExists(atPath: URL(fileURLWithPath: WordList.embeddedSamplePath).deletingLastPathComponent().path + "/LICENSE-scowl.txt"))
    }

    @Test func theSplitIsSeededDisjointAndNested() throws {
        let list = WordList(words: (0..<100).map { "w" + String(repeating: "a", count: $0 % 7) + String(UnicodeScalar(97 + $0 % 26)!) }, source: .file("x"))
        let unique = WordList.cleaned(list.words, source: .file("x"))
        let parts = try unique.split(seed: 1)
        #expect(parts.training.count == Int(Double(unique.words.count) * 0.8))
        #expect(parts.validation.count == Int(Double(unique.words.count) * 0.1))
        #expect(parts.training.count + parts.validation.count + parts.test.count == unique.words.count)
        #expect(Set(parts.training + parts.validation + parts.test) == Set(unique.words))
        let again = try unique.split(seed: 1)
        #expect(again.training == parts.training && again.test == parts.test)
        #expect(try unique.split(seed: 2).training != parts.training)
        // a smaller count takes the first words of the same shuffle
        let smaller = try unique.split(count: 10, seed: 1)
        #expect(smaller.training + smaller.validation + smaller.test == Array((parts.training + parts.validation + parts.test).prefix(10)))
        #expect(throws: InvalidArgument.self) { try unique.split(count: unique.words.count + 1, seed: 1) }
        #expect(throws: InvalidArgument.self) { try unique.split(trainingFraction: 0.9, validationFraction: 0.1, seed: 1) }
        let error = #expect(throws: InvalidArgument.self) { try unique.split(count: 3, seed: 1) }  // 80% of 3 leaves no validation word
        #expect(error?.description.contains("WordList.split: 3 words cut 0.8/0.1/rest leave a part empty") == true, "\(error?.description ?? "")")
    }

    @Test func theVocabularyHas27TokensWithTheBoundaryFirst() throws {
        let vocabulary = CharacterVocabulary.lowercase
        #expect(vocabulary.count == 27)
        #expect(try vocabulary.id(of: ".") == 0)
        #expect(try vocabulary.id(of: "a") == 1)
        #expect(try vocabulary.id(of: "z") == 26)
        #expect(try vocabulary.encode("emma") == [5, 13, 13, 1])
        #expect(try vocabulary.decode([0, 5, 13, 13, 1, 0]) == ".emma.")
        #expect(throws: InvalidArgument.self) { try vocabulary.encode("Emma") }
        #expect(throws: InvalidArgument.self) { try vocabulary.encode("a.b") }
        #expect(throws: InvalidArgument.self) { try vocabulary.decode([27]) }
    }

    @Test func encodingShiftsTheTargetsByOneAndIgnoresThePadding() throws {
        let batch = try EncodedWords<Double>(["emma", "ava"])
        #expect(batch.length == 5)
        #expect(batch.characters == 5 + 4)
        #expect(batch.inputs == (try Matrix<Double>([[0, 5, 13, 13, 1], [0, 1, 22, 1, 0]])))
        #expect(batch.targets == (try Matrix<Double>([[5, 13, 13, 1, 0], [1, 22, 1, 0, -100]])))
        // wider rows pad further; a word too long for the rows is an error naming it
        let wide = try EncodedWords<Float>(["ava"], length: 6)
        #expect(wide.targets == (try Matrix<Float>([[1, 22, 1, 0, -100, -100]])))
        let error = #expect(throws: InvalidArgument.self) { try EncodedWords<Double>(["emma"], length: 4) }
        #expect(error?.message.contains("emma") == true)
        #expect(throws: InvalidArgument.self) { try EncodedWords<Double>([]) }
    }

    @Test func theLossOverEncodedWordsIsTheMeanOverRealCharacters() throws {
        // uniform logits: every real position costs log 27, the padding nothing
        let batch = try EncodedWords<Double>(["emma", "ava", "x"])
        let logits = Matrix<Double>(rows: 3, columns: batch.length * 27) { _, _ in 0.5 }
        let loss = try Loss.crossEntropyWithLogits().value(logits, batch.targets)
        #expect(abs(loss - log(27.0)) < 1e-12)
        // one confident position changes the mean by its share of 5 + 4 + 2 = 11 characters
        var sharp = logits
        sharp[0, 0 * 27 + 5] = 100  // the first word's first target, 'e'
        let sharpLoss = try Loss.crossEntropyWithLogits().value(sharp, batch.targets)
        #expect(abs(sharpLoss - log(27.0) * 10 / 11) < 1e-9)
    }
}
