import Foundation
import Testing

@testable import Teach

@Suite struct ImageDatasetTests {
    let directory: String = {
        let path = NSTemporaryDirectory() + "dataset-tests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func writeSet(_ prefix: String, count: Int, gzip: Bool, rows: Int = 4) throws {
        let suffix = gzip ? ".gz" : ""
        try IDXFile(dimensions: [count, rows, 4], bytes: (0..<(count * rows * 4)).map { UInt8($0 % 256) })
            .write(to: "\(directory)/\(prefix)-images-idx3-ubyte\(suffix)", gzip: gzip)
        try IDXFile(dimensions: [count], bytes: (0..<count).map { UInt8($0 % 10) })
            .write(to: "\(directory)/\(prefix)-labels-idx1-ubyte\(suffix)", gzip: gzip)
    }

    @Test func sourceFollowsTheSearchOrder() {
        #expect(ImageDataset.source(for: "embedded") == .embeddedSample)
        #expect(ImageDataset.source(for: "/some/dir") == .directory("/some/dir"))
        let installed = FileManager.default.fileExists(atPath: ImageDataset.debianDirectory + "/train-images-idx3-ubyte.gz")
        #expect(ImageDataset.source(for: nil) == (installed ? .debianFashionMNIST : .embeddedSample))
    }

    @Test(arguments: [false, true])
    func loadsADirectoryOfIDXFiles(gzip: Bool) throws {
        try writeSet("train", count: 20, gzip: gzip)
        try writeSet("t10k", count: 5, gzip: !gzip)
        let data = try ImageDataset.load(.directory(directory))
        #expect(data.training.count == 20 && data.test.count == 5)
        #expect(data.training.shape == ImageShape(height: 4, width: 4, channels: 1))
        #expect(data.test.labels == [0, 1, 2, 3, 4])
    }

    @Test func missingOrMismatchedFilesAreClearErrors() throws {
        do {
            _ = try ImageDataset.load(.directory(directory + "/nowhere"))
            Issue.record("a missing directory was accepted")
        } catch {
            #expect("\(error)".contains("nowhere: no such directory"))
        }
        try writeSet("train", count: 3, gzip: true)
        do {
            _ = try ImageDataset.load(.directory(directory))
            Issue.record("a directory without test files was accepted")
        } catch {
            #expect("\(error)".contains("has no t10k-images-idx3-ubyte.gz or t10k-images-idx3-ubyte"))
        }
        try writeSet("t10k", count: 3, gzip: true, rows: 5)
        do {
            _ = try ImageDataset.load(.directory(directory))
            Issue.record("training and test images of different sizes were accepted")
        } catch {
            #expect("\(error)".contains("the training images are 4×4×1 but the test images 5×4×1"))
        }
    }

    @Test func theEmbeddedSampleSplitsSeventyThirty() throws {
        let data = try ImageDataset.load(.embeddedSample)
        #expect(data.training.count == 3000 && data.test.count == 1000)
        let (training, validation) = try data.training.split(trainingFraction: 0.7)
        #expect(training.count == 2100 && validation.count == 900)
        #expect(training.labels == Array(data.training.labels.prefix(2100)))
        #expect(validation.images.rowArray(0) == data.training.images.rowArray(2100))
        #expect(try training.oneHotLabels().shape == Shape(2100, 10))
        #expect(throws: InvalidArgument.self) { try data.training.split(trainingFraction: 1) }
        #expect(throws: InvalidArgument.self) { try data.training.subset([0]).split(trainingFraction: 0.7) }
    }
}

@Suite struct DataSizeTests {
    /// A header of 0 images of 4294967295×4294967295 pixels (and 0 labels): the reader has no data
    /// to bound the image size by, and rows × columns does not fit in an Int.
    @Test func anImageSizeTooLargeForAnIntIsAnErrorNamingTheFile() throws {
        let directory = NSTemporaryDirectory() + "size-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for prefix in ["train", "t10k"] {
            try IDXFile(dimensions: [0, 4_294_967_295, 4_294_967_295], bytes: []).write(to: "\(directory)/\(prefix)-images-idx3-ubyte", gzip: false)
            try IDXFile(dimensions: [0], bytes: []).write(to: "\(directory)/\(prefix)-labels-idx1-ubyte", gzip: false)
        }
        let error = #expect(throws: DataFileError.self) { try ImageDataset.load(.directory(directory)) }
        #expect(error?.path == "\(directory)/train-images-idx3-ubyte")
        #expect(error?.problem.contains("4294967295×4294967295") == true, "\(error.map(String.init(describing:)) ?? "")")
    }
}

