import CKernels
import TeachKernelsShared

// The packed Float product of TeachKernels (see Sources/TeachKernels/FloatProduct.swift) for
// processors with AVX-512: the same blocks and loop order with 16-float vectors, so twice the work per
// instruction. This module is compiled for AVX-512 (Package.swift), so nothing in it may run on a
// processor without it: TeachKernels calls `packedProductAVX512` only after asking the processor.
//
// Each number of C is computed exactly as the AVX2 kernel computes it (the same depth blocks, one
// fused multiply-add per step of the depth, in the same order, then added to C), so both kernels
// give bit-identical products; only the number of columns per instruction differs.
//
// Tiles: 8 rows × 32 columns (sixteen 16-float accumulators). B's block is packed as panels of 32
// columns and, for the last `n mod 32` columns, panels of 16, so a thin matrix (n = 50: 32 + 16 + 2)
// wastes little: a last panel of fewer than 8 columns runs through a kernel whose vectors run along
// the rows instead, 32 rows at a time (2 columns: 4 multiply-adds per step of the depth, not 32).

/// `C = A·B` (or `C += A·B` when `accumulate`) on one core, with `A(i, p) = a[i·aRow + p·aColumn]`,
/// `B(p, j) = b[p·bRow + j·bColumn]` and C row-major with row stride `cRow`; `k` > 0. Only call on a
/// processor with AVX-512F.
///
/// Without `accumulate` the first depth block stores its sums into C instead of adding them: no
/// pass of zeros over C first (for a weight gradient, 784×500 numbers, that pass took 15% of the
/// time). The numbers are the same: a sum that starts from +0 is never −0, and adding it to +0
/// gives it back exactly.
public func packedProductAVX512(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int,
    c: UnsafeMutablePointer<Float>, cRow: Int, accumulate: Bool
) {
    guard m > 0, n > 0, k > 0 else { return }
    let mr = 8, nr = 32, half = 16
    // the AVX2 kernel's depth blocks (bit-identical results): equal blocks of at most 256
    let depthBlocks = (k + 255) / 256
    let kcStep = (k + depthBlocks - 1) / depthBlocks
    // B's block (256 × 1024 floats, 1 MiB) stays in the 2 MiB L2 while every panel of A passes by;
    // measured on one core at n = 2048: 124 GFLOP/s with the BLIS order (B's panel in L1, A's block
    // in L2, 2048 columns) and no prefetch of C, 145 with this order and the prefetch.
    let mcBlock = 192, ncBlock = 1024
    let mcMax = min(mcBlock, (m + mr - 1) / mr * mr), ncMax = min(ncBlock, (n + half - 1) / half * half)
    let packedA = UnsafeMutableRawPointer.allocate(byteCount: mcMax * kcStep * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: mcMax * kcStep)
    let packedB = UnsafeMutableRawPointer.allocate(byteCount: ncMax * kcStep * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: ncMax * kcStep)
    let edge = UnsafeMutableRawPointer.allocate(byteCount: mr * nr * 4, alignment: 64).bindMemory(to: Float.self, capacity: mr * nr)
    defer {
        packedA.deallocate()
        packedB.deallocate()
        edge.deallocate()
    }
    for jc in stride(from: 0, to: n, by: ncBlock) {
        let nc = min(ncBlock, n - jc)
        let wide = nc / nr * nr
        // the columns of a last 16-wide panel narrower than 8, if there is one (n = 50: 32 + 16 + 2)
        let thinColumns = (nc - wide) % half < 8 ? (nc - wide) % half : 0
        for pc in stride(from: 0, to: k, by: kcStep) {
            let kc = min(kcStep, k - pc)
            let add = accumulate || pc > 0
            let bBlock = b + pc * bRow + jc * bColumn
            // panels of 32, then panels of 16 for the rest: panel starting at column j is at j·kc
            packPanels(width: nr, count: wide, depth: kc, source: bBlock, along: bColumn, across: bRow, into: packedB)
            packPanels(
                width: half, count: nc - wide, depth: kc, source: bBlock + wide * bColumn, along: bColumn, across: bRow,
                into: packedB + wide * kc)
            for ic in stride(from: 0, to: m, by: mcBlock) {
                let mcRows = min(mcBlock, m - ic)
                packPanels(width: mr, count: mcRows, depth: kc, source: a + ic * aRow + pc * aColumn, along: aRow, across: aColumn, into: packedA)
                // One 8-row panel of A stays in L1 while it meets every panel of B's block (in L2).
                for ir in stride(from: 0, to: mcRows, by: mr) {
                    let rows = min(mr, mcRows - ir)
                    let aPanel = packedA + ir * kc
                    var jr = 0
                    while jr < nc - thinColumns {
                        let width = jr < wide ? nr : half
                        let columns = min(width, nc - jr)
                        let bPanel = packedB + jr * kc
                        let tile = c + (ic + ir) * cRow + jc + jr
                        jr += width
                        // the kernel's width: 32, 16, or 8 for a last panel of 8 columns
                        let kernelWidth = width == nr ? nr : columns > 8 ? half : 8
                        if rows == mr && columns == kernelWidth {
                            switch kernelWidth {
                            case nr: tileKernel(Tile8x32.self, bWidth: nr, kc: kc, a: aPanel, b: bPanel, c: tile, cRow: cRow, add: add)
                            case half: tileKernel(Tile8x16.self, bWidth: half, kc: kc, a: aPanel, b: bPanel, c: tile, cRow: cRow, add: add)
                            default: tileKernel(Tile8x8.self, bWidth: half, kc: kc, a: aPanel, b: bPanel, c: tile, cRow: cRow, add: add)
                            }
                        } else {
                            // a partial tile: the whole tile into scratch, then the part that exists
                            switch kernelWidth {
                            case nr: tileKernel(Tile8x32.self, bWidth: nr, kc: kc, a: aPanel, b: bPanel, c: edge, cRow: nr, add: false)
                            case half: tileKernel(Tile8x16.self, bWidth: half, kc: kc, a: aPanel, b: bPanel, c: edge, cRow: nr, add: false)
                            default: tileKernel(Tile8x8.self, bWidth: half, kc: kc, a: aPanel, b: bPanel, c: edge, cRow: nr, add: false)
                            }
                            for i in 0..<rows {
                                for j in 0..<columns { tile[i * cRow + j] = add ? tile[i * cRow + j] + edge[i * nr + j] : edge[i * nr + j] }
                            }
                        }
                    }
                }
                // a last panel of 1 to 7 columns: vectors along the rows, 32 rows (4 panels of A) at a time
                if thinColumns > 0 {
                    let bPanel = packedB + (nc - thinColumns) * kc
                    var ir = 0
                    while ir < mcRows {
                        let fourPanels = mcRows - ir >= 4 * mr
                        let tile = c + (ic + ir) * cRow + jc + nc - thinColumns
                        columnKernel(
                            columns: thinColumns, rows: fourPanels ? 4 * mr : min(mr, mcRows - ir), fourPanels: fourPanels, kc: kc,
                            a: packedA + ir * kc, b: bPanel, c: tile, cRow: cRow, add: add)
                        ir += fourPanels ? 4 * mr : mr
                    }
                }
            }
        }
    }
}

