import Testing
import TeachKernels

@testable import Teach

/// The Float product kernels (TeachKernels, CKernels) on every shape the benchmark times and on odd
/// sizes, in every layout, on one core and two, with every instruction set the processor has
/// (AVX-512, AVX2, baseline), against a Double reference and against the bits stated in Swift.
@Suite struct FloatKernelTests {
    /// (m, k, n, layout): the benchmark's rows (Tools/benchmark), then odd and thin sizes, products
    /// split by rows and by columns, and the few-rows path with and without the split.
    static let shapes: [(m: Int, k: Int, n: Int, layout: String)] =
        [64, 128, 256, 512, 1024, 2048].map { ($0, $0, $0, "AB") } + [
            (128, 784, 50, "AB"), (128, 784, 500, "AB"), (784, 128, 50, "AtB"), (784, 128, 500, "AtB"), (128, 50, 784, "ABt"),
            (128, 500, 784, "ABt"), (128, 500, 500, "AB"),
            (1, 1, 1, "AB"), (7, 7, 7, "AtB"), (33, 33, 33, "ABt"), (65, 65, 65, "AB"), (1, 65, 7, "AB"), (7, 1, 33, "AtB"),
            (33, 7, 1, "ABt"), (65, 33, 7, "AB"), (7, 65, 33, "AtB"), (130, 257, 9, "AB"), (9, 257, 130, "ABt"),
            (300, 70, 51, "AtB"), (51, 70, 300, "AB"), (200, 100, 100, "ABt"), (3, 1000, 700, "AB"), (2, 600, 40, "AB"),
            (1, 2048, 1024, "AB"), (4, 300, 2000, "ABt"),
        ]

