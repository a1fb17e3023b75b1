import CKernels
import TeachKernelsShared
import TeachKernelsAVX512

// The single-precision matrix product: the one that training spends its time in.
//
// The layout follows BLIS (Van Zee and van de Geijn, 2015). C (m×n) is computed in blocks:
//
//     for each block of NC = 1024 columns of B
//       for each block of KC rows of that block    pack it: column panels of NR = 16 (1 MiB, in L2)
//         for each block of MC rows of A           pack it: row panels of MR = 6, contiguous
//           for each panel of MR rows of A         (stays in L1 while it meets every panel of B)
//             for each panel of NR columns of B    the micro-kernel: KC rank-1 updates held in
//                                                  12 SIMD8<Float> registers, then added to C
//
// (BLIS keeps B's panel in L1 and sweeps A's block from L2; the order above, with C's tile asked
// for before the kernel starts, measured faster here at n = 2048: 67 → 80 GFLOP/s on one core.)
// Packing reads A and B through a row stride and a column stride, so a transposed operand
// (Aᵀ·B and A·Bᵀ in backpropagation) costs nothing extra: it is packed straight from memory,
// transposed in registers where needed (Sources/TeachKernelsShared).
// The micro-kernel's multiply-adds are fused (`addingProduct`), which needs the FMA instructions
// Package.swift enables for this target on x86-64.
//
// With AVX-512 (asked of the processor at run time) the packed product runs the same blocks with
// 16-float vectors in 8×32 tiles instead: Sources/TeachKernelsAVX512, compiled for AVX-512 on its own.
//
// Two cores: a product of at least `parallelThreshold` multiply-adds is split into two halves of C
// (by rows or columns, whichever is larger), each with its own packing buffers, the second half
// on a persistent worker thread (see `ProductWorker`), so a small product never waits for a
// thread to wake.

/// `C = op(A)·op(B)` (or `C += …` when `accumulate`) for Float, with `A(i, p) = a[i·aRow + p·aColumn]`,
/// `B(p, j) = b[p·bRow + j·bColumn]` and `C` row-major with `n` columns.
func floatProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int,
    c: UnsafeMutablePointer<Float>, accumulate: Bool, twoCores: Bool, wideVectors: Bool
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if !accumulate { c.update(repeating: 0, count: m * n) }
        return
    }
    let work = m * n * k
    if m <= FloatProductBlocking.fewRows && bColumn == 1 {
        if !accumulate { c.update(repeating: 0, count: m * n) }
        // A handful of rows (one image at inference): stream B once, no packing.
        if twoCores && work >= FloatProductBlocking.parallelThreshold && n >= 64 {
            let left = (n / 2) / 8 * 8
            nonisolated(unsafe) let (ua, ub, uc) = (a, b, c)
            ProductWorker.shared.run(
                { fewRowsProduct(m: m, n: left, k: k, a: ua, aRow: aRow, aColumn: aColumn, b: ub, bRow: bRow, c: uc, cRow: n) },
                { fewRowsProduct(m: m, n: n - left, k: k, a: ua, aRow: aRow, aColumn: aColumn, b: ub + left, bRow: bRow, c: uc + left, cRow: n) })
        } else {
            fewRowsProduct(m: m, n: n, k: k, a: a, aRow: aRow, aColumn: aColumn, b: b, bRow: bRow, c: c, cRow: n)
        }
        return
    }
    // AVX-512 when the processor has it (tiles of 8×32), else AVX2 (6×16): the same numbers either way
    let wide = wideVectors && FloatProductBlocking.avx512
    let (mr, nr) = wide ? (8, 32) : (FloatProductBlocking.mr, FloatProductBlocking.nr)
    let product = wide ? packedProductAVX512 : packedProduct
    if twoCores, work >= FloatProductBlocking.parallelThreshold, max(m, n) >= 2 * mr {
        // Split the larger dimension in two, on a tile boundary.
        nonisolated(unsafe) let (ua, ub, uc) = (a, b, c)
        if n >= m {
            let left = min(((n / 2 + nr - 1) / nr) * nr, n)
            ProductWorker.shared.run(
                { product(m, left, k, ua, aRow, aColumn, ub, bRow, bColumn, uc, n, accumulate) },
                { product(m, n - left, k, ua, aRow, aColumn, ub + left * bColumn, bRow, bColumn, uc + left, n, accumulate) })
        } else {
            let top = min(((m / 2 + mr - 1) / mr) * mr, m)
            ProductWorker.shared.run(
                { product(top, n, k, ua, aRow, aColumn, ub, bRow, bColumn, uc, n, accumulate) },
                { product(m - top, n, k, ua + top * aRow, aRow, aColumn, ub, bRow, bColumn, uc + top * n, n, accumulate) })
        }
    } else {
        product(m, n, k, a, aRow, aColumn, b, bRow, bColumn, c, n, accumulate)
    }
}

