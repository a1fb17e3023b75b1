import CKernels

/// The shape of a micro-kernel's tile: `rows` rows of C, each `vectors` vectors of `Vector` wide.
/// A type rather than two numbers, so that every specialisation of ``tileKernel(_:bWidth:kc:a:b:c:cRow:add:)``
/// has them as constants, inlined or not.
public protocol TileShape {
    associatedtype Vector: SIMD where Vector.Scalar == Float
    /// Rows of C (and numbers of A per step of the depth): at most 8.
    static var rows: Int { get }
    /// Vectors per row of C: 1 or 2.
    static var vectors: Int { get }
}

/// The micro-kernel of both packed products: `C(R × N) += Apanel(R × kc) · Bpanel(kc × N)` (`=` when
/// `add` is false), where `R` is the shape's rows and `N` its vectors of its `Vector`. One
/// accumulator per row and vector, one fused multiply-add each per step of the depth; A's panel
/// holds `R` numbers per step, B's panel `bWidth`.
///
/// The AVX2 product runs it on `SIMD8<Float>` (6 × 16 tiles, twelve of its sixteen registers), the
/// AVX-512 product on `SIMD16<Float>` (8 × 32, sixteen of thirty-two). The shape's numbers are
/// constants in each specialisation, so the unused accumulators and multiply-adds are folded away
/// and each shape gets the hand-unrolled kernel, compiled with its caller's instruction set.
@inlinable @inline(__always)
public func tileKernel<Shape: TileShape>(
    _ shape: Shape.Type, bWidth: Int, kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
    cRow: Int, add: Bool
) {
    typealias V = Shape.Vector
    let rows = Shape.rows, vectors = Shape.vectors
    // C's tile, asked for now so that adding to it at the end finds it in cache (C is visited
    // once per depth block and is usually farther away than L2)
    for row in 0..<rows {
        let start = UnsafeRawPointer(c + row &* cRow)
        teach_prefetch_for_writing(start)
        if vectors &* MemoryLayout<V>.size > 64 { teach_prefetch_for_writing(start + 64) }
    }
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
    var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
    let rawB = UnsafeRawPointer(b)
    let size = MemoryLayout<V>.size
    var pa = a
    var offset = 0
    for _ in 0..<kc {
        let b0 = rawB.loadUnaligned(fromByteOffset: offset, as: V.self)
        let b1 = vectors > 1 ? rawB.loadUnaligned(fromByteOffset: offset &+ size, as: V.self) : V()
        @inline(__always) func step(_ row: Int, _ low: inout V, _ high: inout V) {
            guard row < rows else { return }
            let number = V(repeating: pa[row])
            low.addProduct(number, b0)
            if vectors > 1 { high.addProduct(number, b1) }
        }
        step(0, &c00, &c01)
        step(1, &c10, &c11)
        step(2, &c20, &c21)
        step(3, &c30, &c31)
        step(4, &c40, &c41)
        step(5, &c50, &c51)
        step(6, &c60, &c61)
        step(7, &c70, &c71)
        pa += rows
        offset &+= bWidth &* 4
    }
    @inline(__always) func finish(_ row: Int, _ low: V, _ high: V) {
        guard row < rows else { return }
        let target = UnsafeMutableRawPointer(c + row &* cRow)
        target.storeBytes(of: add ? target.loadUnaligned(as: V.self) + low : low, as: V.self)
        if vectors > 1 {
            (target + size).storeBytes(of: add ? (target + size).loadUnaligned(as: V.self) + high : high, as: V.self)
        }
    }
    finish(0, c00, c01)
    finish(1, c10, c11)
    finish(2, c20, c21)
    finish(3, c30, c31)
    finish(4, c40, c41)
    finish(5, c50, c51)
    finish(6, c60, c61)
    finish(7, c70, c71)
}
