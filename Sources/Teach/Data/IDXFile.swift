import CZlib
import Foundation

/// A file in the IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed.
///
/// The format: two zero bytes, a type byte (`0x08`: unsigned bytes, the only type these datasets
/// use), the number of dimensions, then each dimension as a big-endian 32-bit integer, then the
/// data, row-major. Images are `count × rows × columns`, labels are `count`.
///
/// The reader never trusts the header with memory: the data is read in chunks as it arrives, so a
/// header that claims more than the file holds is an error ("truncated"), not a huge allocation.
public struct IDXFile: Sendable, Equatable {
    /// The sizes from the header, e.g. `[10000, 28, 28]`.
    public var dimensions: [Int]
    /// The data, `dimensions` multiplied together bytes long.
    public var bytes: [UInt8]

    /// A file's contents: its dimensions and its data, which should be `dimensions` multiplied
    /// together bytes long (not checked: ``encoded`` writes what it is given).
    public init(dimensions: [Int], bytes: [UInt8]) {
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// The largest file the reader accepts, in decompressed bytes (the full MNIST training images
    /// are 47 MB).
    public static let maximumBytes = 1 << 30

    /// Reads and checks the IDX file at `path` (gzip when it starts with gzip's magic bytes).
    /// - Throws: ``DataFileError`` naming the file and the problem.
    public static func read(path: String) throws -> IDXFile {
        var bytes: [UInt8] = []
        let dimensions = try stream(path: path) { chunk, total in
            bytes.reserveGrowing(by: chunk.count, upTo: total)
            bytes += chunk
        }
        return IDXFile(dimensions: dimensions, bytes: bytes)
    }

    /// Reads the IDX file at `path` chunk by chunk, so a caller can convert the data as it
    /// arrives instead of holding the raw bytes and their conversion at once.
    ///
    /// `header` sees the dimensions first, before any data is read: the place to refuse sizes
    /// the caller cannot use. `chunk` then gets the data in pieces of at most 1 MiB, with the
    /// total the header promises. Exactly that many bytes are read: a file with fewer is
    /// "truncated", one with more is refused after reading one byte past the promise, so a
    /// decompression bomb is never expanded beyond what its header claims.
    /// - Returns: the dimensions.
    /// - Throws: ``DataFileError`` naming the file and the problem, or what `header` or `chunk` throw.
    static func stream(
        path: String, header: ([Int]) throws -> Void = { _ in }, chunk: (_ chunk: [UInt8], _ total: Int) throws -> Void
    ) throws -> [Int] {
        var reader = try ChunkReader(path: path)
        defer { reader.close() }
        let magic = try reader.read(4)
        guard magic.count == 4 else { throw DataFileError(path: path, problem: "the file is too short to be IDX (\(magic.count) bytes)") }
        guard magic[0] == 0, magic[1] == 0 else {
            throw DataFileError(
                path: path, problem: String(format: "wrong magic number: IDX files start with 00 00, this one with %02x %02x", magic[0], magic[1]))
        }
        guard magic[2] == 0x08 else {
            throw DataFileError(path: path, problem: String(format: "data type 0x%02x is not supported (only 0x08, unsigned bytes)", magic[2]))
        }
        let rank = Int(magic[3])
        guard (1...4).contains(rank) else { throw DataFileError(path: path, problem: "\(rank) dimensions: expected 1 to 4") }
        let sizeBytes = try reader.read(4 * rank)
        guard sizeBytes.count == 4 * rank else { throw DataFileError(path: path, problem: "truncated header") }
        var dimensions: [Int] = []
        for d in 0..<rank {
            dimensions.append(sizeBytes[(4 * d)..<(4 * d + 4)].reduce(0) { $0 << 8 | Int($1) })
        }
        var total = 1
        for size in dimensions {
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maximumBytes else {
                throw DataFileError(path: path, problem: "the header's sizes \(dimensions) describe more than \(maximumBytes) bytes")
            }
            total = product
        }
        try header(dimensions)
        var done = 0
        while done < total {
            let piece = try reader.read(min(1 << 20, total - done))
            if piece.isEmpty { break }
            done += piece.count
            try chunk(piece, total)
        }
        guard done == total else {
            throw DataFileError(path: path, problem: "truncated: the header \(dimensions) promises \(total) bytes of data, the file has \(done)")
        }
        guard try reader.read(1).isEmpty else {
            throw DataFileError(path: path, problem: "the file has more data than its header \(dimensions) describes")
        }
        return dimensions
    }

    /// The file's bytes: header and data.
    public var encoded: [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for size in dimensions { out += [UInt8(size >> 24 & 0xff), UInt8(size >> 16 & 0xff), UInt8(size >> 8 & 0xff), UInt8(size & 0xff)] }
        return out + bytes
    }

    /// Writes the file to `path`, gzip-compressed when `gzip` (via a temporary file and a rename,
    /// so a reader never sees half a file).
    /// - Throws: ``DataFileError`` or ``FileWriteError`` when it cannot be written.
    public func write(to path: String, gzip: Bool) throws {
        guard gzip else { return try AtomicFile.write(Data(encoded), to: path) }
        let temporary = try AtomicFile.temporaryPath(beside: path)
        guard let file = gzopen(temporary, "wb") else { throw DataFileError(path: path, problem: "cannot be written") }
        let data = encoded
        let written = data.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32(data.count)) }
        let closed = gzclose(file)
        guard written == data.count, closed == Z_OK else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw DataFileError(path: path, problem: "writing the compressed data failed")
        }
        try AtomicFile.move(temporary, to: path)
    }

    /// Reads plain or gzip files through zlib, which passes plain files through unchanged.
    struct ChunkReader {
        let path: String
        var file: gzFile?

        init(path: String) throws {
            self.path = path
            try Self.checkRegularFile(path)
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw DataFileError(path: path, problem: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
            }
            let magic = [UInt8]((try? handle.read(upToCount: 2)) ?? Data())
            try? handle.close()
            if path.hasSuffix(".gz") && magic != [0x1f, 0x8b] {
                throw DataFileError(path: path, problem: "named .gz but not gzip-compressed (it does not start with 1f 8b)")
            }
            file = gzopen(path, "rb")
            guard file != nil else { throw DataFileError(path: path, problem: "cannot be opened") }
        }

        /// Refuses anything but a regular file (symbolic links are followed), before it is opened:
        /// opening a FIFO blocks until a writer comes, forever if none does, and a directory would
        /// reach zlib as "corrupt compressed data".
        /// - Throws: ``DataFileError`` naming the file and what it is instead.
        static func checkRegularFile(_ path: String) throws {
            var status = stat()
            guard stat(path, &status) == 0 else {
                throw DataFileError(path: path, problem: errno == ENOENT ? "no such file" : "cannot be read")
            }
            let type = status.st_mode & S_IFMT
            guard type != S_IFREG else { return }
            let kind = switch type {
            case S_IFDIR: "a directory"
            case S_IFIFO: "a FIFO (named pipe)"
            case S_IFSOCK: "a socket"
            case S_IFCHR, S_IFBLK: "a device"
            default: "not a regular file"
            }
            throw DataFileError(path: path, problem: "is \(kind); expected a regular IDX file, plain or gzip")
        }

        mutating func read(_ count: Int) throws -> [UInt8] {
            guard count > 0 else { return [] }
            var buffer = [UInt8](repeating: 0, count: count)
            let got = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(count)) }
            guard got >= 0 else { throw DataFileError(path: path, problem: "corrupt compressed data") }
            return Array(buffer.prefix(Int(got)))
        }

        mutating func close() {
            if let file { gzclose(file) }
            file = nil
        }
    }
}

extension Array {
    /// Makes room for `count` more elements of an array that will hold at most `total`: the
    /// capacity doubles as data arrives (a header's promise is not trusted with memory before the
    /// data exists), but never beyond `total`, so the array ends exactly as large as the data.
    mutating func reserveGrowing(by count: Int, upTo total: Int) {
        let needed = self.count + count
        guard needed > capacity else { return }
        reserveCapacity(Swift.min(total, Swift.max(needed, 2 * capacity)))
    }
}

/// A data file that cannot be used, with its path and what is wrong.
public struct DataFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file.
    public var path: String
    /// What is wrong with it: `truncated`, `not an IDX file`, a count that disagrees.
    public var problem: String

    /// An error for the file at `path`.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `path: problem`.
    public var description: String { "\(path): \(problem)" }
}
