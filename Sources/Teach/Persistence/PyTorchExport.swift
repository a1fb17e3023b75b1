import Foundation

/// The bridge to PyTorch: a ``Model`` as a PyTorch state dict (a safetensors file in PyTorch's own
/// names and layouts) beside the Python text of the matching `torch.nn.Sequential`, and the
/// reverse, a PyTorch state dict loaded into a Teach model of the same architecture.
///
///     try model.exportPyTorch(to: "mnist.safetensors", python: "mnist.py")
///
///     # in Python
///     import safetensors.torch, mnist
///     net = mnist.build_model()
///     net.load_state_dict(safetensors.torch.load_file("mnist.safetensors"))
///     net.eval()
///
/// and back: `try model.loadPyTorchStateDict(from: "trained.safetensors")` (``Model/loadPyTorchStateDict(from:)``)
/// into a model built with the PyTorch model's architecture.
///
/// **Modules and names.** The model becomes one `nn.Sequential`, numbered as PyTorch numbers it:
/// every module counts, activations, pooling and flattening included, so a dense layer with a
/// ReLU is two modules (`nn.Linear`, `nn.ReLU`) and the next layer's keys start two further on.
/// A ``Sequential`` block is a nested `nn.Sequential` (keys `3.0.weight`); a ``Frozen`` layer is
/// the layer it holds (freezing is a training matter; the Python file does not set
/// `requires_grad`). ``Model/pyTorchModules()`` lists the modules with their keys and shapes.
///
/// | Teach | PyTorch | tensors |
/// |:---|:---|:---|
/// | ``Dense`` (`inputs×units` weights) | `nn.Linear(inputs, units, bias=)` and its activation | `weight` `[units, inputs]` (the transpose), `bias` `[units]` |
/// | ``Conv2D`` (`(F·F·C)×K` filters) | `nn.Conv2d(C, K, F, stride=S, padding=P)` and its activation | `weight` `[K, C, F, F]`, `bias` `[K]` |
/// | ``Pooling`` | `nn.MaxPool2d(F, stride=S)` or `nn.AvgPool2d(F, stride=S)` | none |
/// | ``ZeroPadding`` | `nn.ZeroPad2d(P)` | none |
/// | ``Flatten`` | `nn.Flatten()` | none |
/// | ``ActivationLayer`` | `nn.ReLU()`, `nn.Tanh()`, … (identity: `nn.Identity()`) | none |
/// | ``Dropout`` (inverted) | `nn.Dropout(p=rate)` | none |
/// | ``Softmax`` | `nn.Softmax(dim=1)` | none |
/// | ``BatchNorm`` | `nn.BatchNorm1d(features, eps=, momentum=)` | `weight`, `bias`, `running_mean`, `running_var`, each `[features]` |
/// | ``LayerNorm`` | `nn.LayerNorm(features, eps=, elementwise_affine=)` | `weight`, `bias`, each `[features]` (none without affine) |
/// | ``Embedding`` | `nn.Embedding(count, dimension, padding_idx=)` | `weight` `[count, dimension]` |
///
/// Not supported (a ``PyTorchBridgeError`` names the layer): ``Residual`` (an `nn.Sequential`
/// has no skip connection), layers of your own, the step activation (PyTorch has no module for
/// it), non-inverted ``Dropout`` (PyTorch scales in training), batch or layer normalization of
/// images or sequences (Teach normalizes what PyTorch's `BatchNorm2d` would not: every number, or
/// each pixel's channels), a softmax over an image or a sequence, and an ``Embedding`` anywhere
/// but first.
///
/// **Images.** Teach stores an image channels-last, `H×W×C` (``ImageShape``); PyTorch's
/// `nn.Conv2d` reads `N×C×H×W`, channels-first. The filters are rearranged
/// (``pyTorchConvolutionWeight(_:filterSize:channels:)``), and the Python file's `to_torch(x)`
/// turns Teach's rows into PyTorch's images. After a convolution `nn.Flatten` lists an image's
/// numbers channels-first, `c·H·W + y·W + x`, where Teach's ``Flatten`` keeps them channels-last,
/// `(y·W + x)·C + c`; so the first dense layer after it has its weight's columns permuted
/// (``pyTorchDenseWeight(_:readingImage:)``), and so have the vectors of a batch or layer
/// normalization between the two. A dense layer that reads an image directly (Teach allows it)
/// gets an `nn.Flatten()` before it; a convolution that reads plain features gets an
/// `nn.Unflatten` when PyTorch can express it.
///
/// **Differences from PyTorch** that the export keeps in mind:
/// - BatchNorm's `num_batches_tracked` is not written (Teach does not count batches; it matters
///   to PyTorch only with `momentum=None`); `load_state_dict` fills it in with 0. On import it is
///   accepted (a 0-D `I64`) and ignored.
/// - Outputs of a sequence model are `N×T×F` in PyTorch and `N × T·F` rows in Teach, and image
///   outputs `N×C×H×W` against channels-last rows: the Python file's `to_teach(y)` turns them
///   into Teach's rows.
/// - A `Model<Double>` is written as `F64` and its Python module is made `torch.float64`.
/// - Pooling: Teach refuses a window that does not fit evenly unless it rounds down, which is
///   PyTorch's default `ceil_mode=False`; so the two agree wherever Teach accepts the geometry.
/// - Predictions agree to rounding, not bit for bit: the two sum products in different orders
///   (`scripts/check-pytorch-bridge.py` measures differences of about 10⁻⁷ in `Float`).
public enum PyTorchBridge {
    /// The layer kinds the bridge supports, for errors.
    public static let supportedLayers =
        "Dense, Conv2D, Pooling, ZeroPadding, Flatten, ActivationLayer, Dropout (inverted), Softmax, BatchNorm, LayerNorm, Embedding (first), and Sequential and Frozen blocks of them"