@Suite struct DataMemoryTests {
    /// The reader hands out exactly the bytes the header promises, in chunks of at most 1 MiB,
    /// and refuses one byte more: a decompression bomb is never expanded past its header.
    @Test func theReaderStopsWhereTheHeaderSays() throws {
        let directory = NSTemporaryDirectory() + "memory-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/bomb.gz"
        // A header promising 3 MiB, followed by 3 MiB and then 8 MiB more of zeros (compressed small).
        let promised = 3 << 20
        try IDXFile(dimensions: [promised], bytes: [UInt8](repeating: 0, count: promised + (8 << 20))).write(to: path, gzip: true)
        var delivered = 0, largest = 0
        let error = #expect(throws: DataFileError.self) {
            try IDXFile.stream(path: path) { chunk, total in
                #expect(total == promised)
                delivered += chunk.count
                largest = max(largest, chunk.count)
            }
        }
        #expect(error?.problem.contains("more data than its header") == true)
        #expect(delivered == promised && largest <= 1 << 20)
    }

    /// Splitting in place copies only the validation part: the training images keep the loaded
    /// storage, so the whole set and both its parts are never all alive at once.
    @Test func splittingInPlaceKeepsTheTrainingStorage() throws {
        var images = try LabeledImages.embeddedSample(test: true)
        let (training, validation) = try images.split(trainingFraction: 0.7)
        let before = images.images.storage.withUnsafeBufferPointer { $0.baseAddress }
        let splitOff = try images.splitOffValidation(trainingFraction: 0.7)
        #expect(images.images.storage.withUnsafeBufferPointer { $0.baseAddress } == before)
        #expect(images.images == training.images && images.labels == training.labels)
        #expect(splitOff.images == validation.images && splitOff.labels == validation.labels)
        var tiny = try training.subset(0..<1)
        #expect(throws: InvalidArgument.self) { try tiny.splitOffValidation(trainingFraction: 0.7) }
        #expect(tiny.count == 1)
    }
}

@Suite struct DataCheckedAtLoadTests {
    let directory: String = {
        let path = NSTemporaryDirectory() + "load-check-tests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func writeSet(_ prefix: String, count: Int, rows: Int = 28, columns: Int = 28, labels: [UInt8]? = nil) throws {
        try IDXFile(dimensions: [count, rows, columns], bytes: [UInt8](repeating: 7, count: count * rows * columns))
            .write(to: "\(directory)/\(prefix)-images-idx3-ubyte", gzip: false)
        try IDXFile(dimensions: [count], bytes: labels ?? (0..<count).map { UInt8($0 % 10) })
            .write(to: "\(directory)/\(prefix)-labels-idx1-ubyte", gzip: false)
    }

    func expectProblem(_ file: String, _ fragment: String) {
        let error = #expect(throws: DataFileError.self) {
            try ImageDataset.load(.directory(directory), classes: 10, imageShape: ImageShape(28, 1))
        }
        #expect(error?.path == "\(directory)/\(file)")
        #expect(error?.problem.contains(fragment) == true, "\(error?.description ?? "no error")")
    }

    /// Each of these failed late: a test label of 255 in the confusion matrix after all of chapter
    /// 13's experiments, a training label of 10 in the one-hot targets, 0 test images after the
    /// first experiment, 32×32 images inside the first dense layer; none named the file.
    @Test func labelsCountsAndSizesAreCheckedWhenLoadedNamingTheFile() throws {
        try writeSet("train", count: 20)
        try writeSet("t10k", count: 5, labels: [0, 1, 255, 3, 4])
        expectProblem("t10k-labels-idx1-ubyte", "label 255 of image 2 is not a class: expected 0 to 9 (10 classes)")
        try writeSet("t10k", count: 5)
        try writeSet("train", count: 20, labels: [UInt8](repeating: 0, count: 19) + [10])
        expectProblem("train-labels-idx1-ubyte", "label 10 of image 19 is not a class")
        try writeSet("train", count: 20)
        try writeSet("t10k", count: 0)
        expectProblem("t10k-images-idx3-ubyte", "holds 0 images")
        try writeSet("t10k", count: 5, rows: 32, columns: 32)
        try writeSet("train", count: 20, rows: 32, columns: 32)
        expectProblem("train-images-idx3-ubyte", "the images are 32×32×1 (1024 numbers each), but the network reads 28×28×1 images (784 numbers)")
        // A good set loads, and without the checks the labels are whatever the file says.
        try writeSet("train", count: 20)
        try writeSet("t10k", count: 5, labels: [0, 1, 255, 3, 4])
        #expect(try ImageDataset.load(.directory(directory)).test.labels == [0, 1, 255, 3, 4])
        try writeSet("t10k", count: 5)
        #expect(try ImageDataset.load(.directory(directory), classes: 10, imageShape: ImageShape(28, 1)).training.count == 20)
    }
}
