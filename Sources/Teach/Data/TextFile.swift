import Foundation

/// Reading the text files the chapters train on (word lists, text collections): every problem a
/// ``DataFileError`` that names the file, what is wrong, and what was expected.
enum TextFile {
    /// `relative` (e.g. `Data/words-small/words.txt`) under the package's root, found from this
    /// source file's place in it: how the samples shipped in the package are found.
    static func inPackage(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(relative).path
    }

    /// The bytes of the file at `path`.
    /// - Throws: ``DataFileError`` when it is missing (naming `what` was expected, `format` and an
    ///   `example` path), is a directory, or cannot be read.
    static func contents(of path: String, what: String, format: String, example: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataFileError(path: path, problem: "no such file (expected \(what): \(format), as \(example))")
        }
        guard !isDirectory.boolValue else { throw DataFileError(path: path, problem: "is a directory; expected \(what) (\(format))") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DataFileError(path: path, problem: "cannot be read: \(error.localizedDescription)")
        }
    }

    /// `data`, the contents of `path`, as text.
    /// - Throws: ``DataFileError`` when it is empty, larger than `maximumBytes`, holds a NUL byte
    ///   (a binary file), or is not UTF-8; the messages name `what` was expected and its `format`.
    static func text(_ data: Data, path: String, maximumBytes: Int, what: String, format: String) throws -> String {
        guard !data.isEmpty else { throw DataFileError(path: path, problem: "is empty; expected \(what) (\(format))") }
        guard data.count <= maximumBytes else {
            throw DataFileError(path: path, problem: "is \(data.count) bytes; \(what) may be at most \(maximumBytes) bytes")
        }
        if let nul = data.firstIndex(of: 0) {
            throw DataFileError(path: path, problem: "holds a NUL byte at offset \(nul - data.startIndex): a binary file, not \(what) (\(format))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataFileError(path: path, problem: "is not UTF-8 text; expected \(what) (\(format))")
        }
        return text
    }
}
