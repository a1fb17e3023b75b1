import Foundation
import Testing

@testable import Teach

extension PersistenceTests {
    @Suite final class SafeTensorsTests {
        let directory: String = {
            let path = NSTemporaryDirectory() + "safetensors-tests-\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }()

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// The 8-byte little-endian length, then the text.
        func lengthPrefixed(_ header: String) -> [UInt8] {
            let text = Array(header.utf8)
            return withUnsafeBytes(of: UInt64(text.count).littleEndian) { Array($0) } + text
        }

        // MARK: The bytes, checked by hand

        @Test func aFloatMatrixIsTheHeaderLengthTheJSONAndTheLittleEndianNumbers() throws {
            let matrix = try Matrix<Float>([[0, 1, 2], [3, 4, 5]])
            let file = SafeTensors(tensors: ["attn.0": try SafeTensors.Tensor(matrix)])
            let json = #"{"attn.0":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}"#  // 62 bytes
            let expected: [UInt8] =
                [64, 0, 0, 0, 0, 0, 0, 0] + Array(json.utf8) + [0x20, 0x20]  // padded to 64 with spaces
                + [0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]  // 0.0 … 5.0
            #expect(try file.encoded() == expected)
            let decoded = try SafeTensors(decoding: expected)
            #expect(decoded == file)
            #expect(try decoded.tensors["attn.0"]?.matrix(as: Float.self) == matrix)
        }

        @Test func aDoubleVectorIsOneDimensional() throws {
            let file = SafeTensors(tensors: ["b": try SafeTensors.Tensor(vector: Matrix<Double>(row: [1, -2]))])
            let json = #"{"b":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#  // 55 bytes
            let expected: [UInt8] =
                [56, 0, 0, 0, 0, 0, 0, 0] + Array(json.utf8) + [0x20]
                + [0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 192]  // 1.0, -2.0
            #expect(try file.encoded() == expected)
            let matrix = try SafeTensors(decoding: expected).tensors["b"]?.matrix(as: Double.self)
            #expect(matrix == Matrix(row: [1, -2]))
            #expect(matrix?.shape == Shape(1, 2))
        }

        @Test func emptyFilesAndMetadataMatchTheReferenceImplementation() throws {
            // the byte strings of the reference implementation's own tests (safetensors/src/tensor.rs)
            #expect(try SafeTensors().encoded() == [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32])
            let withMetadata: [UInt8] = [
                40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
                95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
                116, 34, 125, 125, 32, 32, 32, 32, 32,
            ]
            #expect(try SafeTensors(metadata: ["framework": "pt"]).encoded() == withMetadata)
            #expect(try SafeTensors(decoding: withMetadata) == SafeTensors(metadata: ["framework": "pt"]))
        }

        @Test func tensorsAreOrderedWiderFirstThenByNameAndTheDataIsAligned() throws {
            var random = SeededGenerator(seed: 4)
            let file = SafeTensors(
                tensors: [
                    "b.weight": try .init(Matrix<Float>.gaussian(rows: 3, columns: 1, using: &random)),
                    "a.weight": try .init(Matrix<Float>.gaussian(rows: 1, columns: 5, using: &random)),
                    "z.double": try .init(vector: Matrix<Double>.gaussian(rows: 1, columns: 3, using: &random)),
                    "layers.10.weight": try .init(Matrix<Float>(rows: 0, columns: 4)),
                    "layers.2.weight": try .init(Matrix<Float>.gaussian(rows: 2, columns: 2, using: &random)),
                ],
                metadata: ["z": "last", "a": "first \"quoted\"\n"])
            let bytes = try file.encoded()
            let length = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            #expect(length % 8 == 0)
            let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
            let names = ["__metadata__", "z.double", "a.weight", "b.weight", "layers.10.weight", "layers.2.weight"]
            let positions = names.map { header.range(of: "\"\($0)\"")?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil })
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
            #expect(header.contains(#"{"__metadata__":{"a":"first \"quoted\"\n","z":"last"},"z.double":{"dtype":"F64","shape":[3],"data_offsets":[0,24]},"#))
            #expect(try SafeTensors(decoding: bytes) == file)
            #expect(try file.encoded() == bytes)  // deterministic
        }

