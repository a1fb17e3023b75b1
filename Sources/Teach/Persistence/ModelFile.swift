/// How a ``Model`` is stored in a ``SafeTensors`` file: its parameters as tensors with PyTorch-like
/// names, its architecture as JSON in the header's metadata.
///
/// **Metadata** (string values, as the format requires):
///
/// | key | value |
/// |:---|:---|
/// | `format` | `teach-model` |
/// | `teach.version` | `1` (this layout; a reader refuses versions it does not know) |
/// | `teach.architecture` | a JSON array with one object per layer, input side first |
///
/// **Layers** in the architecture, with the tensors of layer `i` (`i` counts from 0):
///
/// | `kind` | other keys | tensors |
/// |:---|:---|:---|
/// | `dense` | `inputs`, `units`, `activation`, `bias` | `layers.i.weight` `[inputs, units]`, `layers.i.bias` `[units]` (when `bias` is true) |
/// | `dropout` | `rate`, `inverted` | none |
/// | `batch_norm` | `features`, `momentum`, `epsilon` | `layers.i.weight` (γ), `layers.i.bias` (β), `layers.i.running_mean`, `layers.i.running_var`, each `[features]` |
/// | `activation` | `activation` | none |
/// | `conv2d` | `input_shape`, `filters`, `filter_size`, `stride`, `padding`, `activation` | `layers.i.weight` `[F·F·C, filters]`, `layers.i.bias` `[filters]` |
/// | `pool` | `pooling` (`max` or `average`), `input_shape`, `size`, `stride`, `round_down` (only when true) | none |
/// | `zero_padding` | `input_shape`, `padding` | none |
/// | `flatten` | `input_shape` | none |
/// | `softmax` | | none |
///
/// An `input_shape` is `[height, width, channels]`. An `activation` is one of `step`, `sigmoid`,
/// `tanh`, `relu`, `identity`, `leaky_relu`, `softplus`, `elu`, `silu`, `gelu` or `gelu_tanh`
/// (``Activation/storedName``); `leaky_relu` has a `negative_slope` key beside it and `elu` an
/// `alpha` key (``Activation/storedParameter``).
///
/// The names are PyTorch's (`weight`, `bias`, `running_mean`, `running_var`), the layouts the
/// package's own: a dense weight is `inputs×units` (PyTorch's `nn.Linear` keeps `units×inputs`,
/// the transpose), and a convolution's filters are one `(F·F·C)×K` matrix in channels-last order
/// (PyTorch's `nn.Conv2d` keeps `K×C×F×F`); see ``Dense`` and ``Conv2D``.
public enum ModelFile {
    /// The metadata key naming the format.
    public static let formatKey = "format"
    /// The format's name, the value of ``formatKey``.
    public static let format = "teach-model"
    /// The metadata key of the layout's version.
    public static let versionKey = "teach.version"
    /// The version written, and the only one read.
    public static let version = "1"
    /// The metadata key of the architecture (a JSON array of layers).
    public static let architectureKey = "teach.architecture"

    /// The name of parameter `parameter` of layer `index`: `layers.0.weight`.
    public static func tensorName(layer index: Int, _ parameter: String) -> String { "layers.\(index).\(parameter)" }

    /// The largest image, in numbers, a stored layer may describe (pooling indexes pixels with
    /// 32-bit integers); every size in an architecture must also fit in 32 bits.
    static let largestCount = Int(Int32.max)
}

extension Model {
    /// Saves the model to `path` as a safetensors file (layout in ``ModelFile``), atomically.
    /// - Throws: ``FileWriteError`` when the directory does not exist or the file cannot be
    ///   written; ``InvalidArgument`` for a number that JSON cannot hold (an infinite ε, say).
    public func save(to path: String) throws {
        try safeTensors().write(to: path)
    }

    /// Loads a model saved by ``save(to:)``: every layer rebuilt through its initialiser (so its
    /// geometry is checked again) and every tensor checked against its layer.
    /// - Throws: ``DataFileError`` naming the file and the problem: not a safetensors file, not a
    ///   Teach model, a layer that cannot be built, a tensor that is missing, extra, of the wrong
    ///   dtype (`F32` for `Model<Float>`, `F64` for `Model<Double>`) or the wrong shape.
    public static func load(from path: String) throws -> Model {
        try Model(try SafeTensors.read(path: path), source: path)
    }

