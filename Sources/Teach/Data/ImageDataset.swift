import Foundation

/// A training set and a test set of labelled images in the MNIST layout: four IDX files, plain or
/// gzip, named `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`
/// and `t10k-labels-idx1-ubyte` (each optionally ending in `.gz`). Fashion-MNIST and MNIST both
/// ship this way.
public struct ImageDataset: Sendable {
    /// Where a dataset comes from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// A directory the reader named (`--data DIR`).
        case directory(String)
        /// Debian's `dataset-fashion-mnist` package, under ``ImageDataset/debianDirectory``.
        case debianFashionMNIST
        /// The 3,000 + 1,000 image sample shipped in the package (``LabeledImages/embeddedSampleDirectory``).
        case embeddedSample

        /// The directory holding the four files.
        public var directory: String {
            switch self {
            case .directory(let path): path
            case .debianFashionMNIST: ImageDataset.debianDirectory
            case .embeddedSample: LabeledImages.embeddedSampleDirectory
            }
        }

        /// Where the images come from, in a sentence for the book.
        public var description: String {
            switch self {
            case .directory(let path): "the IDX files in \(path)"
            case .debianFashionMNIST: "the full Fashion-MNIST from Debian's dataset-fashion-mnist (\(ImageDataset.debianDirectory))"
            case .embeddedSample: "the Fashion-MNIST sample shipped in the package (Data/fashion-mnist-small: 3,000 training and 1,000 test images, 300 and 100 of each class)"
            }
        }
    }

    /// Where Debian's `dataset-fashion-mnist` installs the full Fashion-MNIST.
    public static let debianDirectory = "/usr/share/datasets/fashion-mnist"

    /// The training images (before any validation split).
    public var training: LabeledImages
    /// The test images.
    public var test: LabeledImages
    /// Where they came from.
    public var source: Source

    /// Chooses the data as the chapters do: the directory `data` when given (`embedded` names the
    /// sample shipped in the package), else Debian's full Fashion-MNIST when it is installed,
    /// else the embedded sample.
    public static func source(for data: String?, fileManager: FileManager = .default) -> Source {
        switch data {
        case "embedded"?: return .embeddedSample
        case let path?: return .directory(path)
        case nil:
            let installed = fileManager.fileExists(atPath: debianDirectory + "/train-images-idx3-ubyte.gz")
                || fileManager.fileExists(atPath: debianDirectory + "/train-images-idx3-ubyte")
            return installed ? .debianFashionMNIST : .embeddedSample
        }
    }

    /// Loads the four files of `source`.
    /// - Throws: ``DataFileError`` naming the directory and the file names it looked for when one
    ///   is missing, or the file and its problem when one is malformed or holds no images.
    public static func load(_ source: Source) throws -> ImageDataset {
        try load(source, classes: nil, imageShape: nil)
    }

    /// Loads the four files of `source` for a classifier of `classes` classes whose input is
    /// images of `imageShape` (either may be `nil`: not checked).
    ///
    /// Everything a training run would trip over later is checked here, naming the file: a
    /// label outside `0..<classes` (which would fail in the one-hot targets or the confusion
    /// matrix after hours of training), images of another size than the network reads (which
    /// would fail inside its first layer), a set with no images.
    /// - Throws: ``DataFileError`` naming the file and its problem.
    public static func load(_ source: Source, classes: Int?, imageShape: ImageShape?) throws -> ImageDataset {
        let directory = source.directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataFileError(path: directory, problem: "no such directory (expected a directory holding the MNIST-format IDX files)")
        }
        func file(_ name: String) throws -> String {
            for candidate in [name + ".gz", name] where FileManager.default.fileExists(atPath: directory + "/" + candidate) {
                return directory + "/" + candidate
            }
            throw DataFileError(path: directory, problem: "has no \(name).gz or \(name) (an MNIST-format directory holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or .gz)")
        }
        func set(_ prefix: String) throws -> LabeledImages {
            let imagesPath = try file(prefix + "-images-idx3-ubyte")
            let images = try LabeledImages.load(images: imagesPath, labels: file(prefix + "-labels-idx1-ubyte"), classes: classes)
            guard images.count >= 1 else { throw DataFileError(path: imagesPath, problem: "holds 0 images; a dataset needs at least 1 training and 1 test image") }
            if let imageShape, images.shape != imageShape {
                throw DataFileError(
                    path: imagesPath,
                    problem: "the images are \(images.shape) (\(images.shape.count) numbers each), but the network reads \(imageShape) images (\(imageShape.count) numbers)")
            }
            return images
        }
        let training = try set("train")
        let test = try set("t10k")
        guard training.shape == test.shape else {
            throw DataFileError(path: directory, problem: "the training images are \(training.shape) but the test images \(test.shape)")
        }
        return ImageDataset(training: training, test: test, source: source)
    }
}

extension LabeledImages {
    /// The first `fraction` of the images and the rest, in file order: the article's 70/30
    /// training/validation split (`train_x[:split_size], train_x[split_size:]`).
    /// - Throws: ``InvalidArgument`` unless both parts get at least one image.
    public func split(trainingFraction fraction: Double) throws -> (training: LabeledImages, validation: LabeledImages) {
        let cut = Int(Double(count) * fraction)
        guard fraction > 0, fraction < 1, cut >= 1, cut < count else {
            throw InvalidArgument("split: a training fraction of \(fraction) of \(count) images leaves a part empty; expected a fraction in (0, 1) and at least 2 images")
        }
        return (try subset(0..<cut), try subset(cut..<count))
    }

    /// Splits off the last `1 − fraction` of the images as a validation set, in file order, and
    /// keeps the first `fraction` as this set: the same parts as ``split(trainingFraction:)``, but
    /// in place. Only the validation images are copied; the training images stay in this set's
    /// storage, cut short. So a dataset is held once (plus its validation part) instead of twice:
    /// the whole set and both parts of it.
    ///
    ///     let validation = try data.training.splitOffValidation(trainingFraction: 0.7)
    ///
    /// - Throws: ``InvalidArgument`` unless both parts get at least one image (the set is then unchanged).
    public mutating func splitOffValidation(trainingFraction fraction: Double) throws -> LabeledImages {
        let cut = Int(Double(count) * fraction)
        guard fraction > 0, fraction < 1, cut >= 1, cut < count else {
            throw InvalidArgument("split: a training fraction of \(fraction) of \(count) images leaves a part empty; expected a fraction in (0, 1) and at least 2 images")
        }
        let validation = try subset(cut..<count)
        // Take the storage out of the matrix so that it is uniquely referenced (when nothing else
        // holds this set) and cutting it short does not copy it.
        let columns = images.columns
        var storage = images.storage
        images = Matrix(unchecked: 0, columns, [])
        storage.removeLast((count - cut) * columns)
        images = Matrix(unchecked: cut, columns, storage)
        labels.removeLast(count - cut)
        return validation
    }

    /// The images at `indices`, in that order.
    public func subset<Indices: Collection>(_ indices: Indices) throws -> LabeledImages where Indices.Element == Int {
        LabeledImages(
            images: try images.gatherRows(indices), labels: indices.map { labels[$0] }, shape: shape, source: source)
    }

    /// The labels as one-hot rows (`count × classes`), the targets of a softmax classifier.
    public func oneHotLabels(classes: Int = 10) throws -> Matrix<Float> {
        try Matrix.oneHot(labels, classes: classes)
    }
}
