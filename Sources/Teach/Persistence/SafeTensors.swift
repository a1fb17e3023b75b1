import Foundation

/// Named tensors in the safetensors format, the file format of Hugging Face's `safetensors`
/// library, which PyTorch, JAX, TensorFlow and many other tools read and write.
///
/// **The format.** A file is three parts, one after the other:
///
///     8 bytes   N, the length of the header: an unsigned 64-bit integer, little-endian
///     N bytes   the header: UTF-8 JSON text, an object with one entry per tensor and an
///               optional "__metadata__" object of string values, padded with spaces
///     the rest  the data section: every tensor's elements, row-major, little-endian
///
/// For example, one `2×3` matrix of `Float`s called `w` with the metadata `format: demo`:
///
///     {"__metadata__":{"format":"demo"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}
///
/// `data_offsets` are `[begin, end)` byte offsets into the data section (not into the file). The
/// tensors must tile the data section exactly: no gaps, no overlaps, nothing left over. The
/// header is padded with spaces so that the data section starts at a multiple of 8 bytes, where
/// every element is aligned to its size.
///
/// **Scope.** A tensor has up to ``maximumDimensions`` dimensions (0 for a single number, as
/// PyTorch stores a BatchNorm's `num_batches_tracked`) and one of the dtypes of ``DType``: `F32` and
/// `F64` (`Matrix<Float>` and `Matrix<Double>`, read bit for bit), `F16` and `BF16` (read as
/// numbers, widened), and `I64` (read as whole numbers). A 1-D tensor of `n` numbers reads as a `1×n`
/// matrix; a tensor of more dimensions (a PyTorch convolution's `K×C×F×F` filters) reads as its
/// numbers in row-major order (``Tensor/numbers(as:)``), not as a matrix. A Teach model file holds
/// only `F32` or `F64` tensors of one or two dimensions.
///
/// **Reading** checks everything before trusting it and never allocates from a number in the
/// file: a header length longer than the file or than ``maximumHeaderLength``, a header that is not
/// UTF-8 JSON or not an object, a tensor entry without `dtype`, `shape` or `data_offsets`, another
/// dtype, a shape whose size does not match its byte range, offsets that leave gaps, overlap or
/// run past the data, and a data section longer than its tensors are all ``DataFileError``s naming
/// the file and the problem.
///
/// **Writing** orders the tensors as the reference implementation does: larger elements first
/// (`F64` before `F32`), then by name (byte by byte), and the metadata by key, so the same tensors
/// always give the same bytes. Files go through ``AtomicFile``, so an interrupted save leaves the
/// old file or the new one, never half of one.
public struct SafeTensors: Sendable, Equatable {
    /// The tensors, by name.
    public var tensors: [String: Tensor]
    /// The header's `__metadata__`: free-form text, string keys to string values.
    public var metadata: [String: String]

    /// Tensors and metadata to be written (see ``write(to:)``).
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The longest header accepted, in bytes: 100 MB, the reference implementation's limit.
    public static let maximumHeaderLength = 100_000_000

    /// The key in the header that holds the metadata rather than a tensor.
    public static let metadataKey = "__metadata__"

    /// The most dimensions a tensor may have here: 8 (a PyTorch model's tensors have at most 5,
    /// a 3-D convolution's filters).
    public static let maximumDimensions = 8