/// Block sizes, chosen for this machine's caches (32 KiB L1 data, 512 KiB L2 per core).
enum FloatProductBlocking {
    /// Rows of a micro-tile.
    static let mr = Tile6x16.rows
    /// Columns of a micro-tile: two SIMD8<Float>.
    static let nr = 16
    /// Depth of a packed block: an MR×KC sliver of A and a KC×NR sliver of B fit in L1.
    static let kc = 256
    /// Rows of a packed block of A (a multiple of MR): MC×KC floats fit in L2.
    static let mc = 120
    /// Columns of a packed block of B (a multiple of NR): 256 × 1024 floats (1 MiB) stay in L2.
    static let nc = 1024
    /// Multiply-adds from which a product is split over two cores (2 MFLOP is about 20 µs of work).
    static let parallelThreshold = 1_000_000
    /// Up to this many rows of A, B is streamed without packing: packing would copy all of B to
    /// use each number of it only a few times.
    static let fewRows = 4
    /// Whether this processor runs the AVX-512 kernel (asked once).
    static let avx512 = teach_cpu_has_avx512f() != 0
}

/// `C += A·B` for `m ≤ 4` rows and a row-major B: every row of C takes `A(i, p) · B(p, :)` for
/// each row `p` of B, in order, eight columns at a time. B is read once, at memory speed.
///
/// Only the rows of B that meet a nonzero number of A are read (a layer after ReLU has about half
/// of its inputs at 0, and 0·B(p, j) adds nothing), four of them at a time: each vector of C is
/// loaded, given four fused multiply-adds in order and stored, instead of once per row of B.
/// The chain of multiply-adds of each number of C is the same either way.
func fewRowsProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int,
    c: UnsafeMutablePointer<Float>, cRow: Int
) {
    typealias V = SIMD8<Float>
    let vectorColumns = n / 8 * 8
    withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { used in
        var count = 0
        for p in 0..<k where (0..<m).contains(where: { a[$0 &* aRow &+ p &* aColumn] != 0 }) {
            used[count] = p
            count += 1
        }
        var q = 0
        while q < count {
            let group = min(4, count - q)
            let p0 = used[q], p1 = used[q + min(1, group - 1)], p2 = used[q + min(2, group - 1)], p3 = used[q + min(3, group - 1)]
            let row0 = UnsafeRawPointer(b + p0 &* bRow), row1 = UnsafeRawPointer(b + p1 &* bRow)
            let row2 = UnsafeRawPointer(b + p2 &* bRow), row3 = UnsafeRawPointer(b + p3 &* bRow)
            for i in 0..<m {
                let scales = (a[i &* aRow &+ p0 &* aColumn], a[i &* aRow &+ p1 &* aColumn], a[i &* aRow &+ p2 &* aColumn], a[i &* aRow &+ p3 &* aColumn])
                let target = UnsafeMutableRawPointer(c + i &* cRow)
                if group == 4 {
                    let s0 = V(repeating: scales.0), s1 = V(repeating: scales.1), s2 = V(repeating: scales.2), s3 = V(repeating: scales.3)
                    var j = 0
                    while j < vectorColumns {
                        let offset = j &* 4
                        var sum = (target + offset).loadUnaligned(as: V.self)
                        sum.addProduct(s0, row0.loadUnaligned(fromByteOffset: offset, as: V.self))
                        sum.addProduct(s1, row1.loadUnaligned(fromByteOffset: offset, as: V.self))
                        sum.addProduct(s2, row2.loadUnaligned(fromByteOffset: offset, as: V.self))
                        sum.addProduct(s3, row3.loadUnaligned(fromByteOffset: offset, as: V.self))
                        (target + offset).storeBytes(of: sum, as: V.self)
                        j &+= 8
                    }
                } else {
                    // the last one to three rows of B, one at a time
                    for r in 0..<group {
                        let (scale, row) = r == 0 ? (scales.0, row0) : r == 1 ? (scales.1, row1) : (scales.2, row2)
                        let s = V(repeating: scale)
                        var j = 0
                        while j < vectorColumns {
                            let offset = j &* 4
                            var sum = (target + offset).loadUnaligned(as: V.self)
                            sum.addProduct(s, row.loadUnaligned(fromByteOffset: offset, as: V.self))
                            (target + offset).storeBytes(of: sum, as: V.self)
                            j &+= 8
                        }
                    }
                }
                // the last n mod 8 columns
                let cRowPointer = c + i &* cRow
                for j in vectorColumns..<n {
                    var sum = cRowPointer[j]
                    sum = sum.addingProduct(scales.0, b[p0 &* bRow &+ j])
                    if group > 1 { sum = sum.addingProduct(scales.1, b[p1 &* bRow &+ j]) }
                    if group > 2 { sum = sum.addingProduct(scales.2, b[p2 &* bRow &+ j]) }
                    if group > 3 { sum = sum.addingProduct(scales.3, b[p3 &* bRow &+ j]) }
                    cRowPointer[j] = sum
                }
            }
            q += group
        }
    }
}