    /// A cheap generator for big operands (the tests run unoptimised): uniform in [-1, 1).
    static func numbers(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(state >> 40) / Float(1 << 23) - 1
        }
    }

    /// The instruction sets to run a product on: every one the processor has, except that the
    /// baseline kernel (one call of `fmaf` per multiply-add on x86-64, about 40 times slower) runs
    /// only products of up to 64 million multiply-adds. It is the AVX2 kernel's source compiled for
    /// another target, so the small and odd shapes check everything it does differently.
    static func instructionSets(m: Int, k: Int, n: Int) -> [VectorInstructions] {
        VectorInstructions.allCases.filter { $0 <= .best && ($0 > .baseline || m * k * n <= 64 << 20) }
    }

    /// `C = A·B` through the kernel, with A stored k×m for "AtB" and B stored n×k for "ABt".
    static func product(
        _ a: [Float], _ b: [Float], m: Int, k: Int, n: Int, layout: String, twoCores: Bool, instructions: VectorInstructions
    ) -> [Float] {
        let (aRow, aColumn) = layout == "AtB" ? (1, m) : (k, 1)
        let (bRow, bColumn) = layout == "ABt" ? (1, k) : (n, 1)
        var c = [Float](repeating: .nan, count: m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    FloatKernels.product(
                        m: m, n: n, k: k, a: ap.baseAddress!, aRow: aRow, aColumn: aColumn, b: bp.baseAddress!, bRow: bRow,
                        bColumn: bColumn, c: cp.baseAddress!, accumulate: false, twoCores: twoCores, instructions: instructions)
                }
            }
        }
        return c
    }

    /// `C = A·B` (or `C += A·B`) through the kernel, for row-major `A` (m×k) and `B` (k×n).
    static func rowMajorProduct(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int, into c: inout [Float], accumulate: Bool) {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    FloatKernels.product(
                        m: m, n: n, k: k, a: ap.baseAddress!, aRow: k, aColumn: 1, b: bp.baseAddress!, bRow: n, bColumn: 1,
                        c: cp.baseAddress!, accumulate: accumulate)
                }
            }
        }
    }

    @Test(arguments: shapes)
    func matchesADoubleReferenceOnOneAndTwoCoresAndEveryKernel(m: Int, k: Int, n: Int, layout: String) throws {
        // A is m×k (stored k×m for AtB), B is k×n (stored n×k for ABt)
        let a = Self.numbers(m * k, seed: UInt64(m * 7 + k)), b = Self.numbers(k * n, seed: UInt64(n * 13 + k))
        let (aRow, aColumn) = layout == "AtB" ? (1, m) : (k, 1)
        let (bRow, bColumn) = layout == "ABt" ? (1, k) : (n, 1)
        func product(twoCores: Bool, instructions: VectorInstructions = .best) -> [Float] {
            Self.product(a, b, m: m, k: k, n: n, layout: layout, twoCores: twoCores, instructions: instructions)
        }
        let result = product(twoCores: true)
        // every entry for small products, 4,096 entries spread over C for large ones
        let entries = m * n * k <= 4_000_000 ? Array(0..<(m * n)) : (0..<4096).map { ($0 &* 2_654_435_761) % (m * n) }
        var worst = 0.0
        for entry in entries {
            let i = entry / n, j = entry % n
            var exact = 0.0, magnitude = 0.0
            for p in 0..<k {
                let term = Double(a[i * aRow + p * aColumn]) * Double(b[p * bRow + j * bColumn])
                exact += term
                magnitude += abs(term)
            }
            // relative to the sum of the magnitudes of the terms: what float rounding can reach
            worst = max(worst, abs(Double(result[entry]) - exact) / max(magnitude, 1e-30))
        }
        #expect(worst < 2e-6, "\(m)×\(k)·\(k)×\(n) \(layout): worst relative error \(worst)")
        // one core or two, any instruction set: each number is the same chain of fused multiply-adds
        for instructions in Self.instructionSets(m: m, k: k, n: n) {
            #expect(product(twoCores: false, instructions: instructions) == result, "one core, \(instructions)")
            #expect(product(twoCores: true, instructions: instructions) == result, "two cores, \(instructions)")
        }
    }

    /// The bits of every product are stated here, independent of the kernel: each number of C is
    /// the sum, over the depth blocks in order, of one chain of fused multiply-adds per block (equal
    /// blocks of at most 256 steps), and a product with at most 4 rows and a row-major B (the
    /// few-rows path) is one chain over the whole depth. Every kernel (AVX-512, AVX2, and the
    /// baseline one for processors without either), on one core and two, must give exactly these
    /// numbers.
    @Test(arguments: shapes)
    func everyKernelGivesTheStatedChainOfMultiplyAdds(m: Int, k: Int, n: Int, layout: String) throws {
        let a = Self.numbers(m * k, seed: UInt64(m * 3 + k)), b = Self.numbers(k * n, seed: UInt64(n * 5 + k))
        let (aRow, aColumn) = layout == "AtB" ? (1, m) : (k, 1)
        let (bRow, bColumn) = layout == "ABt" ? (1, k) : (n, 1)
        let fewRows = m <= 4 && bColumn == 1
        let blocks = fewRows ? 1 : (k + 255) / 256
        let step = (k + blocks - 1) / blocks
        // every entry for small products, 2,048 entries spread over C for large ones
        let entries = m * n * k <= 2_000_000 ? Array(0..<(m * n)) : (0..<2048).map { ($0 &* 2_654_435_761) % (m * n) }
        let stated = entries.map { entry -> Float in
            let i = entry / n, j = entry % n
            var total: Float = 0
            for start in stride(from: 0, to: k, by: step) {
                var chain: Float = 0
                for p in start..<min(start + step, k) { chain = chain.addingProduct(a[i * aRow + p * aColumn], b[p * bRow + j * bColumn]) }
                total += chain
            }
            return total
        }
        for instructions in Self.instructionSets(m: m, k: k, n: n) {
            for twoCores in [false, true] {
                let c = Self.product(a, b, m: m, k: k, n: n, layout: layout, twoCores: twoCores, instructions: instructions)
                let differing = zip(entries, stated).filter { c[$0.0].bitPattern != $0.1.bitPattern }.count
                #expect(differing == 0, "\(m)×\(k)·\(k)×\(n) \(layout), \(instructions), two cores \(twoCores): \(differing) numbers differ")
            }
        }
    }

    /// A factor packed once gives, for any rows of A, the numbers the product gives for the same
    /// operands (packed path: more than 4 rows or a transposed B), bit for bit: on one core and two,
    /// with every instruction set, stored and accumulated. The shapes include a recurrent layer's
    /// (32 rows, 1024 columns), more than one block of 1024 columns, more than one depth block, and
    /// odd widths whose last panel is thin (40×600·600×50 splits at column 32: the second core's
    /// columns are a 16-wide panel and a thin one).
    @Test(arguments: [
        (32, 256, 1024, "ABt"), (32, 1024, 256, "AB"), (5, 7, 3, "AB"), (2, 300, 50, "ABt"), (9, 513, 1100, "AB"),
        (40, 70, 2100, "ABt"), (1100, 65, 33, "AB"), (17, 257, 2, "ABt"), (40, 600, 50, "AB"),
    ])
    func aPackedFactorGivesTheProductsNumbers(m: Int, k: Int, n: Int, layout: String) throws {
        let a = Self.numbers(m * k, seed: UInt64(m * 11 + k)), b = Self.numbers(k * n, seed: UInt64(n * 17 + k))
        let (bRow, bColumn) = layout == "ABt" ? (1, k) : (n, 1)
        let start = Self.numbers(m * n, seed: 99)
        for instructions in Self.instructionSets(m: m, k: k, n: n) {
            let factor = b.withUnsafeBufferPointer { bp in
                PackedFloatFactor(depth: k, columns: n, b: bp.baseAddress!, bRow: bRow, bColumn: bColumn, instructions: instructions)
            }
            for accumulate in [false, true] {
                for twoCores in [false, true] {
                    var expected = start, packed = accumulate ? start : [Float](repeating: .nan, count: m * n)
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            expected.withUnsafeMutableBufferPointer { cp in
                                FloatKernels.product(
                                    m: m, n: n, k: k, a: ap.baseAddress!, aRow: k, aColumn: 1, b: bp.baseAddress!, bRow: bRow, bColumn: bColumn,
                                    c: cp.baseAddress!, accumulate: accumulate, twoCores: twoCores, instructions: instructions)
                            }
                        }
                        packed.withUnsafeMutableBufferPointer { cp in
                            factor.product(m: m, a: ap.baseAddress!, aRow: k, aColumn: 1, c: cp.baseAddress!, accumulate: accumulate, twoCores: twoCores)
                        }
                    }
                    let differing = zip(expected, packed).filter { $0.bitPattern != $1.bitPattern }.count
                    #expect(
                        differing == 0,
                        "\(m)×\(k)·\(k)×\(n) \(layout), \(instructions), accumulate \(accumulate), two cores \(twoCores): \(differing) differ")
                }
            }
        }
    }

    /// Rows of C apart by more than its width (a time step of a batch of sequences) and rows of A
    /// apart by more than the depth: only those rows' columns are written.
    @Test func aPackedFactorReadsAndWritesThroughStrides() throws {
        let (m, k, n) = (6, 20, 40)
        let a = Self.numbers(m * 3 * k, seed: 5), b = Self.numbers(k * n, seed: 6)
        let factor = b.withUnsafeBufferPointer { PackedFloatFactor(depth: k, columns: n, b: $0.baseAddress!, bRow: n, bColumn: 1) }
        var wide = [Float](repeating: -7, count: m * 2 * n)
        a.withUnsafeBufferPointer { ap in
            wide.withUnsafeMutableBufferPointer { cp in
                factor.product(m: m, a: ap.baseAddress! + k, aRow: 3 * k, aColumn: 1, c: cp.baseAddress! + n, cRow: 2 * n, accumulate: false)
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0
                for p in 0..<k { exact += Double(a[i * 3 * k + k + p]) * Double(b[p * n + j]) }
                #expect(abs(Double(wide[i * 2 * n + n + j]) - exact) < 1e-5, "row \(i), column \(j)")
                #expect(wide[i * 2 * n + j] == -7, "row \(i), column \(j) outside C was written")
            }
        }
    }

    /// GELU and the recurrent cells give the same bits on every instruction set (16-float vectors
    /// with AVX-512, 8-float ones otherwise), for widths that fill whole vectors of both sizes and
    /// widths that leave a padded part of either.
    @Test(arguments: [5, 8, 13, 16, 21, 40])
    func geluAndTheCellsAreTheSameOnEveryInstructionSet(hidden: Int) throws {
        let rows = 3
        let terms = Self.numbers(rows * 4 * hidden, seed: 1).map { 4 * $0 }, recurrent = Self.numbers(rows * 4 * hidden, seed: 2)
        let biases = Self.numbers(4 * hidden, seed: 3), previous = Self.numbers(rows * hidden, seed: 4).map { 2 * $0 }
        let gates = Self.numbers(rows * 4 * hidden, seed: 5).map { 0.5 + 0.49 * $0 }, squashed = Self.numbers(rows * hidden, seed: 6)
        let outputGradient = Self.numbers(rows * hidden, seed: 7), carriedState = Self.numbers(rows * hidden, seed: 8)
        /// Every kernel's outputs, one after another, on one instruction set.
        func outputs(_ instructions: VectorInstructions) -> [Float] {
            var geluOut = [Float](repeating: .nan, count: terms.count), geluGradient = geluOut
            var lstmGates = geluOut, memories = [Float](repeating: .nan, count: rows * hidden), squashedOut = memories, states = memories
            var gruGates = geluOut, gruStates = memories, carriedMemory = previous, sums = geluOut
            var inputSums = [Float](repeating: .nan, count: rows * 3 * hidden), recurrentSums = inputSums, direct = memories
            terms.withUnsafeBufferPointer { t in
                recurrent.withUnsafeBufferPointer { u in
                    biases.withUnsafeBufferPointer { bias in
                        previous.withUnsafeBufferPointer { c in
                            let (t, u, bias, c) = (t.baseAddress!, u.baseAddress!, bias.baseAddress!, c.baseAddress!)
                            FloatKernels.gelu(count: terms.count, t, into: &geluOut, instructions: instructions)
                            FloatKernels.geluGradient(count: terms.count, u, weightedSums: t, into: &geluGradient, instructions: instructions)
                            FloatKernels.lstmCells(
                                rows: rows, hidden: hidden, terms: t, termsRow: 4 * hidden, recurrent: u, inputBias: bias, hiddenBias: bias,
                                previous: c, memoryRow: hidden, gates: &lstmGates, gatesRow: 4 * hidden, memories: &memories,
                                squashed: &squashedOut, states: &states, instructions: instructions)
                            FloatKernels.gruCells(
                                rows: rows, hidden: hidden, terms: t, termsRow: 4 * hidden, recurrent: u, inputBias: bias, hiddenBias: bias,
                                previous: c, stateRow: hidden, gates: &gruGates, gatesRow: 4 * hidden, states: &gruStates,
                                instructions: instructions)
                            FloatKernels.lstmBackwardCells(
                                rows: rows, hidden: hidden, gates: gates, gatesRow: 4 * hidden, squashed: squashed, previous: c, memoryRow: hidden,
                                outputGradient: outputGradient, carriedState: carriedState, carriedMemory: &carriedMemory, sums: &sums,
                                sumsRow: 4 * hidden, instructions: instructions)
                            FloatKernels.gruBackwardCells(
                                rows: rows, hidden: hidden, gates: gates, gatesRow: 4 * hidden, previous: c, stateRow: hidden,
                                outputGradient: outputGradient, carried: carriedState, inputSums: &inputSums, recurrentSums: &recurrentSums,
                                direct: &direct, instructions: instructions)
                        }
                    }
                }
            }
            return geluOut + geluGradient + lstmGates + memories + squashedOut + states + gruGates + gruStates + carriedMemory + sums
                + inputSums + recurrentSums + direct
        }
        let best = outputs(.best)
        #expect(!best.contains { $0.isNaN }, "a number was not written")
        for instructions in VectorInstructions.allCases where instructions < .best {
            let other = outputs(instructions)
            let differing = zip(best, other).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "hidden \(hidden), \(instructions) against \(VectorInstructions.best): \(differing) numbers differ")
        }
    }

    /// Work split over both cores that splits again inside (attention's sequences in two halves,
    /// each with products large enough to split) runs the inner split on its own thread: it
    /// finishes, and gives the numbers of the same products run alone.
    @Test func aSplitInsideASplitFinishesWithTheSameNumbers() throws {
        let (m, k, n) = (200, 100, 300)  // 6 million multiply-adds: split over both cores when alone
        let a = Self.numbers(m * k, seed: 11), b = Self.numbers(k * n, seed: 12)
        var alone = [Float](repeating: 0, count: m * n)
        Self.rowMajorProduct(a, b, m: m, k: k, n: n, into: &alone, accumulate: false)
        var inside = [[Float]](repeating: [], count: 4)
        inside.withUnsafeMutableBufferPointer { results in
            let results = results.baseAddress!
            FloatKernels.inTwoHalves(4, split: true) { first, count in
                for index in first..<(first + count) {
                    var c = [Float](repeating: .nan, count: m * n)
                    Self.rowMajorProduct(a, b, m: m, k: k, n: n, into: &c, accumulate: false)
                    results[index] = c
                }
            }
        }
        for (index, c) in inside.enumerated() {
            #expect(c.count == alone.count && zip(c, alone).allSatisfy { $0.bitPattern == $1.bitPattern }, "part \(index)")
        }
    }

    @Test func accumulateAddsToC() throws {
        let m = 37, k = 100, n = 70  // one depth block: C = 0 + S, then S + S
        let a = Self.numbers(m * k, seed: 1), b = Self.numbers(k * n, seed: 2)
        var once = [Float](repeating: 0, count: m * n), twice = once
        func run(_ c: inout [Float], accumulate: Bool) { Self.rowMajorProduct(a, b, m: m, k: k, n: n, into: &c, accumulate: accumulate) }
        run(&once, accumulate: false)
        run(&twice, accumulate: false)
        run(&twice, accumulate: true)
        #expect(zip(once, twice).allSatisfy { $0 + $0 == $1 })
    }

    @Test(arguments: [1, 7, 8, 33, 1000])
    func reluAndItsGradientMatchTheScalarRule(count: Int) throws {
        var values = Self.numbers(count, seed: UInt64(count))
        values[0] = count > 1 ? -0.0 : .nan
        if count > 2 { values[2] = .nan }
        let gradient = Self.numbers(count, seed: UInt64(count + 1)).map { -$0 }
        let h = try Matrix<Float>(rows: 1, columns: count, elements: values)
        let g = try Matrix<Float>(rows: 1, columns: count, elements: gradient)
        let relu = Activation.relu(h)
        let through = try Activation.relu.gradient(g, at: h)
        for i in 0..<count {
            // PyTorch's rule: −0 gives +0, NaN gives NaN (not 0), and the gradient passes a NaN sum.
            let expected: Float = values[i].isNaN ? values[i] : values[i] > 0 ? values[i] : 0
            #expect(relu[0, i].bitPattern == expected.bitPattern)
            #expect(relu[0, i].isNaN == values[i].isNaN)
            #expect(through[0, i].bitPattern == (gradient[i] * Activation.relu.derivative(values[i])).bitPattern)
            if values[i].isNaN { #expect(through[0, i].bitPattern == gradient[i].bitPattern) }
        }
        // The generic (Double) path follows the same rule.
        #expect(Activation.relu(Double.nan).isNaN)
        #expect(Activation.relu(-0.0 as Double).bitPattern == (0.0 as Double).bitPattern)
        #expect(Activation.relu.derivative(Double.nan) == 1)
        #expect(try Activation.relu(Matrix<Double>(rows: 1, columns: 2, elements: [.nan, -1]))[0, 0].isNaN)
        #expect(throws: ShapeError.self) { try Activation.relu.gradient(g, at: Matrix<Float>(rows: 1, columns: count + 1)) }
    }

    /// The few-rows path (one image at inference) reads only the rows of B that meet a nonzero
    /// number of A, four at a time: each number of C must still be the plain chain of fused
    /// multiply-adds over every p in order (a zero adds nothing), bit for bit, for 1 to 4 rows,
    /// depths that leave 1 to 3 rows of B over, widths with a tail of columns, and one split over
    /// two cores (2×4000·4000×300).
    @Test(arguments: [(1, 13, 21), (2, 14, 8), (3, 15, 37), (4, 16, 64), (1, 301, 130), (4, 9, 3), (2, 4000, 300)])
    func fewRowsSkipZerosAndKeepTheChain(m: Int, k: Int, n: Int) throws {
        var a = Self.numbers(m * k, seed: UInt64(k)), b = Self.numbers(k * n, seed: UInt64(n))
        for index in a.indices where (index * 7) % 3 != 0 { a[index] = 0 }  // two thirds zeros, as after ReLU
        b[n + 1] = 0
        var c = [Float](repeating: .nan, count: m * n)
        Self.rowMajorProduct(a, b, m: m, k: k, n: n, into: &c, accumulate: false)
        var mismatches = 0
        for i in 0..<m {
            for j in 0..<n {
                var chain: Float = 0
                for p in 0..<k { chain = chain.addingProduct(a[i * k + p], b[p * n + j]) }
                if chain.bitPattern != c[i * n + j].bitPattern { mismatches += 1 }
            }
        }
        #expect(mismatches == 0, "\(m)×\(k)·\(k)×\(n): \(mismatches) numbers differ from the chain")
    }
}
