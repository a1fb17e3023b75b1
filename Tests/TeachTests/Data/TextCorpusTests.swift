import Foundation
import Testing

@testable import Teach

@Suite struct TextCorpusTests {
    let scratch = ScratchDirectory("text-corpus-tests")
    var directory: String { scratch.path }

    func write(_ bytes: [UInt8], name: String) throws -> String { try scratch.write(bytes, name: name) }

    @Test func fortuneFilesSplitAtPercentLinesAndAreCleaned() throws {
        let text = "A day for firm decisions!\r\n%\n\nTwo lines,\n\t\t-- with a tab\n\n%\n*__\u{8}\u{8}UN*lucky caf\u{e9}\n%\n%\nlast\n%\n"
        let corpus = try TextCorpus.parse(Data(text.utf8), source: .file("test"))
        #expect(corpus.texts == ["A day for firm decisions!", "Two lines,\n  -- with a tab", "*__UN*lucky caf", "last"])
        #expect(corpus.tabs == 2)
        #expect(corpus.dropped == 3)  // two backspaces and é
        #expect(corpus.characters == corpus.texts.reduce(0) { $0 + $1.count })
        #expect(TextCorpus.stream(["ab", "c"]) == "ab\n%\nc\n%\n")
    }

    @Test func withoutPercentLinesParagraphsAreTheTexts() throws {
        let corpus = try TextCorpus.parse(Data("one\nline two\n\nthree\n   \nfour\n\n\n".utf8), source: .file("plain"))
        #expect(corpus.texts == ["one\nline two", "three", "four"])
    }

    @Test func sourcesFollowTheDataOption() throws {
        #expect(TextCorpus.source(for: "embedded") == .embeddedSample)
        #expect(TextCorpus.source(for: "/tmp/x.txt") == .file("/tmp/x.txt"))
        let installed = FileManager.default.fileExists(atPath: TextCorpus.debianPath)
        #expect(TextCorpus.source(for: nil) == (installed ? .debianFortunes : .embeddedSample))
        #expect(TextCorpus.Source.debianFortunes.path == "/usr/share/games/fortunes/fortunes")
    }

    @Test func badFilesAreErrorsThatNameTheFileAndTheProblem() throws {
        func expectProblem(_ source: TextCorpus.Source, _ fragment: String) {
            let error = #expect(throws: DataFileError.self) { try TextCorpus.load(source) }
            #expect(error?.path == source.path)
            #expect(error?.problem.contains(fragment) == true, "\(error?.description ?? "no error")")
        }
        expectProblem(.file("\(directory)/missing.txt"), "no such file")
        expectProblem(.file(directory), "is a directory")
        expectProblem(.file(try write([], name: "empty.txt")), "is empty")
        expectProblem(.file(try write([0x1f, 0x8b, 0x08, 0x00, 0x41], name: "binary.gz")), "NUL byte")
        expectProblem(.file(try write([0x61, 0xff, 0xfe, 0x0a], name: "latin.txt")), "not UTF-8")
        expectProblem(.file(try write(Array("only one\n%\n\n%\n".utf8), name: "one.txt")), "holds 1 text; expected at least 3")
    }

    @Test func theShippedCopyIsThereWithItsLicence() throws {
        let corpus = try TextCorpus.load(.embeddedSample)
        #expect(corpus.texts.count == 431)
        #expect(corpus.tabs == 18 && corpus.dropped == 2)
        let folder = URL(fileURLWithPath: TextCorpus.embeddedSamplePath).deletingLastPathComponent().path
        #expect(FileManager.default.fileExists(atPath: folder + "/LICENSE-fortune-mod.txt"))
        #expect(FileManager.default.fileExists(atPath: folder + "/README.md"))
        // with Debian's fortunes installed, the package's file reads the same (the copy is whole)
        if FileManager.default.fileExists(atPath: TextCorpus.debianPath) {
            #expect(try TextCorpus.load(.debianFortunes).texts == corpus.texts)
        }
    }