    /// The type of a tensor's elements, by its name in the header.
    public enum DType: String, Sendable, Hashable, CaseIterable {
        /// IEEE 754 single precision, 4 bytes: `Float`.
        case f32 = "F32"
        /// IEEE 754 double precision, 8 bytes: `Double`.
        case f64 = "F64"
        /// IEEE 754 half precision, 2 bytes (PyTorch's `torch.float16`); read, widened, by
        /// ``Tensor/numbers(as:)``.
        case f16 = "F16"
        /// bfloat16, 2 bytes: the top half of a `Float` (PyTorch's `torch.bfloat16`); read, widened,
        /// by ``Tensor/numbers(as:)``.
        case bf16 = "BF16"
        /// Signed 64-bit integers, 8 bytes (PyTorch's `torch.int64`, the dtype of a BatchNorm's
        /// `num_batches_tracked`); read by ``Tensor/integers()``.
        case i64 = "I64"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f16, .bf16: 2
            case .f32: 4
            case .f64, .i64: 8
            }
        }

        /// Whether the elements are floating-point numbers.
        public var isFloatingPoint: Bool { self != .i64 }

        /// `F32, F64, F16, BF16 and I64`, for errors.
        static var supportedList: String {
            let names = allCases.map(\.rawValue)
            return names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
        }

        /// The dtype that stores `Scalar` exactly: `F32` for `Float`, `F64` for `Double`, `nil`
        /// for anything else.
        public static func of<Scalar: MatrixScalar>(_ type: Scalar.Type) -> DType? {
            if type == Float.self { return .f32 }
            if type == Double.self { return .f64 }
            return nil
        }
    }

    /// One tensor: its element type, shape and data (row-major, little-endian), exactly as stored.
    public struct Tensor: Sendable, Equatable {
        /// The element type.
        public let dtype: DType
        /// The size of each dimension: `[]` for a single number, `[n]`, `[rows, columns]`,
        /// `[K, C, F, F]`, …
        public let shape: [Int]
        /// The elements' bytes, row-major, each little-endian: `shape` multiplied together times
        /// `dtype.size` of them.
        public let bytes: [UInt8]

        /// A tensor from its stored form.
        /// - Throws: ``InvalidArgument`` for more than ``SafeTensors/maximumDimensions`` dimensions,
        ///   a negative size, or a byte count that does not match the shape.
        public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws {
            guard shape.count <= SafeTensors.maximumDimensions, shape.allSatisfy({ $0 >= 0 }) else {
                throw InvalidArgument("SafeTensors.Tensor: shape \(shape) must have at most \(SafeTensors.maximumDimensions) dimensions, each of size ≥ 0")
            }
            guard let count = Self.elementCount(shape), count.multipliedReportingOverflow(by: dtype.size) == (bytes.count, false) else {
                throw InvalidArgument("SafeTensors.Tensor: shape \(shape) of \(dtype.rawValue) does not match \(bytes.count) bytes")
            }
            self.init(unchecked: dtype, shape, bytes)
        }

        init(unchecked dtype: DType, _ shape: [Int], _ bytes: [UInt8]) {
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// `matrix` as a 2-D tensor of shape `[rows, columns]`.
        /// - Throws: ``InvalidArgument`` when `Scalar` is neither `Float` nor `Double`.
        public init<Scalar: MatrixScalar>(_ matrix: Matrix<Scalar>) throws {
            self.init(unchecked: try Self.dtype(of: Scalar.self), [matrix.rows, matrix.columns], Self.littleEndianBytes(matrix))
        }

        /// A `1×n` matrix (a bias, say) as a 1-D tensor of shape `[n]`, as PyTorch stores vectors.
        /// - Throws: ``InvalidArgument`` when `matrix` has more than one row, or `Scalar` is neither
        ///   `Float` nor `Double`.
        public init<Scalar: MatrixScalar>(vector matrix: Matrix<Scalar>) throws {
            guard matrix.rows == 1 else {
                throw InvalidArgument("SafeTensors.Tensor(vector:): a vector is one row, got a \(matrix.shape) matrix")
            }
            self.init(unchecked: try Self.dtype(of: Scalar.self), [matrix.columns], Self.littleEndianBytes(matrix))
        }

        /// `numbers`, row-major, as a tensor of shape `shape` (any number of dimensions, up to
        /// ``SafeTensors/maximumDimensions``) with `Scalar`'s dtype: a PyTorch convolution's
        /// `K×C×F×F` filters, say.
        /// - Throws: ``InvalidArgument`` when the shape's size is not `numbers.count`, the shape
        ///   has too many dimensions, or `Scalar` is neither `Float` nor `Double`.
        public init<Scalar: MatrixScalar>(shape: [Int], numbers: [Scalar]) throws {
            let dtype = try Self.dtype(of: Scalar.self)
            guard shape.count <= SafeTensors.maximumDimensions, shape.allSatisfy({ $0 >= 0 }), Self.elementCount(shape) == numbers.count else {
                throw InvalidArgument("SafeTensors.Tensor: shape \(shape) does not hold \(numbers.count) numbers")
            }
            let bytes = numbers.withUnsafeBufferPointer { elements in
                var bytes = Array(UnsafeRawBufferPointer(elements))
                #if _endian(big)
                bytes.withUnsafeMutableBytes { Self.reverseEachElement($0, size: MemoryLayout<Scalar>.size) }
                #endif
                return bytes
            }
            self.init(unchecked: dtype, shape, bytes)
        }

        /// The number of elements.
        public var count: Int { bytes.count / dtype.size }

        /// The shape as a matrix shape: `[]` is `1×1`, `[n]` is `1×n`, `[rows, columns]` itself,
        /// and a shape of more dimensions its first size × the product of the others.
        public var matrixShape: Shape {
            switch shape.count {
            case 0: Shape(1, 1)
            case 1: Shape(1, shape[0])
            default: Shape(shape[0], shape.dropFirst().reduce(1, *))
            }
        }

        /// The elements as `Scalar`s, row-major, whatever the tensor's floating-point dtype:
        /// `F32` and `F64` exactly when they are `Scalar`'s, else rounded to nearest (`F64` read
        /// as `Float` rounds; `F16`, `BF16` and `F32` read as `Double` are exact).
        /// - Throws: ``InvalidArgument`` for an `I64` tensor (whole numbers, not weights).
        public func numbers<Scalar: MatrixScalar>(as type: Scalar.Type = Scalar.self) throws -> [Scalar] {
            guard dtype.isFloatingPoint else {
                throw InvalidArgument("SafeTensors.Tensor: the tensor holds \(dtype.rawValue) whole numbers, not floating-point numbers (F16, BF16, F32 or F64)")
            }
            if DType.of(type) == dtype { return try rowMajorMatrix(as: type).elements }
            var result: [Scalar] = []
            result.reserveCapacity(count)
            bytes.withUnsafeBytes { raw in
                for index in 0..<count {
                    let offset = index * dtype.size
                    switch dtype {
                    case .f16:
                        let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                        result.append(Scalar(Double(Self.halfToFloat(bits))))
                    case .bf16:
                        let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                        result.append(Scalar(Double(Float(bitPattern: UInt32(bits) << 16))))
                    case .f32:
                        let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                        result.append(Scalar(Double(Float(bitPattern: bits))))
                    case .f64:
                        let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                        result.append(Scalar(Double(bitPattern: bits)))
                    case .i64:
                        break
                    }
                }
            }
            return result
        }

        /// The elements of an `I64` tensor, row-major.
        /// - Throws: ``InvalidArgument`` for a tensor of another dtype.
        public func integers() throws -> [Int64] {
            guard dtype == .i64 else {
                throw InvalidArgument("SafeTensors.Tensor: the tensor holds \(dtype.rawValue) numbers, not I64 whole numbers")
            }
            return bytes.withUnsafeBytes { raw in
                (0..<count).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
            }
        }

        /// An IEEE 754 half-precision number (1 sign bit, 5 exponent bits, 10 fraction bits) as a
        /// `Float`, which holds every one of them exactly.
        static func halfToFloat(_ bits: UInt16) -> Float {
            let sign: Float = bits & 0x8000 != 0 ? -1 : 1
            let exponent = Int((bits >> 10) & 0x1f), fraction = Float(bits & 0x3ff)
            switch exponent {
            case 0: return sign * fraction * Float(sign: .plus, exponent: -24, significand: 1)  // subnormal: fraction·2⁻²⁴
            case 0x1f: return fraction == 0 ? sign * .infinity : .nan
            default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
            }
        }

        /// The shape as written in the header, e.g. `[784, 50]`.
        public var shapeDescription: String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

        /// The elements as a matrix (`1×n` for a 1-D tensor), bit for bit.
        /// - Throws: ``InvalidArgument`` when the tensor's dtype is not the one of `Scalar` (`F32`
        ///   for `Float`, `F64` for `Double`): no silent conversion; or when it has more than two
        ///   dimensions, or none (see ``numbers(as:)`` for those).
        public func matrix<Scalar: MatrixScalar>(as type: Scalar.Type = Scalar.self) throws -> Matrix<Scalar> {
            guard (1...2).contains(shape.count) else {
                throw InvalidArgument("SafeTensors.Tensor: a tensor of shape \(shapeDescription) is not a matrix (one or two dimensions); read its numbers instead")
            }
            return try rowMajorMatrix(as: type)
        }

        /// The elements as a ``matrixShape`` matrix, bit for bit, for any number of dimensions.
        func rowMajorMatrix<Scalar: MatrixScalar>(as type: Scalar.Type = Scalar.self) throws -> Matrix<Scalar> {
            let wanted = try Self.dtype(of: type)
            guard wanted == dtype else {
                throw InvalidArgument("SafeTensors.Tensor: the tensor holds \(dtype.rawValue) numbers, not \(wanted.rawValue) (\(Scalar.self))")
            }
            let count = self.count
            let elements = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
                let target = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[..<bytes.count])
                bytes.withUnsafeBytes { target.copyMemory(from: $0) }
                #if _endian(big)
                Self.reverseEachElement(target, size: MemoryLayout<Scalar>.size)
                #endif
                initialized = count
            }
            let shape = matrixShape
            return Matrix(unchecked: shape.rows, shape.columns, elements)
        }

        static func dtype<Scalar: MatrixScalar>(of type: Scalar.Type) throws -> DType {
            guard let dtype = DType.of(type), MemoryLayout<Scalar>.size == dtype.size else {
                throw InvalidArgument("SafeTensors: \(Scalar.self) has no safetensors dtype here (only Float, F32, and Double, F64)")
            }
            return dtype
        }

        /// `rows·columns` (or `n`), or `nil` on overflow.
        static func elementCount(_ shape: [Int]) -> Int? {
            var count = 1
            for size in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: size)
                if overflow { return nil }
                count = product
            }
            return count
        }

        static func littleEndianBytes<Scalar: MatrixScalar>(_ matrix: Matrix<Scalar>) -> [UInt8] {
            matrix.withUnsafeBufferPointer { elements in
                var bytes = Array(UnsafeRawBufferPointer(elements))
                #if _endian(big)
                bytes.withUnsafeMutableBytes { reverseEachElement($0, size: MemoryLayout<Scalar>.size) }
                #endif
                return bytes
            }
        }

        /// Swaps the byte order of every `size`-byte element (for big-endian machines).
        static func reverseEachElement(_ bytes: UnsafeMutableRawBufferPointer, size: Int) {
            var start = 0
            while start + size <= bytes.count {
                var low = start, high = start + size - 1
                while low < high {
                    bytes.swapAt(low, high)
                    low += 1
                    high -= 1
                }
                start += size
            }
        }
    }
}