        @Test func everyBitSurvivesAFile() throws {
            let floats: [Float] = [0, -0.0, 1, -1.5, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .pi, Float(bitPattern: 0x7fc0_1234)]
            let doubles: [Double] = [0, -0.0, 1e-300, .leastNonzeroMagnitude, .nan, -.infinity, .pi, 0.1, Double(bitPattern: 0x7ff8_0000_dead_beef)]
            let f = try Matrix<Float>(rows: 1, columns: floats.count, elements: floats)
            let d = try Matrix<Double>(rows: 3, columns: 3, elements: doubles)
            let path = directory + "/bits.safetensors"
            try SafeTensors(tensors: ["f": try .init(f), "fv": try .init(vector: f), "d": try .init(d)], metadata: ["k": "v"]).write(to: path)
            let read = try SafeTensors.read(path: path)
            #expect(read.metadata == ["k": "v"])
            #expect(read.tensors["f"]?.shape == [1, floats.count])
            #expect(read.tensors["fv"]?.shape == [floats.count])
            #expect(try read.tensors["f"]?.matrix(as: Float.self).elements.map(\.bitPattern) == floats.map(\.bitPattern))
            #expect(try read.tensors["fv"]?.matrix(as: Float.self).elements.map(\.bitPattern) == floats.map(\.bitPattern))
            let readDoubles = try read.tensors["d"]?.matrix(as: Double.self)
            #expect(readDoubles?.shape == Shape(3, 3))
            #expect(readDoubles?.elements.map(\.bitPattern) == doubles.map(\.bitPattern))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["bits.safetensors"])  // no temporary file left
        }

        @Test func filesFromOtherWritersRead() throws {
            // unpadded, spaced out, metadata last, entries out of offset order, an unknown key in an entry
            let header = """
                { "second": {"shape": [1], "dtype": "F32", "data_offsets": [4, 8], "note": 1},
                  "first": {"dtype": "F32", "shape": [1, 1], "data_offsets": [0, 4]},
                  "__metadata__": {"format": "pt"} }
                """
            let bytes = lengthPrefixed(header) + [0, 0, 128, 63, 0, 0, 0, 64]
            let file = try SafeTensors(decoding: bytes)
            #expect(file.metadata == ["format": "pt"])
            #expect(try file.tensors["first"]?.matrix() == Matrix<Float>(row: [1]))
            #expect(try file.tensors["second"]?.matrix() == Matrix<Float>(row: [2]))
        }

        // MARK: Malformed files

        func expectProblem(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let path = "\(directory)/bad.safetensors"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: DataFileError.self, sourceLocation: sourceLocation) { try SafeTensors.read(path: path) }
            #expect(error?.description.contains(fragment) == true, "\(error?.description ?? "no error")", sourceLocation: sourceLocation)
            #expect(error?.path == path, sourceLocation: sourceLocation)
            // the same verdict from memory
            let inMemory = #expect(throws: DataFileError.self, sourceLocation: sourceLocation) { try SafeTensors(decoding: bytes, source: path) }
            #expect(inMemory == error, sourceLocation: sourceLocation)
        }

