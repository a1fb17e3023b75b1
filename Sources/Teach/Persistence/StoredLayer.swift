import Foundation

/// A layer that can be saved in a model file and loaded again: its kind (the `kind` of its entry
/// in the architecture), how it writes its settings and tensors, and how it reads them back with
/// every value checked.
///
/// Each library layer conforms in its own file. A layer of your own conforms the same way and is
/// loaded by naming it: `Model<Float>.load(from: path, layers: [LayerKind(MyLayer<Float>.self)])`.
///
///     extension Scale: StorableLayer {
///         static var kind: String { "scale" }
///         func store(into writer: inout LayerWriter) throws {
///             try writer.tensor("factor", factor)
///         }
///         init(reading reader: inout LayerReader) throws {
///             factor = try reader.tensor("factor", shape: [1, 1], "the factor")
///         }
///     }
public protocol StorableLayer: Layer {
    /// The layer's `kind` in a model file's architecture: `dense`, `conv2d`, ….
    static var kind: String { get }
    /// Writes the layer's settings (as keys of its architecture entry) and its tensors.
    func store(into writer: inout LayerWriter) throws
    /// Reads a layer written by ``store(into:)``; every value and tensor is checked.
    init(reading reader: inout LayerReader) throws
}

/// One kind of layer a model file can hold, for ``Model/load(from:layers:allowNonFinite:)``: its `kind` and how
/// to read it as a layer of `Scalar`s.
public struct LayerKind<Scalar: MatrixScalar>: Sendable {
    /// The `kind` in the architecture.
    public let kind: String
    let read: @Sendable (inout LayerReader) throws -> any Layer<Scalar>

    /// The kind of `type`.
    public init<L: StorableLayer>(_ type: L.Type) where L.Scalar == Scalar {
        kind = L.kind
        read = { reader in try L(reading: &reader) }
    }
}

/// The key of a setting in a layer's architecture entry.
public struct StoredKey: CodingKey, Hashable, ExpressibleByStringLiteral, Sendable {
    /// The key as it appears in the JSON object: `units`, `input_shape`.
    public var stringValue: String
    /// Always `nil`: an architecture entry is an object, never an array.
    public var intValue: Int? { nil }
    /// The key `stringValue`.
    public init(stringValue: String) { self.stringValue = stringValue }
    /// Always `nil`: keys are names, not positions.
    public init?(intValue: Int) { nil }
    /// The key written as a literal: `writer.set("units", units)`.
    public init(stringLiteral value: String) { stringValue = value }
}

/// Where a model file's tensors go while its architecture is encoded, and where they come from
/// while it is decoded; handed to the coders through `userInfo`.
final class TensorStore: @unchecked Sendable {
    static let key = CodingUserInfoKey(rawValue: "teach.tensors")!
    /// The file's tensors (written or read).
    var tensors: [String: SafeTensors.Tensor]
    /// The tensors that layers have read.
    var used = Set<String>()
    /// The file's name, for errors.
    let source: String
    /// The layer kinds the reader knows, by kind, for each scalar type (`[String: LayerKind<Scalar>]`).
    let kinds: Any
    /// Whether non-finite tensors and out-of-range settings are loaded anyway (see ``Model/load(from:layers:allowNonFinite:)``).
    let allowNonFinite: Bool

    init(tensors: [String: SafeTensors.Tensor] = [:], source: String, kinds: Any = (), allowNonFinite: Bool = false) {
        self.tensors = tensors
        self.source = source
        self.kinds = kinds
        self.allowNonFinite = allowNonFinite
    }

    static func from(_ userInfo: [CodingUserInfoKey: Any]) -> TensorStore {
        guard let store = userInfo[key] as? TensorStore else { preconditionFailure("LayerWriter and LayerReader run inside Model's coders") }
        return store
    }

    /// `layers.3.body.0`, from a coding path `[3, "body", 0]`.
    static func name(_ path: [any CodingKey]) -> String {
        (["layers"] + path.map { $0.intValue.map(String.init) ?? $0.stringValue }).joined(separator: ".")
    }
}

/// A layer of any kind inside an architecture: `kind` and then the layer's own settings.
struct StoredLayerEntry<Scalar: MatrixScalar>: Codable {
    var layer: any Layer<Scalar>

    init(_ layer: any Layer<Scalar>) { self.layer = layer }

    func encode(to encoder: any Encoder) throws {
        guard let storable = layer as? any StorableLayer else {
            throw InvalidArgument(
                "Model.save: \(TensorStore.name(encoder.codingPath)) (\(layer.name)) is a \(type(of: layer)), which does not conform to "
                    + "StorableLayer, so a model file cannot hold it")
        }
        var writer = LayerWriter(encoder, kind: type(of: storable).kind)
        try writer.set("kind", type(of: storable).kind)
        try storable.store(into: &writer)
    }