    /// Dense weights `inputs×units` (Teach) as `nn.Linear`'s `units×inputs`, the transpose:
    /// PyTorch's `weight[j, i]` is Teach's `w_ij`. With `readingImage`, the inputs are an image
    /// that Teach flattens channels-last and PyTorch's `nn.Flatten` channels-first: PyTorch's
    /// column `c·H·W + y·W + x` is Teach's row `(y·W + x)·C + c`.
    /// - Returns: `units × inputs` numbers, row-major, the tensor's shape `[units, inputs]`.
    /// - Throws: ``InvalidArgument`` when `readingImage` does not have `weights.rows` numbers.
    public static func pyTorchDenseWeight<Scalar: MatrixScalar>(_ weights: Matrix<Scalar>, readingImage image: ImageShape? = nil) throws -> [Scalar] {
        let inputs = weights.rows, units = weights.columns
        let order = try teachInputOrder(inputs: inputs, image: image)
        var numbers = [Scalar](repeating: 0, count: inputs * units)
        for unit in 0..<units {
            for column in 0..<inputs { numbers[unit * inputs + column] = weights[order[column], unit] }
        }
        return numbers
    }

    /// The reverse of ``pyTorchDenseWeight(_:readingImage:)``: `nn.Linear`'s `units×inputs`
    /// numbers (row-major) as Teach's `inputs×units` weights.
    /// - Throws: ``InvalidArgument`` when the counts do not agree.
    public static func teachDenseWeights<Scalar: MatrixScalar>(_ numbers: [Scalar], units: Int, inputs: Int, readingImage image: ImageShape? = nil) throws -> Matrix<Scalar> {
        guard numbers.count == units * inputs else {
            throw InvalidArgument("PyTorchBridge: \(numbers.count) numbers are not a \(units)×\(inputs) weight")
        }
        let order = try teachInputOrder(inputs: inputs, image: image)
        var weights = Matrix<Scalar>(rows: inputs, columns: units)
        for unit in 0..<units {
            for column in 0..<inputs { weights[order[column], unit] = numbers[unit * inputs + column] }
        }
        return weights
    }

    /// Convolution filters `(F·F·C)×K` (Teach: column `k`, row `(fy·F + fx)·C + c`) as
    /// `nn.Conv2d`'s `K×C×F×F`: PyTorch's `weight[k, c, fy, fx]`, at `((k·C + c)·F + fy)·F + fx`.
    /// - Returns: the `K·C·F·F` numbers, row-major, the tensor's shape `[K, C, F, F]`.
    /// - Throws: ``InvalidArgument`` when `weights` does not have `F·F·C` rows.
    public static func pyTorchConvolutionWeight<Scalar: MatrixScalar>(_ weights: Matrix<Scalar>, filterSize f: Int, channels c: Int) throws -> [Scalar] {
        guard f >= 1, c >= 1, weights.rows == f * f * c else {
            throw InvalidArgument("PyTorchBridge: filters of \(weights.shape) are not (F·F·C)×K for F = \(f), C = \(c)")
        }
        let k = weights.columns
        var numbers = [Scalar](repeating: 0, count: weights.count)
        for filter in 0..<k {
            for channel in 0..<c {
                for fy in 0..<f {
                    for fx in 0..<f { numbers[((filter * c + channel) * f + fy) * f + fx] = weights[(fy * f + fx) * c + channel, filter] }
                }
            }
        }
        return numbers
    }

