// The book: runs every chapter in order and writes `book.md` and `plots/`.
//
//     swift run book            # write book.md and plots/
//     swift run book --check    # compare book.md and plots/*.gp with what the chapters print now
import ArgumentParser
import Foundation
import Teach

struct BookOptions: ParsableArguments {
    @Flag(help: "Change nothing: run every chapter and fail if book.md or a figure script in plots/ differs from what it prints now.")
    var check = false

    @Option(help: ArgumentHelp("The book file to write.", valueName: "file"))
    var output = "book.md"

    @Option(help: ArgumentHelp("The directory for the figures.", valueName: "dir"))
    var plots = "plots"

    @Flag(help: "Run the chapters' quick versions (fewer epochs or less data), as the tests do.")
    var quick = false

    @Option(help: ArgumentHelp(
        "Chapters run at once (default: 1 when writing, so that the timings the book prints are measured alone; 2 with --check, which ignores timings).",
        valueName: "n"))
    var jobs: Int?

    /// The number of chapters to run at once.
    var chapterJobs: Int { jobs ?? (check ? 2 : 1) }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs \(jobs): expected at least 1 chapter at a time") }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(1)
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("book: \(message)\n".utf8))
}

/// The chapters running now (each one's process id, which is also its process group's: Foundation
/// starts each child in a group of its own), so that an interrupt can stop them.
nonisolated(unsafe) var runningChapters: Set<pid_t> = []
/// Set when an interrupt arrives: the chapter's end is then the interrupt's doing, not a failure.
nonisolated(unsafe) var interrupted = false
let runningChapterLock = NSLock()

/// Ctrl-C (SIGINT) and SIGTERM: the chapter runs in its own process group, so the terminal's
/// signal does not reach it; pass the signal on to the whole group (and SIGKILL after a second, for
/// a chapter that ignores it), then stop with the shell's status for it (128 + signal). The handlers run on a dispatch queue, not inside the signal.
func forwardInterrupts() -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            runningChapterLock.lock()
            let chapters = runningChapters
            interrupted = true
            runningChapterLock.unlock()
            for chapter in chapters {
                kill(-chapter, number)
                kill(chapter, number)
            }
            // a chapter that ignores or outlives the signal is stopped for good after a second
            for _ in 0..<20 where chapters.contains(where: { kill($0, 0) == 0 }) { usleep(50_000) }
            for chapter in chapters {
                kill(-chapter, SIGKILL)
                kill(chapter, SIGKILL)
            }
            FileHandle.standardError.write(Data("book: stopped by signal \(number) (\(String(cString: strsignal(number))))\n".utf8))
            exit(128 + number)
        }
        source.resume()
        return source
    }
}

/// Runs one chapter's executable and returns what it printed on standard output. Its standard
/// error (notes, errors) passes through to ours.
func runChapter(_ entry: ChapterEntry, binaries: URL, in directory: URL, options: BookOptions) -> String {
    let binary = binaries.appendingPathComponent(entry.name)
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        fail("the chapter program \(binary.path) is missing: build every chapter first (`swift build`), or run `swift run book`")
    }
    let process = Process()
    process.executableURL = binary
    // The embedded Fashion-MNIST sample, not whatever dataset this machine has, so the book is the same everywhere.
    process.arguments = ["--plots", options.plots, "--no-terminal-plots", "--data", "embedded"] + (options.quick ? ["--quick"] : [])
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    runningChapterLock.lock()
    do { try process.run() } catch {
        runningChapterLock.unlock()
        fail("could not start \(binary.path): \(error)")
    }
    let pid = process.processIdentifier
    runningChapters.insert(pid)
    runningChapterLock.unlock()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    runningChapterLock.lock()
    runningChapters.remove(pid)
    let stopping = interrupted
    runningChapterLock.unlock()
    // stopped by an interrupt: the handler reports it and exits with its status
    while stopping { sleep(60) }
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
        fail("chapter \(entry.number) (\(entry.name)) failed with status \(process.terminationStatus); its message is above")
    }
    guard let text = String(data: data, encoding: .utf8) else { fail("chapter \(entry.name) printed text that is not UTF-8") }
    return text
}

