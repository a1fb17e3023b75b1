import Testing

import Teach

/// Pooling with `roundDown: true`: PyTorch's `MaxPool2d` and `AvgPool2d` with `ceil_mode=False`.
@Suite struct PoolingRoundingTests {
    /// A 5×5 one-channel image: pixel (y, x) is `5y + x`, except the last row and column (which a
    /// 2×2 window with stride 2 never reaches), which are 100 so that they would win any maximum.
    ///
    ///      0   1   2   3 100
    ///      5   6   7   8 100
    ///     10  11  12  13 100
    ///     15  16  17  18 100
    ///    100 100 100 100 100
    let image = Matrix<Double>(row: (0..<25).map { (pixel: Int) -> Double in pixel / 5 == 4 || pixel % 5 == 4 ? 100 : Double(pixel) })

    @Test func outputSizeRoundsDown() throws {
        let pool = try Pooling<Double>(.max, inputShape: ImageShape(5, 1), size: 2, roundDown: true)
        #expect(pool.outputShape == ImageShape(height: 2, width: 2, channels: 1))  // ⌊(5 − 2)/2⌋ + 1 = 2, as MaxPool2d(2)
        #expect(pool.stride == 2)
        #expect(pool.roundsDown)
        #expect(pool.name == "max pool 2×2 stride 2 (round down)")
        let model = try Model<Double>([pool])
        #expect(model.outputShape == .image(ImageShape(height: 2, width: 2, channels: 1)))

        // ⌊(H − F)/S⌋ + 1 for every geometry; without rounding, the same size where it divides
        // evenly and a GeometryError where it does not
        for h in 1...9 {
            for f in 1...h {
                for s in 1...3 {
                    let rounded = try Pooling<Double>(.average, inputShape: ImageShape(height: h, width: h + 1, channels: 2), size: f, stride: s, roundDown: true)
                    #expect(rounded.outputShape == ImageShape(height: (h - f) / s + 1, width: (h + 1 - f) / s + 1, channels: 2), "H \(h) F \(f) S \(s)")
                    if (h - f) % s == 0 {
                        let exact = try Pooling<Double>(.average, inputShape: ImageShape(h, 2), size: f, stride: s)
                        #expect(exact.outputShape.height == (h - f) / s + 1)
                    } else {
                        #expect(throws: GeometryError.self) { try Pooling<Double>(.average, inputShape: ImageShape(h, 2), size: f, stride: s) }
                    }
                }
            }
        }
    }

    @Test func withoutRoundingTheSameGeometryIsAnError() throws {
        let error = #expect(throws: GeometryError.self) { try Pooling<Double>(.max, inputShape: ImageShape(5, 1), size: 2) }
        #expect(error?.input == 5)
        #expect(error?.filter == 2)
        #expect(error?.stride == 2)
        #expect(throws: GeometryError.self) { try Pooling<Double>(.average, inputShape: ImageShape(5, 1), size: 2) }
        // rounding does not excuse a window larger than the image, or a stride of 0
        #expect(throws: GeometryError.self) { try Pooling<Double>(.max, inputShape: ImageShape(3, 1), size: 4, roundDown: true) }
        #expect(throws: GeometryError.self) { try Pooling<Double>(.max, inputShape: ImageShape(5, 1), size: 2, stride: 0, roundDown: true) }
    }

    @Test func maxForwardAndBackwardIgnoreTheLastRowAndColumn() throws {
        var pool = try Pooling<Double>(.max, inputShape: ImageShape(5, 1), size: 2, roundDown: true)
        // windows: max(0, 1, 5, 6) = 6, max(2, 3, 7, 8) = 8, max(10, 11, 15, 16) = 16, max(12, 13, 17, 18) = 18
        #expect(try pool(image) == Matrix(row: [6, 8, 16, 18]))
        // each window's gradient goes to its largest pixel: 6, 8, 16 and 18
        let backward = try pool.backward(outputGradient: Matrix(row: [1, 2, 3, 4]), needsInputGradient: true)
        var expected = [Double](repeating: 0, count: 25)
        for (pixel, g) in [(6, 1.0), (8, 2), (16, 3), (18, 4)] { expected[pixel] = g }
        #expect(backward.input == Matrix(row: expected))
        #expect(backward.parameters.isEmpty)
    }

