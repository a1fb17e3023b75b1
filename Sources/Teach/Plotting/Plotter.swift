import Foundation

/// What ``Plotter/draw(_:)`` wrote.
public struct PlotResult: Sendable {
    /// The PNG's path (written only when `rendered`).
    public let png: String
    /// The gnuplot script's path (always written).
    public let script: String
    /// Whether gnuplot drew the PNG.
    public let rendered: Bool
}

/// Draws figures with gnuplot into one directory.
///
/// Every figure's script is written to `<directory>/<name>.gp` (it carries its data, so
/// `gnuplot plots/<name>.gp` from the package root draws it again). When gnuplot is installed the PNG
/// is drawn into a temporary file and renamed to `<directory>/<name>.png`, so an interrupted run never
/// leaves a truncated image.
public struct Plotter: Sendable {
    /// Where the scripts and PNGs go, as given (relative paths are relative to the working directory).
    public let directory: String
    /// The gnuplot executable's absolute path; `nil` when gnuplot is not installed.
    public let gnuplot: String?
    /// How long one gnuplot run may take, in seconds, before it is stopped and the figure reported
    /// as failed (a gnuplot that never exits would otherwise hang the chapter).
    public let timeout: Double

    /// A plotter writing into `directory` (created when the first figure is drawn), drawing with the
    /// gnuplot at `gnuplot`; by default the first one on `PATH`, and with `nil` only the scripts and the
    /// terminal plots are made. Each gnuplot run may take `timeout` seconds (at most 10⁷; a value that is not positive means 60; by default
    /// ``defaultTimeout(environment:)``: 60, or the environment's `TEACH_GNUPLOT_TIMEOUT`).
    public init(directory: String, gnuplot: String? = Plotter.findGnuplot(), timeout: Double = Plotter.defaultTimeout()) {
        self.directory = directory
        self.gnuplot = gnuplot
        // 10⁷ s (115 days) at most: the deadline is counted in nanoseconds, which a larger number overflows.
        self.timeout = timeout.isNaN || timeout <= 0 ? 60 : min(timeout, 1e7)
    }

    /// The seconds a gnuplot run may take: `TEACH_GNUPLOT_TIMEOUT` when it is a positive number,
    /// else 60 (a figure takes well under a second; a slow machine gets ample room).
    public static func defaultTimeout(environment: [String: String] = ProcessInfo.processInfo.environment) -> Double {
        if let text = environment["TEACH_GNUPLOT_TIMEOUT"], let seconds = Double(text), seconds.isFinite, seconds > 0 { return min(seconds, 1e7) }
        return 60
    }

