import Foundation
import Testing

@testable import Teach

@Suite struct AtomicFileTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("teach-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func writesCreatingParentsAndReplacing() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/a/b/book.md"
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/a/b") == ["book.md"])
    }

    @Test func anUnwritablePlaceIsAnErrorNamingThePath() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/file", contents: Data())
        #expect(throws: FileWriteError.self) { try AtomicFile.write("x", to: directory + "/file/book.md") }
        do { try AtomicFile.write("x", to: directory + "/file/book.md") } catch {
            #expect("\(error)".hasPrefix("cannot write \(directory)/file/book.md: "))
        }
    }
}
