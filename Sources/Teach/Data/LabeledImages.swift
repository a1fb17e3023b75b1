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
    /// - Throws: ``DataFileError`` for malformed files or counts that disagree.
    public static func load(images imagesPath: String, labels labelsPath: String) throws -> LabeledImages {
        let images = try IDXFile.read(path: imagesPath)
        guard images.dimensions.count == 3, images.dimensions[1] >= 1, images.dimensions[2] >= 1 else {
            throw DataFileError(path: imagesPath, problem: "an image file needs 3 dimensions (count × rows × columns), found \(images.dimensions)")
        }
        let labels = try IDXFile.read(path: labelsPath)
        guard labels.dimensions.count == 1 else {
            throw DataFileError(path: labelsPath, problem: "a label file needs 1 dimension (count), found \(labels.dimensions)")
        }
        guard labels.dimensions[0] == images.dimensions[0] else {
            throw DataFileError(
                path: labelsPath, problem: "\(labels.dimensions[0]) labels for \(images.dimensions[0]) images in \(imagesPath)")
        }
        let shape = ImageShape(height: images.dimensions[1], width: images.dimensions[2], channels: 1)
        // The header's image size, checked where it enters: with 0 images the reader has no data
        // to bound it, and rows × columns of 2³²−1 each does not fit in an Int.
        let pixels = (try? shape.checkedCount("images")) ?? Int.max
        guard pixels <= IDXFile.maximumBytes else {
            throw DataFileError(
                path: imagesPath,
                problem: "images of \(shape.height)×\(shape.width) pixels are larger than the \(IDXFile.maximumBytes) bytes the reader accepts")
        }
        let matrix = try Matrix(rows: images.dimensions[0], columns: shape.count, elements: images.bytes.map { Float($0) / 255 })
        return LabeledImages(images: matrix, labels: labels.bytes.map(Int.init), shape: shape, source: imagesPath)
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
