import Foundation
import Testing

@testable import Teach

/// The bridge to PyTorch (`Sources/Teach/Persistence/PyTorchExport.swift` and `PyTorchImport.swift`):
/// layouts worked by hand, the generated Python, round trips and every error.
/// `scripts/check-pytorch-bridge.py` checks the same against PyTorch itself.
@Suite final class PyTorchBridgeTests {
    let directory: String = {
        let path = NSTemporaryDirectory() + "pytorch-bridge-tests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    // MARK: Layouts, by hand

    @Test func aDenseWeightIsTransposed() throws {
        // Teach: 2 inputs × 3 units, w_ij in row i (input), column j (unit).
        let weights = try Matrix<Float>([[1, 2, 3], [4, 5, 6]])
        // nn.Linear(2, 3).weight is 3×2: row j holds unit j's weights on inputs 0 and 1.
        let expected: [Float] = [1, 4, 2, 5, 3, 6]
        #expect(try PyTorchBridge.pyTorchDenseWeight(weights) == expected)
        #expect(try PyTorchBridge.teachDenseWeights(expected, units: 3, inputs: 2) == weights)

        let dense = try Dense(weights: weights, bias: Matrix(row: [0.5, -0.5, 0]), activation: .identity)
        let file = try Model([dense]).pyTorchStateDict()
        #expect(Set(file.tensors.keys) == ["0.weight", "0.bias"])
        #expect(file.tensors["0.weight"]?.shape == [3, 2])
        #expect(try file.tensors["0.weight"]?.numbers(as: Float.self) == expected)
        #expect(file.tensors["0.bias"]?.shape == [3])
        #expect(try file.tensors["0.bias"]?.numbers(as: Float.self) == [0.5, -0.5, 0])
    }

    @Test func aTwoChannelConvolutionKernelIsFiltersChannelsRowsColumns() throws {
        // Two 3×3 filters over 2 channels. Each weight is 1000·k + 100·c + 10·fy + fx, so its
        // value says where it belongs. Teach's row is (fy·3 + fx)·2 + c: channels vary fastest.
        let teachColumn: [Float] = [0, 100, 1, 101, 2, 102, 10, 110, 11, 111, 12, 112, 20, 120, 21, 121, 22, 122]
        let weights = Matrix<Float>(rows: 18, columns: 2) { row, k in teachColumn[row] + Float(1000 * k) }
        // PyTorch's [2, 2, 3, 3] is k, then c, then fy, then fx: the columns of the kernel vary fastest.
        let filter0: [Float] = [0, 1, 2, 10, 11, 12, 20, 21, 22, 100, 101, 102, 110, 111, 112, 120, 121, 122]
        let expected = filter0 + filter0.map { $0 + 1000 }
        #expect(try PyTorchBridge.pyTorchConvolutionWeight(weights, filterSize: 3, channels: 2) == expected)
        #expect(try PyTorchBridge.teachConvolutionWeights(expected, filters: 2, channels: 2, filterSize: 3) == weights)

        let convolution = try Conv2D(inputShape: ImageShape(3, 2), weights: weights, bias: Matrix(row: [7, 8]), filterSize: 3, activation: .identity)
        let file = try Model([convolution]).pyTorchStateDict()
        #expect(file.tensors["0.weight"]?.shape == [2, 2, 3, 3])
        #expect(try file.tensors["0.weight"]?.numbers(as: Float.self) == expected)
        #expect(try file.tensors["0.bias"]?.numbers(as: Float.self) == [7, 8])
        #expect(throws: InvalidArgument.self) { try PyTorchBridge.pyTorchConvolutionWeight(weights, filterSize: 3, channels: 3) }
    }

    @Test func theDenseLayerAfterAFlattenReadsPyTorchsChannelsFirstOrder() throws {
        // A 2×2×1 image, two 1×1 filters (1 and −1, biases 0 and 10), flatten, one unit.
        let convolution = try Conv2D(
            inputShape: ImageShape(2, 1), weights: Matrix<Float>([[1, -1]]), bias: Matrix(row: [0, 10]), filterSize: 1, activation: .identity)
        let flatten = Flatten<Float>(inputShape: convolution.outputShape)
        let dense = try Dense(weights: Matrix<Float>(column: [1, 2, 3, 4, 5, 6, 7, 8]), bias: Matrix(row: [0]), activation: .identity)
        let model = try Model([convolution, flatten, dense])
        // Pixels x = 1, 2, 3, 4. Teach's 2×2×2 feature map, channels-last: (x, 10 − x) per pixel.
        let x = Matrix<Float>(row: [1, 2, 3, 4])
        // 1·1 + 9·2 + 2·3 + 8·4 + 3·5 + 7·6 + 4·7 + 6·8 = 190
        #expect(try model.predict(x) == Matrix(row: [190]))
        // PyTorch flattens channel by channel: 1, 2, 3, 4, then 9, 8, 7, 6. Its column
        // c·4 + y·2 + x takes Teach's weight (y·2 + x)·2 + c + 1: 1, 3, 5, 7, 2, 4, 6, 8.
        let file = try model.pyTorchStateDict()
        #expect(Set(file.tensors.keys) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(file.tensors["0.weight"]?.shape == [2, 1, 1, 1])
        #expect(try file.tensors["0.weight"]?.numbers(as: Float.self) == [1, -1])
        let torchWeight = try #require(try file.tensors["2.weight"]?.numbers(as: Float.self))
        #expect(torchWeight == [1, 3, 5, 7, 2, 4, 6, 8])
        let channelsFirst: [Float] = [1, 2, 3, 4, 9, 8, 7, 6]
        #expect(zip(channelsFirst, torchWeight).reduce(0) { $0 + $1.0 * $1.1 } == 190)
        // and back
        let loaded = try model.loadingPyTorchStateDict(file)
        #expect(loaded == model)
    }

    @Test func aNormalizationBetweenFlattenAndDenseHasItsVectorsPermuted() throws {
        // A 1×2×2 image (H 1, W 2, C 2): Teach order (x0 c0, x0 c1, x1 c0, x1 c1), PyTorch's (c0 x0, c0 x1, c1 x0, c1 x1).
        let image = ImageShape(height: 1, width: 2, channels: 2)
        var norm = try BatchNorm<Float>(features: 4)
        norm.scale = Matrix(row: [1, 2, 3, 4])
        norm.runningMean = Matrix(row: [10, 20, 30, 40])
        let dense = try Dense(weights: Matrix<Float>(column: [1, 2, 3, 4]), bias: Matrix(row: [0]), activation: .identity)
        let model = try Model(input: .image(image), [Flatten<Float>(inputShape: image), norm, dense])
        let file = try model.pyTorchStateDict()
        #expect(try file.tensors["1.weight"]?.numbers(as: Float.self) == [1, 3, 2, 4])
        #expect(try file.tensors["1.running_mean"]?.numbers(as: Float.self) == [10, 30, 20, 40])
        #expect(try file.tensors["2.weight"]?.numbers(as: Float.self) == [1, 3, 2, 4])
        #expect(try model.loadingPyTorchStateDict(file) == model)
    }

    @Test func aFourDimensionalTensorCrossesAFileButIsNotAMatrix() throws {
        let numbers: [Float] = (0..<24).map(Float.init)
        let tensor = try SafeTensors.Tensor(shape: [2, 3, 2, 2], numbers: numbers)
        let decoded = try SafeTensors(decoding: try SafeTensors(tensors: ["0.weight": tensor]).encoded())
        #expect(decoded.tensors["0.weight"]?.shape == [2, 3, 2, 2])
        #expect(try decoded.tensors["0.weight"]?.numbers(as: Float.self) == numbers)
        #expect(try decoded.tensors["0.weight"]?.numbers(as: Double.self) == numbers.map(Double.init))
        #expect(decoded.tensors["0.weight"]?.matrixShape == Shape(2, 12))
        let error = #expect(throws: InvalidArgument.self) { try decoded.tensors["0.weight"]?.matrix(as: Float.self) }
        #expect(error?.message.contains("shape [2, 3, 2, 2] is not a matrix") == true)
        #expect(throws: InvalidArgument.self) { try SafeTensors.Tensor(shape: [2, 3, 2, 3], numbers: numbers) }
        #expect(throws: InvalidArgument.self) { try SafeTensors.Tensor(dtype: .i64, shape: [1], bytes: [UInt8](repeating: 0, count: 8)).numbers(as: Float.self) }
        #expect(throws: InvalidArgument.self) { try tensor.integers() }
    }

    // MARK: PyTorch's forward pass, computed here from the exported tensors

    /// A channels-first convolution as `nn.Conv2d` computes it: `image` is `C×H×W`, `weight` `K×C×F×F`.
    func pyTorchConvolution(_ image: [Float], _ shape: ImageShape, weight: [Float], bias: [Float], filterSize f: Int, stride: Int, padding: Int) -> (output: [Float], height: Int, width: Int) {
        let (c, h, w, k) = (shape.channels, shape.height, shape.width, bias.count)
        let ho = (h + 2 * padding - f) / stride + 1, wo = (w + 2 * padding - f) / stride + 1
        var output = [Float](repeating: 0, count: k * ho * wo)
        for filter in 0..<k {
            for oy in 0..<ho {
                for ox in 0..<wo {
                    var sum = bias[filter]
                    for channel in 0..<c {
                        for fy in 0..<f {
                            for fx in 0..<f {
                                let y = oy * stride - padding + fy, x = ox * stride - padding + fx
                                guard y >= 0, y < h, x >= 0, x < w else { continue }
                                sum += image[(channel * h + y) * w + x] * weight[((filter * c + channel) * f + fy) * f + fx]
                            }
                        }
                    }
                    output[(filter * ho + oy) * wo + ox] = sum
                }
            }
        }
        return (output, ho, wo)
    }

    @Test func pyTorchsForwardPassOnTheExportedTensorsGivesTeachsPredictions() throws {
        var random = SeededGenerator(seed: 5)
        let input = ImageShape(height: 5, width: 5, channels: 3)
        let convolution = try Conv2D<Float>(inputShape: input, filters: 4, filterSize: 3, stride: 2, padding: 1, activation: .identity, using: &random)
        var conv = convolution
        conv.bias = Matrix.gaussian(rows: 1, columns: 4, using: &random)
        let flatten = Flatten<Float>(inputShape: conv.outputShape)
        let dense = try Dense<Float>(inputs: conv.outputShape.count, units: 2, activation: .identity, using: &random)
        let model = try Model([conv, flatten, dense])
        let x = Matrix<Float>.gaussian(rows: 3, columns: input.count, using: &random)
        let teach = try model.predict(x)

        let file = try model.pyTorchStateDict()
        let (convWeight, convBias) = (try file.tensors["0.weight"]!.numbers(as: Float.self), try file.tensors["0.bias"]!.numbers(as: Float.self))
        let (linearWeight, linearBias) = (try file.tensors["2.weight"]!.numbers(as: Float.self), try file.tensors["2.bias"]!.numbers(as: Float.self))
        for row in 0..<x.rows {
            // to_torch: Teach's channels-last row as C×H×W
            var image = [Float](repeating: 0, count: input.count)
            for c in 0..<3 { for y in 0..<5 { for xx in 0..<5 { image[(c * 5 + y) * 5 + xx] = x[row, (y * 5 + xx) * 3 + c] } } }
            let (features, _, _) = pyTorchConvolution(image, input, weight: convWeight, bias: convBias, filterSize: 3, stride: 2, padding: 1)
            for unit in 0..<2 {
                let output = linearBias[unit] + (0..<features.count).reduce(Float(0)) { $0 + features[$1] * linearWeight[unit * features.count + $1] }
                #expect(abs(output - teach[row, unit]) <= 1e-5, "record \(row), unit \(unit)")
            }
        }
    }

    // MARK: Round trips

    /// A model with every supported layer that reads images, with a nested block.
    func imageModel<Scalar: MatrixScalar>(_: Scalar.Type, seed: UInt64) throws -> Model<Scalar> {
        var random = SeededGenerator(seed: seed)
        let image = ImageShape(height: 6, width: 6, channels: 2)
        let padding = try ZeroPadding<Scalar>(inputShape: image, padding: 1)
        let first = try Conv2D<Scalar>(inputShape: padding.outputShape, filters: 3, filterSize: 3, activation: .leakyReLU(negativeSlope: 0.2), using: &random)
        let pooled = try Pooling<Scalar>(.max, inputShape: first.outputShape, size: 2)
        let second = try Conv2D<Scalar>(inputShape: pooled.outputShape, filters: 4, filterSize: 3, padding: 1, activation: .tanh, using: &random)
        let averaged = try Pooling<Scalar>(.average, inputShape: second.outputShape, size: 3)
        var norm = try BatchNorm<Scalar>(features: averaged.outputShape.count)
        norm.runningMean = Matrix.gaussian(rows: 1, columns: norm.featureCount, using: &random)
        norm.shift = Matrix.gaussian(rows: 1, columns: norm.featureCount, using: &random)
        return try Model([
            padding, first, pooled, second, averaged, Flatten<Scalar>(inputShape: averaged.outputShape), norm,
            Sequential<Scalar>([
                try Dense<Scalar>(inputs: norm.featureCount, units: 5, activation: .gelu(approximate: .none), using: &random),
                Frozen<Scalar>(try Dense<Scalar>(inputs: 5, units: 3, activation: .identity, hasBias: false, using: &random)),
            ]),
            try Dropout<Scalar>(rate: 0.3), Softmax<Scalar>(),
        ])
    }

    /// A model of plain features and one of token ids.
    func featureModels(seed: UInt64) throws -> [Model<Float>] {
        var random = SeededGenerator(seed: seed)
        var layerNorm = try LayerNorm<Float>(features: 4)
        layerNorm.bias = Matrix.gaussian(rows: 1, columns: 4, using: &random)
        return [
            try Model([
                try Dense<Float>(inputs: 3, units: 4, activation: .elu(alpha: 0.5), using: &random), layerNorm,
                ActivationLayer<Float>(.softplus), try Dense<Float>(inputs: 4, units: 2, activation: .sigmoid, using: &random),
            ]),
            try Model([
                try Embedding<Float>(count: 7, dimension: 4, length: 3, paddingIndex: 0, using: &random), layerNorm,
                try Dense<Float>(inputs: 4, units: 2, activation: .silu, using: &random),
            ]),
        ]
    }

    @Test func exportThenImportGivesTheSameParametersAndPredictions() throws {
        var random = SeededGenerator(seed: 11)
        let trained = try imageModel(Float.self, seed: 1)
        let fresh = try imageModel(Float.self, seed: 2)
        #expect(trained != fresh)
        let path = directory + "/image.safetensors"
        try trained.exportPyTorch(to: path, python: directory + "/image.py")
        var loaded = fresh
        try loaded.loadPyTorchStateDict(from: path)
        #expect(loaded == trained)
        #expect(loaded.parameters == trained.parameters)
        let x = Matrix<Float>.gaussian(rows: 4, columns: trained.inputShape.count, using: &random)
        #expect(try loaded.predict(x) == trained.predict(x))
        // the file is what PyTorch writes: no metadata, one tensor per parameter and running average
        let file = try SafeTensors.read(path: path)
        #expect(file.metadata.isEmpty)
        #expect(Set(file.tensors.keys) == Set(try trained.pyTorchModules().flatMap { self.allTensors($0) }.map(\.key)))

        for (index, model) in try featureModels(seed: 3).enumerated() {
            let other = try featureModels(seed: 4)[index]
            let input = model.inputShape.count
            let x = index == 0
                ? Matrix<Float>.gaussian(rows: 5, columns: input, using: &random)
                : Matrix<Float>(rows: 5, columns: input) { r, c in Float((r * 3 + c) % 7) }
            let loaded = try other.loadingPyTorchStateDict(try SafeTensors(decoding: try model.pyTorchStateDict().encoded()))
            #expect(loaded == model)
            #expect(try loaded.predict(x) == model.predict(x))
        }
    }

    @Test func aDoubleModelIsWrittenAsF64AndReadBackExactly() throws {
        let model = try imageModel(Double.self, seed: 1)
        let file = try model.pyTorchStateDict()
        #expect(file.tensors.values.allSatisfy { $0.dtype == .f64 })
        #expect(try imageModel(Double.self, seed: 2).loadingPyTorchStateDict(file) == model)
        #expect(try model.pyTorchPython().contains("DTYPE = torch.float64"))
    }

    @Test func otherFloatingPointDTypesAreReadWidenedOrRounded() throws {
        let model = try Model([try Dense(weights: Matrix<Float>([[1], [2]]), bias: Matrix(row: [0]), activation: .identity)])
        // F64 into a Float model rounds to nearest: 0.1 becomes Float(0.1).
        let f64 = SafeTensors(tensors: [
            "0.weight": try SafeTensors.Tensor(shape: [1, 2], numbers: [0.1, -2.5] as [Double]),
            "0.bias": try SafeTensors.Tensor(shape: [1], numbers: [3] as [Double]),
        ])
        let loaded = try model.loadingPyTorchStateDict(f64)
        #expect(loaded.parameters == [try Matrix<Float>([[0.1], [-2.5]]), Matrix(row: [3])])
        // F16 1.5 is 0x3E00, −2 is 0xC000; BF16 0.75 is 0x3F40 (the top half of Float 0.75, 0x3F400000).
        let half = SafeTensors(tensors: [
            "0.weight": try SafeTensors.Tensor(dtype: .f16, shape: [1, 2], bytes: [0x00, 0x3E, 0x00, 0xC0]),
            "0.bias": try SafeTensors.Tensor(dtype: .bf16, shape: [1], bytes: [0x40, 0x3F]),
        ])
        let widened = try model.loadingPyTorchStateDict(try SafeTensors(decoding: try half.encoded()))
        #expect(widened.parameters == [try Matrix<Float>([[1.5], [-2]]), Matrix(row: [0.75])])
        #expect(SafeTensors.Tensor.halfToFloat(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))  // the smallest subnormal
        #expect(SafeTensors.Tensor.halfToFloat(0x7BFF) == 65504)  // the largest half
        #expect(SafeTensors.Tensor.halfToFloat(0xFC00) == -.infinity)
    }

    @Test func aBatchCountFromPyTorchIsAcceptedAndIgnored() throws {
        let model = try Model([try BatchNorm<Float>(features: 2)])
        var file = try model.pyTorchStateDict()
        #expect(file.tensors["0.num_batches_tracked"] == nil)
        file.tensors["0.num_batches_tracked"] = try SafeTensors.Tensor(dtype: .i64, shape: [], bytes: [5, 0, 0, 0, 0, 0, 0, 0])
        #expect(try file.tensors["0.num_batches_tracked"]?.integers() == [5])
        #expect(try model.loadingPyTorchStateDict(try SafeTensors(decoding: try file.encoded())) == model)
        file.tensors["0.num_batches_tracked"] = try SafeTensors.Tensor(shape: [], numbers: [5] as [Float])
        let error = #expect(throws: PyTorchBridgeError.self) { try model.loadingPyTorchStateDict(file) }
        #expect(error?.problem == .unreadableDType(key: "0.num_batches_tracked", dtype: "F32", expected: "a batch count (I64)"))
    }

    // MARK: The Python module

    func allTensors(_ module: PyTorchModule) -> [(key: String, shape: [Int])] {
        module.tensors + module.children.flatMap { allTensors($0) }
    }

    @Test func theModulesAreNumberedAsNNSequentialNumbersThem() throws {
        let modules = try imageModel(Float.self, seed: 1).pyTorchModules()
        #expect(modules.map(\.key) == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"])
        #expect(modules.map(\.python) == [
            "nn.ZeroPad2d(1)", "nn.Conv2d(2, 3, kernel_size=3, stride=1, padding=0)", "nn.LeakyReLU(negative_slope=0.2)",
            "nn.MaxPool2d(2, stride=2)", "nn.Conv2d(3, 4, kernel_size=3, stride=1, padding=1)", "nn.Tanh()", "nn.AvgPool2d(3, stride=3)",
            "nn.Flatten()", "nn.BatchNorm1d(4, eps=1e-05, momentum=0.1)", "nn.Sequential", "nn.Dropout(p=0.3)", "nn.Softmax(dim=1)",
        ])
        #expect(modules[9].children.map(\.key) == ["9.0", "9.1", "9.2"])
        #expect(modules[9].children.map(\.python) == ["nn.Linear(4, 5)", "nn.GELU()", "nn.Linear(5, 3, bias=False)"])
        #expect(modules[1].tensors.map(\.key) == ["1.weight", "1.bias"])
        #expect(modules[1].tensors.map(\.shape) == [[3, 2, 3, 3], [3]])
        #expect(modules[8].tensors.map(\.key) == ["8.weight", "8.bias", "8.running_mean", "8.running_var"])
        #expect(modules[9].children[2].tensors.map(\.key) == ["9.2.weight"])
        #expect(modules[9].children[2].tensors.map(\.shape) == [[3, 5]])
    }

    @Test func thePythonFileBuildsTheSequentialAndConvertsImages() throws {
        let text = try imageModel(Float.self, seed: 1).pyTorchPython(stateDictFile: "image.safetensors")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("import torch"))
        #expect(lines.contains("DTYPE = torch.float32"))
        #expect(lines.contains("def build_model() -> nn.Sequential:"))
        #expect(lines.contains("        nn.Conv2d(2, 3, kernel_size=3, stride=1, padding=0),  # 1: conv 3 3×3: 8×8×2 → 6×6×3; 1.weight [3, 2, 3, 3], 1.bias [3]"))
        #expect(lines.contains("        nn.Sequential(  # 9: sequential"))
        #expect(lines.contains { $0.hasPrefix("            nn.Linear(4, 5),  # 9.0: dense 5; its inputs are the 1×1×4 image flattened channels-first; 9.0.weight [5, 4]") })
        #expect(lines.contains("        nn.Flatten(),  # 7: 1×1×4 → 4 features, channels-first in PyTorch"))
        #expect(lines.contains("    return x.to(DTYPE).reshape(-1, 6, 6, 2).permute(0, 3, 1, 2).contiguous()"))
        #expect(lines.contains("    ).to(DTYPE)"))
        #expect(text.contains("safetensors.torch.load_file(\"image.safetensors\")"))
        // The module lines of build_model, in order.
        let modules = lines.filter { $0.hasPrefix("        ") && $0.contains("nn.") }.map { $0.trimmingCharacters(in: .whitespaces).prefix { $0 != "(" } }
        #expect(modules == [
            "nn.ZeroPad2d", "nn.Conv2d", "nn.LeakyReLU", "nn.MaxPool2d", "nn.Conv2d", "nn.Tanh", "nn.AvgPool2d", "nn.Flatten", "nn.BatchNorm1d",
            "nn.Sequential", "nn.Linear", "nn.GELU", "nn.Linear", "nn.Dropout", "nn.Softmax",
        ])

        let tokens = try featureModels(seed: 1)[1].pyTorchPython()
        #expect(tokens.contains("nn.Embedding(7, 4, padding_idx=0),  # 0: embedding"))
        #expect(tokens.contains("    return x.reshape(-1, 3).round().long()"))
        #expect(tokens.contains("    return y.reshape(y.shape[0], -1)"))
    }

    @Test func aDenseLayerReadingAnImageGetsAFlattenAndAConvolutionOfOneChannelAnUnflatten() throws {
        var random = SeededGenerator(seed: 8)
        let image = ImageShape(height: 2, width: 3, channels: 2)
        let dense = try Dense<Float>(inputs: 12, units: 6, activation: .identity, using: &random)
        let convolution = try Conv2D<Float>(inputShape: ImageShape(height: 2, width: 3, channels: 1), filters: 2, filterSize: 1, using: &random)
        let model = try Model(input: .image(image), [dense, convolution])
        let modules = try model.pyTorchModules()
        #expect(modules.map(\.python) == ["nn.Flatten()", "nn.Linear(12, 6)", "nn.Unflatten(1, (1, 2, 3))", "nn.Conv2d(1, 2, kernel_size=1, stride=1, padding=0)", "nn.ReLU()"])
        let file = try model.pyTorchStateDict()
        #expect(try file.tensors["1.weight"]?.numbers(as: Float.self) == PyTorchBridge.pyTorchDenseWeight(dense.weights, readingImage: image))
        #expect(try model.pyTorchPython().contains("    return y.permute(0, 2, 3, 1).reshape(y.shape[0], -1)"))
    }

    // MARK: Errors

    /// Modules: 0 `nn.Conv2d` (4×4×2 → 2×2×3), 1 `nn.ReLU`, 2 `nn.Flatten`, 3 `nn.Linear(12, 2)`.
    func smallConvolutionModel() throws -> Model<Float> {
        var random = SeededGenerator(seed: 1)
        let convolution = try Conv2D<Float>(inputShape: ImageShape(4, 2), filters: 3, filterSize: 3, using: &random)
        return try Model([
            convolution, Flatten<Float>(inputShape: convolution.outputShape),
            try Dense<Float>(inputs: convolution.outputShape.count, units: 2, activation: .identity, using: &random),
        ])
    }

    func expectProblem(_ model: Model<Float>, _ file: SafeTensors, _ expected: PyTorchBridgeError.Problem, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: PyTorchBridgeError.self, sourceLocation: sourceLocation) { try model.loadingPyTorchStateDict(file, source: "trained.safetensors") }
        #expect(error?.problem == expected, sourceLocation: sourceLocation)
        #expect(error?.description.contains(text) == true, "\(error?.description ?? "no error")", sourceLocation: sourceLocation)
        #expect(error?.description.hasPrefix("trained.safetensors: ") == true, sourceLocation: sourceLocation)
    }

    @Test func aMissingTensorIsNamedWithTheShapeExpected() throws {
        let model = try smallConvolutionModel()
        var file = try model.pyTorchStateDict()
        file.tensors["0.bias"] = nil
        expectProblem(model, file, .missingTensor(key: "0.bias", expected: [3]), #"tensor "0.bias" is missing (expected shape [3])"#)
    }

    @Test func anExtraTensorIsNamedWithItsShape() throws {
        let model = try smallConvolutionModel()
        var file = try model.pyTorchStateDict()
        file.tensors["4.weight"] = try SafeTensors.Tensor(shape: [2, 2], numbers: [Float](repeating: 0, count: 4))
        expectProblem(model, file, .unexpectedTensor(key: "4.weight", shape: [2, 2]), #"tensor "4.weight" (shape [2, 2]) belongs to no module"#)
    }

    @Test func aWrongShapeNamesTheKeyTheShapeFoundAndTheShapeExpected() throws {
        let model = try smallConvolutionModel()
        var file = try model.pyTorchStateDict()
        // Teach's own layout, (F·F·C)×K, where PyTorch's K×C×F×F belongs
        file.tensors["0.weight"] = try SafeTensors.Tensor(model.parameters[0])
        expectProblem(model, file, .wrongShape(key: "0.weight", found: [18, 3], expected: [3, 2, 3, 3]), #"tensor "0.weight" has shape [18, 3], expected [3, 2, 3, 3]"#)
        // a linear weight not transposed
        file = try model.pyTorchStateDict()
        file.tensors["3.weight"] = try SafeTensors.Tensor(shape: [12, 2], numbers: [Float](repeating: 0, count: 24))
        expectProblem(model, file, .wrongShape(key: "3.weight", found: [12, 2], expected: [2, 12]), "has shape [12, 2], expected [2, 12]")
    }

    @Test func aDTypeThatCannotHoldWeightsIsAnError() throws {
        let model = try smallConvolutionModel()
        var file = try model.pyTorchStateDict()
        file.tensors["0.bias"] = try SafeTensors.Tensor(dtype: .i64, shape: [3], bytes: [UInt8](repeating: 0, count: 24))
        expectProblem(
            model, file, .unreadableDType(key: "0.bias", dtype: "I64", expected: "weights (F32, F64, F16 or BF16)"),
            #"tensor "0.bias" holds I64 numbers, which cannot be read as weights"#)
        // a dtype no reader here knows stops the file itself, naming the tensor
        let bytes = try SafeTensors(tensors: ["x": try .init(Matrix<Float>(row: [1]))]).encoded()
        let header = String(decoding: bytes[8...], as: UTF8.self).replacingOccurrences(of: "\"F32\"", with: "\"I32\"")
        let error = #expect(throws: DataFileError.self) { try SafeTensors(decoding: Array(bytes[..<8]) + Array(header.utf8)) }
        #expect(error?.problem.contains(#"tensor "x": dtype I32 is not supported"#) == true)
    }

    @Test func aFailedLoadLeavesTheModelAsItWas() throws {
        var model = try smallConvolutionModel()
        let before = model
        var file = try model.pyTorchStateDict()
        file.tensors["3.bias"] = nil
        file.tensors["0.weight"] = try SafeTensors.Tensor(shape: [3, 2, 3, 3], numbers: [Float](repeating: 9, count: 54))
        let path = directory + "/incomplete.safetensors"
        try file.write(to: path)
        let error = #expect(throws: PyTorchBridgeError.self) { try model.loadPyTorchStateDict(from: path) }
        #expect(error?.problem == .missingTensor(key: "3.bias", expected: [2]))
        #expect(error?.source == path)
        #expect(model == before)
    }

    /// A layer the bridge does not know.
    struct Doubling: Layer {
        var name: String { "doubling" }
        func outputShape(for input: RecordShape) throws -> RecordShape { input }
        mutating func forward(_ x: Matrix<Float>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Float> { x * 2 }
        mutating func backward(outputGradient: Matrix<Float>, needsInputGradient: Bool) throws -> LayerGradients<Float> { LayerGradients(input: outputGradient * 2) }
        var parameters: [Matrix<Float>] { [] }
        mutating func updateParameters(_ update: (inout Matrix<Float>, Int) throws -> Void) rethrows {}
    }

    @Test func anUnsupportedLayerIsNamedWithWhatIsSupported() throws {
        var random = SeededGenerator(seed: 2)
        let dense = try Dense<Float>(inputs: 4, units: 4, activation: .relu, using: &random)
        let image = ImageShape(2, 1)
        let cases: [(Model<Float>, String, String, String)] = [
            (try Model([dense, Residual<Float>([dense])]), "layers.1", "residual", "nn.Sequential has no skip connection"),
            (try Model([dense, Sequential<Float>([dense, Doubling()])]), "layers.1.layers.1", "doubling", "the bridge does not know Doubling"),
            (try Model([try Dense<Float>(inputs: 4, units: 2, activation: .step, using: &random)]), "layers.0", "dense 2", "PyTorch has no module for the step activation"),
            (try Model([dense, try Dropout<Float>(rate: 0.5, inverted: false)]), "layers.1", "dropout 0.5", "not inverted"),
            (try Model(input: .image(image), [try BatchNorm<Float>(features: 4)]), "layers.0", "batch norm", "BatchNorm2d would normalize channels"),
            (try Model(input: .image(image), [Softmax<Float>()]), "layers.0", "Softmax", "Teach's softmax runs over a whole record"),
            (try Model([dense, try Embedding<Float>(count: 5, dimension: 2, using: &random)]), "layers.1", "embedding", "it must come first"),
        ]
        for (model, layer, name, reason) in cases {
            let error = #expect(throws: PyTorchBridgeError.self, "\(layer)") { try model.pyTorchStateDict() }
            guard case .unsupportedLayer(let foundLayer, let foundName, let foundReason) = error?.problem else {
                Issue.record("\(layer): \(String(describing: error))")
                continue
            }
            #expect(foundLayer == layer)
            #expect(foundName.lowercased().contains(name.lowercased()), "\(foundName)")
            #expect(foundReason.contains(reason), "\(foundReason)")
            #expect(error?.description.contains("Supported: Dense, Conv2D") == true)
            #expect(throws: PyTorchBridgeError.self) { try model.pyTorchPython() }
            #expect(throws: PyTorchBridgeError.self) { try model.loadingPyTorchStateDict(SafeTensors()) }
        }
    }

    @Test func anExportThatFailsWritesNothingAndOneThatSucceedsLeavesNoTemporaryFile() throws {
        var random = SeededGenerator(seed: 2)
        let unsupported = try Model([try Dense<Float>(inputs: 2, units: 2, activation: .step, using: &random)])
        let folder = directory + "/export"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(throws: PyTorchBridgeError.self) { try unsupported.exportPyTorch(to: folder + "/m.safetensors", python: folder + "/m.py") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        try smallConvolutionModel().exportPyTorch(to: folder + "/m.safetensors", python: folder + "/m.py")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["m.py", "m.safetensors"])
        #expect(throws: FileWriteError.self) { try smallConvolutionModel().exportPyTorch(to: folder + "/missing/m.safetensors") }
    }
}