    /// The model as safetensors: its parameters and, in the metadata, its architecture.
    /// - Throws: ``InvalidArgument`` for a number that JSON cannot hold (an infinite ε, say).
    public func safeTensors() throws -> SafeTensors {
        var tensors: [String: SafeTensors.Tensor] = [:]
        var architecture: [JSONValue] = []
        for (index, layer) in layers.enumerated() {
            func name(_ parameter: String) -> String { ModelFile.tensorName(layer: index, parameter) }
            func number(_ value: Double, _ key: String) throws -> JSONMember {
                guard value.isFinite else {
                    throw InvalidArgument("Model.save: layers.\(index) (\(layer.name)): \(key) \(value) cannot be saved (JSON numbers are finite)")
                }
                return JSONMember(key, .number(value))
            }
            func activation(_ activation: Activation) throws -> [JSONMember] {
                var members = [JSONMember("activation", .string(activation.storedName))]
                if let parameter = activation.storedParameter { members.append(try number(parameter.value, parameter.key)) }
                return members
            }
            func shape(_ shape: ImageShape) -> JSONValue { .array([.integer(shape.height), .integer(shape.width), .integer(shape.channels)]) }
            var members: [JSONMember]
            if let dense = layer as? Dense<Scalar> {
                members = [JSONMember("kind", .string("dense")), JSONMember("inputs", .integer(dense.inputCount)), JSONMember("units", .integer(dense.unitCount))]
                members += try activation(dense.activation)
                members.append(JSONMember("bias", .bool(dense.hasBias)))
                tensors[name("weight")] = try SafeTensors.Tensor(dense.weights)
                if dense.hasBias { tensors[name("bias")] = try SafeTensors.Tensor(vector: dense.bias) }
            } else if let dropout = layer as? Dropout<Scalar> {
                members = [JSONMember("kind", .string("dropout")), try number(dropout.rate, "rate"), JSONMember("inverted", .bool(dropout.inverted))]
            } else if let norm = layer as? BatchNorm<Scalar> {
                members = [
                    JSONMember("kind", .string("batch_norm")), JSONMember("features", .integer(norm.featureCount)),
                    try number(norm.momentum, "momentum"), try number(norm.epsilon, "epsilon"),
                ]
                tensors[name("weight")] = try SafeTensors.Tensor(vector: norm.scale)
                tensors[name("bias")] = try SafeTensors.Tensor(vector: norm.shift)
                tensors[name("running_mean")] = try SafeTensors.Tensor(vector: norm.runningMean)
                tensors[name("running_var")] = try SafeTensors.Tensor(vector: norm.runningVariance)
            } else if let function = (layer as? ActivationLayer<Scalar>)?.activation {
                members = [JSONMember("kind", .string("activation"))] + (try activation(function))
            } else if let conv = layer as? Conv2D<Scalar> {
                members = [
                    JSONMember("kind", .string("conv2d")), JSONMember("input_shape", shape(conv.inputShape)),
                    JSONMember("filters", .integer(conv.filterCount)), JSONMember("filter_size", .integer(conv.filterSize)),
                    JSONMember("stride", .integer(conv.stride)), JSONMember("padding", .integer(conv.padding)),
                ]
                members += try activation(conv.activation)
                tensors[name("weight")] = try SafeTensors.Tensor(conv.weights)
                tensors[name("bias")] = try SafeTensors.Tensor(vector: conv.bias)
            } else if let pooling = layer as? Pooling<Scalar> {
                members = [
                    JSONMember("kind", .string("pool")), JSONMember("pooling", .string(pooling.kind == .max ? "max" : "average")),
                    JSONMember("input_shape", shape(pooling.inputShape)), JSONMember("size", .integer(pooling.size)),
                    JSONMember("stride", .integer(pooling.stride)),
                ]
                if pooling.roundsDown { members.append(JSONMember("round_down", .bool(true))) }
            } else if let padding = layer as? ZeroPadding<Scalar> {
                members = [
                    JSONMember("kind", .string("zero_padding")), JSONMember("input_shape", shape(padding.inputShape)),
                    JSONMember("padding", .integer(padding.padding)),
                ]
            } else if let imageShape = (layer as? Flatten<Scalar>)?.inputShape {
                members = [JSONMember("kind", .string("flatten")), JSONMember("input_shape", shape(imageShape))]
            } else if layer is Softmax<Scalar> {
                members = [JSONMember("kind", .string("softmax"))]
            } else {
                throw InvalidArgument("Model.save: layers.\(index) (\(layer.name)) is a \(type(of: layer)), which model files do not store yet")
            }
            architecture.append(.object(members))
        }
        return SafeTensors(
            tensors: tensors,
            metadata: [
                ModelFile.formatKey: ModelFile.format, ModelFile.versionKey: ModelFile.version,
                ModelFile.architectureKey: try JSONValue.array(architecture).encoded(),
            ])
    }

