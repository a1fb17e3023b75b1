// Element-wise Float loops of a training step that the compiler does not vectorise from Teach's
// generic code (a select per element became a branch per element, mispredicted half the time on
// random signs). Written here on 8-float vectors, so they are fast in debug builds too.

extension FloatKernels {
    /// ReLU: `output[i] = input[i] > 0 ? input[i] : 0` (NaN gives 0), for `count` numbers.
    public static func relu(count: Int, _ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        let source = UnsafeRawPointer(input), target = UnsafeMutableRawPointer(output)
        let zero = V()
        var i = 0
        while i &+ 8 <= count {
            let h = source.loadUnaligned(fromByteOffset: i &* 4, as: V.self)
            target.storeBytes(of: zero.replacing(with: h, where: h .> zero), toByteOffset: i &* 4, as: V.self)
            i &+= 8
        }
        while i < count {
            output[i] = input[i] > 0 ? input[i] : 0
            i &+= 1
        }
    }

    /// The gradient through a ReLU: `output[i] = gradient[i] · (weightedSums[i] > 0 ? 1 : 0)`, the
    /// same multiplication as `g · f'(h)` (so `-g · 0` is `-0`, as there).
    public static func reluGradient(
        count: Int, _ gradient: UnsafePointer<Float>, weightedSums: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>
    ) {
        typealias V = SIMD8<Float>
        let g = UnsafeRawPointer(gradient), h = UnsafeRawPointer(weightedSums), target = UnsafeMutableRawPointer(output)
        let zero = V(), one = V(repeating: 1)
        var i = 0
        while i &+ 8 <= count {
            let sums = h.loadUnaligned(fromByteOffset: i &* 4, as: V.self)
            let slope = zero.replacing(with: one, where: sums .> zero)
            target.storeBytes(of: g.loadUnaligned(fromByteOffset: i &* 4, as: V.self) * slope, toByteOffset: i &* 4, as: V.self)
            i &+= 8
        }
        while i < count {
            output[i] = gradient[i] * (weightedSums[i] > 0 ? 1 : 0)
            i &+= 1
        }
    }
}