/// `C = A·B` (or `C += A·B` when `accumulate`) on one core, C with row stride `cRow`.
func packedProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int,
    c: UnsafeMutablePointer<Float>, cRow: Int, accumulate: Bool
) {
    // each core clears its own part of C
    if !accumulate {
        for i in 0..<m { (c + i * cRow).update(repeating: 0, count: n) }
    }
    typealias Blocking = FloatProductBlocking
    let mr = Blocking.mr, nr = Blocking.nr
    // depth blocks of equal size (784 = 4 × 196, not 3 × 256 + 16: a thin last block costs a
    // full pass of C loads and stores for little work)
    let depthBlocks = (k + Blocking.kc - 1) / Blocking.kc
    let kcStep = (k + depthBlocks - 1) / depthBlocks
    let kcMax = kcStep, mcMax = min(Blocking.mc, (m + mr - 1) / mr * mr), ncMax = min(Blocking.nc, (n + nr - 1) / nr * nr)
    // (8 numbers of room after A's panels: packing a 6-wide panel stores 8 numbers per step)
    let packedA = UnsafeMutableRawPointer.allocate(byteCount: (mcMax * kcMax + 8) * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: mcMax * kcMax + 8)
    let packedB = UnsafeMutableRawPointer.allocate(byteCount: ncMax * kcMax * 4, alignment: 64).bindMemory(to: Float.self, capacity: ncMax * kcMax)
    defer {
        packedA.deallocate()
        packedB.deallocate()
    }
    let edge = UnsafeMutablePointer<Float>.allocate(capacity: mr * nr)
    defer { edge.deallocate() }
    for jc in stride(from: 0, to: n, by: Blocking.nc) {
        let nc = min(Blocking.nc, n - jc)
        for pc in stride(from: 0, to: k, by: kcStep) {
            let kc = min(kcStep, k - pc)
            packPanels(width: nr, count: nc, depth: kc, source: b + pc * bRow + jc * bColumn, along: bColumn, across: bRow, into: packedB)
            for ic in stride(from: 0, to: m, by: Blocking.mc) {
                let mcRows = min(Blocking.mc, m - ic)
                packPanels(width: mr, count: mcRows, depth: kc, source: a + ic * aRow + pc * aColumn, along: aRow, across: aColumn, into: packedA)
                // One panel of A stays in L1 while it meets every panel of B's block (in L2), as in
                // the AVX-512 product (Sources/TeachKernelsAVX512).
                for ir in stride(from: 0, to: mcRows, by: mr) {
                    let rows = min(mr, mcRows - ir)
                    for jr in stride(from: 0, to: nc, by: nr) {
                        let columns = min(nr, nc - jr)
                        let bPanel = packedB + jr * kc
                        let aPanel = packedA + ir * kc
                        let tile = c + (ic + ir) * cRow + jc + jr
                        if rows == mr && columns == nr {
                            tileKernel(Tile6x16.self, bWidth: nr, kc: kc, a: aPanel, b: bPanel, c: tile, cRow: cRow, add: true)
                        } else if columns <= nr / 2 {
                            // a last panel of at most 8 columns: half the work of a full tile
                            edge.update(repeating: 0, count: mr * nr)
                            tileKernel(Tile6x8.self, bWidth: nr, kc: kc, a: aPanel, b: bPanel, c: edge, cRow: nr, add: true)
                            for i in 0..<rows {
                                for j in 0..<columns { tile[i * cRow + j] += edge[i * nr + j] }
                            }
                        } else {
                            // a partial tile: compute the whole tile into scratch, add the part that exists
                            edge.update(repeating: 0, count: mr * nr)
                            tileKernel(Tile6x16.self, bWidth: nr, kc: kc, a: aPanel, b: bPanel, c: edge, cRow: nr, add: true)
                            for i in 0..<rows {
                                for j in 0..<columns { tile[i * cRow + j] += edge[i * nr + j] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The tiles of this product: 6 rows of 16 columns, and 6 rows of 8 for a last panel of B whose
/// last 8 columns are padding.
enum Tile6x16: TileShape {
    typealias Vector = SIMD8<Float>
    static var rows: Int { 6 }
    static var vectors: Int { 2 }
}

enum Tile6x8: TileShape {
    typealias Vector = SIMD8<Float>
    static var rows: Int { Tile6x16.rows }
    static var vectors: Int { 1 }
}
