import Foundation

/// Images with one class label each, as MNIST and Fashion-MNIST ship them: pixels scaled from
/// 0...255 to 0...1, one image per row (see ``ImageShape`` for the layout).
public struct LabeledImages: Sendable {
    /// `count × (height·width)`, values in [0, 1].
    public var images: Matrix<Float>
    /// One class number per image.
    public var labels: [Int]
    /// The shape of one image: `28×28×1` for MNIST and Fashion-MNIST.
    public var shape: ImageShape
    /// Where the images came from, for the reader.
    public var source: String

    /// The number of images.
    public var count: Int { labels.count }

    /// Loads an IDX image file and its IDX label file.
    ///
    /// Each header is checked before its data is read, and the pixels are converted to `Float`
    /// as they arrive, so the raw bytes and their conversion are never both held: a dataset costs
    /// its `Float` matrix and one 1 MiB chunk.
    /// - Throws: ``DataFileError`` for malformed files or counts that disagree.
    public static func load(images imagesPath: String, labels labelsPath: String) throws -> LabeledImages {
        try load(images: imagesPath, labels: labelsPath, classes: nil)
    }

    /// Loads an IDX image file and its IDX label file whose labels must be classes `0..<classes`
    /// (when `classes` is given): each label is checked as it is read, so a label a classifier
    /// cannot use is an error naming the file now, not a failure in the middle of training.
    /// - Throws: ``DataFileError`` for malformed files, counts that disagree, or a label outside
    ///   `0..<classes` (naming the label file, the label and its index).
    public static func load(images imagesPath: String, labels labelsPath: String, classes: Int?) throws -> LabeledImages {
        var shape = ImageShape(height: 0, width: 0, channels: 1), count = 0
        var pixels: [Float] = []
        _ = try IDXFile.stream(path: imagesPath, header: { dimensions in
            guard dimensions.count == 3, dimensions[1] >= 1, dimensions[2] >= 1 else {
                throw DataFileError(path: imagesPath, problem: "an image file needs 3 dimensions (count × rows × columns), found \(dimensions)")
            }
            shape = ImageShape(height: dimensions[1], width: dimensions[2], channels: 1)
            count = dimensions[0]
            // The header's image size, checked where it enters: with 0 images the reader has no
            // data to bound it, and rows × columns of 2³²−1 each does not fit in an Int.
            let perImage = (try? shape.checkedCount("images")) ?? Int.max
            guard perImage <= IDXFile.maximumBytes else {
                throw DataFileError(
                    path: imagesPath,
                    problem: "images of \(shape.height)×\(shape.width) pixels are larger than the \(IDXFile.maximumBytes) bytes the reader accepts")
            }
        }) { chunk, total in
            pixels.reserveGrowing(by: chunk.count, upTo: total)
            pixels.append(contentsOf: chunk.lazy.map { Float($0) / 255 })
        }
        var labels: [Int] = []
        _ = try IDXFile.stream(path: labelsPath, header: { dimensions in
            guard dimensions.count == 1 else {
                throw DataFileError(path: labelsPath, problem: "a label file needs 1 dimension (count), found \(dimensions)")
            }
            guard dimensions[0] == count else {
                throw DataFileError(path: labelsPath, problem: "\(dimensions[0]) labels for \(count) images in \(imagesPath)")
            }
        }) { chunk, total in
            if let classes, let bad = chunk.firstIndex(where: { Int($0) >= classes }) {
                throw DataFileError(
                    path: labelsPath,
                    problem: "label \(chunk[bad]) of image \(labels.count + bad) is not a class: expected 0 to \(classes - 1) (\(classes) classes)")
            }
            labels.reserveGrowing(by: chunk.count, upTo: total)
            labels.append(contentsOf: chunk.lazy.map(Int.init))
        }
        let matrix = try Matrix(rows: count, columns: shape.count, elements: pixels)
        return LabeledImages(images: matrix, labels: labels, shape: shape, source: imagesPath)
    }

    /// The 3,000 + 1,000 image Fashion-MNIST sample shipped in the package (`Data/fashion-mnist-small`,
    /// MIT licence), found next to the package's sources.
    public static var embeddedSampleDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data/fashion-mnist-small").path
    }

    /// The class names of Fashion-MNIST, by label.
    public static let fashionClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The embedded sample's test (`t10k`) or training images.
    public static func embeddedSample(test: Bool) throws -> LabeledImages {
        let prefix = embeddedSampleDirectory + (test ? "/t10k" : "/train")
        return try load(images: prefix + "-images-idx3-ubyte.gz", labels: prefix + "-labels-idx1-ubyte.gz")
    }
}