// MARK: - Writing

extension SafeTensors {
    /// The file's bytes: the header length, the header (padded with spaces to a multiple of 8
    /// bytes) and the data.
    /// - Throws: ``InvalidArgument`` for a tensor named `__metadata__` or a header longer than
    ///   ``maximumHeaderLength``.
    public func encoded() throws -> [UInt8] {
        guard tensors[Self.metadataKey] == nil else {
            throw InvalidArgument("SafeTensors: a tensor cannot be named \(Self.metadataKey), the header's key for metadata")
        }
        let ordered = tensors.sorted { left, right in
            left.value.dtype.size != right.value.dtype.size
                ? left.value.dtype.size > right.value.dtype.size
                : left.key.utf8.lexicographicallyPrecedes(right.key.utf8)
        }
        var members: [JSONMember] = []
        if !metadata.isEmpty {
            let entries = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            members.append(JSONMember(Self.metadataKey, .object(entries.map { JSONMember($0.key, .string($0.value)) })))
        }
        var offset = 0
        for (name, tensor) in ordered {
            members.append(
                JSONMember(
                    name,
                    .object([
                        JSONMember("dtype", .string(tensor.dtype.rawValue)),
                        JSONMember("shape", .array(tensor.shape.map { .integer($0) })),
                        JSONMember("data_offsets", .array([.integer(offset), .integer(offset + tensor.bytes.count)])),
                    ])))
            offset += tensor.bytes.count
        }
        var header = Array(try JSONValue.object(members).encoded().utf8)
        header += [UInt8](repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        guard header.count <= Self.maximumHeaderLength else {
            throw InvalidArgument("SafeTensors: the header would be \(header.count) bytes, more than the \(Self.maximumHeaderLength) readers accept")
        }
        var file: [UInt8] = []
        file.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file += $0 }
        file += header
        for (_, tensor) in ordered { file += tensor.bytes }
        return file
    }

