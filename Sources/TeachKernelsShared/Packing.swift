// Packing for the Float product's kernels (TeachKernels' AVX2 kernel and TeachKernelsAVX512's):
// copying a block of A or B into the contiguous, zero-padded panels a micro-kernel reads.
//
// Everything here is `@inlinable`, so each kernel module compiles it with its own instruction-set
// flags; this module itself is built for AVX2 and FMA, the baseline of both, so its own copies
// run on any processor the package supports.

/// Packs a block into panels `width` wide: for A, row panels of MR (`along` = A's row stride,
/// `across` = its column stride); for B, column panels of NR (`along` = B's column stride,
/// `across` = its row stride). Panel `q` holds, for each `p` of the `depth`, the `width` numbers
/// at `(q·width ..< q·width + width, p)`, zero-padded past `count`.
///
/// When the panel's numbers are adjacent in memory (`along` = 1) each step copies one run; when
/// each number's depth is adjacent (`across` = 1, a row-major A or a transposed B) the runs along
/// the depth are transposed 8 at a time in registers (for widths that are multiples of 8).
@inlinable @inline(__always)
public func packPanels(
    width: Int, count: Int, depth: Int, source: UnsafePointer<Float>, along: Int, across: Int, into packed: UnsafeMutablePointer<Float>
) {
    var target = packed
    for start in stride(from: 0, to: count, by: width) {
        let filled = min(width, count - start)
        if filled == width && along == 1 {
            // one run of `width` numbers per step: vector copies (a call of memmove for 32 bytes
            // took 40% of a weight gradient's time)
            for p in 0..<depth {
                let from = UnsafeRawPointer(source + (p &* across &+ start)), to = UnsafeMutableRawPointer(target)
                switch width {
                case 32:
                    to.storeBytes(of: from.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                    to.storeBytes(of: from.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), toByteOffset: 64, as: SIMD16<Float>.self)
                case 16: to.storeBytes(of: from.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                case 8: to.storeBytes(of: from.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                case 6:
                    to.storeBytes(of: from.loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
                    to.storeBytes(of: from.loadUnaligned(fromByteOffset: 16, as: SIMD2<Float>.self), toByteOffset: 16, as: SIMD2<Float>.self)
                default: target.update(from: source + (p &* across &+ start), count: width)
                }
                target += width
            }
        } else if across == 1 && filled == width && (width % 8 == 0 || width < 8) {
            // each number's depth is a run in memory: transpose 8 runs × 8 steps at a time in registers
            // (a panel of 6, the AVX2 kernel's A: 6 runs, each step's 8 numbers overlapping the next)
            for i in stride(from: 0, to: width, by: 8) {
                transposeEightRuns(
                    runs: min(8, width), depth: depth, source: source + (start + i) * along, runStride: along, into: target + i,
                    targetStride: width)
            }
            target += depth * width
        } else if across == 1 {
            for i in 0..<width {
                if i < filled {
                    let run = source + (start + i) * along
                    for p in 0..<depth { target[p &* width &+ i] = run[p] }
                } else {
                    for p in 0..<depth { target[p &* width &+ i] = 0 }
                }
            }
            target += depth * width
        } else {
            for p in 0..<depth {
                let line = source + p * across + start * along
                for i in 0..<filled { target[i] = line[i * along] }
                for i in filled..<width { target[i] = 0 }
                target += width
            }
        }
    }
}

/// Copies `runs` (1 to 8) runs of `depth` numbers (run `i` at `source + i·runStride`) so that step
/// `p` of the depth holds the runs' numbers side by side at `target + p·targetStride`: for each 8
/// steps, eight vector loads, an 8×8 transpose in registers, eight vector stores. Packing a
/// row-major A (or a transposed B) this way took 16 µs for 128×784 instead of 30 µs one number at
/// a time.
///
/// With fewer than 8 runs, the missing ones are read from run 0 and each step still stores 8
/// numbers, in order of `p`, so each store's extra numbers are overwritten by the next step's:
/// the target needs room for `8 − runs` numbers after the last step.
@inlinable @inline(__always)
public func transposeEightRuns(
    runs: Int = 8, depth: Int, source: UnsafePointer<Float>, runStride: Int, into target: UnsafeMutablePointer<Float>, targetStride: Int
) {
    typealias V = SIMD8<Float>
    typealias Block = (V, V, V, V, V, V, V, V)
    // Splitting rows 2i and 2i+1 into their even and odd numbers moves the number at (row, column)
    // from index row·8 + column (6 bits) to that index rotated right by one bit; three times is a
    // rotation by three bits: (column, row), the transpose.
    @inline(__always) func splitEvenOdd(_ x: Block) -> Block {
        let z0 = SIMD16(lowHalf: x.0, highHalf: x.1), z1 = SIMD16(lowHalf: x.2, highHalf: x.3)
        let z2 = SIMD16(lowHalf: x.4, highHalf: x.5), z3 = SIMD16(lowHalf: x.6, highHalf: x.7)
        return (z0.evenHalf, z1.evenHalf, z2.evenHalf, z3.evenHalf, z0.oddHalf, z1.oddHalf, z2.oddHalf, z3.oddHalf)
    }
    let input = UnsafeRawPointer(source), output = UnsafeMutableRawPointer(target)
    let inStride = runStride &* 4, outStride = targetStride &* 4
    var p = 0
    while p &+ 8 <= depth {
        let from = input + p &* 4
        @inline(__always) func run(_ i: Int) -> V { (from + (i < runs ? i &* inStride : 0)).loadUnaligned(as: V.self) }
        let block = splitEvenOdd(splitEvenOdd(splitEvenOdd((run(0), run(1), run(2), run(3), run(4), run(5), run(6), run(7)))))
        let to = output + p &* outStride
        to.storeBytes(of: block.0, as: V.self)
        (to + outStride).storeBytes(of: block.1, as: V.self)
        (to + 2 &* outStride).storeBytes(of: block.2, as: V.self)
        (to + 3 &* outStride).storeBytes(of: block.3, as: V.self)
        (to + 4 &* outStride).storeBytes(of: block.4, as: V.self)
        (to + 5 &* outStride).storeBytes(of: block.5, as: V.self)
        (to + 6 &* outStride).storeBytes(of: block.6, as: V.self)
        (to + 7 &* outStride).storeBytes(of: block.7, as: V.self)
        p &+= 8
    }
    while p < depth {
        for i in 0..<runs { target[p &* targetStride &+ i] = source[i &* runStride &+ p] }
        p &+= 1
    }
}