    /// A model from safetensors written by ``safeTensors()``; `source` names the file in errors.
    /// - Throws: ``DataFileError`` as ``load(from:)``.
    public init(_ file: SafeTensors, source: String = "model") throws {
        func problem(_ text: String) -> DataFileError { DataFileError(path: source, problem: text) }
        guard file.metadata[ModelFile.formatKey] == ModelFile.format else {
            throw problem(
                "not a Teach model: its metadata has \(file.metadata[ModelFile.formatKey].map { "\"\(ModelFile.formatKey)\": \"\($0)\"" } ?? "no \"\(ModelFile.formatKey)\""), "
                    + "expected \"\(ModelFile.format)\" (SafeTensors.read reads any safetensors file)")
        }
        guard let version = file.metadata[ModelFile.versionKey] else { throw problem("its metadata has no \"\(ModelFile.versionKey)\"") }
        guard version == ModelFile.version else {
            throw problem("model file version \(version) is not supported: this reader knows version \(ModelFile.version)")
        }
        guard let text = file.metadata[ModelFile.architectureKey] else { throw problem("its metadata has no \"\(ModelFile.architectureKey)\"") }
        let architecture: JSONValue
        do {
            architecture = try JSONValue(parsing: Array(text.utf8))
        } catch let error as JSONSyntaxError {
            throw problem("\"\(ModelFile.architectureKey)\" is not valid JSON: \(error)")
        }
        guard case .array(let descriptions) = architecture else {
            throw problem("\"\(ModelFile.architectureKey)\" is \(architecture.kind), not an array of layers")
        }
        var used = Set<String>()
        var layers: [any Layer<Scalar>] = []
        for (index, description) in descriptions.enumerated() {
            var reader = StoredLayer<Scalar>(file: file, source: source, index: index, description: description)
            layers.append(try reader.layer())
            used.formUnion(reader.used)
        }
        if let extra = file.tensors.keys.filter({ !used.contains($0) }).sorted().first {
            throw problem("tensor \"\(extra)\" belongs to no layer of the architecture")
        }
        do {
            try self.init(layers)
        } catch {
            throw problem("the layers do not fit together: \(error)")
        }
    }
}

/// One layer's description in a model file, read with checks: each error names the file, the
/// layer and what is wrong.
private struct StoredLayer<Scalar: MatrixScalar> {
    let file: SafeTensors
    let source: String
    let index: Int
    let description: JSONValue
    /// The tensors this layer has read.
    var used = Set<String>()
    /// The layer's kind, once read.
    var kind = "?"

    init(file: SafeTensors, source: String, index: Int, description: JSONValue) {
        self.file = file
        self.source = source
        self.index = index
        self.description = description
    }

    func problem(_ text: String) -> DataFileError {
        DataFileError(path: source, problem: "layers.\(index) (\(kind)): \(text)")
    }

    func field(_ key: String) throws -> JSONValue {
        guard let value = description[key] else { throw problem("the architecture gives no \"\(key)\"") }
        return value
    }