    /// The reverse of ``pyTorchConvolutionWeight(_:filterSize:channels:)``: `K×C×F×F` numbers
    /// (row-major) as Teach's `(F·F·C)×K` filters.
    /// - Throws: ``InvalidArgument`` when the counts do not agree.
    public static func teachConvolutionWeights<Scalar: MatrixScalar>(_ numbers: [Scalar], filters k: Int, channels c: Int, filterSize f: Int) throws -> Matrix<Scalar> {
        guard numbers.count == k * c * f * f else {
            throw InvalidArgument("PyTorchBridge: \(numbers.count) numbers are not \(k)×\(c)×\(f)×\(f) filters")
        }
        var weights = Matrix<Scalar>(rows: f * f * c, columns: k)
        for filter in 0..<k {
            for channel in 0..<c {
                for fy in 0..<f {
                    for fx in 0..<f { weights[(fy * f + fx) * c + channel, filter] = numbers[((filter * c + channel) * f + fy) * f + fx] }
                }
            }
        }
        return weights
    }

    /// Where PyTorch's input `p` of a dense layer is in Teach's order: `p` itself for plain
    /// features; for an `H×W×C` image flattened channels-first, `p = c·H·W + y·W + x` is Teach's
    /// `(y·W + x)·C + c`.
    static func teachInputOrder(inputs: Int, image: ImageShape?) throws -> [Int] {
        guard let image else { return Array(0..<inputs) }
        guard image.count == inputs else {
            throw InvalidArgument("PyTorchBridge: a \(image) image has \(image.count) numbers, not \(inputs)")
        }
        let (h, w, c) = (image.height, image.width, image.channels)
        var order = [Int](repeating: 0, count: inputs)
        for channel in 0..<c {
            for y in 0..<h {
                for x in 0..<w { order[channel * h * w + y * w + x] = (y * w + x) * c + channel }
            }
        }
        return order
    }

    /// A vector of one number per feature (a normalization's `γ`, `β`, running mean or variance)
    /// in PyTorch's order: permuted as the columns of ``pyTorchDenseWeight(_:readingImage:)``
    /// when the features are an image flattened channels-first.
    static func pyTorchVector<Scalar: MatrixScalar>(_ vector: Matrix<Scalar>, readingImage image: ImageShape?) throws -> [Scalar] {
        try teachInputOrder(inputs: vector.count, image: image).map { vector.elements[$0] }
    }

    /// The reverse of ``pyTorchVector(_:readingImage:)``: a `1×n` Teach vector.
    static func teachVector<Scalar: MatrixScalar>(_ numbers: [Scalar], readingImage image: ImageShape?) throws -> Matrix<Scalar> {
        var vector = Matrix<Scalar>(rows: 1, columns: numbers.count)
        for (column, index) in try teachInputOrder(inputs: numbers.count, image: image).enumerated() { vector[0, index] = numbers[column] }
        return vector
    }
}

/// What goes wrong between Teach and PyTorch, with the key (PyTorch's name of the tensor, `3.weight`)
/// or the layer it concerns.
public struct PyTorchBridgeError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of mismatch, with the key, shapes or layer that a message names.
    public enum Problem: Sendable, Equatable {
        /// The state dict has no tensor `key`; the model needs one of `expected` shape.
        case missingTensor(key: String, expected: [Int])
        /// The state dict has tensor `key` (of `shape`) that no module of the architecture owns.
        case unexpectedTensor(key: String, shape: [Int])
        /// Tensor `key` has shape `found` where the architecture needs `expected`.
        case wrongShape(key: String, found: [Int], expected: [Int])
        /// Tensor `key` is of `dtype`, which cannot be read as what it should hold (`expected`).
        case unreadableDType(key: String, dtype: String, expected: String)
        /// The model's layer at `layer` (`layers.3`, `layers.2.layers.0`), `name`, has no
        /// PyTorch equivalent here, for `reason`.
        case unsupportedLayer(layer: String, name: String, reason: String)
    }

    /// The file (or `model`) concerned.
    public var source: String
    /// What is wrong, with the key or layer.
    public var problem: Problem

    /// The error `problem` in `source`.
    public init(source: String, problem: Problem) {
        self.source = source
        self.problem = problem
    }

    /// `trained.safetensors: tensor "3.weight" has shape [12, 2], expected [2, 12]`.
    public var description: String {
        func text(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
        switch problem {
        case .missingTensor(let key, let expected):
            return "\(source): tensor \"\(key)\" is missing (expected shape \(text(expected)))"
        case .unexpectedTensor(let key, let shape):
            return "\(source): tensor \"\(key)\" (shape \(text(shape))) belongs to no module of the architecture"
        case .wrongShape(let key, let found, let expected):
            return "\(source): tensor \"\(key)\" has shape \(text(found)), expected \(text(expected))"
        case .unreadableDType(let key, let dtype, let expected):
            return "\(source): tensor \"\(key)\" holds \(dtype) numbers, which cannot be read as \(expected)"
        case .unsupportedLayer(let layer, let name, let reason):
            return "\(source): \(layer) (\(name)) has no PyTorch equivalent here: \(reason). Supported: \(PyTorchBridge.supportedLayers)"
        }
    }
}