/// The tiles of this product: 8 rows of 32 columns, and for the last columns of B 8 rows of 16, or
/// of 8 when the last 8 of a 16-wide panel are padding.
enum Tile8x32: TileShape {
    typealias Vector = SIMD16<Float>
    static var rows: Int { 8 }
    static var vectors: Int { 2 }
}

enum Tile8x16: TileShape {
    typealias Vector = SIMD16<Float>
    static var rows: Int { 8 }
    static var vectors: Int { 1 }
}

enum Tile8x8: TileShape {
    typealias Vector = SIMD8<Float>
    static var rows: Int { 8 }
    static var vectors: Int { 1 }
}

/// The last `columns` (1 to 7) columns of a 16-wide panel, vectorised along the rows instead of
/// the columns: for each step of the depth, 8 rows of A (one panel) or 32 (`fourPanels`) are one
/// vector and each column's number of B is broadcast, so `columns` multiply-adds do what the
/// 8-column tile kernel (`Tile8x8`) needs 8 for. Each number is still one fused multiply-add chain
/// over the depth, in order, so the result is the same as the other kernels'. Four panels at once keep enough independent
/// chains in flight when there are only one or two columns (a multiply-add waits four cycles for
/// the one before it in its chain). Adds the first `rows` rows into C (stores them unless `add`).
@inline(__always)
func columnKernel(
    columns: Int, rows: Int, fourPanels: Bool, kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
    cRow: Int, add: Bool
) {
    if fourPanels {
        columnKernel(SIMD16<Float>.self, halves: 2, columns: columns, rows: rows, kc: kc, a: a, b: b, c: c, cRow: cRow, add: add)
    } else {
        columnKernel(SIMD8<Float>.self, halves: 1, columns: columns, rows: rows, kc: kc, a: a, b: b, c: c, cRow: cRow, add: add)
    }
}