    init(from decoder: any Decoder) throws {
        var reader = try LayerReader(decoder)
        let kind = try reader.string("kind")
        guard let known = (TensorStore.from(decoder.userInfo).kinds as? [String: LayerKind<Scalar>])?[kind] else {
            throw reader.problem("unknown layer kind \"\(kind)\"")
        }
        reader.kind = kind
        layer = try known.read(&reader)
        try reader.finish()
    }
}

/// Writes one layer's entry in a model file: settings as keys of its JSON object, tensors under
/// the layer's name (`layers.3.weight`, or `layers.3.body.0.weight` inside a block).
public struct LayerWriter {
    var container: KeyedEncodingContainer<StoredKey>
    let store: TensorStore
    /// The layer's name in the file: `layers.3`.
    public let name: String
    let kind: String

    init(_ encoder: any Encoder, kind: String) {
        container = encoder.container(keyedBy: StoredKey.self)
        store = TensorStore.from(encoder.userInfo)
        name = TensorStore.name(encoder.codingPath)
        self.kind = kind
    }

    /// Stores the whole number `value` under `key`.
    /// - Throws: an encoding error only if the underlying encoder refuses the key.
    public mutating func set(_ key: StoredKey, _ value: Int) throws { try container.encode(value, forKey: key) }
    /// Stores `true` or `false` under `key`.
    /// - Throws: an encoding error only if the underlying encoder refuses the key.
    public mutating func set(_ key: StoredKey, _ value: Bool) throws { try container.encode(value, forKey: key) }
    /// Stores the string `value` under `key`.
    /// - Throws: an encoding error only if the underlying encoder refuses the key.
    public mutating func set(_ key: StoredKey, _ value: String) throws { try container.encode(value, forKey: key) }

    /// A finite number (JSON has no infinities).
    /// - Throws: ``InvalidArgument`` naming the layer and the key for a number that is not finite.
    public mutating func set(_ key: StoredKey, _ value: Double) throws {
        guard value.isFinite else {
            throw InvalidArgument("Model.save: \(name) (\(kind)): \(key.stringValue) \(value) cannot be saved (JSON numbers are finite)")
        }
        try container.encode(value, forKey: key)
    }

    /// `[height, width, channels]`.
    public mutating func set(_ key: StoredKey, _ shape: ImageShape) throws {
        try container.encode([shape.height, shape.width, shape.channels], forKey: key)
    }

    /// `"activation": name`, and its parameter (`negative_slope`, `alpha`) beside it.
    public mutating func set(activation: Activation) throws {
        try set("activation", activation.storedName)
        if let (key, value) = activation.storedParameter { try set(StoredKey(stringValue: key), value) }
    }

    /// Stores `matrix` as the tensor `name.parameter`: as a vector (`[n]`) when `vector`, else `[rows, columns]`.
    public mutating func tensor<Scalar: MatrixScalar>(_ parameter: String, _ matrix: Matrix<Scalar>, vector: Bool = false) throws {
        store.tensors["\(name).\(parameter)"] = vector ? try SafeTensors.Tensor(vector: matrix) : try SafeTensors.Tensor(matrix)
    }

    /// Layers inside this one (a block's), each an entry of the array `key`.
    public mutating func set<Scalar: MatrixScalar>(_ key: StoredKey, layers: [any Layer<Scalar>]) throws {
        try container.encode(layers.map { StoredLayerEntry($0) }, forKey: key)
    }
}

/// Reads one layer's entry in a model file with checks: every error names the file, the layer
/// and what is wrong, and a key the layer did not read is an error (a typo or a corrupt file).
public struct LayerReader {
    let container: KeyedDecodingContainer<StoredKey>
    let store: TensorStore
    /// The layer's name in the file: `layers.3`.
    public let name: String
    /// The layer's kind, once read (`?` before).
    public internal(set) var kind = "?"
    var read = Set<String>()

    init(_ decoder: any Decoder) throws {
        store = TensorStore.from(decoder.userInfo)
        name = TensorStore.name(decoder.codingPath)
        do {
            container = try decoder.container(keyedBy: StoredKey.self)
        } catch {
            let value = try? decoder.singleValueContainer().decode(StoredValue.self)
            throw DataFileError(path: store.source, problem: "\(name) (?): the architecture's entry is \(value?.kind ?? "not JSON"), not an object")
        }
    }

