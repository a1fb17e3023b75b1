import Testing

@testable import Teach

@Suite struct VolumeDiagramTests {
    /// Each volume is a box of three line series (front face, top and side, one back edge) with its
    /// label and size under it; a window adds its own box, two dashed lines and the output's point.
    @Test func boxesLabelsAndTheWindow() throws {
        let volumes = [Volume("input", height: 32, width: 32, depth: 3), Volume("maps", height: 28, width: 28, depth: 10)]
        let plain = try Figure.volumes(name: "v", title: "t", volumes)
        #expect(plain.series.count == 6)
        #expect(plain.labels.map(\.text) == ["input", "32×32×3", "maps", "28×28×10"])
        let windowed = try Figure.volumes(name: "v", title: "t", volumes, window: 5)
        #expect(windowed.series.count == 6 + 3 + 2 + 1)
        #expect(windowed.series.filter(\.dashed).count == 2)
        // the front face's height follows the square root of the rows: 32 rows are the tallest, 4 units
        let front = plain.series[0]
        #expect(abs((front.y.max()! - front.y.min()!) - 4) < 1e-12)
        let maps = plain.series[3]
        #expect(abs((maps.y.max()! - maps.y.min()!) - 4 * (28.0 / 32).squareRoot()) < 1e-12)
    }

    /// A record shape becomes a volume: an image's sizes, features as a bar, no volume for a sequence.
    @Test func volumesFromRecordShapes() {
        #expect(Volume("c", shape: .image(ImageShape(height: 55, width: 55, channels: 96)))?.size == "55×55×96")
        #expect(Volume("fc", shape: .features(4096))?.size == "4096")
        #expect(Volume("s", shape: .sequence(SequenceShape(length: 3, features: 2))) == nil)
    }

    /// Sizes below 1, a window larger than the image or with nothing to point into: errors naming them.
    @Test func badVolumesAreErrors() {
        #expect(throws: InvalidArgument.self) { try Figure.volumes(name: "v", title: "t", []) }
        #expect(throws: InvalidArgument.self) { try Figure.volumes(name: "v", title: "t", [Volume("x", height: 0, width: 3, depth: 1)]) }
        let image = Volume("x", height: 4, width: 4, depth: 1)
        #expect(throws: InvalidArgument.self) { try Figure.volumes(name: "v", title: "t", [image, image], window: 5) }
        #expect(throws: InvalidArgument.self) { try Figure.volumes(name: "v", title: "t", [image], window: 2) }
    }
}
