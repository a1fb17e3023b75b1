import Foundation

/// A directory of its own under the system's temporary directory, for a suite that writes files
/// (each suite instance, so each test, gets a fresh one).
struct ScratchDirectory {
    /// The directory's path.
    let path: String

    /// Creates `<temporary directory>/<prefix>-<UUID>`.
    init(_ prefix: String) {
        path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to the file `name` in the directory and returns its path.
    func write(_ bytes: [UInt8], name: String) throws -> String {
        let file = "\(path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}
