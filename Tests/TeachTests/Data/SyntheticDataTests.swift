import Numerics
import Testing

@testable import Teach

@Suite struct SyntheticDataTests {
    @Test func twoDimensionalSetsHaveBalancedLabelsNearTheUnitSquare() throws {
        var random = SeededGenerator(seed: 1)
        let sets = [
            try SyntheticData.spirals(perClass: 100, using: &random),
            try SyntheticData.circles(perClass: 100, using: &random),
            try SyntheticData.xorBlobs(perCorner: 50, using: &random),
        ]
        for data in sets {
            #expect(data.inputs.shape == Shape(200, 2), "\(data.name)")
            #expect(data.targets.shape == Shape(200, 1))
            #expect(data.targets.sum() == 100, "\(data.name): half the labels are 1")
            #expect(data.inputs.elements.allSatisfy { $0 > -0.8 && $0 < 1.8 }, "\(data.name)")
        }
    }

    @Test func xorBlobsFollowXor() throws {
        var random = SeededGenerator(seed: 2)
        let data = try SyntheticData.xorBlobs(perCorner: 30, spread: 0.05, using: &random)
        let agree = (0..<data.count).filter { r in
            LogicGate.xor(data.inputs[r, 0].rounded(), data.inputs[r, 1].rounded()) == data.targets[r, 0]
        }.count
        #expect(agree == data.count)
    }

    @Test func circlesPutClassOneInside() throws {
        var random = SeededGenerator(seed: 3)
        let data = try SyntheticData.circles(perClass: 50, using: &random)
        for r in 0..<data.count {
            let radius = ((data.inputs[r, 0] - 0.5) * (data.inputs[r, 0] - 0.5) + (data.inputs[r, 1] - 0.5) * (data.inputs[r, 1] - 0.5)).squareRoot()
            #expect((radius < 0.275) == (data.targets[r, 0] == 1))
        }
    }

    @Test func sameSeedSameData() throws {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        let first = try SyntheticData.spirals(perClass: 20, using: &a).inputs
        #expect(first == (try SyntheticData.spirals(perClass: 20, using: &b).inputs))
        #expect(first != (try SyntheticData.spirals(perClass: 20, using: &c).inputs))
    }

    @Test func propertyPricesRiseWithAreaAndFallWithDistance() throws {
        var random = SeededGenerator(seed: 4)
        let data = try SyntheticData.propertyPrices(count: 500, using: &random)
        #expect(data.inputs.shape == Shape(500, 4) && data.featureNames.count == 4)
        func correlation(_ column: Int) -> Double {
            let xs = data.inputs.columnArray(column), ys = data.targets.columnArray(0)
            let mx = xs.reduce(0, +) / 500, my = ys.reduce(0, +) / 500
            let cov = zip(xs, ys).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
            let vx = xs.map { ($0 - mx) * ($0 - mx) }.reduce(0, +), vy = ys.map { ($0 - my) * ($0 - my) }.reduce(0, +)
            return cov / (vx * vy).squareRoot()
        }
        #expect(correlation(0) > 0.3)
        #expect(correlation(2) < -0.3)
        #expect(correlation(3) < 0)
        #expect(data.inputs.columnArray(1).allSatisfy { (1...5).contains($0) && $0 == $0.rounded() })
    }

    @Test func standardizedColumnsHaveMeanZeroAndDeviationOne() throws {
        var random = SeededGenerator(seed: 5)
        let (data, means, deviations) = try SyntheticData.propertyPrices(count: 300, using: &random).standardized()
        #expect(means.count == 4 && deviations.allSatisfy { $0 > 0 })
        for c in 0..<4 {
            let column = data.inputs.columnArray(c)
            let mean = column.reduce(0, +) / 300
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 300
            #expect(abs(mean) < 1e-12)
            #expect(variance.isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12))
        }
    }

    @Test func emptySetsAreEmptyNotErrors() throws {
        var random = SeededGenerator(seed: 6)
        #expect(try SyntheticData.spirals(perClass: 0, using: &random).inputs.shape == Shape(0, 2))
        #expect(try SyntheticData.xorBlobs(perCorner: 0, using: &random).count == 0)
        #expect(try SyntheticData.circles(perClass: 0, using: &random).targets.shape == Shape(0, 1))
    }

    @Test func curveSamplesEvenlyWithBothEnds() throws {
        let curve = try SyntheticData.curve("x²", in: -1...1, count: 5) { $0 * $0 }
        #expect(curve.inputs.elements == [-1, -0.5, 0, 0.5, 1])
        #expect(curve.targets.elements == [1, 0.25, 0, 0.25, 1])
        #expect(curve.featureNames == ["x"])
        #expect(throws: InvalidArgument.self) { try SyntheticData.curve("one", in: 0...1, count: 1) { $0 } }
    }

    @Test func oneTanhUnitCannotFollowSin3xWhereEightCan() throws {
        // chapter 5's universal-approximation claim on a short budget: the error falls with width
        let curve = try SyntheticData.curve("sin(3x)", in: -1...1, count: 64) { Double.sin(3 * $0) }
        var errors: [Double] = []
        for width in [1, 8] {
            var random = SeededGenerator(seed: 5)
            var network = try Network<Double>(sizes: [1, width, 1], hidden: .tanh, output: .identity, using: &random)
            try network.train(inputs: curve.inputs, targets: curve.targets, learningRate: 0.05, batchSize: 1, epochs: 150, using: &random)
            errors.append(try network.loss(curve.inputs, targets: curve.targets, loss: .meanSquaredError).squareRoot())
        }
        #expect(errors[0] > 0.15)  // one tanh is a single S: it cannot turn back down at both ends
        #expect(errors[1] < errors[0] / 2)
    }

    @Test func mismatchedDatasetIsAShapeError() {
        #expect(throws: ShapeError.self) { try Dataset(name: "bad", featureNames: ["a"], inputs: Matrix(rows: 3, columns: 1), targets: Matrix(rows: 2, columns: 1)) }
    }
}