/// The `.gp` figure scripts in `directory`, by file name.
func figureScripts(in directory: URL) -> [String: Data] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    var scripts: [String: Data] = [:]
    for name in names where name.hasSuffix(".gp") && !name.hasPrefix(".") {
        scripts[name] = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
    }
    return scripts
}

/// The first line where `a` and `b` differ, for the drift report.
func firstDifference(_ a: String, _ b: String) -> String {
    let la = a.components(separatedBy: "\n"), lb = b.components(separatedBy: "\n")
    for i in 0..<max(la.count, lb.count) {
        let x = i < la.count ? la[i] : "(end of file)", y = i < lb.count ? lb[i] : "(end of file)"
        if x != y { return "line \(i + 1):\n  committed: \(x)\n  now:       \(y)" }
    }
    return "(no difference)"
}

let options = BookOptions.parseOrExit()
let interruptSources = forwardInterrupts()
let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

// In check mode the chapters write their figures into a scratch directory, so nothing here changes.
let runDirectory: URL
if options.check {
    runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("teach-book-check-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.removeItem(at: runDirectory)
    do { try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true) } catch {
        fail("could not create \(runDirectory.path): \(error)")
    }
} else {
    runDirectory = workingDirectory
}

/// Every chapter's output, in book order. With more than one job the chapters are taken from the
/// last to the first, since the later ones run longest; each writes figures of its own names.
func runChapters(jobs: Int) -> [String] {
    let chapters = BookContents.chapters
    nonisolated(unsafe) var outputs = [String](repeating: "", count: chapters.count)
    nonisolated(unsafe) var next = jobs == 1 ? 0 : chapters.count - 1
    let lock = NSLock()
    let group = DispatchGroup()
    for _ in 0..<min(jobs, chapters.count) {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            runEach()
        }
    }
    group.wait()
    return outputs

    @Sendable func runEach() {
        while true {
            lock.lock()
            let index = next
            next += jobs == 1 ? 1 : -1
            lock.unlock()
            guard chapters.indices.contains(index) else { return }
            let entry = chapters[index], start = Date()
            let output = runChapter(entry, binaries: binaries, in: runDirectory, options: options)
            lock.lock()
            outputs[index] = output
            lock.unlock()
            note("chapter \(entry.number) (\(entry.name)) done in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        }
    }
}
let book = BookContents.assemble(runChapters(jobs: options.chapterJobs))

if options.check {
    var problems: [String] = []
    let committed = (try? String(contentsOfFile: options.output, encoding: .utf8)) ?? ""
    if BookContents.withoutTimings(committed) != BookContents.withoutTimings(book) {
        problems.append("\(options.output) differs from what the chapters print now, first at \(firstDifference(BookContents.withoutTimings(committed), BookContents.withoutTimings(book)))")
    }
    let plotsHere = workingDirectory.appendingPathComponent(options.plots)
    let now = figureScripts(in: runDirectory.appendingPathComponent(options.plots))
    let before = figureScripts(in: plotsHere)
    for name in now.keys.sorted() where before[name] != now[name] {
        problems.append(before[name] == nil ? "\(options.plots)/\(name) is missing" : "\(options.plots)/\(name) differs (the figure's data or style changed)")
    }
    for name in before.keys.sorted() where now[name] == nil {
        problems.append("\(options.plots)/\(name) is not drawn by any chapter any more")
    }
    try? FileManager.default.removeItem(at: runDirectory)
    if problems.isEmpty {
        note("\(options.output) and \(now.count) figure scripts are up to date")
        exit(0)
    }
    fail("the book has drifted from the chapters; run `swift run book` and commit the result.\n- " + problems.joined(separator: "\n- "))
}

do {
    try AtomicFile.write(book, to: options.output)
} catch {
    fail("\(error)")
}
note("wrote \(options.output) (\(BookContents.chapters.count) chapters) and the figures in \(options.plots)/")