    /// A whole number in `range` (every size fits in 32 bits).
    func integer(_ key: String, atLeast minimum: Int = 0) throws -> Int {
        let value = try field(key)
        guard case .integer(let number) = value, number >= minimum, number <= ModelFile.largestCount else {
            throw problem("\"\(key)\" must be a whole number from \(minimum) to \(ModelFile.largestCount), found \(value.summary)")
        }
        return number
    }

    func number(_ key: String) throws -> Double {
        switch try field(key) {
        case .integer(let number): return Double(number)
        case .number(let number): return number
        case let other: throw problem("\"\(key)\" must be a number, found \(other.summary)")
        }
    }

    func bool(_ key: String) throws -> Bool {
        guard case .bool(let value) = try field(key) else { throw problem("\"\(key)\" must be true or false, found \(try field(key).summary)") }
        return value
    }

    func string(_ key: String) throws -> String {
        guard case .string(let value) = try field(key) else { throw problem("\"\(key)\" must be a string, found \(try field(key).summary)") }
        return value
    }

    /// `[height, width, channels]`, each at least 1, with at most ``ModelFile/largestCount`` numbers.
    func imageShape(_ key: String = "input_shape") throws -> ImageShape {
        let value = try field(key)
        guard case .array(let sizes) = value, sizes.count == 3,
            case .integer(let height) = sizes[0], case .integer(let width) = sizes[1], case .integer(let channels) = sizes[2],
            height >= 1, width >= 1, channels >= 1
        else {
            throw problem("\"\(key)\" must be [height, width, channels], each a whole number ≥ 1, found \((try? value.encoded()) ?? value.kind)")
        }
        let shape = ImageShape(height: height, width: width, channels: channels)
        try checkSize(shape, key)
        return shape
    }

    /// Refuses an image whose number count overflows or passes ``ModelFile/largestCount``.
    func checkSize(_ shape: ImageShape, _ what: String) throws {
        guard let count = product([shape.height, shape.width, shape.channels]), count <= ModelFile.largestCount else {
            throw problem("\(what) \(shape) has more than \(ModelFile.largestCount) numbers")
        }
    }

    func product(_ sizes: [Int]) -> Int? {
        var result = 1
        for size in sizes {
            let (next, overflow) = result.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            result = next
        }
        return result
    }

    func activation() throws -> Activation {
        let name = try string("activation")
        guard let activation = try Activation(storedName: name, parameter: number) else {
            let names = Activation.storedNames
            throw problem("unknown activation \"\(name)\" (\(names.dropLast().joined(separator: ", ")) or \(names.last!))")
        }
        return activation
    }

    /// The layer's tensor `parameter`, which must exist with `Scalar`'s dtype and the given shape.
    mutating func tensor(_ parameter: String, shape expected: [Int], _ meaning: String) throws -> Matrix<Scalar> {
        let name = ModelFile.tensorName(layer: index, parameter)
        let expectedText = "[" + expected.map(String.init).joined(separator: ", ") + "]"
        guard let tensor = file.tensors[name] else { throw problem("tensor \(name) (\(meaning), \(expectedText)) is missing") }
        used.insert(name)
        let dtype = try SafeTensors.Tensor.dtype(of: Scalar.self)
        guard tensor.dtype == dtype else {
            throw problem("tensor \(name) holds \(tensor.dtype.rawValue) numbers, but a Model<\(Scalar.self)> needs \(dtype.rawValue)")
        }
        guard tensor.shape == expected else {
            throw problem("tensor \(name) (\(meaning)) has shape \(tensor.shapeDescription), expected \(expectedText)")
        }
        return try tensor.matrix()
    }

    /// Runs a layer's initialiser, turning its error into one that names the file and layer.
    func build<T>(_ make: () throws -> T) throws -> T {
        do {
            return try make()
        } catch {
            throw problem("\(error)")
        }
    }

    /// The keys a layer of this kind may have; any other is an error (a typo or a corrupt file).
    func allowOnly(_ keys: Set<String>) throws {
        guard case .object(let members) = description else { return }
        if let unknown = members.first(where: { !keys.contains($0.key) && $0.key != "kind" }) {
            throw problem("unexpected key \"\(unknown.key)\" for a \(kind) layer")
        }
    }

