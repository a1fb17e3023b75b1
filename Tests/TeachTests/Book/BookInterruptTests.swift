import Foundation
import Testing

@testable import Teach

/// Ctrl-C to the book must stop the chapter it runs (which sits in a process group of its own).
@Suite struct BookInterruptTests {
    /// Whether `pid` runs: it exists and is not a zombie (an orphan waits as one for a reaper
    /// where the container's first process does not reap).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptStopsTheRunningChapter(signal: Int32) throws {
        // The book binary, copied beside a stand-in first chapter that records its id and sleeps.
        let directory = try ProgramRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let book = directory.appendingPathComponent("book")
        try FileManager.default.copyItem(at: ProgramRunner.binaries.appendingPathComponent("book"), to: book)
        let pidFile = directory.appendingPathComponent("chapter.pid").path
        let chapter = directory.appendingPathComponent(BookContents.chapters[0].name)
        try "#!/bin/sh\necho $$ > '\(pidFile).part' && mv '\(pidFile).part' '\(pidFile)'\nexec sleep 60\n"
            .write(to: chapter, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: chapter.path)

        let process = Process()
        process.executableURL = book
        process.arguments = ["--output", directory.appendingPathComponent("book.md").path]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        var chapterID: pid_t = 0
        for _ in 0..<200 where chapterID == 0 {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let id = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                chapterID = id
            } else {
                usleep(50_000)
            }
        }
        try #require(chapterID > 0, "the stand-in chapter never started")
        defer { kill(chapterID, SIGKILL) }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + signal)
        // The chapter is gone within a second (it used to run on for up to 27 s).
        var alive = true
        for _ in 0..<20 where alive {
            alive = Self.isRunning(chapterID)
            if alive { usleep(50_000) }
        }
        #expect(!alive, "chapter \(chapterID) still runs after the book was stopped")
    }
}
