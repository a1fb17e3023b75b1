import CKernels
import Foundation

// The single-precision matrix product: the one that training spends its time in.
//
// The packed product (BLIS's blocks and panels, a micro-kernel holding a tile of C in vector
// registers) is C in Sources/CKernels: product_narrow.h for 8-float vectors (6 × 16 tiles, compiled
// for AVX2 with FMA and for the baseline), product_avx512.c for 16-float vectors (8 × 32 tiles).
// Each function names its own instruction set, so the package needs no compiler flags, and this
// file picks the kernel the processor can run.
//
// Two cores: a product of at least `parallelThreshold` multiply-adds is split into two halves of C
// (by rows or columns, whichever is larger), each with its own packing buffers, the second half
// on a persistent worker thread (see `ProductWorker`), so a small product never waits for a
// thread to be created.

/// `C = op(A)·op(B)` (or `C += …` when `accumulate`) for Float, with `A(i, p) = a[i·aRow + p·aColumn]`,
/// `B(p, j) = b[p·bRow + j·bColumn]` and `C` row-major with `n` columns.
func floatProduct(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int,
    c: UnsafeMutablePointer<Float>, accumulate: Bool, twoCores: Bool, instructions: VectorInstructions
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if !accumulate { c.update(repeating: 0, count: m * n) }
        return
    }
    let set = instructions.c
    let work = m * n * k
    if m <= FloatProductBlocking.fewRows && bColumn == 1 {
        if !accumulate { c.update(repeating: 0, count: m * n) }
        // A handful of rows (one image at inference): stream B once, no packing.
        if twoCores && work >= FloatProductBlocking.parallelThreshold && n >= 64 {
            let left = (n / 2) / 8 * 8
            nonisolated(unsafe) let (ua, ub, uc) = (a, b, c)
            ProductWorker.shared.run(
                { teach_few_rows_product(set, m, left, k, ua, aRow, aColumn, ub, bRow, uc, n) },
                { teach_few_rows_product(set, m, n - left, k, ua, aRow, aColumn, ub + left, bRow, uc + left, n) })
        } else {
            teach_few_rows_product(set, m, n, k, a, aRow, aColumn, b, bRow, c, n)
        }
        return
    }
    // AVX-512's tiles are 8×32, the others' 6×16: the same numbers either way
    let (mr, nr) = instructions == .avx512 ? (8, 32) : (6, 16)
    let accumulating: Int32 = accumulate ? 1 : 0
    if twoCores, work >= FloatProductBlocking.parallelThreshold, max(m, n) >= 2 * mr {
        // Split the larger dimension in two, on a tile boundary.
        nonisolated(unsafe) let (ua, ub, uc) = (a, b, c)
        if n >= m {
            let left = min(((n / 2 + nr - 1) / nr) * nr, n)
            ProductWorker.shared.run(
                { teach_packed_product(set, m, left, k, ua, aRow, aColumn, ub, bRow, bColumn, uc, n, accumulating) },
                { teach_packed_product(set, m, n - left, k, ua, aRow, aColumn, ub + left * bColumn, bRow, bColumn, uc + left, n, accumulating) })
        } else {
            let top = min(((m / 2 + mr - 1) / mr) * mr, m)
            ProductWorker.shared.run(
                { teach_packed_product(set, top, n, k, ua, aRow, aColumn, ub, bRow, bColumn, uc, n, accumulating) },
                { teach_packed_product(set, m - top, n, k, ua + top * aRow, aRow, aColumn, ub, bRow, bColumn, uc + top * n, n, accumulating) })
        }
    } else {
        teach_packed_product(set, m, n, k, a, aRow, aColumn, b, bRow, bColumn, c, n, accumulating)
    }
}

/// When the product takes two cores, and when it skips packing.
enum FloatProductBlocking {
    /// Multiply-adds from which a product is split over two cores (2 MFLOP is about 20 µs of work).
    static let parallelThreshold = 1_000_000
    /// Up to this many rows of A, B is streamed without packing: packing would copy all of B to
    /// use each number of it only a few times.
    static let fewRows = 4
}

