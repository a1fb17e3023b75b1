import Testing

@testable import Teach

@Suite struct HistogramTests {
    @Test func countsEachValueInItsBinAndTheRestOutside() throws {
        // bins of width 0.5: [−1, −0.5) [−0.5, 0) [0, 0.5) [0.5, 1]; 1 falls in the last, 3 in none
        let histogram = try Histogram([-1, -0.5, 0, 0.2, 0.5, 1, 3], bins: 4, range: -1...1)
        let expected: [Double] = [1, 1, 2, 2].map { $0 / 7 }
        #expect(histogram.fractions == expected)
        #expect(histogram.outsideFraction == 1.0 / 7)
        #expect(abs(histogram.fractions.reduce(0, +) + histogram.outsideFraction - 1) < 1e-15)
        #expect(histogram.edges == [-1, -0.5, 0, 0.5, 1])
        #expect(histogram.binCount == 4)
    }

    @Test func itsSeriesIsAStaircaseOverTheEdges() throws {
        let histogram = try Histogram([0.1, 0.6, 0.7, 0.9], bins: 2, range: 0...1)
        let series = histogram.series("layer 1", color: "#000000")
        #expect(series.x == [0, 0.5, 1])
        #expect(series.y == [0.25, 0.75, 0.75])
        #expect(series.style == .steps)
    }

    @Test func rejectsNoBinsAndEmptyRanges() {
        #expect(throws: InvalidArgument.self) { try Histogram([1], bins: 0, range: 0...1) }
        #expect(throws: InvalidArgument.self) { try Histogram([1], bins: 3, range: 1...1) }
        #expect(throws: InvalidArgument.self) { try Histogram([1], bins: 3, range: 0...Double.infinity) }
    }

    @Test func noValuesGiveEmptyBins() throws {
        let histogram = try Histogram([Double](), bins: 3, range: 0...1)
        #expect(histogram.fractions == [0, 0, 0])
        #expect(histogram.outsideFraction == 0)
    }
}