    mutating func layer() throws -> any Layer<Scalar> {
        guard case .object = description else { throw problem("the architecture's entry is \(description.kind), not an object") }
        kind = try string("kind")
        let activationKeys = Set(["activation"] + Activation.storedParameterKeys)
        switch kind {
        case "dense":
            try allowOnly(activationKeys.union(["inputs", "units", "bias"]))
            let inputs = try integer("inputs", atLeast: 1), units = try integer("units", atLeast: 1)
            let hasBias = try bool("bias"), activation = try activation()
            let weights = try tensor("weight", shape: [inputs, units], "weights, inputs×units")
            let bias = hasBias ? try tensor("bias", shape: [units], "biases") : Matrix(rows: 1, columns: units)
            return try build { try Dense(weights: weights, bias: bias, activation: activation, hasBias: hasBias) }
        case "dropout":
            try allowOnly(["rate", "inverted"])
            let rate = try number("rate"), inverted = try bool("inverted")
            return try build { try Dropout<Scalar>(rate: rate, inverted: inverted) }
        case "batch_norm":
            try allowOnly(["features", "momentum", "epsilon"])
            let features = try integer("features", atLeast: 1)
            let momentum = try number("momentum"), epsilon = try number("epsilon")
            // the tensors first: they exist in the file, so `features` is not a lie by the time
            // the initialiser allocates that many numbers
            let scale = try tensor("weight", shape: [features], "γ")
            let shift = try tensor("bias", shape: [features], "β")
            let runningMean = try tensor("running_mean", shape: [features], "running mean")
            let runningVariance = try tensor("running_var", shape: [features], "running variance")
            var norm = try build { try BatchNorm<Scalar>(features: features, momentum: momentum, epsilon: epsilon) }
            norm.scale = scale
            norm.shift = shift
            norm.runningMean = runningMean
            norm.runningVariance = runningVariance
            return norm
        case "activation":
            try allowOnly(activationKeys)
            return ActivationLayer<Scalar>(try activation())
        case "conv2d":
            try allowOnly(activationKeys.union(["input_shape", "filters", "filter_size", "stride", "padding"]))
            let input = try imageShape()
            let filters = try integer("filters", atLeast: 1), size = try integer("filter_size", atLeast: 1)
            let stride = try integer("stride", atLeast: 1), padding = try integer("padding")
            let activation = try activation()
            guard let rows = product([size, size, input.channels]) else { throw problem("filters of \(size)×\(size)×\(input.channels) are too large") }
            let weights = try tensor("weight", shape: [rows, filters], "filters, (F·F·C)×K")
            let bias = try tensor("bias", shape: [filters], "biases, one per filter")
            let conv = try build {
                try Conv2D(inputShape: input, weights: weights, bias: bias, filterSize: size, stride: stride, padding: padding, activation: activation)
            }
            try checkSize(conv.outputShape, "the output")
            return conv
        case "pool":
            try allowOnly(["pooling", "input_shape", "size", "stride", "round_down"])
            let poolingKind: PoolingKind
            switch try string("pooling") {
            case "max": poolingKind = .max
            case "average": poolingKind = .average
            case let other: throw problem("unknown pooling \"\(other)\" (max or average)")
            }
            let input = try imageShape()
            let size = try integer("size", atLeast: 1), stride = try integer("stride", atLeast: 1)
            let roundDown = description["round_down"] == nil ? false : try bool("round_down")
            return try build { try Pooling<Scalar>(poolingKind, inputShape: input, size: size, stride: stride, roundDown: roundDown) }
        case "zero_padding":
            try allowOnly(["input_shape", "padding"])
            let input = try imageShape(), padding = try integer("padding")
            let layer = try build { try ZeroPadding<Scalar>(inputShape: input, padding: padding) }
            try checkSize(layer.outputShape, "the output")
            return layer
        case "flatten":
            try allowOnly(["input_shape"])
            return Flatten<Scalar>(inputShape: try imageShape())
        case "softmax":
            try allowOnly([])
            return Softmax<Scalar>()
        default:
            let unknown = kind
            kind = "?"
            throw problem("unknown layer kind \"\(unknown)\"")
        }
    }
}