/// The right-hand factor `B` (`k×n`) of many products `A·B` by the same matrix, packed once: a
/// recurrent layer multiplies each time step's states by the same weights, and packing them on
/// every step cost about a quarter of each product's time.
///
/// The products give the numbers ``FloatKernels/product(m:n:k:a:aRow:aColumn:b:bRow:bColumn:c:accumulate:twoCores:instructions:)``
/// gives with the packed path (more than ``FloatKernels/fewRows`` rows of `A`, or a transposed
/// `B`), bit for bit, and use both cores for the same products (split on a multiple of 32 columns
/// or of a tile's rows; where the split falls does not change a number).
public final class PackedFloatFactor: @unchecked Sendable {
    /// `k`, the rows of `B`: the depth of each product.
    public let depth: Int
    /// `n`, the columns of `B` and of each product.
    public let columns: Int
    let instructions: VectorInstructions
    let packed: UnsafeMutablePointer<Float>

    /// Packs `B(p, j) = b[p·bRow + j·bColumn]` for `p < depth`, `j < columns` (`B` is read now and
    /// not kept). `instructions` as for the product; a set the processor lacks is lowered to the
    /// best it has.
    public init(
        depth: Int, columns: Int, b: UnsafePointer<Float>, bRow: Int, bColumn: Int, instructions: VectorInstructions = .best
    ) {
        precondition(depth >= 0 && columns >= 0, "PackedFloatFactor: depth \(depth) and columns \(columns) must not be negative")
        self.depth = depth
        self.columns = columns
        self.instructions = min(instructions, .best)
        packed = teach_allocate_floats(teach_packed_factor_size(columns, depth))
        teach_pack_factor(self.instructions.c, columns, depth, b, bRow, bColumn, packed)
    }

    deinit { free(packed) }

    /// `C = A·B` (or `C += A·B` when `accumulate`) for `m` rows of `A(i, p) = a[i·aRow + p·aColumn]`
    /// and `C` with rows `cRow` apart (`columns` by default). Both cores for a product of at least a
    /// million multiply-adds unless `twoCores` is false, split as the product splits.
    public func product(
        m: Int, a: UnsafePointer<Float>, aRow: Int, aColumn: Int, c: UnsafeMutablePointer<Float>, cRow: Int? = nil, accumulate: Bool,
        twoCores: Bool = true
    ) {
        let n = columns, k = depth, cRow = cRow ?? n
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate { for i in 0..<m { (c + i * cRow).update(repeating: 0, count: n) } }
            return
        }
        let set = instructions.c, packed = UnsafePointer(packed), accumulating: Int32 = accumulate ? 1 : 0
        let mr = instructions == .avx512 ? 8 : 6
        guard twoCores, m * n * k >= FloatProductBlocking.parallelThreshold, max(m, n) >= 2 * mr else {
            teach_packed_factor_product(set, m, n, k, a, aRow, aColumn, packed, 0, n, c, cRow, accumulating)
            return
        }
        nonisolated(unsafe) let (ua, up, uc) = (a, packed, c)
        if n >= m {
            // columns split on a multiple of 32 (a panel boundary for every instruction set)
            let left = min(((n / 2 + 31) / 32) * 32, n)
            ProductWorker.shared.run(
                { teach_packed_factor_product(set, m, n, k, ua, aRow, aColumn, up, 0, left, uc, cRow, accumulating) },
                { teach_packed_factor_product(set, m, n, k, ua, aRow, aColumn, up, left, n - left, uc + left, cRow, accumulating) })
        } else {
            let top = min(((m / 2 + mr - 1) / mr) * mr, m)
            ProductWorker.shared.run(
                { teach_packed_factor_product(set, top, n, k, ua, aRow, aColumn, up, 0, n, uc, cRow, accumulating) },
                {
                    teach_packed_factor_product(
                        set, m - top, n, k, ua + top * aRow, aRow, aColumn, up, 0, n, uc + top * cRow, cRow, accumulating)
                })
        }
    }
}