/// One module of the exported `nn.Sequential`: its key (its index, `3`, or `2.0` inside a nested
/// block), its Python constructor and the tensors it owns.
public struct PyTorchModule: Sendable, Equatable {
    /// The module's name in the state dict: `3`, or `2.0` inside the block `2`.
    public var key: String
    /// The Python expression that builds it: `nn.Linear(784, 10)`.
    public var python: String
    /// What it comes from: the Teach layer's name and, for layers that read images, the shapes.
    public var comment: String
    /// Its tensors: full key (`3.weight`) and shape, in `state_dict` order.
    public var tensors: [(key: String, shape: [Int])]
    /// The modules of a nested `nn.Sequential` (empty for a plain module).
    public var children: [PyTorchModule]

    /// Equal keys, Python, comments, tensors and children.
    public static func == (lhs: PyTorchModule, rhs: PyTorchModule) -> Bool {
        lhs.key == rhs.key && lhs.python == rhs.python && lhs.comment == rhs.comment && lhs.children == rhs.children
            && lhs.tensors.map(\.key) == rhs.tensors.map(\.key) && lhs.tensors.map(\.shape) == rhs.tensors.map(\.shape)
    }
}

// MARK: - The walk from Teach layers to PyTorch modules

/// What flows between PyTorch's modules, as the walk through the layers tracks it.
enum PyTorchStream: Equatable {
    /// `N×F`.
    case features(Int)
    /// `N×C×H×W`, channels-first, of a Teach `H×W×C` image.
    case image(ImageShape)
    /// `N × C·H·W`: an `H×W×C` image after `nn.Flatten`, in channels-first order.
    case flattenedImage(ImageShape)
    /// `N×T×F`.
    case sequence(SequenceShape)
    /// `N×T` token ids (`torch.long`), the input of an embedding.
    case tokens(Int)
}

/// The parameters of one PyTorch module and how they map to the Teach layer's.
enum PyTorchParameters {
    case dense(image: ImageShape?)
    case convolution
    case batchNorm(image: ImageShape?)
    case layerNorm(image: ImageShape?)
    case embedding
}

/// Walks a model's layers in order, building the modules and handing each layer with parameters
/// to `visit`, which may replace it (the import) or read it (the export).
struct PyTorchWalk<Scalar: MatrixScalar> {
    typealias Visit = (_ layer: inout any Layer<Scalar>, _ key: String, _ parameters: PyTorchParameters) throws -> Void

    var stream: PyTorchStream
    let source: String
    let visit: Visit

    /// The whole model: its modules and its layers as `visit` left them.
    static func walk(_ model: Model<Scalar>, source: String, visit: @escaping Visit) throws -> (modules: [PyTorchModule], layers: [any Layer<Scalar>], input: PyTorchStream, output: PyTorchStream) {
        let input: PyTorchStream
        if Self.firstLeaf(model.layers) is Embedding<Scalar> {
            input = .tokens(model.inputShape.count)
        } else {
            switch model.inputShape {
            case .features(let count): input = .features(count)
            case .image(let image): input = .image(image)
            case .sequence(let sequence): input = .sequence(sequence)
            }
        }
        var walk = PyTorchWalk(stream: input, source: source, visit: visit)
        var layers = model.layers
        var modules: [PyTorchModule] = []
        try walk.walk(&layers, prefix: "", path: "layers", into: &modules)
        return (modules, layers, input, walk.stream)
    }

