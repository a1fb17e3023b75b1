import Foundation

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
/// **Layers.** Each entry has a `kind` and the layer's settings; each layer's documentation says
/// what its kind stores (``Dense``, ``Conv2D``, ``Pooling``, ``ZeroPadding``, ``Flatten``,
/// ``BatchNorm``, ``LayerNorm``, ``Embedding``, ``Dropout``, ``ActivationLayer``, ``PReLU``, ``Softmax``, and the blocks ``Sequential``,
/// ``Residual`` and ``Frozen``, whose entries hold their layers' entries). Layer `i`'s tensors are
/// named `layers.i.weight`, `layers.i.bias`, …; a layer inside a block adds its place in the block:
/// `layers.3.layers.0.weight`, `layers.2.body.1.bias`. An `input_shape` is
/// `[height, width, channels]`; an activation is `activation` with its parameter beside it
/// (``Activation/storedName``).
///
/// The names are PyTorch's (`weight`, `bias`, `running_mean`, `running_var`), the layouts the
/// package's own: a dense weight is `inputs×units` (PyTorch's `nn.Linear` keeps `units×inputs`,
/// the transpose), and a convolution's filters are one `(F·F·C)×K` matrix in channels-last order
/// (PyTorch's `nn.Conv2d` keeps `K×C×F×F`); see ``Dense`` and ``Conv2D``.
///
/// The architecture is written by Foundation's `JSONEncoder` with sorted keys (the same model
/// gives the same bytes) and read by `JSONDecoder`; before that the package's own JSON parser
/// refuses duplicate keys (which `JSONDecoder` accepts silently) and nesting deeper than 64
/// levels, and every layer refuses keys it does not know.
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

    /// The library's layer kinds: what a model file can hold without being told more. A new
    /// kind of layer in the library adds its line here.
    public static func libraryKinds<Scalar: MatrixScalar>(_: Scalar.Type = Scalar.self) -> [LayerKind<Scalar>] {
        [
            LayerKind(Dense<Scalar>.self), LayerKind(Dropout<Scalar>.self), LayerKind(BatchNorm<Scalar>.self),
            LayerKind(ActivationLayer<Scalar>.self), LayerKind(Conv2D<Scalar>.self), LayerKind(Pooling<Scalar>.self),
            LayerKind(ZeroPadding<Scalar>.self), LayerKind(Flatten<Scalar>.self), LayerKind(Softmax<Scalar>.self),
            LayerKind(Sequential<Scalar>.self), LayerKind(Residual<Scalar>.self), LayerKind(Frozen<Scalar>.self),
            LayerKind(Embedding<Scalar>.self), LayerKind(LayerNorm<Scalar>.self), LayerKind(PReLU<Scalar>.self),
            LayerKind(RNN<Scalar>.self), LayerKind(LSTM<Scalar>.self), LayerKind(GRU<Scalar>.self),
            LayerKind(PositionalEmbedding<Scalar>.self), LayerKind(CausalSelfAttention<Scalar>.self), LayerKind(LastStep<Scalar>.self),
        ]
    }
}

extension Model {
    /// Saves the model to `path` as a safetensors file (layout in ``ModelFile``), atomically.
    /// - Throws: ``FileWriteError`` when the directory does not exist or the file cannot be
    ///   written; ``InvalidArgument`` for a number that JSON cannot hold (an infinite ε, say) or a
    ///   layer that is not a ``StorableLayer``.
    public func save(to path: String) throws {
        try safeTensors().write(to: path)
    }

