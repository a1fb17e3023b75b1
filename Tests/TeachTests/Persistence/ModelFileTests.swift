import Foundation
import Testing

@testable import Teach

extension PersistenceTests {
    @Suite final class ModelFileTests {
        let directory: String = {
            let path = NSTemporaryDirectory() + "model-file-tests-\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }()

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// A small CNN with every kind of layer, trained for a few steps so that nothing is at its
        /// initial value (batch normalization's running averages included).
        static func trainedCNN<Scalar: MatrixScalar>(_: Scalar.Type) throws -> (model: Model<Scalar>, inputs: Matrix<Scalar>) {
            var random = SeededGenerator(seed: 11)
            let image = ImageShape(6, 1)
            let padding = try ZeroPadding<Scalar>(inputShape: image, padding: 1)  // 8×8×1
            let conv1 = try Conv2D<Scalar>(inputShape: padding.outputShape, filters: 4, filterSize: 3, using: &random)  // 6×6×4
            let maxPool = try Pooling<Scalar>(.max, inputShape: conv1.outputShape, size: 2, stride: 2)  // 3×3×4
            let conv2 = try Conv2D<Scalar>(
                inputShape: maxPool.outputShape, filters: 5, filterSize: 3, padding: 1, activation: .leakyReLU(negativeSlope: 0.2),
                initializer: .xavier, using: &random)  // 3×3×5
            let averagePool = try Pooling<Scalar>(.average, inputShape: conv2.outputShape, size: 2, stride: 1)  // 2×2×5
            var model = try Model<Scalar>([
                padding, conv1, maxPool, conv2, averagePool,
                Flatten(inputShape: averagePool.outputShape),
                Dense(inputs: 20, units: 8, activation: .identity, hasBias: false, using: &random),
                BatchNorm(features: 8, momentum: 0.3, epsilon: 1e-3),
                ActivationLayer(.tanh),
                Dropout(rate: 0.25),
                Dense(inputs: 8, units: 3, activation: .sigmoid, using: &random),
                Softmax(),
            ])
            let inputs = Matrix<Scalar>.uniform(rows: 12, columns: image.count, in: 0..<1, using: &random)
            let targets = Matrix<Scalar>(rows: 12, columns: 3) { r, c in r % 3 == c ? 1 : 0 }
            var optimizer = try Optimizer<Scalar>.adam(learningRate: 0.01)
            try model.train(inputs: inputs, targets: targets, options: TrainingOptions(epochs: 3, batchSize: 4, loss: .crossEntropy), optimizer: &optimizer, using: &random)
            return (model, inputs)
        }

        func roundTrip<Scalar: MatrixScalar>(_ type: Scalar.Type) throws {
            let (model, inputs) = try Self.trainedCNN(type)
            guard let norm = model.layers[7] as? BatchNorm<Scalar> else { Issue.record("layer 7 is not batch norm"); return }
            #expect(norm.runningMean != Matrix(rows: 1, columns: 8))  // trained
            let path = directory + "/cnn-\(Scalar.self).safetensors"
            try model.save(to: path)
            let loaded = try Model<Scalar>.load(from: path)
            #expect(loaded == model)
            let before = try model.predict(inputs), after = try loaded.predict(inputs)
            #expect(before.shape == after.shape)
            // bit for bit: the bytes of every output
            #expect(before.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) } == after.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) })
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["cnn-\(Scalar.self).safetensors"])
        }

        @Test func aFloatModelWithEveryKindOfLayerPredictsTheSameAfterLoading() throws { try roundTrip(Float.self) }
        @Test func aDoubleModelWithEveryKindOfLayerPredictsTheSameAfterLoading() throws { try roundTrip(Double.self) }

