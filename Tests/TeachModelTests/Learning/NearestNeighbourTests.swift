import Foundation
import Testing

@testable import Teach

@Suite struct NearestNeighbourTests {
    /// Three examples in the plane, (0, 0) class 0, (3, 0) class 1 and (0, 4) class 2.
    let classifier = try! NearestNeighbourClassifier(examples: try! Matrix<Float>([[0, 0], [3, 0], [0, 4]]), labels: [0, 1, 2])

    /// Worked by hand, squared distances to the three examples:
    /// (1, 0): 1, 4, 17; (2, 0.5): 4.25, 1.25, 16.25; (0.5, 3): 9.25, 15.25, 1.25;
    /// (1.5, 0): 2.25, 2.25, 18.25, a tie that goes to the first example.
    @Test func eachQueryTakesItsNearestExample() throws {
        let queries = try Matrix<Float>([[1, 0], [2, 0.5], [0.5, 3], [1.5, 0]])
        #expect(try classifier.nearestExamples(queries) == [0, 1, 2, 0])
        #expect(try classifier.predict(queries) == [0, 1, 2, 0])
        for blockSize in [1, 2, 3, 100] {
            #expect(try classifier.nearestExamples(queries, blockSize: blockSize) == [0, 1, 2, 0], "block size \(blockSize)")
        }
    }

    @Test func accuracyCountsTheRightLabels() throws {
        let test = LabeledImages(
            images: try Matrix<Float>([[1, 0], [2, 0.5], [0.5, 3], [0, 3.9]]), labels: [0, 1, 1, 2], shape: ImageShape(height: 1, width: 2, channels: 1),
            source: "test")
        // The third query's nearest example is class 2, not its label 1: three of four right.
        #expect(abs(try classifier.accuracy(on: test) - 0.75) < 1e-12)
    }

    /// The products in blocks give the same nearest example as distances summed one by one.
    @Test func matchesDistancesComputedOneByOne() throws {
        var random = SeededGenerator(seed: 11)
        let examples = Matrix<Float>.gaussian(rows: 50, columns: 20, using: &random)
        let queries = Matrix<Float>.gaussian(rows: 30, columns: 20, using: &random)
        let classifier = try NearestNeighbourClassifier(examples: examples, labels: (0..<50).map { $0 % 10 })
        let expected = (0..<queries.rows).map { q in
            (0..<examples.rows).min { a, b in
                func distance(_ e: Int) -> Double {
                    (0..<20).reduce(0.0) { sum, c in
                        let d = Double(queries[q, c]) - Double(examples[e, c])
                        return sum + d * d
                    }
                }
                return distance(a) < distance(b)
            }!
        }
        #expect(try classifier.nearestExamples(queries, blockSize: 7) == expected)
    }

    /// Subtracting the same image from every example and query leaves every distance as it was.
    @Test func centringChangesNoPrediction() throws {
        let training = LabeledImages(
            images: classifier.examples, labels: classifier.labels, shape: ImageShape(height: 1, width: 2, channels: 1), source: "training")
        let test = LabeledImages(
            images: try Matrix<Float>([[1, 0], [2, 0.5], [0.5, 3]]), labels: [0, 1, 2], shape: training.shape, source: "test")
        let mean = training.meanImage()
        let centred = try NearestNeighbourClassifier(training: try training.centred(on: mean))
        #expect(try centred.predict(try test.centred(on: mean).images) == (try classifier.predict(test.images)))
    }

    @Test func badShapesAreErrors() throws {
        #expect(throws: ShapeError.self) { try classifier.predict(Matrix<Float>(rows: 1, columns: 3)) }
        #expect(throws: InvalidArgument.self) { try classifier.nearestExamples(Matrix<Float>(rows: 1, columns: 2), blockSize: 0) }
        #expect(throws: InvalidArgument.self) { try NearestNeighbourClassifier(examples: Matrix<Float>(rows: 2, columns: 2), labels: [0]) }
    }
}
