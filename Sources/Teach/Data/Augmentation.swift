/// Data augmentation: new training records made from old ones by changes that do not change the
/// answer (article 001: a cat is still a cat flipped or moved). Applied afresh to every batch, so
/// the network rarely sees exactly the same record twice.
///
/// Images are batch-first rows of `height·width` pixels, row-major (pixel `(r, c)` of an image is
/// column `r·width + c`), one channel, as the IDX files of MNIST and Fashion-MNIST store them.
public enum Augmentation {
    /// Each image mirrored left to right: pixel `(r, c)` moves to `(r, width − 1 − c)`.
    /// - Throws: ``ShapeError`` when the rows are not `width·height` pixels.
    @inlinable public static func flippedHorizontally<Scalar: MatrixScalar>(_ images: Matrix<Scalar>, width: Int, height: Int) throws -> Matrix<Scalar> {
        try checkImages(images, width: width, height: height)
        return Matrix(rows: images.rows, columns: images.columns) { i, p in
            let r = p / width, c = p % width
            return images[i, r * width + (width - 1 - c)]
        }
    }

    /// Each image moved `right` pixels to the right and `down` pixels down (negative values move
    /// left and up); pixels that move in from outside are `fill`.
    /// - Throws: ``ShapeError`` when the rows are not `width·height` pixels.
    @inlinable public static func shifted<Scalar: MatrixScalar>(
        _ images: Matrix<Scalar>, width: Int, height: Int, right: Int, down: Int, fill: Scalar = 0
    ) throws -> Matrix<Scalar> {
        try checkImages(images, width: width, height: height)
        return shift(images, width: width, height: height, shifts: Array(repeating: (right, down), count: images.rows), fill: fill)
    }

    /// Each image flipped left to right with probability ½ and shifted by a random whole number
    /// of pixels in `−maxShift...maxShift` in each direction: the usual cheap augmentation for
    /// small images.
    /// - Throws: ``ShapeError`` when the rows are not `width·height` pixels, ``InvalidArgument``
    ///   for a negative `maxShift`.
    @inlinable public static func randomFlipAndShift<Scalar: MatrixScalar>(
        _ images: Matrix<Scalar>, width: Int, height: Int, maxShift: Int, using generator: inout SeededGenerator
    ) throws -> Matrix<Scalar> {
        try checkImages(images, width: width, height: height)
        guard maxShift >= 0 else { throw InvalidArgument("randomFlipAndShift: maxShift \(maxShift) must not be negative") }
        var flips: [Bool] = [], shifts: [(Int, Int)] = []
        for _ in 0..<images.rows {
            flips.append(generator.uniform() < 0.5)
            shifts.append((generator.integer(below: 2 * maxShift + 1) - maxShift, generator.integer(below: 2 * maxShift + 1) - maxShift))
        }
        let flipped = Matrix(rows: images.rows, columns: images.columns) { i, p in
            let r = p / width, c = p % width
            return images[i, r * width + (flips[i] ? width - 1 - c : c)]
        }
        return shift(flipped, width: width, height: height, shifts: shifts, fill: 0)
    }

    /// Points (one per row) with the sign of each coordinate flipped with probability ½: a valid
    /// augmentation for data that is symmetric about every axis, such as rings around the origin.
    @inlinable public static func randomSignFlips<Scalar: MatrixScalar>(_ points: Matrix<Scalar>, using generator: inout SeededGenerator) -> Matrix<Scalar> {
        points.map { generator.uniform() < 0.5 ? -$0 : $0 }
    }

    /// Points (one per row) moved by Gaussian noise with the given standard deviation: the
    /// "shift" of two-dimensional data.
    @inlinable public static func jittered<Scalar: MatrixScalar>(
        _ points: Matrix<Scalar>, standardDeviation: Double, using generator: inout SeededGenerator
    ) -> Matrix<Scalar> {
        points.map { $0 + Scalar(generator.gaussian() * standardDeviation) }
    }

    @inlinable static func checkImages<Scalar>(_ images: Matrix<Scalar>, width: Int, height: Int) throws {
        guard width >= 1, height >= 1, images.columns == width * height else {
            throw ShapeError(
                operation: "Augmentation", shapes: [images.shape],
                expected: "each row must be one \(width)×\(height) image of \(width * height) pixels")
        }
    }

    @inlinable static func shift<Scalar: MatrixScalar>(
        _ images: Matrix<Scalar>, width: Int, height: Int, shifts: [(Int, Int)], fill: Scalar
    ) -> Matrix<Scalar> {
        Matrix(rows: images.rows, columns: images.columns) { i, p in
            let r = p / width - shifts[i].1, c = p % width - shifts[i].0
            return (0..<height).contains(r) && (0..<width).contains(c) ? images[i, r * width + c] : fill
        }
    }
}