        @Test func theFileHoldsPyTorchNamesAndTheArchitecture() throws {
            let (model, _) = try Self.trainedCNN(Float.self)
            let file = try model.safeTensors()
            #expect(file.metadata["format"] == "teach-model")
            #expect(file.metadata["teach.version"] == "1")
            #expect(file.metadata["teach.architecture"]?.hasPrefix(#"[{"input_shape":[6,6,1],"kind":"zero_padding","padding":1},{"activation":"relu","filter_size":3,"filters":4,"input_shape":[8,8,1],"kind":"conv2d","padding":0,"stride":1},"#) == true)
            #expect(file.metadata["teach.architecture"]?.contains(#"{"inverted":true,"kind":"dropout","rate":0.25}"#) == true)
            #expect(file.metadata["teach.architecture"]?.contains(#"{"epsilon":0.001,"features":8,"kind":"batch_norm","momentum":0.3}"#) == true)
            #expect(file.metadata["teach.architecture"]?.contains(#"{"activation":"leaky_relu","filter_size":3,"filters":5,"input_shape":[3,3,4],"kind":"conv2d","negative_slope":0.2,"padding":1,"stride":1}"#) == true)
            #expect(file.metadata["teach.architecture"]?.hasSuffix(#"{"activation":"sigmoid","bias":true,"inputs":8,"kind":"dense","units":3},{"kind":"softmax"}]"#) == true)
            let shapes = file.tensors.mapValues(\.shape)
            #expect(
                shapes == [
                    "layers.1.weight": [9, 4], "layers.1.bias": [4],
                    "layers.3.weight": [36, 5], "layers.3.bias": [5],
                    "layers.6.weight": [20, 8],  // no bias
                    "layers.7.weight": [8], "layers.7.bias": [8], "layers.7.running_mean": [8], "layers.7.running_var": [8],
                    "layers.10.weight": [8, 3], "layers.10.bias": [3],
                ])
            #expect(file.tensors.values.allSatisfy { $0.dtype == .f32 })
        }

        @Test func aTinyModelFileByteForByte() throws {
            let dense = try Dense<Float>(weights: [[1], [2]], bias: [0.5], activation: .relu)
            let bytes = try Model([dense]).safeTensors().encoded()
            let architecture = #"[{\"activation\":\"relu\",\"bias\":true,\"inputs\":2,\"kind\":\"dense\",\"units\":1}]"#
            let header =
                #"{"__metadata__":{"format":"teach-model","teach.architecture":""# + architecture + #"","teach.version":"1"},"#
                + #""layers.0.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                + #""layers.0.weight":{"dtype":"F32","shape":[2,1],"data_offsets":[4,12]}}"#
            let padded = Array(header.utf8) + [UInt8](repeating: 0x20, count: (8 - header.utf8.count % 8) % 8)
            let expected = withUnsafeBytes(of: UInt64(padded.count).littleEndian) { Array($0) } + padded
                + [0, 0, 0, 63] + [0, 0, 128, 63, 0, 0, 0, 64]  // 0.5, then 1 and 2
            #expect(bytes == expected)
        }