    /// Loads a model saved by ``save(to:)``: every layer rebuilt through its initialiser (so its
    /// geometry is checked again) and every tensor checked against its layer. Layers of your own
    /// are read when their kinds are given in `layers`.
    ///
    /// Values that would make the model predict NaN or a silent constant are refused, naming the
    /// tensor or setting: a NaN or infinite number in any tensor, a negative running variance
    /// (``BatchNorm``), a leaky ReLU slope outside [0, 1], an ELU alpha outside [0, 1000]. Pass
    /// `allowNonFinite: true` to load such a file anyway, to inspect a model that diverged.
    /// - Throws: ``DataFileError`` naming the file and the problem: not a safetensors file, not a
    ///   Teach model, a layer that cannot be built, a tensor that is missing, extra, of the wrong
    ///   dtype (`F32` for `Model<Float>`, `F64` for `Model<Double>`) or the wrong shape, or a value
    ///   out of range as above.
    public static func load(from path: String, layers: [LayerKind<Scalar>] = [], allowNonFinite: Bool = false) throws -> Model {
        try Model(try SafeTensors.read(path: path), source: path, layers: layers, allowNonFinite: allowNonFinite)
    }

    /// The model as safetensors: its parameters and, in the metadata, its architecture.
    /// - Throws: ``InvalidArgument`` for a number that JSON cannot hold or a layer that cannot be stored.
    public func safeTensors() throws -> SafeTensors {
        let store = TensorStore(source: "model")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[TensorStore.key] = store
        let architecture: Data
        do {
            architecture = try encoder.encode(layers.map { StoredLayerEntry($0) })
        } catch EncodingError.invalidValue(_, let context) {
            throw (context.underlyingError as? InvalidArgument) ?? InvalidArgument("Model.save: \(context.debugDescription)")
        }
        return SafeTensors(
            tensors: store.tensors,
            metadata: [
                ModelFile.formatKey: ModelFile.format, ModelFile.versionKey: ModelFile.version,
                ModelFile.architectureKey: String(decoding: architecture, as: UTF8.self),
            ])
    }

    /// A model from safetensors written by ``safeTensors()``; `source` names the file in errors,
    /// `layers` adds kinds of your own to the library's, `allowNonFinite` accepts non-finite and
    /// out-of-range values (as in ``load(from:layers:allowNonFinite:)``).
    /// - Throws: ``DataFileError`` as ``load(from:layers:allowNonFinite:)``.
    public init(_ file: SafeTensors, source: String = "model", layers custom: [LayerKind<Scalar>] = [], allowNonFinite: Bool = false) throws {
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
        // The package's strict parser first: JSONDecoder takes the first of two equal keys without a
        // word ({"units":3,"units":5} decodes), and a file format must refuse that.
        do {
            _ = try JSONValue(parsing: Array(text.utf8))
        } catch let error as JSONSyntaxError {
            throw problem("\"\(ModelFile.architectureKey)\" is not valid JSON: \(error)")
        }
        var kinds: [String: LayerKind<Scalar>] = [:]
        for kind in ModelFile.libraryKinds(Scalar.self) + custom { kinds[kind.kind] = kind }
        let store = TensorStore(tensors: file.tensors, source: source, kinds: kinds, allowNonFinite: allowNonFinite)
        let decoder = JSONDecoder()
        decoder.userInfo[TensorStore.key] = store
        let layers: [any Layer<Scalar>]
        do {
            layers = try decoder.decode([StoredLayerEntry<Scalar>].self, from: Data(text.utf8)).map { $0.layer }
        } catch let error as DataFileError {
            throw error
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            let value = try? decoder.decode(StoredValue.self, from: Data(text.utf8))
            throw problem("\"\(ModelFile.architectureKey)\" is \(value?.kind ?? "not JSON"), not an array of layers")
        } catch {
            throw problem("\"\(ModelFile.architectureKey)\" is not valid JSON (or nested too deeply): \(error)")
        }
        if let extra = file.tensors.keys.filter({ !store.used.contains($0) }).sorted().first {
            throw problem("tensor \"\(extra)\" belongs to no layer of the architecture")
        }
        do {
            try self.init(layers)
        } catch {
            throw problem("the layers do not fit together: \(error)")
        }
    }
}