/// Each case calls ``columnKernelBody`` with a constant count, so after inlining the unused
/// accumulators and their multiply-adds are folded away.
@inline(__always)
func columnKernel<V: SIMD>(
    _ vector: V.Type, halves: Int, columns: Int, rows: Int, kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, cRow: Int, add: Bool
) where V.Scalar == Float {
    switch columns {
    case 1: columnKernelBody(vector, halves: halves, columns: 1, rows: rows, kc: kc, a: a, b: b, c: c, cRow: cRow, add: add)
    case 2: columnKernelBody(vector, halves: halves, columns: 2, rows: rows, kc: kc, a: a, b: b, c: c, cRow: cRow, add: add)
    case 3: columnKernelBody(vector, halves: halves, columns: 3, rows: rows, kc: kc, a: a, b: b, c: c, cRow: cRow, add: add)
    case 4: columnKernelBody(vector, halves: halves, columns: 4, rows: rows, kc: kc, a: a, b: b, c: c, cRow: cRow, add: add)
    case 5: columnKernelBody(vector, halves: halves, columns: 5, rows: rows, kc: kc, a: a, b: b, c: c, cRow: cRow, add: add)
    case 6: columnKernelBody(vector, halves: halves, columns: 6, rows: rows, kc: kc, a: a, b: b, c: c, cRow: cRow, add: add)
    case 7: columnKernelBody(vector, halves: halves, columns: 7, rows: rows, kc: kc, a: a, b: b, c: c, cRow: cRow, add: add)
    default: preconditionFailure("columnKernel: 1 to 7 columns")
    }
}

/// One panel of A (`V` = `SIMD8<Float>`, `halves` = 1) or four consecutive panels, each `8·kc`
/// floats after the one before (`V` = `SIMD16<Float>` holding two panels' rows, `halves` = 2).
@inline(__always)
func columnKernelBody<V: SIMD>(
    _ vector: V.Type, halves: Int, columns: Int, rows: Int, kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, cRow: Int, add: Bool
) where V.Scalar == Float {
    typealias Eight = SIMD8<Float>
    // rows 0 ..< W of the group, and rows W ..< 2W when there are two halves (W = V's width)
    var s0 = V(), s1 = V(), s2 = V(), s3 = V(), s4 = V(), s5 = V(), s6 = V()
    var t0 = V(), t1 = V(), t2 = V(), t3 = V(), t4 = V(), t5 = V(), t6 = V()
    let rawA = UnsafeRawPointer(a)
    let panelBytes = kc &* 32
    /// The rows of A at one step of the depth: one panel's 8, or two consecutive panels' 16.
    @inline(__always) func rowsOfA(_ offset: Int) -> V {
        if V.scalarCount == 8 { return rawA.load(fromByteOffset: offset, as: V.self) }
        let pair = SIMD16(
            lowHalf: rawA.load(fromByteOffset: offset, as: Eight.self), highHalf: rawA.load(fromByteOffset: offset &+ panelBytes, as: Eight.self))
        return unsafeBitCast(pair, to: V.self)
    }
    let secondHalf = V.scalarCount / 8 &* panelBytes
    var pb = b
    var offset = 0
    for _ in 0..<kc {
        let x = rowsOfA(offset)
        let y = halves == 2 ? rowsOfA(offset &+ secondHalf) : V()
        @inline(__always) func step(_ j: Int, _ s: inout V, _ t: inout V) {
            guard columns > j else { return }
            let number = V(repeating: pb[j])
            s.addProduct(x, number)
            if halves == 2 { t.addProduct(y, number) }
        }
        step(0, &s0, &t0)
        step(1, &s1, &t1)
        step(2, &s2, &t2)
        step(3, &s3, &t3)
        step(4, &s4, &t4)
        step(5, &s5, &t5)
        step(6, &s6, &t6)
        pb += 16
        offset &+= 32
    }
    // the sums, column after column, then added to C row by row (indexing a vector register by a
    // variable lane would store the whole register each time)
    withUnsafeTemporaryAllocation(of: V.self, capacity: 14) { sums in
        sums.initialize(repeating: V())
        @inline(__always) func keep(_ j: Int, _ s: V, _ t: V) {
            guard columns > j else { return }
            sums[2 &* j] = s
            sums[2 &* j &+ 1] = t
        }
        keep(0, s0, t0)
        keep(1, s1, t1)
        keep(2, s2, t2)
        keep(3, s3, t3)
        keep(4, s4, t4)
        keep(5, s5, t5)
        keep(6, s6, t6)
        let sum = UnsafeRawPointer(sums.baseAddress!).assumingMemoryBound(to: Float.self)
        for i in 0..<rows {
            let row = c + i &* cRow
            for j in 0..<columns { row[j] = add ? row[j] + sum[2 &* j &* V.scalarCount &+ i] : sum[2 &* j &* V.scalarCount &+ i] }
        }
    }
}