    /// Removes the hidden temporary files that a killed run left in `directory`: a chapter stopped
    /// while gnuplot drew leaves `.NAME.png.PID-RAND.tmp` (and its script's `.NAME.gp.PID-RAND-run.tmp`
    /// and `-err`, `-text` siblings), because no cleanup runs in a killed process. Only names of
    /// exactly that form (``AtomicFile/temporaryPath(beside:suffix:)`` beside a `.png` or `.gp`) are
    /// touched, and only when the process `PID` that made them is no longer alive, so a chapter
    /// drawing into the same directory at the same time keeps its files.
    /// - Returns: the names removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        var removed: [String] = []
        for name in names.sorted() {
            guard let pid = temporaryFileOwner(name), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = directory.isEmpty ? name : "\(directory)/\(name)"
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(name) }
        }
        return removed
    }

    /// The process id in a plotting temporary file's name `.NAME.png.PID-RAND.tmp` or
    /// `.NAME.gp.PID-RAND[-run|-err|-text].tmp`; `nil` for any other name.
    static func temporaryFileOwner(_ name: String) -> pid_t? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        var middle = name.dropFirst().dropLast(4)
        for suffix in ["-run", "-err", "-text"] where middle.hasSuffix(suffix) {
            middle = middle.dropLast(suffix.count)
            break
        }
        // NAME.ext.PID-RAND: the last dot separates the unique part, the one before it the extension.
        let parts = middle.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, ["png", "gp"].contains(parts[parts.count - 2]), !parts[0..<(parts.count - 2)].joined(separator: ".").isEmpty else {
            return nil
        }
        let unique = parts[parts.count - 1].split(separator: "-", omittingEmptySubsequences: false)
        guard unique.count == 2, unique.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let pid = pid_t(unique[0]), pid > 0, UInt32(unique[1]) != nil
        else { return nil }
        return pid
    }

    /// The first eight bytes of every PNG file.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The first executable `gnuplot` on `PATH`, or `nil`.
    public static func findGnuplot(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/gnuplot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The path of `figure`'s PNG.
    public func pngPath(_ figure: Figure) -> String {
        directory.isEmpty ? "\(figure.name).png" : "\(directory)/\(figure.name).png"
    }

    /// The path of `figure`'s gnuplot script.
    public func scriptPath(_ figure: Figure) -> String {
        directory.isEmpty ? "\(figure.name).gp" : "\(directory)/\(figure.name).gp"
    }

    /// Writes `figure`'s script and, when gnuplot is installed, its PNG.
    /// - Throws: ``PlotError/invalidFigure(_:)``, ``PlotError/gnuplotFailed(message:script:)`` with
    ///   gnuplot's own message, or ``FileWriteError`` when the directory cannot be written.
    @discardableResult
    public func draw(_ figure: Figure) throws -> PlotResult {
        let png = pngPath(figure), script = scriptPath(figure)
        let terminal = PlotTerminal.png(width: figure.width, height: figure.height)
        try AtomicFile.write(try figure.gnuplotScript(terminal: terminal, output: png), to: script)
        guard let gnuplot else { return PlotResult(png: png, script: script, rendered: false) }

        let temporaryPNG = try AtomicFile.temporaryPath(beside: png)
        do {
            try run(gnuplot, script: try figure.gnuplotScript(terminal: terminal, output: temporaryPNG), reportAs: script)
            guard let size = (try? FileManager.default.attributesOfItem(atPath: temporaryPNG))?[.size] as? Int, size > 0 else {
                throw PlotError.gnuplotFailed(message: "gnuplot wrote no image", script: script)
            }
            // Something that is not a PNG (a broken gnuplot, another program called gnuplot) must
            // not become the figure: its first eight bytes must be the PNG signature.
            var head: [UInt8] = []
            if let handle = FileHandle(forReadingAtPath: temporaryPNG) {
                head = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
                try? handle.close()
            }
            guard head == Self.pngSignature else {
                throw PlotError.gnuplotFailed(
                    message: "gnuplot wrote \(size) bytes that are not a PNG image (they do not start with the PNG signature)", script: script)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporaryPNG)
            throw error
        }
        try AtomicFile.move(temporaryPNG, to: png)
        return PlotResult(png: png, script: script, rendered: true)
    }

    /// `figure` as text for a terminal, `columns × lines` characters: drawn by gnuplot's `dumb`
    /// terminal, or, for a figure with a heat map, by ``Figure/textHeatMap(columns:lines:)``.
    /// `nil` when gnuplot is needed but not installed.
    public func terminalText(_ figure: Figure, columns: Int = 78, lines: Int = 24) throws -> String? {
        if figure.heatMap != nil { return try figure.textHeatMap(columns: columns, lines: lines) }
        guard let gnuplot else { return nil }
        let output = try AtomicFile.temporaryPath(beside: scriptPath(figure), suffix: "-text")
        defer { try? FileManager.default.removeItem(atPath: output) }
        try run(gnuplot, script: try figure.gnuplotScript(terminal: .text(columns: columns, lines: lines), output: output), reportAs: scriptPath(figure))
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        // gnuplot starts the page with a form feed and pads lines with spaces.
        return text.replacingOccurrences(of: "\u{0C}", with: "")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
            .joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    /// Runs gnuplot on `script` (from a temporary file beside the figure's script; its messages go to
    /// another, so no pipe can fill up) and throws gnuplot's message when it fails, the signal when
    /// it is killed, and a timeout error when it runs longer than ``timeout`` (it is then stopped).
    func run(_ gnuplot: String, script: String, reportAs scriptPath: String) throws {
        let scriptFile = try AtomicFile.temporaryPath(beside: scriptPath, suffix: "-run")
        let errorFile = try AtomicFile.temporaryPath(beside: scriptPath, suffix: "-err")
        defer {
            try? FileManager.default.removeItem(atPath: scriptFile)
            try? FileManager.default.removeItem(atPath: errorFile)
        }
        do {
            try Data(script.utf8).write(to: URL(fileURLWithPath: scriptFile))
            try Data().write(to: URL(fileURLWithPath: errorFile))
        } catch {
            throw FileWriteError(path: scriptFile, reason: AtomicFile.reason(error))
        }
        guard let errors = FileHandle(forWritingAtPath: errorFile) else {
            throw FileWriteError(path: errorFile, reason: "cannot open it for gnuplot's messages")
        }
        defer { try? errors.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gnuplot)
        process.arguments = [scriptFile]
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch {
            throw PlotError.gnuplotFailed(message: "could not start \(gnuplot): \(error)", script: scriptPath)
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            // SIGTERM first; SIGKILL when it does not listen.
            process.terminate()
            if finished.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
            throw PlotError.gnuplotFailed(
                message: "gnuplot did not finish within \(timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)) s and was stopped "
                    + "(TEACH_GNUPLOT_TIMEOUT sets the limit in seconds)",
                script: scriptPath)
        }
        let message = ((try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? "")
            .replacingOccurrences(of: scriptFile, with: scriptPath)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            let name = strsignal(signal).map { String(cString: $0) } ?? "unknown signal"
            throw PlotError.gnuplotFailed(
                message: "gnuplot was killed by signal \(signal) (\(name))" + (message.isEmpty ? "" : ":\n\(message)"), script: scriptPath)
        }
        guard process.terminationStatus == 0 else {
            throw PlotError.gnuplotFailed(
                message: message.isEmpty ? "gnuplot exited with status \(process.terminationStatus)" : message,
                script: scriptPath)
        }
    }
}