    static func firstLeaf(_ layers: [any Layer<Scalar>]) -> (any Layer<Scalar>)? {
        guard let first = layers.first else { return nil }
        if let block = first as? Sequential<Scalar> { return firstLeaf(block.layers) }
        if let frozen = first as? Frozen<Scalar> { return firstLeaf([frozen.layer]) }
        return first
    }

    mutating func walk(_ layers: inout [any Layer<Scalar>], prefix: String, path: String, into modules: inout [PyTorchModule]) throws {
        for index in layers.indices {
            try walk(&layers[index], prefix: prefix, path: "\(path).\(index)", into: &modules)
        }
    }

    /// One layer: appends its modules (numbered from `modules.count`) to `modules`.
    mutating func walk(_ layer: inout any Layer<Scalar>, prefix: String, path: String, into modules: inout [PyTorchModule]) throws {
        func unsupported(_ reason: String) -> PyTorchBridgeError {
            PyTorchBridgeError(source: source, problem: .unsupportedLayer(layer: path, name: layer.name, reason: reason))
        }
        func add(_ python: String, _ comment: String = "", tensors: [(String, [Int])] = []) -> String {
            let key = prefix + String(modules.count)
            modules.append(PyTorchModule(key: key, python: python, comment: comment, tensors: tensors.map { ("\(key).\($0.0)", $0.1) }, children: []))
            return key
        }
        func addActivation(_ activation: Activation) throws {
            guard activation != .identity else { return }
            guard let module = Self.module(for: activation) else {
                throw unsupported("PyTorch has no module for the \(activation) activation")
            }
            _ = add(module)
        }
        /// Makes the stream an image of `shape` for a layer that reads images, adding an
        /// `nn.Unflatten` where plain numbers hold it in an order PyTorch can unflatten.
        func needImage(_ shape: ImageShape) throws {
            switch stream {
            case .image(let image) where image == shape:
                return
            case .features(let count) where count == shape.count && shape.channels == 1:
                // one channel: channels-last and channels-first are the same order
                _ = add("nn.Unflatten(1, (1, \(shape.height), \(shape.width)))", "Teach reads these numbers as \(shape) images")
                stream = .image(shape)
            case .flattenedImage(shape):
                _ = add("nn.Unflatten(1, (\(shape.channels), \(shape.height), \(shape.width)))", "Teach reads these numbers as \(shape) images")
                stream = .image(shape)
            default:
                throw unsupported(
                    "it reads \(shape) images, but PyTorch has \(stream.description) there; nn.Sequential cannot reorder plain numbers channels-first")
            }
        }

        switch layer {
        case let dense as Dense<Scalar>:
            var image: ImageShape?
            switch stream {
            case .features(let count) where count == dense.inputCount: break
            case .sequence(let sequence) where sequence.features == dense.inputCount: break
            case .flattenedImage(let shape) where shape.count == dense.inputCount: image = shape
            case .image(let shape) where shape.count == dense.inputCount:
                _ = add("nn.Flatten()", "Teach's dense layer reads the \(shape) image as \(shape.count) features")
                image = shape
            default: throw unsupported("it reads \(dense.inputCount) features, but PyTorch has \(stream.description) there")
            }
            let key = add(
                "nn.Linear(\(dense.inputCount), \(dense.unitCount)" + (dense.hasBias ? ")" : ", bias=False)"),
                image.map { "\(layer.name); its inputs are the \($0) image flattened channels-first" } ?? layer.name,
                tensors: [("weight", [dense.unitCount, dense.inputCount])] + (dense.hasBias ? [("bias", [dense.unitCount])] : []))
            try visit(&layer, key, .dense(image: image))
            if case .sequence(let sequence) = stream {
                stream = .sequence(SequenceShape(length: sequence.length, features: dense.unitCount))
            } else {
                stream = .features(dense.unitCount)
            }
            try addActivation(dense.activation)

        case let convolution as Conv2D<Scalar>:
            try needImage(convolution.inputShape)
            let c = convolution.inputShape.channels, k = convolution.filterCount, f = convolution.filterSize
            let key = add(
                "nn.Conv2d(\(c), \(k), kernel_size=\(f), stride=\(convolution.stride), padding=\(convolution.padding))",
                "\(layer.name): \(convolution.inputShape) → \(convolution.outputShape)",
                tensors: [("weight", [k, c, f, f]), ("bias", [k])])
            try visit(&layer, key, .convolution)
            stream = .image(convolution.outputShape)
            try addActivation(convolution.activation)

        case let pooling as Pooling<Scalar>:
            try needImage(pooling.inputShape)
            _ = add(
                "nn.\(pooling.kind == .max ? "MaxPool2d" : "AvgPool2d")(\(pooling.size), stride=\(pooling.stride))",
                "\(layer.name): \(pooling.inputShape) → \(pooling.outputShape)")
            stream = .image(pooling.outputShape)

        case let padding as ZeroPadding<Scalar>:
            try needImage(padding.inputShape)
            _ = add("nn.ZeroPad2d(\(padding.padding))", "\(padding.inputShape) → \(padding.outputShape)")
            stream = .image(padding.outputShape)

        case let flatten as Flatten<Scalar>:
            _ = add("nn.Flatten()", "\(flatten.inputShape) → \(flatten.inputShape.count) features, channels-first in PyTorch")
            if case .image(let image) = stream { stream = .flattenedImage(image) }

        case let activation as ActivationLayer<Scalar>:
            if activation.activation == .identity {
                _ = add("nn.Identity()")
            } else {
                try addActivation(activation.activation)
            }

        case let dropout as Dropout<Scalar>:
            guard dropout.inverted || dropout.rate == 0 else {
                throw unsupported("it scales by 1 − rate at inference (not inverted); PyTorch's nn.Dropout scales in training")
            }
            _ = add("nn.Dropout(p=\(dropout.rate))")

        case is Softmax<Scalar>:
            switch stream {
            case .features, .flattenedImage: _ = add("nn.Softmax(dim=1)")
            default: throw unsupported("Teach's softmax runs over a whole record, PyTorch's over one dimension of \(stream.description)")
            }

        case let norm as BatchNorm<Scalar>:
            var image: ImageShape?
            switch stream {
            case .features(let count) where count == norm.featureCount: break
            case .flattenedImage(let shape) where shape.count == norm.featureCount: image = shape
            default:
                throw unsupported("it normalizes each of \(norm.featureCount) numbers, and PyTorch has \(stream.description) there (BatchNorm2d would normalize channels)")
            }
            let n = norm.featureCount
            let key = add(
                "nn.BatchNorm1d(\(n), eps=\(norm.epsilon), momentum=\(norm.momentum))", layer.name,
                tensors: [("weight", [n]), ("bias", [n]), ("running_mean", [n]), ("running_var", [n])])
            try visit(&layer, key, .batchNorm(image: image))

        case let norm as LayerNorm<Scalar>:
            var image: ImageShape?
            switch stream {
            case .features(let count) where count == norm.featureCount: break
            case .sequence(let sequence) where sequence.features == norm.featureCount: break
            case .flattenedImage(let shape) where shape.count == norm.featureCount: image = shape
            default:
                throw unsupported("it normalizes groups of \(norm.featureCount) numbers, and PyTorch has \(stream.description) there")
            }
            let n = norm.featureCount
            let key = add(
                "nn.LayerNorm(\(n), eps=\(norm.epsilon), elementwise_affine=\(norm.elementwiseAffine ? "True" : "False"))", layer.name,
                tensors: norm.elementwiseAffine ? [("weight", [n]), ("bias", [n])] : [])
            if norm.elementwiseAffine { try visit(&layer, key, .layerNorm(image: image)) }

        case let embedding as Embedding<Scalar>:
            guard case .tokens(let length) = stream else {
                throw unsupported("an embedding reads token ids, so it must come first")
            }
            let key = add(
                "nn.Embedding(\(embedding.count), \(embedding.dimension)" + (embedding.paddingIndex.map { ", padding_idx=\($0))" } ?? ")"),
                layer.name, tensors: [("weight", [embedding.count, embedding.dimension])])
            try visit(&layer, key, .embedding)
            stream = .sequence(SequenceShape(length: length, features: embedding.dimension))

        case var block as Sequential<Scalar>:
            let key = prefix + String(modules.count)
            var children: [PyTorchModule] = []
            try walk(&block.layers, prefix: key + ".", path: path + ".layers", into: &children)
            modules.append(PyTorchModule(key: key, python: "nn.Sequential", comment: layer.name, tensors: [], children: children))
            layer = block

        case var frozen as Frozen<Scalar>:
            try walk(&frozen.layer, prefix: prefix, path: path + ".layer", into: &modules)
            layer = frozen

        case is Residual<Scalar>:
            throw unsupported("nn.Sequential has no skip connection")

        default:
            throw unsupported("the bridge does not know \(type(of: layer))")
        }
    }