    /// An error naming the file and this layer.
    public func problem(_ text: String) -> DataFileError {
        DataFileError(path: store.source, problem: "\(name) (\(kind)): \(text)")
    }

    /// Whether the model is being loaded with `allowNonFinite` (``Model/load(from:layers:allowNonFinite:)``):
    /// then ``tensor(_:shape:_:)`` accepts NaN and infinities, and layers skip their range checks
    /// (a negative running variance, a leaky slope outside [0, 1]).
    public var allowsNonFinite: Bool { store.allowNonFinite }

    /// Refuses `value`, the setting or tensor `what`, unless it `holds` or the model is loaded with
    /// `allowNonFinite`: the error names it, the value and what was expected.
    /// - Throws: ``DataFileError`` naming the file, the layer, `what` and `expected`.
    public func require(_ holds: Bool, _ what: String, is value: String, expected: String) throws {
        guard holds || allowsNonFinite else {
            throw problem("\(what) is \(value), expected \(expected) (Model.load(from:layers:allowNonFinite:) with allowNonFinite: true loads it anyway)")
        }
    }

    /// Refuses keys that no read asked for.
    mutating func finish() throws {
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !read.contains($0) }) {
            throw problem("unexpected key \"\(unknown)\" for a \(kind) layer")
        }
    }

    /// Whether the entry has `key` (for settings written only when they differ from a default).
    public mutating func has(_ key: StoredKey) -> Bool {
        read.insert(key.stringValue)
        return container.contains(key)
    }

    mutating func value<T: Decodable>(_ key: StoredKey, _ type: T.Type, _ expected: String) throws -> T {
        read.insert(key.stringValue)
        guard container.contains(key) else { throw problem("the architecture gives no \"\(key.stringValue)\"") }
        if let value = try? container.decode(T.self, forKey: key) { return value }
        let found = (try? container.decode(StoredValue.self, forKey: key))?.summary ?? "something else"
        throw problem("\"\(key.stringValue)\" must be \(expected), found \(found)")
    }

    /// A whole number from `minimum` to 2³¹ − 1 (every size in a model file fits in 32 bits).
    public mutating func integer(_ key: StoredKey, atLeast minimum: Int = 0) throws -> Int {
        let expected = "a whole number from \(minimum) to \(ModelFile.largestCount)"
        let value = try self.value(key, StoredValue.self, expected)
        guard case .integer(let number) = value, number >= minimum, number <= ModelFile.largestCount else {
            throw problem("\"\(key.stringValue)\" must be \(expected), found \(value.summary)")
        }
        return number
    }

    /// The number under `key`, whole or not, as a `Double`.
    /// - Throws: ``DataFileError`` naming the file and the layer when the key is missing or holds
    ///   something else.
    public mutating func number(_ key: StoredKey) throws -> Double {
        switch try value(key, StoredValue.self, "a number") {
        case .integer(let number): return Double(number)
        case .number(let number): return number
        case let other: throw problem("\"\(key.stringValue)\" must be a number, found \(other.summary)")
        }
    }

    /// The `true` or `false` under `key`.
    /// - Throws: ``DataFileError`` naming the file and the layer when the key is missing or holds
    ///   something else.
    public mutating func bool(_ key: StoredKey) throws -> Bool { try value(key, Bool.self, "true or false") }
    /// The string under `key`.
    /// - Throws: ``DataFileError`` naming the file and the layer when the key is missing or holds
    ///   something else.
    public mutating func string(_ key: StoredKey) throws -> String { try value(key, String.self, "a string") }

    /// `[height, width, channels]`, each at least 1, with at most 2³¹ − 1 numbers in all.
    public mutating func imageShape(_ key: StoredKey = "input_shape") throws -> ImageShape {
        let value = try self.value(key, StoredValue.self, "[height, width, channels]")
        guard case .array(let sizes) = value, sizes.count == 3,
            case .integer(let height) = sizes[0], case .integer(let width) = sizes[1], case .integer(let channels) = sizes[2],
            height >= 1, width >= 1, channels >= 1
        else {
            throw problem("\"\(key.stringValue)\" must be [height, width, channels], each a whole number ≥ 1, found \(value.summary)")
        }
        let shape = ImageShape(height: height, width: width, channels: channels)
        try checkSize(shape, key.stringValue)
        return shape
    }

    /// Refuses an image whose number count overflows or passes 2³¹ − 1.
    public func checkSize(_ shape: ImageShape, _ what: String) throws {
        guard let count = Self.product([shape.height, shape.width, shape.channels]), count <= ModelFile.largestCount else {
            throw problem("\(what) \(shape) has more than \(ModelFile.largestCount) numbers")
        }
    }

    /// The product of `sizes`, or `nil` when it overflows.
    public static func product(_ sizes: [Int]) -> Int? {
        var result = 1
        for size in sizes {
            let (next, overflow) = result.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            result = next
        }
        return result
    }

    /// The activation written by ``LayerWriter/set(activation:)``.
    public mutating func activation() throws -> Activation {
        let name = try string("activation")
        var reader = self
        defer { self = reader }
        guard let activation = try Activation(storedName: name, parameter: { key in try reader.number(StoredKey(stringValue: key)) }) else {
            throw problem("unknown activation \"\(name)\" (\(Activation.storedNames.joined(separator: ", ")))")
        }
        // A slope of 1e308 is a JSON number, but it makes every negative input overflow.
        switch activation {
        case .leakyReLU(let slope):
            try require((0...1).contains(slope), "\"negative_slope\"", is: "\(slope)", expected: "a number from 0 to 1")
        case .elu(let alpha):
            try require((0...1000).contains(alpha), "\"alpha\"", is: "\(alpha)", expected: "a number from 0 to 1000")
        default: break
        }
        return activation
    }

    /// The layer's tensor `parameter`, which must exist with `Scalar`'s dtype and the given shape,
    /// and hold only finite numbers (unless ``allowsNonFinite``).
    public mutating func tensor<Scalar: MatrixScalar>(_ parameter: String, shape expected: [Int], _ meaning: String) throws -> Matrix<Scalar> {
        let tensorName = "\(name).\(parameter)"
        let expectedText = "[" + expected.map(String.init).joined(separator: ", ") + "]"
        guard let tensor = store.tensors[tensorName] else { throw problem("tensor \(tensorName) (\(meaning), \(expectedText)) is missing") }
        store.used.insert(tensorName)
        let dtype = try SafeTensors.Tensor.dtype(of: Scalar.self)
        guard tensor.dtype == dtype else {
            throw problem("tensor \(tensorName) holds \(tensor.dtype.rawValue) numbers, but a Model<\(Scalar.self)> needs \(dtype.rawValue)")
        }
        guard tensor.shape == expected else {
            throw problem("tensor \(tensorName) (\(meaning)) has shape \(tensor.shapeDescription), expected \(expectedText)")
        }
        let matrix: Matrix<Scalar> = try tensor.matrix()
        // NaN or infinite weights load "fine" and then predict NaN or a silent constant: refused
        // here, where they enter (one pass over the numbers).
        if !allowsNonFinite, let index = matrix.elements.firstIndex(where: { !$0.isFinite }) {
            try require(false, "tensor \(tensorName) (\(meaning)) at element \(index)", is: "\(matrix.elements[index])", expected: "a finite number")
        }
        return matrix
    }

    /// The layers inside this one, from the array `key`.
    public mutating func layers<Scalar: MatrixScalar>(_ key: StoredKey) throws -> [any Layer<Scalar>] {
        read.insert(key.stringValue)
        guard container.contains(key) else { throw problem("the architecture gives no \"\(key.stringValue)\"") }
        return try container.decode([StoredLayerEntry<Scalar>].self, forKey: key).map { $0.layer }
    }

    /// Runs a layer's initialiser, turning its error into one that names the file and layer.
    public func build<T>(_ make: () throws -> T) throws -> T {
        do {
            return try make()
        } catch let error as DataFileError {
            throw error
        } catch {
            throw problem("\(error)")
        }
    }
}

/// Any JSON value, decoded to say what was found where something else was expected.
enum StoredValue: Decodable {
    case null, bool(Bool), integer(Int), number(Double), string(String), array([StoredValue]), object

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() { self = .null; return }
            if let value = try? container.decode(Bool.self) { self = .bool(value); return }
            if let value = try? container.decode(Int.self) { self = .integer(value); return }
            if let value = try? container.decode(Double.self) { self = .number(value); return }
            if let value = try? container.decode(String.self) { self = .string(value); return }
            if let value = try? container.decode([StoredValue].self) { self = .array(value); return }
        }
        self = .object
    }

    /// `a number`, `an object`, … .
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "true or false"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value in short: `-1`, `"big"`, `[2, 3]`, `an object`.
    var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .string(let value): "\"\(value.count > 40 ? String(value.prefix(40)) + "…" : value)\""
        case .array(let values): "[" + values.prefix(4).map(\.summary).joined(separator: ", ") + (values.count > 4 ? ", …" : "") + "]"
        case .object: "an object"
        }
    }
}