    @Test func averageForwardAndBackwardIgnoreTheLastRowAndColumn() throws {
        var pool = try Pooling<Double>(.average, inputShape: ImageShape(5, 1), size: 2, roundDown: true)
        // (0 + 1 + 5 + 6)/4 = 3, (2 + 3 + 7 + 8)/4 = 5, (10 + 11 + 15 + 16)/4 = 13, (12 + 13 + 17 + 18)/4 = 15
        #expect(try pool(image) == Matrix(row: [3, 5, 13, 15]))
        // each window's gradient spread evenly, ¼ to each of its pixels; nothing to the ignored ones
        let backward = try pool.backward(outputGradient: Matrix(row: [4, 8, 12, 16]), needsInputGradient: true)
        let expected: [Double] = [
            1, 1, 2, 2, 0,
            1, 1, 2, 2, 0,
            3, 3, 4, 4, 0,
            3, 3, 4, 4, 0,
            0, 0, 0, 0, 0,
        ]
        #expect(backward.input == Matrix(row: expected))
    }

    /// Several channels, strides that skip more than one row, and Float's eight-channel maximum:
    /// outputs against a direct loop over the windows, and no gradient for a pixel no window reads.
    @Test(arguments: [PoolingKind.max, .average])
    func unreachedPixelsGetNoGradient(_ kind: PoolingKind) throws {
        var random = SeededGenerator(seed: 120)
        let shape = ImageShape(height: 7, width: 6, channels: 9)
        // height ⌊(7 − 2)/3⌋ + 1 = 2 (rows 0–1 and 3–4; 2, 5 and 6 ignored), width ⌊4/3⌋ + 1 = 2 (columns 2 and 5 ignored)
        var pool = try Pooling<Float>(kind, inputShape: shape, size: 2, stride: 3, roundDown: true)
        #expect(pool.outputShape == ImageShape(height: 2, width: 2, channels: 9))
        let x = Matrix<Float>.gaussian(rows: 2, columns: shape.count, using: &random)
        let output = try pool.forward(x, mode: .training, using: &random)
        for n in 0..<2 {
            for oy in 0..<2 {
                for ox in 0..<2 {
                    for c in 0..<9 {
                        let window = (0..<2).flatMap { fy in (0..<2).map { fx in x[n, ((3 * oy + fy) * 6 + 3 * ox + fx) * 9 + c] } }
                        let want = kind == .max ? window.max()! : (window[0] + window[1] + window[2] + window[3]) * 0.25
                        #expect(output[n, (oy * 2 + ox) * 9 + c] == want, "image \(n) (\(oy), \(ox)) channel \(c)")
                    }
                }
            }
        }
        let gradient = try pool.backward(outputGradient: Matrix(rows: 2, columns: 36, repeating: 1), needsInputGradient: true).input
        #expect(gradient.shape == x.shape)
        for n in 0..<2 {
            for y in 0..<7 {
                for xx in 0..<6 {
                    let reached = y % 3 < 2 && y < 5 && xx % 3 < 2 && xx < 5
                    for c in 0..<9 where !reached {
                        #expect(gradient[n, (y * 6 + xx) * 9 + c] == 0, "image \(n) pixel (\(y), \(xx)) channel \(c)")
                    }
                }
            }
            // every window hands on its whole gradient: 4 windows × 9 channels × 1
            let total = (0..<shape.count).reduce(Float(0)) { $0 + gradient[n, $1] }
            #expect(abs(total - 36) < 1e-5)
        }
    }
}