    /// PyTorch's module for `activation`, or `nil` (the step has none; identity needs none).
    static func module(for activation: Activation) -> String? {
        switch activation {
        case .step: nil
        case .sigmoid: "nn.Sigmoid()"
        case .tanh: "nn.Tanh()"
        case .relu: "nn.ReLU()"
        case .leakyReLU(let slope): "nn.LeakyReLU(negative_slope=\(slope))"
        case .identity: "nn.Identity()"
        case .softplus: "nn.Softplus()"
        case .elu(let alpha): "nn.ELU(alpha=\(alpha))"
        case .silu: "nn.SiLU()"
        case .gelu(.none): "nn.GELU()"
        case .gelu(.tanh): "nn.GELU(approximate='tanh')"
        }
    }
}

extension PyTorchStream: CustomStringConvertible {
    var description: String {
        switch self {
        case .features(let count): "N×\(count) features"
        case .image(let image): "N×\(image.channels)×\(image.height)×\(image.width) images"
        case .flattenedImage(let image): "N×\(image.count) numbers of \(image) images flattened channels-first"
        case .sequence(let sequence): "N×\(sequence.length)×\(sequence.features) sequences"
        case .tokens(let length): "N×\(length) token ids"
        }
    }
}

// MARK: - Export

extension Model {
    /// The PyTorch modules this model becomes, in order, with their keys and tensor shapes
    /// (nested for a ``Sequential`` block). See ``PyTorchBridge`` for the mapping.
    /// - Throws: ``PyTorchBridgeError/Problem/unsupportedLayer(layer:name:reason:)`` for a layer
    ///   without an equivalent.
    public func pyTorchModules() throws -> [PyTorchModule] {
        try PyTorchWalk.walk(self, source: "model") { _, _, _ in }.modules
    }

