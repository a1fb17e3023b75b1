import Testing

@testable import Teach

@Suite struct ChapterOptionsTests {
    /// `--plots ""` used to write the figures into the working directory.
    @Test func anEmptyPlotsDirectoryIsAnError() throws {
        #expect(throws: (any Error).self) { try ChapterOptions.parse(["--plots", ""]) }
        do {
            _ = try ChapterOptions.parse(["--plots", ""])
        } catch {
            #expect(ChapterOptions.message(for: error).contains(#"--plots "" names no directory"#), "\(ChapterOptions.message(for: error))")
        }
        #expect(try ChapterOptions.parse(["--plots", "."]).plots == ".")
        #expect(try ChapterOptions.parse([]).plots == "plots")
    }
}