        @Test func everyActivationIsStoredByNameWithItsParameter() throws {
            var random = SeededGenerator(seed: 4)
            let model = try Model<Double>([
                Dense(inputs: 2, units: 3, activation: .elu(alpha: 0.5), using: &random),
                ActivationLayer(.softplus), ActivationLayer(.silu), ActivationLayer(.gelu()), ActivationLayer(.gelu(approximate: .tanh)),
                ActivationLayer(.elu()), ActivationLayer(.leakyReLU()),
            ])
            let file = try model.safeTensors()
            let architecture = file.metadata["teach.architecture"] ?? ""
            #expect(
                architecture == #"[{"activation":"elu","alpha":0.5,"bias":true,"inputs":2,"kind":"dense","units":3},"#
                    + #"{"activation":"softplus","kind":"activation"},{"activation":"silu","kind":"activation"},"#
                    + #"{"activation":"gelu","kind":"activation"},{"activation":"gelu_tanh","kind":"activation"},"#
                    + #"{"activation":"elu","alpha":1,"kind":"activation"},{"activation":"leaky_relu","kind":"activation","negative_slope":0.01}]"#,
                "\(architecture)")
            #expect(try Model<Double>(SafeTensors(decoding: file.encoded())) == model)
        }

        @Test func anActivationReadsItsParameterAndNeedsIt() throws {
            let edited = try Model<Float>(SafeTensors(decoding: editedArchitecture(replacing(#""activation":"tanh""#, #""activation":"elu","alpha":0.5"#))))
            #expect((edited.layers[8] as? ActivationLayer<Float>)?.activation == .elu(alpha: 0.5))
            try expectLoadProblem(
                editedArchitecture(replacing(#""activation":"tanh""#, #""activation":"elu""#)), #"layers.8 (activation): the architecture gives no "alpha""#)
            try expectLoadProblem(
                editedArchitecture(replacing(#""activation":"tanh""#, #""activation":"elu","alpha":"big""#)),
                #"layers.8 (activation): "alpha" must be a number, found "big""#)
        }

        // MARK: Damaged files

        func savedBytes() throws -> (bytes: [UInt8], headerEnd: Int) {
            let (model, _) = try Self.trainedCNN(Float.self)
            let bytes = try model.safeTensors().encoded()
            return (bytes, 8 + Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
        }

        func expectLoadProblem<Scalar: MatrixScalar>(
            _ bytes: [UInt8], as _: Scalar.Type = Float.self, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let path = directory + "/damaged.safetensors"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: DataFileError.self, sourceLocation: sourceLocation) { try Model<Scalar>.load(from: path) }
            #expect(error?.path == path, sourceLocation: sourceLocation)
            #expect(error?.description.contains(fragment) == true, "\(error?.description ?? "no error")", sourceLocation: sourceLocation)
        }

        @Test func aTruncatedModelFileIsAClearError() throws {
            let (bytes, headerEnd) = try savedBytes()
            try expectLoadProblem(Array(bytes.prefix(5)), "too short")
            try expectLoadProblem(Array(bytes.prefix(headerEnd / 2)), "the header length \(headerEnd - 8) runs past the end of the file")
            try expectLoadProblem(Array(bytes.prefix(headerEnd + 10)), "the file is truncated or its offsets are wrong")
            try expectLoadProblem(Array(bytes.dropLast()), "the file is truncated")
            for length in stride(from: 0, to: bytes.count, by: 7) {
                #expect(throws: DataFileError.self) { try Model<Float>(SafeTensors(decoding: Array(bytes.prefix(length)))) }
            }
        }

        @Test func aFlippedByteInTheHeaderIsAClearError() throws {
            let (bytes, _) = try savedBytes()
            var flipped = bytes
            flipped[8] = UInt8(ascii: "[")  // the header's opening brace
            try expectLoadProblem(flipped, "the header is not valid JSON")
            flipped = bytes
            flipped[8 + 3] ^= 0x80  // inside "__metadata__"
            try expectLoadProblem(flipped, "not valid UTF-8")
            flipped = bytes
            flipped[3] = 1  // the header length, now 2^24 bytes longer
            try expectLoadProblem(flipped, "runs past the end of the file")
        }

        @Test func everyFlippedBitInTheHeaderIsAnErrorOrAValidModel() throws {
            let (bytes, headerEnd) = try savedBytes()
            let original = try Self.trainedCNN(Float.self).model
            var errors = 0, loaded = 0
            for position in 0..<headerEnd {
                for bit in [0, 5] {
                    var damaged = bytes
                    damaged[position] ^= 1 << bit
                    do {
                        let model = try Model<Float>(SafeTensors(decoding: damaged, source: "m"), source: "m")
                        loaded += 1
                        _ = model.parameterCount
                    } catch let error as DataFileError {
                        errors += 1
                        #expect(error.path == "m")
                    }
                }
            }
            #expect(errors > loaded)
            #expect(try Model<Float>(SafeTensors(decoding: bytes)) == original)
        }

        // MARK: Files that disagree with themselves

        /// The CNN's file with its architecture text edited by `edit`.
        func editedArchitecture(_ edit: (String) -> String) throws -> [UInt8] {
            var file = try Self.trainedCNN(Float.self).model.safeTensors()
            file.metadata["teach.architecture"] = edit(file.metadata["teach.architecture"] ?? "")
            return try file.encoded()
        }

        func replacing(_ old: String, _ new: String) -> (String) -> String {
            { text in
                #expect(text.contains(old), "the architecture has no \(old)")
                return text.replacingOccurrences(of: old, with: new)
            }
        }

        @Test func anArchitectureThatDisagreesWithItsTensorsIsAnErrorNamingTheLayer() throws {
            try expectLoadProblem(
                editedArchitecture(replacing(#""filters":4"#, #""filters":6"#)),
                "layers.1 (conv2d): tensor layers.1.weight (filters, (F·F·C)×K) has shape [9, 4], expected [9, 6]")
            try expectLoadProblem(
                editedArchitecture(replacing(#""inputs":20,"kind":"dense","units":8"#, #""inputs":20,"kind":"dense","units":8000000"#)),
                "layers.6 (dense): tensor layers.6.weight (weights, inputs×units) has shape [20, 8], expected [20, 8000000]")
            try expectLoadProblem(
                editedArchitecture(replacing(#""features":8"#, #""features":2000000000"#)),
                "layers.7 (batch_norm): tensor layers.7.weight (γ) has shape [8], expected [2000000000]")
            try expectLoadProblem(
                editedArchitecture(replacing(#""activation":"sigmoid","bias":true"#, #""activation":"sigmoid","bias":false"#)),
                #"tensor "layers.10.bias" belongs to no layer of the architecture"#)
            try expectLoadProblem(
                editedArchitecture(replacing(#""activation":"identity","bias":false"#, #""activation":"identity","bias":true"#)),
                "layers.6 (dense): tensor layers.6.bias (biases, [8]) is missing")
            // geometry is checked again by the layers' own initialisers
            try expectLoadProblem(
                editedArchitecture(replacing(#""input_shape":[6,6,4],"kind":"pool","pooling":"max","size":2,"stride":2"#, #""input_shape":[6,6,4],"kind":"pool","pooling":"max","size":2,"stride":3"#)),
                "layers.2 (pool): max pooling (height): N = 6, F = 2, S = 3, P = 0: (N − F + 2P)/S = (6 − 2 + 2·0)/3 = 4/3 is not a whole number")
            try expectLoadProblem(
                editedArchitecture(replacing(#""input_shape":[6,6,4],"kind":"pool""#, #""input_shape":[4,4,4],"kind":"pool""#)),
                "the layers do not fit together: Model:")
            try expectLoadProblem(editedArchitecture(replacing(#""rate":0.25"#, #""rate":1.5"#)), "layers.9 (dropout): Dropout: rate 1.5 must be in [0, 1)")
            try expectLoadProblem(editedArchitecture(replacing(#""padding":1},"#, #""padding":-1},"#)), #"layers.0 (zero_padding): "padding" must be a whole number from 0 to 2147483647, found -1"#)
            try expectLoadProblem(editedArchitecture(replacing(#""input_shape":[6,6,1]"#, #""input_shape":[2147483647,2147483647,1]"#)), "layers.0 (zero_padding): input_shape 2147483647×2147483647×1 has more than 2147483647 numbers")
            try expectLoadProblem(editedArchitecture(replacing(#""input_shape":[6,6,1]"#, #""input_shape":[6,6]"#)), #""input_shape" must be [height, width, channels], each a whole number ≥ 1, found [6, 6]"#)
            try expectLoadProblem(editedArchitecture(replacing(#""kind":"softmax""#, #""kind":"softermax""#)), #"layers.11 (?): unknown layer kind "softermax""#)
            try expectLoadProblem(editedArchitecture(replacing(#""kind":"softmax""#, #""kind":"softmax","axis":1"#)), #"layers.11 (softmax): unexpected key "axis" for a softmax layer"#)
            try expectLoadProblem(editedArchitecture(replacing(#""activation":"tanh""#, #""activation":"mish""#)), #"layers.8 (activation): unknown activation "mish""#)
            try expectLoadProblem(editedArchitecture(replacing(#""filter_size":3,"#, "")), #"layers.1 (conv2d): the architecture gives no "filter_size""#)
            try expectLoadProblem(editedArchitecture(replacing(#""inverted":true"#, #""inverted":"yes""#)), #""inverted" must be true or false, found "yes""#)
            try expectLoadProblem(editedArchitecture { _ in "[" }, #""teach.architecture" is not valid JSON"#)
            try expectLoadProblem(editedArchitecture(replacing(#""rate":0.25"#, #""rate":0.25,"rate":0.5"#)), #"duplicate key "rate""#)
            try expectLoadProblem(editedArchitecture { _ in String(repeating: "[", count: 1000) }, "nest deeper than 64")
            try expectLoadProblem(editedArchitecture { _ in "{}" }, #""teach.architecture" is an object, not an array of layers"#)
            try expectLoadProblem(editedArchitecture { _ in "[1]" }, "layers.0 (?): the architecture's entry is a number, not an object")
            try expectLoadProblem(editedArchitecture { _ in "[]" }, #"tensor "layers.1.bias" belongs to no layer of the architecture"#)
            let empty = SafeTensors(metadata: ["format": "teach-model", "teach.version": "1", "teach.architecture": "[]"])
            try expectLoadProblem(try empty.encoded(), "the layers do not fit together: Model: needs at least one layer")
        }

        /// The CNN's file with one number of tensor `name` replaced by `value`.
        func editedTensor(_ name: String, element: Int, _ value: Float) throws -> [UInt8] {
            var file = try Self.trainedCNN(Float.self).model.safeTensors()
            guard let tensor = file.tensors[name] else { Issue.record("no tensor \(name)"); return [] }
            var elements = try tensor.matrix(as: Float.self).elements
            elements[element] = value
            file.tensors[name] = try SafeTensors.Tensor(shape: tensor.shape, numbers: elements)
            return try file.encoded()
        }

        /// NaN or infinite weights, a negative running variance and a leaky slope of 1e308 are
        /// refused, naming the tensor or setting; `allowNonFinite: true` loads them anyway.
        @Test func nonFiniteAndOutOfRangeValuesAreRefusedUnlessAllowed() throws {
            let cases: [(bytes: [UInt8], fragment: String)] = [
                (try editedTensor("layers.6.weight", element: 5, .nan), "layers.6 (dense): tensor layers.6.weight (weights, inputs×units) at element 5 is nan, expected a finite number"),
                (try editedTensor("layers.10.bias", element: 2, .infinity), "layers.10 (dense): tensor layers.10.bias (biases) at element 2 is inf, expected a finite number"),
                (try editedTensor("layers.1.weight", element: 0, -.infinity), "tensor layers.1.weight"),
                (try editedTensor("layers.7.running_var", element: 3, -1), "layers.7 (batch_norm): tensor layers.7.running_var (running variance) at element 3 is -1.0, expected a variance ≥ 0"),
                (try editedArchitecture(replacing(#""negative_slope":0.2"#, #""negative_slope":1e308"#)), #"layers.3 (conv2d): "negative_slope" is 1e+308, expected a number from 0 to 1"#),
                (try editedArchitecture(replacing(#""activation":"tanh""#, #""activation":"elu","alpha":-3"#)), #"layers.8 (activation): "alpha" is -3.0, expected a number from 0 to 1000"#),
            ]
            for (bytes, fragment) in cases {
                try expectLoadProblem(bytes, fragment)
                try expectLoadProblem(bytes, "allowNonFinite: true loads it anyway")
                let path = directory + "/allowed.safetensors"
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                #expect(throws: Never.self) { try Model<Float>.load(from: path, allowNonFinite: true) }
            }
        }

        @Test func theWrongKindOfFileIsAnError() throws {
            var file = try Self.trainedCNN(Float.self).model.safeTensors()
            try expectLoadProblem(try file.encoded(), as: Double.self, "layers.1 (conv2d): tensor layers.1.weight holds F32 numbers, but a Model<Double> needs F64")
            file.metadata["teach.version"] = "2"
            try expectLoadProblem(try file.encoded(), "model file version 2 is not supported: this reader knows version 1")
            file.metadata["format"] = "pt"
            try expectLoadProblem(try file.encoded(), #"not a Teach model: its metadata has "format": "pt", expected "teach-model""#)
            try expectLoadProblem(try SafeTensors(tensors: ["weight": .init(Matrix<Float>(row: [1]))]).encoded(), #"not a Teach model: its metadata has no "format""#)
            file = try Self.trainedCNN(Float.self).model.safeTensors()
            file.tensors["layers.3.weight"] = try .init(Matrix<Float>(rows: 5, columns: 36))
            try expectLoadProblem(try file.encoded(), "layers.3 (conv2d): tensor layers.3.weight (filters, (F·F·C)×K) has shape [5, 36], expected [36, 5]")
        }

        @Test func savingIntoAMissingDirectoryIsAnError() throws {
            let model = try Self.trainedCNN(Float.self).model
            let path = directory + "/missing/model.safetensors"
            let error = #expect(throws: FileWriteError.self) { try model.save(to: path) }
            #expect(error?.path == path)
            #expect(error?.reason.contains("does not exist") == true)
            // an unsavable number is an error too, not a file JSON cannot hold
            var broken = model
            broken.layers[9] = ActivationLayer(.leakyReLU(negativeSlope: .infinity))
            #expect(throws: InvalidArgument.self) { try broken.save(to: self.directory + "/broken.safetensors") }
            #expect(!FileManager.default.fileExists(atPath: directory + "/broken.safetensors"))
        }

        @Test func savingAgainReplacesTheFile() throws {
            var (model, inputs) = try Self.trainedCNN(Double.self)
            let path = directory + "/model.safetensors"
            try model.save(to: path)
            model.layers.removeLast()
            try model.save(to: path)
            let loaded = try Model<Double>.load(from: path)
            #expect(loaded == model)
            #expect(try loaded.predict(inputs) == model.predict(inputs))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
        }
    }
}