    /// The model's parameters as a PyTorch state dict: keys as `nn.Sequential` names them
    /// (`0.weight`, `0.bias`, `3.weight`, …), PyTorch's layouts (`nn.Linear` weight `units×inputs`,
    /// `nn.Conv2d` weight `K×C×F×F`, vectors 1-D), `F32` for a `Model<Float>` and `F64` for a
    /// `Model<Double>`; no metadata, so PyTorch's `safetensors.torch.load_file` reads it as it
    /// reads its own.
    /// - Throws: ``PyTorchBridgeError`` for a layer without an equivalent.
    public func pyTorchStateDict() throws -> SafeTensors {
        var tensors: [String: SafeTensors.Tensor] = [:]
        _ = try PyTorchWalk.walk(self, source: "model") { layer, key, parameters in
            func put(_ name: String, _ shape: [Int], _ numbers: [Scalar]) throws {
                tensors["\(key).\(name)"] = try SafeTensors.Tensor(shape: shape, numbers: numbers)
            }
            switch (parameters, layer) {
            case (.dense(let image), let dense as Dense<Scalar>):
                try put("weight", [dense.unitCount, dense.inputCount], try PyTorchBridge.pyTorchDenseWeight(dense.weights, readingImage: image))
                if dense.hasBias { try put("bias", [dense.unitCount], dense.bias.elements) }
            case (.convolution, let convolution as Conv2D<Scalar>):
                let c = convolution.inputShape.channels, f = convolution.filterSize, k = convolution.filterCount
                try put("weight", [k, c, f, f], try PyTorchBridge.pyTorchConvolutionWeight(convolution.weights, filterSize: f, channels: c))
                try put("bias", [k], convolution.bias.elements)
            case (.batchNorm(let image), let norm as BatchNorm<Scalar>):
                for (name, vector) in [("weight", norm.scale), ("bias", norm.shift), ("running_mean", norm.runningMean), ("running_var", norm.runningVariance)] {
                    try put(name, [norm.featureCount], try PyTorchBridge.pyTorchVector(vector, readingImage: image))
                }
            case (.layerNorm(let image), let norm as LayerNorm<Scalar>):
                try put("weight", [norm.featureCount], try PyTorchBridge.pyTorchVector(norm.weight, readingImage: image))
                try put("bias", [norm.featureCount], try PyTorchBridge.pyTorchVector(norm.bias, readingImage: image))
            case (.embedding, let embedding as Embedding<Scalar>):
                try put("weight", [embedding.count, embedding.dimension], embedding.weight.elements)
            default:
                preconditionFailure("PyTorchWalk hands each layer with the parameters of its own kind")
            }
        }
        return SafeTensors(tensors: tensors)
    }

