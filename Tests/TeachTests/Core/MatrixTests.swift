import Numerics
import Testing

@testable import Teach

/// The obvious triple loop, written independently of the core's kernel.
func naiveProduct(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    let n = b.first?.count ?? 0
    return a.map { row in
        (0..<n).map { j in
            var sum = 0.0
            for p in 0..<row.count { sum += row[p] * b[p][j] }
            return sum
        }
    }
}

func randomRows(_ rows: Int, _ columns: Int, _ generator: inout SeededGenerator) -> [[Double]] {
    (0..<rows).map { _ in (0..<columns).map { _ in generator.uniform(in: -1..<1) } }
}

func transpose(_ a: [[Double]], columns: Int) -> [[Double]] {
    (0..<columns).map { c in a.map { $0[c] } }
}

func expectClose(_ a: [[Double]], _ b: [[Double]], tolerance: Double = 1e-12, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, sourceLocation: sourceLocation)
    for (ra, rb) in zip(a, b) {
        #expect(ra.count == rb.count, sourceLocation: sourceLocation)
        for (x, y) in zip(ra, rb) {
            #expect(x.isApproximatelyEqual(to: y, absoluteTolerance: tolerance), "\(x) vs \(y)", sourceLocation: sourceLocation)
        }
    }
}

@Suite struct MatrixTests {
    @Test func rowMajorLayoutAndSubscripts() throws {
        let m = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(m.shape == Shape(2, 3))
        #expect(m.elements == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 0] == 4)
        #expect(m.rowArray(1) == [4, 5, 6])
        #expect(m.columnArray(2) == [3, 6])
        var n = m
        n[0, 2] = 9
        #expect(n.elements == [1, 2, 9, 4, 5, 6])
        #expect(m[0, 2] == 3, "copies are independent (value semantics)")
    }

    @Test func raggedRowsAndWrongCountsAreErrors() {
        #expect(throws: ShapeError.self) { try Matrix<Double>([[1, 2], [3]]) }
        #expect(throws: ShapeError.self) { try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3]) }
        do {
            _ = try Matrix<Double>([[1, 2], [3]])
        } catch {
            #expect("\(error)".contains("row 1 has 1"))
        }
    }

    @Test(arguments: [(1, 1, 1), (1, 7, 1), (7, 1, 7), (3, 5, 4), (33, 17, 65), (65, 33, 7), (16, 64, 32)])
    func productMatchesNaiveReference(m: Int, k: Int, n: Int) throws {
        var generator = SeededGenerator(seed: UInt64(m * 10_000 + k * 100 + n))
        let a = randomRows(m, k, &generator), b = randomRows(k, n, &generator)
        let expected = naiveProduct(a, b)
        let ma = try Matrix(a), mb = try Matrix(b)
        expectClose(try ma.matmul(mb).rowArrays, expected)
        // Aᵀ·B from a stored transpose of A, and A·Bᵀ from a stored transpose of B.
        let at = try Matrix(transpose(a, columns: k)), bt = try Matrix(transpose(b, columns: n))
        expectClose(try at.transposedMatmul(mb).rowArrays, expected)
        expectClose(try ma.matmulTransposed(bt).rowArrays, expected)
        // Float agrees to float rounding.
        let floatProduct = try ma.converted(to: Float.self).matmul(mb.converted(to: Float.self))
        expectClose(floatProduct.converted(to: Double.self).rowArrays, expected, tolerance: 1e-4 * Double(k))
    }

    @Test func productShapeErrorsNameBothShapesAndTheOperation() throws {
        let a = Matrix<Double>(rows: 2, columns: 3), b = Matrix<Double>(rows: 4, columns: 5)
        #expect(throws: ShapeError(
            operation: "matmul", shapes: [Shape(2, 3), Shape(4, 5)],
            expected: "the left's columns (3) must equal the right's rows (4)")) { try a.matmul(b) }
        do {
            _ = try a.matmul(b)
        } catch {
            #expect("\(error)" == "matmul: 2×3 and 4×5 do not fit: the left's columns (3) must equal the right's rows (4)")
        }
        #expect(throws: ShapeError.self) { try a.transposedMatmul(b) }
        #expect(throws: ShapeError.self) { try a.matmulTransposed(b) }
        #expect(throws: ShapeError.self) { try a + b }
        #expect(throws: ShapeError.self) { try a.addingToEachRow(Matrix(row: [1, 2])) }
    }

    @Test func emptyProducts() throws {
        let a = Matrix<Double>(rows: 3, columns: 0), b = Matrix<Double>(rows: 0, columns: 2)
        #expect(try a.matmul(b) == Matrix(rows: 3, columns: 2))
    }

    @Test func transposeOnNonSquareAndLargeShapes() throws {
        var generator = SeededGenerator(seed: 3)
        for (r, c) in [(1, 1), (2, 5), (37, 70), (64, 33)] {
            let rows = randomRows(r, c, &generator)
            let m = try Matrix(rows)
            #expect(m.transposed().rowArrays == transpose(rows, columns: c))
            #expect(m.transposed().transposed() == m)
        }
    }

    @Test func elementWiseArithmeticAndBroadcast() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4]]), b = try Matrix<Double>([[10, 20], [30, 40]])
        #expect(try (a + b).elements == [11, 22, 33, 44])
        #expect(try (b - a).elements == [9, 18, 27, 36])
        #expect(try (a * b).elements == [10, 40, 90, 160])
        #expect((2 * a).elements == [2, 4, 6, 8])
        #expect((a / 2).elements == [0.5, 1, 1.5, 2])
        #expect((1 - a).elements == [0, -1, -2, -3])
        #expect(try a.addingToEachRow(Matrix(row: [100, 200])).elements == [101, 202, 103, 204])
        // in place, on storage of its own: no copy (the layers add their bias this way)
        var sums = try a.matmul(b)
        let storage = sums.storage.withUnsafeBufferPointer { $0.baseAddress }
        try sums.addToEachRow(Matrix(row: [1, 2]))
        #expect(sums.elements == [71, 102, 151, 222])
        #expect(sums.storage.withUnsafeBufferPointer { $0.baseAddress } == storage)
        #expect(throws: ShapeError.self) { try sums.addToEachRow(Matrix(row: [1, 2, 3])) }
        var c = a
        try c.add(b, scaledBy: 0.5)
        #expect(c.elements == [6, 12, 18, 24])
        try c += a
        #expect(c.elements == [7, 14, 21, 28])
    }

    @Test func sums() throws {
        let a = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(a.columnSums() == Matrix(row: [5, 7, 9]))
        #expect(a.rowSums() == Matrix(column: [6, 15]))
        #expect(a.sum() == 21)
        #expect(a.mean() == 3.5)
        #expect(a.maxMagnitude() == 6)
    }

    @Test func gatherAndReshape() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4], [5, 6]])
        #expect(try a.gatherRows([2, 0]).rowArrays == [[5, 6], [1, 2]])
        #expect(throws: InvalidArgument.self) { try a.gatherRows([3]) }
        #expect(try a.reshaped(rows: 2, columns: 3).rowArrays == [[1, 2, 3], [4, 5, 6]])
        #expect(throws: ShapeError.self) { try a.reshaped(rows: 4, columns: 2) }
    }

    @Test func nonFiniteDetection() throws {
        #expect(!(try Matrix<Double>([[1, 2]])).hasNonFiniteElements)
        #expect(try Matrix<Double>([[1, .nan]]).hasNonFiniteElements)
        #expect(try Matrix<Float>([[.infinity]]).hasNonFiniteElements)
    }
}

