import Foundation

extension Model {
    /// Loads a PyTorch state dict (a safetensors file, as `safetensors.torch.save_file(model.state_dict(), path)`
    /// writes it) into this model's architecture: every parameter is replaced, nothing else changes.
    ///
    /// The keys, shapes and layouts are those ``pyTorchStateDict()`` writes for this architecture
    /// (``pyTorchModules()`` lists them; the mapping is in ``PyTorchBridge``): build the Teach model
    /// that matches the PyTorch one, then load. `F32` and `F64` tensors are read for either
    /// `Model<Float>` or `Model<Double>` (`F64` into `Float` rounds to nearest), and so are `F16` and
    /// `BF16` (widened exactly). A BatchNorm's `num_batches_tracked` (a 0-D `I64`) may be present
    /// and is ignored; the safetensors metadata (PyTorch writes `format: pt`) is ignored.
    ///
    /// - Throws: ``DataFileError`` when the file is not a readable safetensors file (it names a
    ///   tensor of a dtype no reader here knows, such as `I8`); ``PyTorchBridgeError`` naming the
    ///   key for a missing tensor (with the shape expected), an extra one (with its shape), a shape
    ///   that differs (found and expected), a dtype that cannot hold weights (`I64`); or naming the
    ///   layer for one without a PyTorch equivalent. The model is unchanged when it throws.
    public mutating func loadPyTorchStateDict(from path: String) throws {
        self = try loadingPyTorchStateDict(try SafeTensors.read(path: path), source: path)
    }

    /// This architecture with the parameters of the PyTorch state dict `stateDict` (see
    /// ``loadPyTorchStateDict(from:)``); `source` names it in errors.
    /// - Throws: ``PyTorchBridgeError`` as ``loadPyTorchStateDict(from:)``.
    public func loadingPyTorchStateDict(_ stateDict: SafeTensors, source: String = "state dict") throws -> Model {
        var used = Set<String>()
        func error(_ problem: PyTorchBridgeError.Problem) -> PyTorchBridgeError { PyTorchBridgeError(source: source, problem: problem) }
        /// The numbers of tensor `key`, which must have `shape` and a floating-point dtype.
        func numbers(_ key: String, _ shape: [Int]) throws -> [Scalar] {
            guard let tensor = stateDict.tensors[key] else { throw error(.missingTensor(key: key, expected: shape)) }
            used.insert(key)
            guard tensor.dtype.isFloatingPoint else {
                throw error(.unreadableDType(key: key, dtype: tensor.dtype.rawValue, expected: "weights (F32, F64, F16 or BF16)"))
            }
            guard tensor.shape == shape else { throw error(.wrongShape(key: key, found: tensor.shape, expected: shape)) }
            return try tensor.numbers(as: Scalar.self)
        }
        let walk = try PyTorchWalk.walk(self, source: source) { layer, key, parameters in
            switch (parameters, layer) {
            case (.dense(let image), var dense as Dense<Scalar>):
                let (units, inputs) = (dense.unitCount, dense.inputCount)
                dense.weights = try PyTorchBridge.teachDenseWeights(
                    try numbers("\(key).weight", [units, inputs]), units: units, inputs: inputs, readingImage: image)
                if dense.hasBias { dense.bias = Matrix(row: try numbers("\(key).bias", [units])) }
                layer = dense
            case (.convolution, var convolution as Conv2D<Scalar>):
                let c = convolution.inputShape.channels, f = convolution.filterSize, k = convolution.filterCount
                convolution.weights = try PyTorchBridge.teachConvolutionWeights(
                    try numbers("\(key).weight", [k, c, f, f]), filters: k, channels: c, filterSize: f)
                convolution.bias = Matrix(row: try numbers("\(key).bias", [k]))
                layer = convolution
            case (.batchNorm(let image), var norm as BatchNorm<Scalar>):
                let n = [norm.featureCount]
                norm.scale = try PyTorchBridge.teachVector(try numbers("\(key).weight", n), readingImage: image)
                norm.shift = try PyTorchBridge.teachVector(try numbers("\(key).bias", n), readingImage: image)
                norm.runningMean = try PyTorchBridge.teachVector(try numbers("\(key).running_mean", n), readingImage: image)
                norm.runningVariance = try PyTorchBridge.teachVector(try numbers("\(key).running_var", n), readingImage: image)
                let counter = "\(key).num_batches_tracked"
                if let tensor = stateDict.tensors[counter] {
                    used.insert(counter)
                    guard tensor.dtype == .i64 else {
                        throw error(.unreadableDType(key: counter, dtype: tensor.dtype.rawValue, expected: "a batch count (I64)"))
                    }
                    guard tensor.shape.isEmpty else { throw error(.wrongShape(key: counter, found: tensor.shape, expected: [])) }
                }
                layer = norm
            case (.layerNorm(let image), var norm as LayerNorm<Scalar>):
                let n = [norm.featureCount]
                norm.weight = try PyTorchBridge.teachVector(try numbers("\(key).weight", n), readingImage: image)
                norm.bias = try PyTorchBridge.teachVector(try numbers("\(key).bias", n), readingImage: image)
                layer = norm
            case (.embedding, var embedding as Embedding<Scalar>):
                let shape = [embedding.count, embedding.dimension]
                embedding.weight = try Matrix(rows: shape[0], columns: shape[1], elements: try numbers("\(key).weight", shape))
                layer = embedding
            default:
                preconditionFailure("PyTorchWalk hands each layer with the parameters of its own kind")
            }
        }
        if let extra = stateDict.tensors.keys.filter({ !used.contains($0) }).sorted().first {
            throw error(.unexpectedTensor(key: extra, shape: stateDict.tensors[extra]?.shape ?? []))
        }
        return try Model(input: inputShape, walk.layers)
    }
}