    /// The Python source of a module `module_name` with `build_model()`, which returns the
    /// matching `torch.nn.Sequential` (one line per module, commented with the Teach layer and
    /// shapes), `to_torch(x)`, which turns a batch of Teach's records (`N × record`, channels-last
    /// for images) into PyTorch's input, and `to_teach(y)`, which turns PyTorch's output into
    /// Teach's rows.
    /// - Parameter stateDictFile: the safetensors file's name, for the usage comment.
    /// - Throws: ``PyTorchBridgeError`` for a layer without an equivalent.
    public func pyTorchPython(stateDictFile: String = "model.safetensors") throws -> String {
        let walk = try PyTorchWalk.walk(self, source: "model") { _, _, _ in }
        func lines(_ modules: [PyTorchModule], indent: String) -> [String] {
            modules.flatMap { module -> [String] in
                let tensors = module.tensors.map { "\($0.key) [\($0.shape.map(String.init).joined(separator: ", "))]" }.joined(separator: ", ")
                let comment = "  # \(module.key)" + (module.comment.isEmpty ? "" : ": \(module.comment)") + (tensors.isEmpty ? "" : "; \(tensors)")
                guard module.python == "nn.Sequential" else { return [indent + module.python + "," + comment] }
                return [indent + "nn.Sequential(" + comment] + lines(module.children, indent: indent + "    ") + [indent + "),"]
            }
        }
        let dtype = Scalar.self == Double.self ? "torch.float64" : "torch.float32"
        let toTorch: String
        switch walk.input {
        case .features: toTorch = "x.to(DTYPE)"
        case .image(let s): toTorch = "x.to(DTYPE).reshape(-1, \(s.height), \(s.width), \(s.channels)).permute(0, 3, 1, 2).contiguous()"
        case .flattenedImage: toTorch = "x.to(DTYPE)"
        case .sequence(let s): toTorch = "x.to(DTYPE).reshape(-1, \(s.length), \(s.features))"
        case .tokens(let length): toTorch = "x.reshape(-1, \(length)).round().long()"
        }
        let toTeach: String
        switch walk.output {
        case .features, .tokens: toTeach = "y"
        case .image: toTeach = "y.permute(0, 2, 3, 1).reshape(y.shape[0], -1)"
        case .flattenedImage(let s): toTeach = "y.reshape(-1, \(s.channels), \(s.height), \(s.width)).permute(0, 2, 3, 1).reshape(y.shape[0], -1)"
        case .sequence: toTeach = "y.reshape(y.shape[0], -1)"
        }
        let input: String
        switch walk.input {
        case .image(let s): input = "N×\(s.channels)×\(s.height)×\(s.width) images (channels-first)"
        default: input = walk.input.description
        }
        return """
            # The torch.nn.Sequential of a Teach model, written by Teach's Model.exportPyTorch.
            #
            #     import safetensors.torch
            #     model = build_model()
            #     model.load_state_dict(safetensors.torch.load_file("\(stateDictFile)"))
            #     model.eval()
            #     y = to_teach(model(to_torch(x)))   # x: a batch of Teach's records, one per row
            #
            # Input: \(input). Output: \(walk.output.description).
            import torch
            from torch import nn

            DTYPE = \(dtype)


            def build_model() -> nn.Sequential:
                return nn.Sequential(
            \(lines(walk.modules, indent: "        ").joined(separator: "\n"))
                ).to(DTYPE)


            def to_torch(x: torch.Tensor) -> torch.Tensor:
                \"\"\"Teach's records (one per row; images channels-last, H·W·C) as this model's input.\"\"\"
                return \(toTorch)


            def to_teach(y: torch.Tensor) -> torch.Tensor:
                \"\"\"This model's output as Teach's rows (images channels-last).\"\"\"
                return \(toTeach)

            """
    }

    /// Writes the model for PyTorch: its state dict to `path` (``pyTorchStateDict()``) and, when
    /// `python` is given, the module's source there (``pyTorchPython(stateDictFile:)``). Both go
    /// through ``AtomicFile``: an interrupted export leaves old files or new ones, never half of one.
    /// - Throws: ``PyTorchBridgeError`` for a layer without an equivalent (before anything is
    ///   written); ``FileWriteError`` when a file cannot be written.
    public func exportPyTorch(to path: String, python: String? = nil) throws {
        let stateDict = try pyTorchStateDict()
        let text = try python.map { _ in try pyTorchPython(stateDictFile: URL(fileURLWithPath: path).lastPathComponent) }
        try stateDict.write(to: path)
        if let python, let text { try AtomicFile.write(text, to: python) }
    }
}