        /// A file with one entry `"t"` described by `entry`, followed by `data` bytes.
        func file(entry: String, data: Int) -> [UInt8] {
            lengthPrefixed(#"{"t":"# + entry + "}") + [UInt8](repeating: 7, count: data)
        }

        @Test func malformedFilesAreErrorsThatNameTheProblem() throws {
            // too short to hold the header length
            try expectProblem([], "too short")
            try expectProblem([1, 0, 0, 0, 0], "too short")
            // header lengths that lie
            try expectProblem([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7b, 0x7d], "larger than the 100000000-byte limit")
            try expectProblem(withUnsafeBytes(of: UInt64(100_000_001).littleEndian) { Array($0) } + Array("{}".utf8), "limit")
            try expectProblem([100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8), "runs past the end of the file (10 bytes")
            // headers that are not a JSON object
            try expectProblem(lengthPrefixed("{}") + [0xff, 0xfe], "belong to no tensor")
            try expectProblem([4, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff, 0xfe, 0x7d], "not valid UTF-8")
            try expectProblem(lengthPrefixed(#"{"t": {"dtype": "F32",}"#), "not valid JSON")
            try expectProblem(lengthPrefixed(#"{"t": 1} x"#), "after the end of the JSON value")
            try expectProblem(lengthPrefixed("[]"), "the header is an array, not a JSON object")
            try expectProblem(lengthPrefixed(""), "not valid JSON: unexpected end")
            try expectProblem(lengthPrefixed(String(repeating: "[", count: 100_000)), "nest deeper than 64")
            try expectProblem(lengthPrefixed(#"{"t":{},"t":{}}"#), "duplicate key \"t\"")
            try expectProblem(lengthPrefixed(#"{"__metadata__":{"epochs":10}}"#), "metadata values must be strings")
            try expectProblem(lengthPrefixed(#"{"__metadata__":["a"]}"#), "not an object of strings")
            // entries
            try expectProblem(file(entry: "[1]", data: 0), #"tensor "t": its entry is an array, not an object"#)
            try expectProblem(file(entry: #"{"shape":[1],"data_offsets":[0,4]}"#, data: 4), #"tensor "t": the entry has no dtype"#)
            try expectProblem(file(entry: #"{"dtype":"F32","data_offsets":[0,4]}"#, data: 4), "has no shape")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[1]}"#, data: 4), "has no data_offsets")
            try expectProblem(file(entry: #"{"dtype":"I8","shape":[4],"data_offsets":[0,4]}"#, data: 4), "dtype I8 is not supported (only F32, F64, F16, BF16 and I64)")
            try expectProblem(file(entry: #"{"dtype":32,"shape":[1],"data_offsets":[0,4]}"#, data: 4), "dtype is a number, not a string")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}"#, data: 4), "has 9 dimensions; at most 8")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[],"data_offsets":[0,8]}"#, data: 8), "shape [] of F32 needs 4 bytes")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}"#, data: 4), "whole numbers ≥ 0, found -1")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}"#, data: 4), "found 1.5")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":"2x3","data_offsets":[0,4]}"#, data: 4), "shape is a string, not an array")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}"#, data: 4), "is too large")
            // the shape's size against the byte range
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}"#, data: 20), "shape [2, 3] of F32 needs 24 bytes, but data_offsets [0, 20] hold 20")
            try expectProblem(file(entry: #"{"dtype":"F64","shape":[3],"data_offsets":[0,12]}"#, data: 12), "needs 24 bytes")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[1],"data_offsets":[0]}"#, data: 4), "must be [begin, end]")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[1],"data_offsets":[8,4]}"#, data: 8), "end before they begin")
            // offsets against each other and the data section
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[1],"data_offsets":[4,8]}"#, data: 8), "bytes 0..<4 of the data section belong to no tensor")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#, data: 6), "ends at byte 8 of the data section, which has only 6 bytes")
            try expectProblem(file(entry: #"{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, data: 6), "has 6 bytes but its tensors cover 4: 2 bytes at the end")
            let two = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
            try expectProblem(lengthPrefixed(two) + [UInt8](repeating: 0, count: 12), #"tensors "a" [0, 8] and "b" [4, 12] overlap"#)
            let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
            try expectProblem(lengthPrefixed(gap) + [UInt8](repeating: 0, count: 12), #"bytes 4..<8 of the data section belong to no tensor (a gap after "a" and before "b")"#)
        }

        @Test func everyTruncationOfAFileIsAnError() throws {
            var random = SeededGenerator(seed: 9)
            let bytes = try SafeTensors(
                tensors: ["w": try .init(Matrix<Float>.gaussian(rows: 3, columns: 4, using: &random)), "b": try .init(vector: Matrix<Float>(row: [1, 2, 3, 4]))],
                metadata: ["format": "test"]
            ).encoded()
            for length in 0..<bytes.count {
                #expect(throws: DataFileError.self, "cut to \(length) of \(bytes.count) bytes") { try SafeTensors(decoding: Array(bytes.prefix(length))) }
            }
            try expectProblem(Array(bytes.dropLast()), "the file is truncated or its offsets are wrong")
            try expectProblem(Array(bytes.prefix(20)), "runs past the end of the file")
        }

        @Test func missingFilesAndDirectoriesAreErrors() throws {
            let missing = #expect(throws: DataFileError.self) { try SafeTensors.read(path: directory + "/nothing.safetensors") }
            #expect(missing?.problem == "no such file")
            let folder = #expect(throws: DataFileError.self) { try SafeTensors.read(path: directory) }
            #expect(folder?.problem.contains("is a directory") == true)
        }

        // MARK: Writing and the tensor type

        @Test func writingIntoAMissingDirectoryIsAnError() throws {
            let path = directory + "/no/such/place/model.safetensors"
            let error = #expect(throws: FileWriteError.self) { try SafeTensors().write(to: path) }
            #expect(error?.description.hasPrefix("cannot write \(path): the directory \(directory)/no/such/place does not exist") == true, "\(error.map(String.init(describing:)) ?? "")")
            #expect(!FileManager.default.fileExists(atPath: directory + "/no"))
        }

        @Test func badTensorsAreRefused() throws {
            #expect(throws: InvalidArgument.self) { try SafeTensors(tensors: ["__metadata__": try .init(Matrix<Float>(row: [1]))]).encoded() }
            #expect(throws: InvalidArgument.self) { try SafeTensors.Tensor(dtype: .f32, shape: [2, 2], bytes: [0, 0, 0, 0]) }
            #expect(throws: InvalidArgument.self) { try SafeTensors.Tensor(dtype: .f32, shape: [1, 1, 1, 1, 1, 1, 1, 1, 1], bytes: [0, 0, 0, 0]) }
            #expect(throws: InvalidArgument.self) { try SafeTensors.Tensor(dtype: .f64, shape: [Int.max, 2], bytes: []) }
            #expect(throws: InvalidArgument.self) { try SafeTensors.Tensor(vector: Matrix<Float>(rows: 2, columns: 2)) }
            let tensor = try SafeTensors.Tensor(dtype: .f32, shape: [1], bytes: [0, 0, 128, 63])
            #expect(try tensor.matrix(as: Float.self) == Matrix(row: [1]))
            let error = #expect(throws: InvalidArgument.self) { try tensor.matrix(as: Double.self) }
            #expect(error?.message.contains("holds F32 numbers, not F64") == true)
        }
    }
}