    /// Writes the file to `path` (via a temporary file and a rename, see ``AtomicFile``).
    /// - Throws: ``FileWriteError`` naming `path` when its directory does not exist or the file
    ///   cannot be written; ``InvalidArgument`` as ``encoded()``.
    public func write(to path: String) throws {
        let bytes = try encoded()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileWriteError(path: path, reason: "the directory \(directory) does not exist")
        }
        try AtomicFile.write(Data(bytes), to: path)
    }
}

// MARK: - Reading

extension SafeTensors {
    /// Reads and checks the safetensors file at `path`.
    /// - Throws: ``DataFileError`` naming the file and the problem (see the type's documentation
    ///   for what is checked).
    public static func read(path: String) throws -> SafeTensors {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataFileError(path: path, problem: "no such file")
        }
        guard !isDirectory.boolValue else { throw DataFileError(path: path, problem: "is a directory, not a safetensors file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DataFileError(path: path, problem: "cannot be read") }
        defer { try? handle.close() }
        func read(_ count: Int) throws -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count)
            while bytes.count < count {
                guard let chunk = try handle.read(upToCount: min(count - bytes.count, 1 << 24)), !chunk.isEmpty else { break }
                bytes += chunk
            }
            guard bytes.count == count else {
                throw DataFileError(path: path, problem: "the file became shorter while it was read (\(bytes.count) of \(count) bytes)")
            }
            return bytes
        }
        do {
            let fileSize = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            let headerLength = try headerLength(prefix: try read(min(8, fileSize)), fileSize: fileSize, source: path)
            let layout = try Layout(header: try read(headerLength), dataSize: fileSize - 8 - headerLength, source: path)
            return try SafeTensors(layout, data: try read(layout.dataSize))
        } catch let error as DataFileError {
            throw error
        } catch {
            throw DataFileError(path: path, problem: "cannot be read: \(AtomicFile.reason(error))")
        }
    }

    /// Decodes and checks a whole safetensors file held in memory; `source` names it in errors.
    /// - Throws: ``DataFileError`` naming `source` and the problem.
    public init(decoding bytes: [UInt8], source: String = "safetensors data") throws {
        let headerLength = try Self.headerLength(prefix: Array(bytes.prefix(8)), fileSize: bytes.count, source: source)
        let layout = try Layout(header: bytes[8..<(8 + headerLength)], dataSize: bytes.count - 8 - headerLength, source: source)
        try self.init(layout, data: bytes[(8 + headerLength)...])
    }

    /// The header length from the first 8 bytes, checked against the file's size and the limit.
    static func headerLength(prefix: [UInt8], fileSize: Int, source: String) throws -> Int {
        guard prefix.count == 8 else {
            throw DataFileError(
                path: source,
                problem: "the file is too short (\(fileSize) bytes) to be safetensors: it must start with an 8-byte header length")
        }
        let length = prefix.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(maximumHeaderLength) else {
            throw DataFileError(
                path: source,
                problem: "the header length \(length) is larger than the \(maximumHeaderLength)-byte limit: not a safetensors file, or a corrupt one")
        }
        guard Int(length) <= fileSize - 8 else {
            throw DataFileError(
                path: source,
                problem: "the header length \(length) runs past the end of the file (\(fileSize) bytes, so at most \(fileSize - 8)): the file is truncated or corrupt")
        }
        return Int(length)
    }

    /// The tensors from a checked layout and the data section it describes.
    init(_ layout: Layout, data: some Collection<UInt8>) throws {
        let data = Array(data)
        guard data.count == layout.dataSize else {
            throw DataFileError(path: layout.source, problem: "the data section is \(data.count) bytes, expected \(layout.dataSize)")
        }
        var tensors: [String: Tensor] = [:]
        for entry in layout.entries {
            tensors[entry.name] = Tensor(unchecked: entry.dtype, entry.shape, Array(data[entry.begin..<entry.end]))
        }
        self.init(tensors: tensors, metadata: layout.metadata)
    }

    /// What a checked header says: each tensor's place in the data section, and the metadata.
    struct Layout {
        struct Entry {
            var name: String
            var dtype: DType
            var shape: [Int]
            var begin: Int
            var end: Int
        }

        /// Sorted by offset; they tile `0..<dataSize` exactly.
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        var dataSize: Int
        var source: String

        /// Parses the header and checks every entry, and that the entries tile a data section of
        /// `dataSize` bytes exactly.
        init(header: some Collection<UInt8>, dataSize: Int, source: String) throws {
            self.dataSize = dataSize
            self.source = source
            func problem(_ text: String) -> DataFileError { DataFileError(path: source, problem: text) }
            guard String(validating: header, as: UTF8.self) != nil else { throw problem("the header is not valid UTF-8 text") }
            let json: JSONValue
            do {
                json = try JSONValue(parsing: header)
            } catch let error as JSONSyntaxError {
                throw problem("the header is not valid JSON: \(error.problem) at byte \(8 + error.offset) of the file")
            }
            guard case .object(let members) = json else {
                throw problem("the header is \(json.kind), not a JSON object of tensors")
            }
            for member in members {
                if member.key == SafeTensors.metadataKey {
                    guard case .object(let pairs) = member.value else {
                        throw problem("\(SafeTensors.metadataKey) is \(member.value.kind), not an object of strings")
                    }
                    for pair in pairs {
                        guard case .string(let value) = pair.value else {
                            throw problem("\(SafeTensors.metadataKey) \"\(pair.key)\" is \(pair.value.kind); metadata values must be strings")
                        }
                        metadata[pair.key] = value
                    }
                } else {
                    entries.append(try Self.entry(member, source: source))
                }
            }
            try checkTiling()
        }

        /// One tensor's entry, checked on its own: dtype, shape, offsets, and that the shape's
        /// size matches the byte range.
        static func entry(_ member: JSONMember, source: String) throws -> Entry {
            let name = member.key
            func problem(_ text: String) -> DataFileError { DataFileError(path: source, problem: "tensor \"\(name)\": \(text)") }
            guard case .object = member.value else {
                throw problem("its entry is \(member.value.kind), not an object with dtype, shape and data_offsets")
            }
            func field(_ key: String) throws -> JSONValue {
                guard let value = member.value[key] else { throw problem("the entry has no \(key)") }
                return value
            }
            func counts(_ key: String) throws -> [Int] {
                guard case .array(let values) = try field(key) else { throw problem("\(key) is \(try field(key).kind), not an array") }
                return try values.map { value in
                    guard case .integer(let number) = value, number >= 0 else {
                        throw problem("\(key) must hold whole numbers ≥ 0, found \(value.summary)")
                    }
                    return number
                }
            }
            guard case .string(let dtypeName) = try field("dtype") else { throw problem("dtype is \(try field("dtype").kind), not a string") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw problem("dtype \(dtypeName) is not supported (only \(DType.supportedList))")
            }
            let shape = try counts("shape")
            let shapeText = "[" + shape.map(String.init).joined(separator: ", ") + "]"
            guard shape.count <= SafeTensors.maximumDimensions else {
                throw problem("shape \(shapeText) has \(shape.count) dimensions; at most \(SafeTensors.maximumDimensions) are supported")
            }
            let offsets = try counts("data_offsets")
            guard offsets.count == 2 else { throw problem("data_offsets must be [begin, end], found \(offsets.count) numbers") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end else { throw problem("data_offsets [\(begin), \(end)] end before they begin") }
            guard let count = Tensor.elementCount(shape), case (let bytes, false) = count.multipliedReportingOverflow(by: dtype.size) else {
                throw problem("shape \(shapeText) is too large")
            }
            guard end - begin == bytes else {
                throw problem("shape \(shapeText) of \(dtypeName) needs \(bytes) bytes, but data_offsets [\(begin), \(end)] hold \(end - begin)")
            }
            return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
        }

        /// Sorts the entries by offset and checks they cover the data section exactly once.
        mutating func checkTiling() throws {
            entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
            var position = 0
            var previous: Entry?
            for entry in entries {
                if entry.begin > position {
                    throw DataFileError(
                        path: source,
                        problem: "bytes \(position)..<\(entry.begin) of the data section belong to no tensor (a gap \(previous.map { "after \"\($0.name)\" and " } ?? "")before \"\(entry.name)\")")
                }
                if entry.begin < position, let previous {
                    throw DataFileError(
                        path: source,
                        problem: "tensors \"\(previous.name)\" [\(previous.begin), \(previous.end)] and \"\(entry.name)\" [\(entry.begin), \(entry.end)] overlap")
                }
                guard entry.end <= dataSize else {
                    throw DataFileError(
                        path: source,
                        problem: "tensor \"\(entry.name)\" ends at byte \(entry.end) of the data section, which has only \(dataSize) bytes: the file is truncated or its offsets are wrong")
                }
                position = entry.end
                previous = entry
            }
            guard position == dataSize else {
                throw DataFileError(
                    path: source,
                    problem: "the data section has \(dataSize) bytes but its tensors cover \(position): \(dataSize - position) bytes at the end belong to no tensor")
            }
        }
    }
}