/// The Float product (packed, vectorised, on two cores when large) against a plain Double loop.
@Suite struct FloatProductTests {
    static let shapes: [(m: Int, k: Int, n: Int)] = [
        (1, 1, 1), (7, 33, 65), (65, 7, 33), (33, 65, 7), (6, 16, 16), (13, 257, 17), (128, 784, 50), (150, 200, 130),
        (1, 500, 1), (500, 1, 500), (64, 64, 64),
    ]

    @Test(arguments: shapes)
    func matchesADoubleReferenceInEveryLayout(m: Int, k: Int, n: Int) throws {
        var random = SeededGenerator(seed: UInt64(m * 1_000_003 + k * 1009 + n))
        let a = Matrix<Float>.gaussian(rows: m, columns: k, using: &random)
        let b = Matrix<Float>.gaussian(rows: k, columns: n, using: &random)
        let reference = Matrix<Double>(rows: m, columns: n) { i, j in
            (0..<k).reduce(0.0) { $0 + Double(a[i, $1]) * Double(b[$1, j]) }
        }
        let products = [
            try a.matmul(b), try a.transposed().transposedMatmul(b), try a.matmulTransposed(b.transposed()),
            try Matrix.product(a.transposed(), transposed: true, b.transposed(), transposed: true),
        ]
        let scale = max(1, reference.elements.map(abs).max() ?? 1)
        for (layout, product) in products.enumerated() {
            #expect(product.shape == Shape(m, n))
            let worst = zip(product.elements, reference.elements).map { abs(Double($0) - $1) }.max() ?? 0
            // float rounding: a few ulps of the largest entry, growing like √k
            #expect(worst / scale < 1e-6 * Double(k).squareRoot() + 1e-6, "layout \(layout): \(worst / scale)")
        }
    }

    @Test func concurrentProductsDoNotInterfere() async throws {
        var random = SeededGenerator(seed: 5)
        let a = Matrix<Float>.gaussian(rows: 200, columns: 300, using: &random)
        let b = Matrix<Float>.gaussian(rows: 300, columns: 100, using: &random)
        let expected = try a.matmul(b)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { try a.matmul(b) == expected } }
            for try await same in group { #expect(same) }
        }
    }

    /// ‖(3.3, 4.4) − (3, 4)‖ / ‖(3, 4)‖ = 0.5 / 5 = 0.1, by hand.
    @Test func relativeDistanceIsTheDifferencesNormOverTheReferences() throws {
        let reference = try Matrix<Double>([[3, 4]])
        #expect(abs(try Matrix<Double>([[3.3, 4.4]]).relativeDistance(to: reference) - 0.1) < 1e-12)
        #expect(abs(try Matrix<Double>([[6, 8]]).relativeDistance(to: reference) - 1) < 1e-12)
        #expect(try reference.relativeDistance(to: reference) == 0)
        #expect(throws: InvalidArgument.self) { try reference.relativeDistance(to: Matrix(rows: 1, columns: 2)) }
        #expect(throws: ShapeError.self) { try reference.relativeDistance(to: Matrix(rows: 2, columns: 1)) }
    }

    /// Float column sums run in a vector kernel, split by columns over both cores for a large
    /// matrix: each column is summed row after row from +0, as the plain loop sums it, bit for bit.
    @Test(arguments: [(3, 5), (700, 25), (300, 1000), (5000, 17)])
    func floatColumnSumsAreThePlainLoopsBitForBit(rows: Int, columns: Int) {
        var random = SeededGenerator(seed: UInt64(rows + columns))
        let matrix = Matrix<Float>(rows: rows, columns: columns) { _, _ in Float(random.gaussian()) }
        var expected = [Float](repeating: 0, count: columns)
        for r in 0..<rows { for c in 0..<columns { expected[c] += matrix[r, c] } }
        let sums = matrix.columnSums()
        #expect(sums.shape == Shape(1, columns))
        #expect(zip(sums.elements, expected).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
}
