// The single-precision matrix product: the one that training spends its time in.
//
// The layout follows BLIS (Van Zee and van de Geijn, 2015). C (m×n) is computed in blocks:
//
//     for each block of NC columns of B            (B's block stays in the last-level cache)
//       for each block of KC rows of that block    pack it: column panels of NR = 16, contiguous
//         for each block of MC rows of A           pack it: row panels of MR = 6, contiguous
//           for each MR×NR tile of C               the micro-kernel: KC rank-1 updates held in
//                                                  12 SIMD8<Float> registers, then added to C
//
// Packing reads A and B through a row stride and a column stride, so a transposed operand
// (Aᵀ·B and A·Bᵀ in backpropagation) costs nothing extra: it is packed straight from memory.
// The micro-kernel's multiply-adds are fused (`addingProduct`), which needs the FMA instructions
// Package.swift enables for this target on x86-64.
//
// Two cores: a product of at least `parallelThreshold` multiply-adds is split into two halves of C
// (by rows or columns, whichever is larger), each with its own packing buffers, the second half
// on a persistent worker thread (see `ProductWorker`), so a small product never waits for a
// thread to wake.

/// `C = op(A)·op(B)` (or `C += …` when `accumulate`) for Float, with `A(i, p) = a[i·aRow + p·aColumn]`,
/// `B(p, j) = b[p·bRow + j·bColumn]` and `C` row-major with `n` columns.
@usableFromInline
func floatProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int,
    c: UnsafeMutablePointer<Float>, accumulate: Bool
) {
    guard m > 0, n > 0 else { return }
    if !accumulate { c.update(repeating: 0, count: m * n) }
    guard k > 0 else { return }
    let work = m * n * k
    if m <= FloatProductBlocking.fewRows && bColumn == 1 {
        // A handful of rows (one image at inference): stream B once, no packing.
        if work >= FloatProductBlocking.parallelThreshold && n >= 64 {
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
    if work >= FloatProductBlocking.parallelThreshold, max(m, n) >= 2 * FloatProductBlocking.mr {
        // Split the larger dimension in two, on a tile boundary.
        if n >= m {
            let half = ((n / 2 + FloatProductBlocking.nr - 1) / FloatProductBlocking.nr) * FloatProductBlocking.nr
            let left = min(half, n)
            nonisolated(unsafe) let (ua, ub, uc) = (a, b, c)
            ProductWorker.shared.run(
                { packedProduct(m: m, n: left, k: k, a: ua, aRow: aRow, aColumn: aColumn, b: ub, bRow: bRow, bColumn: bColumn, c: uc, cRow: n) },
                {
                    packedProduct(
                        m: m, n: n - left, k: k, a: ua, aRow: aRow, aColumn: aColumn, b: ub + left * bColumn, bRow: bRow, bColumn: bColumn,
                        c: uc + left, cRow: n)
                })
        } else {
            let half = ((m / 2 + FloatProductBlocking.mr - 1) / FloatProductBlocking.mr) * FloatProductBlocking.mr
            let top = min(half, m)
            nonisolated(unsafe) let (ua, ub, uc) = (a, b, c)
            ProductWorker.shared.run(
                { packedProduct(m: top, n: n, k: k, a: ua, aRow: aRow, aColumn: aColumn, b: ub, bRow: bRow, bColumn: bColumn, c: uc, cRow: n) },
                {
                    packedProduct(
                        m: m - top, n: n, k: k, a: ua + top * aRow, aRow: aRow, aColumn: aColumn, b: ub, bRow: bRow, bColumn: bColumn,
                        c: uc + top * n, cRow: n)
                })
        }
    } else {
        packedProduct(m: m, n: n, k: k, a: a, aRow: aRow, aColumn: aColumn, b: b, bRow: bRow, bColumn: bColumn, c: c, cRow: n)
    }
}

/// Block sizes, chosen for this machine's caches (32 KiB L1 data, 512 KiB L2 per core).
enum FloatProductBlocking {
    /// Rows of a micro-tile.
    static let mr = 6
    /// Columns of a micro-tile: two SIMD8<Float>.
    static let nr = 16
    /// Depth of a packed block: an MR×KC sliver of A and a KC×NR sliver of B fit in L1.
    static let kc = 256
    /// Rows of a packed block of A (a multiple of MR): MC×KC floats fit in L2.
    static let mc = 120
    /// Columns of a packed block of B (a multiple of NR).
    static let nc = 2048
    /// Multiply-adds from which a product is split over two cores (2 MFLOP is about 20 µs of work).
    static let parallelThreshold = 1_000_000
    /// Up to this many rows of A, B is streamed without packing: packing would copy all of B to
    /// use each number of it only a few times.
    static let fewRows = 4
}

/// `C += A·B` for `m ≤ 4` rows and a row-major B: for each row of B, every row of C takes
/// `A(i, p) · B(p, :)`, eight columns at a time. B is read once, at memory speed.
func fewRowsProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int,
    c: UnsafeMutablePointer<Float>, cRow: Int
) {
    typealias V = SIMD8<Float>
    let vectorColumns = n / 8 * 8
    for p in 0..<k {
        let row = UnsafeRawPointer(b + p * bRow)
        for i in 0..<m {
            let scale = a[i * aRow + p * aColumn]
            guard scale != 0 else { continue }
            let s = V(repeating: scale)
            let target = UnsafeMutableRawPointer(c + i * cRow)
            var j = 0
            while j < vectorColumns {
                let offset = j &* 4
                var sum = (target + offset).loadUnaligned(as: V.self)
                sum.addProduct(s, row.loadUnaligned(fromByteOffset: offset, as: V.self))
                (target + offset).storeBytes(of: sum, as: V.self)
                j &+= 8
            }
            let cRowPointer = c + i * cRow, bRowPointer = b + p * bRow
            while j < n {
                cRowPointer[j] = cRowPointer[j].addingProduct(scale, bRowPointer[j])
                j += 1
            }
        }
    }
}

/// `C += A·B` on one core, C with row stride `cRow`.
func packedProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int,
    c: UnsafeMutablePointer<Float>, cRow: Int
) {
    typealias Blocking = FloatProductBlocking
    let mr = Blocking.mr, nr = Blocking.nr
    let kcMax = min(Blocking.kc, k), mcMax = min(Blocking.mc, (m + mr - 1) / mr * mr), ncMax = min(Blocking.nc, (n + nr - 1) / nr * nr)
    let packedA = UnsafeMutableRawPointer.allocate(byteCount: mcMax * kcMax * 4, alignment: 64).bindMemory(to: Float.self, capacity: mcMax * kcMax)
    let packedB = UnsafeMutableRawPointer.allocate(byteCount: ncMax * kcMax * 4, alignment: 64).bindMemory(to: Float.self, capacity: ncMax * kcMax)
    defer {
        packedA.deallocate()
        packedB.deallocate()
    }
    let edge = UnsafeMutablePointer<Float>.allocate(capacity: mr * nr)
    defer { edge.deallocate() }
    for jc in stride(from: 0, to: n, by: Blocking.nc) {
        let nc = min(Blocking.nc, n - jc)
        for pc in stride(from: 0, to: k, by: Blocking.kc) {
            let kc = min(Blocking.kc, k - pc)
            packB(kc: kc, nc: nc, b: b + pc * bRow + jc * bColumn, bRow: bRow, bColumn: bColumn, into: packedB)
            for ic in stride(from: 0, to: m, by: Blocking.mc) {
                let mcRows = min(Blocking.mc, m - ic)
                packA(mc: mcRows, kc: kc, a: a + ic * aRow + pc * aColumn, aRow: aRow, aColumn: aColumn, into: packedA)
                for jr in stride(from: 0, to: nc, by: nr) {
                    let columns = min(nr, nc - jr)
                    let bPanel = packedB + jr * kc
                    for ir in stride(from: 0, to: mcRows, by: mr) {
                        let rows = min(mr, mcRows - ir)
                        let aPanel = packedA + ir * kc
                        let tile = c + (ic + ir) * cRow + jc + jr
                        if rows == mr && columns == nr {
                            microKernel(kc: kc, a: aPanel, b: bPanel, c: tile, cRow: cRow)
                        } else {
                            // a partial tile: compute the whole tile into scratch, add the part that exists
                            edge.update(repeating: 0, count: mr * nr)
                            microKernel(kc: kc, a: aPanel, b: bPanel, c: edge, cRow: nr)
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

/// Packs a `kc×nc` block of B into column panels of NR: panel `j` holds, for each `p`, the NR
/// numbers `B(p, j·NR ..< j·NR + NR)`, zero-padded past `nc`.
@inline(__always)
func packB(kc: Int, nc: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int, into packed: UnsafeMutablePointer<Float>) {
    let nr = FloatProductBlocking.nr
    var target = packed
    for jr in stride(from: 0, to: nc, by: nr) {
        let columns = min(nr, nc - jr)
        if columns == nr && bColumn == 1 {
            for p in 0..<kc {
                target.update(from: b + p * bRow + jr, count: nr)
                target += nr
            }
        } else if bRow == 1 {
            // B transposed: each of the panel's columns is contiguous in memory; read it in one run
            for j in 0..<nr {
                if j < columns {
                    let column = b + (jr + j) * bColumn
                    for p in 0..<kc { target[p &* nr &+ j] = column[p] }
                } else {
                    for p in 0..<kc { target[p &* nr &+ j] = 0 }
                }
            }
            target += kc * nr
        } else {
            for p in 0..<kc {
                let row = b + p * bRow + jr * bColumn
                for j in 0..<columns { target[j] = row[j * bColumn] }
                for j in columns..<nr { target[j] = 0 }
                target += nr
            }
        }
    }
}

/// Packs an `mc×kc` block of A into row panels of MR: panel `i` holds, for each `p`, the MR
/// numbers `A(i·MR ..< i·MR + MR, p)`, zero-padded past `mc`.
@inline(__always)
func packA(mc: Int, kc: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, into packed: UnsafeMutablePointer<Float>) {
    let mr = FloatProductBlocking.mr
    var target = packed
    for ir in stride(from: 0, to: mc, by: mr) {
        let rows = min(mr, mc - ir)
        if rows == mr && aRow == 1 {
            for p in 0..<kc {
                target.update(from: a + p * aColumn + ir, count: mr)
                target += mr
            }
        } else if aColumn == 1 {
            // A row-major: each of the panel's rows is contiguous in memory; read it in one run
            for i in 0..<mr {
                if i < rows {
                    let row = a + (ir + i) * aRow
                    for p in 0..<kc { target[p &* mr &+ i] = row[p] }
                } else {
                    for p in 0..<kc { target[p &* mr &+ i] = 0 }
                }
            }
            target += kc * mr
        } else {
            for p in 0..<kc {
                let column = a + p * aColumn + ir * aRow
                for i in 0..<rows { target[i] = column[i * aRow] }
                for i in rows..<mr { target[i] = 0 }
                target += mr
            }
        }
    }
}

/// The 6×16 micro-kernel: `C(6×16) += Apanel(6×kc) · Bpanel(kc×16)`, twelve accumulators of eight
/// floats, one fused multiply-add each per step of `p`.
@inline(__always)
func microKernel(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, cRow: Int) {
    typealias V = SIMD8<Float>
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
    var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
    let rawB = UnsafeRawPointer(b)
    var pa = a
    var offset = 0
    for _ in 0..<kc {
        let b0 = rawB.load(fromByteOffset: offset, as: V.self)
        let b1 = rawB.load(fromByteOffset: offset &+ 32, as: V.self)
        var s = V(repeating: pa[0])
        c00.addProduct(s, b0)
        c01.addProduct(s, b1)
        s = V(repeating: pa[1])
        c10.addProduct(s, b0)
        c11.addProduct(s, b1)
        s = V(repeating: pa[2])
        c20.addProduct(s, b0)
        c21.addProduct(s, b1)
        s = V(repeating: pa[3])
        c30.addProduct(s, b0)
        c31.addProduct(s, b1)
        s = V(repeating: pa[4])
        c40.addProduct(s, b0)
        c41.addProduct(s, b1)
        s = V(repeating: pa[5])
        c50.addProduct(s, b0)
        c51.addProduct(s, b1)
        pa += 6
        offset &+= 64
    }
    @inline(__always) func add(_ row: Int, _ low: V, _ high: V) {
        let target = UnsafeMutableRawPointer(c + row &* cRow)
        target.storeBytes(of: target.loadUnaligned(as: V.self) + low, as: V.self)
        (target + 32).storeBytes(of: (target + 32).loadUnaligned(as: V.self) + high, as: V.self)
    }
    add(0, c00, c01)
    add(1, c10, c11)
    add(2, c20, c21)
    add(3, c30, c31)
    add(4, c40, c41)
    add(5, c50, c51)
}
