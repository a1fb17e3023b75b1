import Foundation

/// A file that could not be written: names the path and says why.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    /// The file that was to be written.
    public let path: String
    /// What went wrong, in the system's words.
    public let reason: String

    /// An error for `path`, with the `reason` it could not be written.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `cannot write <path>: <reason>`.
    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes files so that a reader never sees half of one: the bytes go to a hidden temporary file
/// in the same directory, which is then renamed over the target (an atomic step on POSIX systems).
/// An interrupted run leaves the old file or the new one, never a truncated mix.
public enum AtomicFile {
    /// Writes `data` to `path`, creating missing parent directories.
    /// - Throws: ``FileWriteError`` naming `path` when the directory or file cannot be written.
    public static func write(_ data: Data, to path: String) throws {
        let temporary = try temporaryPath(beside: path)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileWriteError(path: path, reason: reason(error))
        }
        try move(temporary, to: path)
    }

    /// Writes `text` as UTF-8 to `path`, creating missing parent directories.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// A fresh hidden path in the directory of `path` (created if missing), for a file that will be
    /// moved onto `path` with ``move(_:to:)``.
    public static func temporaryPath(beside path: String, suffix: String = "") throws -> String {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError(path: path, reason: reason(error))
        }
        let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        return directory.appendingPathComponent(".\(url.lastPathComponent).\(unique)\(suffix).tmp").path
    }

    /// Renames `temporary` onto `path` in one step, replacing any file there. On failure the
    /// temporary file is removed.
    public static func move(_ temporary: String, to path: String) throws {
        if rename(temporary, path) != 0 {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileWriteError(path: path, reason: message)
        }
    }

    /// The plainest description of a Foundation file error: the POSIX message when there is one.
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedDescription
    }
}
