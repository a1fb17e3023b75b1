import Foundation
import Testing

@testable import Teach

@Suite struct IDXFileTests {
    let directory: String = {
        let path = NSTemporaryDirectory() + "idx-tests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func images(count: Int) -> IDXFile {
        IDXFile(dimensions: [count, 2, 3], bytes: (0..<(count * 6)).map { UInt8($0 * 10 % 256) })
    }

    @Test(arguments: [false, true])
    func writesAndReadsImagesAndLabels(gzip: Bool) throws {
        let suffix = gzip ? ".gz" : ""
        try images(count: 4).write(to: "\(directory)/images\(suffix)", gzip: gzip)
        try IDXFile(dimensions: [4], bytes: [3, 1, 4, 1]).write(to: "\(directory)/labels\(suffix)", gzip: gzip)
        #expect(try IDXFile.read(path: "\(directory)/images\(suffix)") == images(count: 4))
        let data = try LabeledImages.load(images: "\(directory)/images\(suffix)", labels: "\(directory)/labels\(suffix)")
        #expect(data.labels == [3, 1, 4, 1])
        #expect(data.shape == ImageShape(height: 2, width: 3, channels: 1))
        #expect(data.images[1, 0] == Float(60) / 255)
    }

    func expectProblem(_ bytes: [UInt8], gzip: Bool = false, name: String = "bad", _ fragment: String) throws {
        let path = "\(directory)/\(name)"
        if gzip {
            let temporary = path + ".raw"
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "gzip -c '\(temporary)' > '\(path)'"]
            try process.run()
            process.waitUntilExit()
        } else {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let error = #expect(throws: DataFileError.self) { try IDXFile.read(path: path) }
        #expect(error?.description.contains(fragment) == true, "\(error?.description ?? "no error")")
        #expect(error?.description.contains(path) == true)
    }

    @Test func malformedFilesAreErrorsThatNameTheProblem() throws {
        let good = images(count: 2).encoded
        try expectProblem([0x08, 0x03, 0, 0] + good.dropFirst(4), "wrong magic number")
        try expectProblem(Array(good.dropLast(5)), "truncated")
        try expectProblem(good + [1, 2], "more data")
        try expectProblem([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0], "data type")
        try expectProblem([0, 0, 8, 9], "dimensions")
        // a lying header: 2^31 images of 2^31 pixels is refused before anything is allocated
        try expectProblem([0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 28], "more than")
        try expectProblem(good, name: "plain.gz", "not gzip")
        try expectProblem([0, 0], "too short")
        try expectProblem(Array(good.dropLast(3)), gzip: true, name: "short.gz", "truncated")
        let missing = #expect(throws: DataFileError.self) { try IDXFile.read(path: "\(directory)/nothing") }
        #expect(missing?.problem == "no such file")
    }

    /// A FIFO blocked the reader forever (opening it waits for a writer); a directory was
    /// "corrupt compressed data". Both are refused before opening, naming the file.
    @Test(.timeLimit(.minutes(1))) func anythingButARegularFileIsRefusedNamingIt() throws {
        let fifo = "\(directory)/train-images-idx3-ubyte"
        #expect(mkfifo(fifo, 0o600) == 0)
        let fifoError = #expect(throws: DataFileError.self) { try IDXFile.read(path: fifo) }
        #expect(fifoError?.path == fifo)
        #expect(fifoError?.problem.contains("is a FIFO (named pipe); expected a regular IDX file") == true, "\(fifoError?.problem ?? "")")
        let folder = "\(directory)/t10k-images-idx3-ubyte.gz"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let folderError = #expect(throws: DataFileError.self) { try IDXFile.read(path: folder) }
        #expect(folderError?.path == folder)
        #expect(folderError?.problem.contains("is a directory") == true, "\(folderError?.problem ?? "")")
        // Through the dataset loader too: the FIFO is chosen as the training images and refused.
        try IDXFile(dimensions: [1], bytes: [1]).write(to: "\(directory)/train-labels-idx1-ubyte", gzip: false)
        let loadError = #expect(throws: DataFileError.self) { try ImageDataset.load(.directory(directory)) }
        #expect(loadError?.path == fifo)
        // A symbolic link to a regular file is still read.
        try images(count: 1).write(to: "\(directory)/real", gzip: false)
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/link", withDestinationPath: "\(directory)/real")
        #expect(try IDXFile.read(path: "\(directory)/link") == images(count: 1))
    }

    @Test func countsThatDisagreeAreAnError() throws {
        try images(count: 3).write(to: "\(directory)/i", gzip: false)
        try IDXFile(dimensions: [2], bytes: [1, 2]).write(to: "\(directory)/l", gzip: false)
        let error = #expect(throws: DataFileError.self) { try LabeledImages.load(images: "\(directory)/i", labels: "\(directory)/l") }
        #expect(error?.problem.contains("2 labels for 3 images") == true)
        #expect(throws: DataFileError.self) { try LabeledImages.load(images: "\(directory)/l", labels: "\(directory)/l") }
    }

    @Test func theEmbeddedSampleLoads() throws {
        let test = try LabeledImages.embeddedSample(test: true)
        #expect(test.count == 1000)
        #expect(test.shape == ImageShape(28, 1))
        // stratified: 100 of each class
        #expect((0..<10).allSatisfy { label in test.labels.filter { $0 == label }.count == 100 })
        #expect(test.images.elements.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
