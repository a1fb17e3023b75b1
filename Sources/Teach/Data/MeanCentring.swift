// Mean centring (article 004's preprocessing): each pixel's mean over a set of images, subtracted
// from every image.

extension LabeledImages {
    /// The mean image: each pixel's mean over the images (`1 × pixels`, summed in Double). Taken
    /// from the training images only and then subtracted from every set, so that nothing about the
    /// validation or test images reaches the model before it is measured on them.
    public func meanImage() -> Matrix<Float> {
        let columns = images.columns, rows = images.rows
        var sums = [Double](repeating: 0, count: columns)
        images.withUnsafeBufferPointer { values in
            for row in 0..<rows {
                let base = row * columns
                for column in 0..<columns { sums[column] += Double(values[base + column]) }
            }
        }
        return Matrix(row: sums.map { Float($0 / Double(max(1, rows))) })
    }

    /// The same images with `mean` (one row of one number per pixel, as ``meanImage()`` gives)
    /// subtracted from each, pixel by pixel; the labels and shape unchanged.
    ///
    /// - Throws: ``ShapeError`` when `mean` is not one row of as many numbers as an image has pixels.
    public func centred(on mean: Matrix<Float>) throws -> LabeledImages {
        var centred = self
        centred.images = try images.addingToEachRow(-mean)
        return centred
    }
}
