import Foundation
import Testing

@testable import Teach

@Suite struct MeanCentringTests {
    let images = LabeledImages(
        images: try! Matrix<Float>([[0, 1], [1, 1], [2, 4]]), labels: [0, 1, 0], shape: ImageShape(height: 1, width: 2, channels: 1),
        source: "test")

    /// Worked by hand: the pixels' means are (0 + 1 + 2) / 3 = 1 and (1 + 1 + 4) / 3 = 2.
    @Test func theMeanImageIsEachPixelsMean() throws {
        let mean = images.meanImage()
        #expect(mean.rows == 1 && mean.columns == 2)
        #expect(abs(mean[0, 0] - 1) < 1e-6 && abs(mean[0, 1] - 2) < 1e-6)
    }

    @Test func centringSubtractsTheGivenMeanFromEveryImage() throws {
        let centred = try images.centred(on: images.meanImage())
        #expect(centred.images == (try Matrix<Float>([[-1, -1], [0, -1], [1, 2]])))
        #expect(centred.labels == images.labels && centred.shape == images.shape)
        // Another set is centred on the mean it is given, not on its own.
        let other = LabeledImages(images: try Matrix<Float>([[5, 5]]), labels: [1], shape: images.shape, source: "other")
        #expect(try other.centred(on: images.meanImage()).images == (try Matrix<Float>([[4, 3]])))
    }

    @Test func aMeanOfTheWrongLengthIsAnError() throws {
        #expect(throws: ShapeError.self) { try images.centred(on: Matrix<Float>(row: [1, 2, 3])) }
    }
}