    @Test func theSplitIsSeededDisjointAndWhole() throws {
        let corpus = TextCorpus(texts: (0..<50).map { "text \($0)" }, source: .file("x"))
        let (training, validation, test) = try corpus.split(seed: 7)
        #expect((training.count, validation.count, test.count) == (40, 5, 5))
        #expect(Set(training + validation + test) == Set(corpus.texts))
        #expect(try corpus.split(seed: 7).training == training)
        #expect(try corpus.split(seed: 8).training != training)
        let error = #expect(throws: InvalidArgument.self) { try corpus.split(count: 2, seed: 7) }
        #expect(error?.description.contains("TextCorpus.split: 2 texts asked for, but the corpus has 50") == true, "\(error?.description ?? "")")
        #expect(throws: InvalidArgument.self) { try corpus.split(trainingFraction: 0.95, validationFraction: 0.05, seed: 7) }
    }

    @Test func theVocabularyIsTheNewlineAndPrintableASCII() throws {
        let vocabulary = TextVocabulary.printableASCII
        #expect(vocabulary.count == 96)
        #expect(try vocabulary.encode("\n A~") == [0, 1, 34, 95])
        #expect(try vocabulary.decode([0, 1, 34, 95]) == "\n A~")
        let all = String((0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }) + "\n"
        #expect(try vocabulary.decode(try vocabulary.encode(all)) == all)
        let error = #expect(throws: InvalidArgument.self) { try vocabulary.encode("caf\u{e9}") }
        #expect(error?.description.contains("U+E9") == true, "\(error?.description ?? "")")
        #expect(throws: InvalidArgument.self) { try vocabulary.encode("a\tb") }
        #expect(throws: InvalidArgument.self) { try vocabulary.decode([96]) }
        #expect(vocabulary.displayName(0) == "⏎" && vocabulary.displayName(1) == "␣" && vocabulary.displayName(34) == "A")
    }

    @Test func windowsShiftTheTargetsAndPadTheEnd() throws {
        let ids = [5, 6, 7, 8, 9, 10, 11]
        let windows = try EncodedText<Double>(ids, length: 3)
        // starts 0, 3: the second window runs past the end
        #expect(windows.inputs == (try Matrix(rows: 2, columns: 3, elements: [5, 6, 7, 8, 9, 10])))
        #expect(windows.targets == (try Matrix(rows: 2, columns: 3, elements: [6, 7, 8, 9, 10, 11])))
        #expect(windows.characters == 6)  // every id after the first, once
        let padded = try EncodedText<Double>([1, 2, 3, 4, 5], length: 3, padding: 0)
        #expect(padded.inputs == (try Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 0])))
        #expect(padded.targets == (try Matrix(rows: 2, columns: 3, elements: [2, 3, 4, 5, -100, -100])))
        #expect(padded.characters == 4)
        let overlapping = try EncodedText<Float>(ids, length: 4, stride: 2)
        #expect(overlapping.inputs.rows == 3)  // starts 0, 2, 4
        #expect(overlapping.characters == 4 + 4 + 2)
        #expect(throws: InvalidArgument.self) { try EncodedText<Float>([1], length: 3) }
        #expect(throws: InvalidArgument.self) { try EncodedText<Float>(ids, length: 3, stride: 4) }
        #expect(throws: InvalidArgument.self) { try EncodedText<Float>([1, -2, 3], length: 2) }
    }

    /// The windows' mean cross-entropy is the stream's NLL per character: a bigram model whose
    /// logits are its log-probabilities gives, through the windows and the core's loss, the
    /// bigram model's own NLL of the stream.
    @Test func theWindowsMeasureTheSameNLLAsTheBigramModel() throws {
        let ids = try TextVocabulary.printableASCII.encode("the cat sat on the mat\n%\nthe end\n")
        let bigram = try TokenBigramModel(streams: [ids], vocabularySize: 96)
        let windows = try EncodedText<Double>(ids, length: 5)
        var logits = Matrix<Double>(rows: windows.inputs.rows * 5, columns: 96)
        for r in 0..<windows.inputs.rows {
            for t in 0..<5 { for b in 0..<96 { logits[r * 5 + t, b] = log(bigram.probabilities[Int(windows.inputs[r, t]), b]) } }
        }
        let targets = Matrix(column: (0..<windows.inputs.rows).flatMap { r in (0..<5).map { windows.targets[r, $0] } })
        let loss = try Loss.crossEntropyWithLogits().value(logits, targets)
        #expect(abs(loss - (try bigram.negativeLogLikelihood(streams: [ids]))) < 1e-12)
    }
}
