import RealModule

/// The package's random number generator: xoshiro256** seeded through SplitMix64.
///
/// Every random number in the book comes from one of these, created from the chapter's `--seed`,
/// so every number reproduces on any machine. The algorithms are fixed and documented here:
///
/// - **Seeding**: the 64-bit seed is fed to SplitMix64 (Steele, Lea and Flood, 2014); its first
///   four outputs are the xoshiro state (`x += 0x9E3779B97F4A7C15`, then
///   `z = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9`, `z = (z ^ (z >> 27)) * 0x94D049BB133111EB`,
///   `z ^ (z >> 31)`).
/// - **Raw output**: xoshiro256** (Blackman and Vigna, 2018): `rotl(s1 * 5, 7) * 9`, then the
///   state update `t = s1 << 17; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)`.
/// - **Uniform** in `[0, 1)`: the top 53 bits of one output times 2⁻⁵³.
/// - **Gaussian**: Marsaglia's polar method on two uniforms in `(-1, 1)`; both values of a pair are
///   used, the second kept for the next call.
/// - **Truncated normal**: Gaussian draws, redrawn while beyond `limit` standard deviations (2 by
///   default, as TensorFlow's `truncated_normal`).
/// - **Integers** below `n`: Lemire's multiply-shift with rejection (unbiased).
/// - **Shuffle**: Fisher–Yates from the last element down, swapping `i` with an index below `i + 1`.
///
/// It also conforms to `RandomNumberGenerator`, but the standard library's own `shuffle` and
/// `random(in:)` algorithms are not promised to stay the same between Swift versions: use the
/// methods here.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var state: (UInt64, UInt64, UInt64, UInt64)
    @usableFromInline var spareGaussian: Double?

    /// The seed this generator started from.
    public let seed: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
        spareGaussian = nil
    }

    /// The next raw 64-bit output (xoshiro256**).
    @inlinable public mutating func next() -> UInt64 {
        @inline(__always) func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// A uniform `Double` in `[0, 1)`.
    @inlinable public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform `Double` in `[range.lowerBound, range.upperBound)`.
    @inlinable public mutating func uniform(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// A uniform integer in `0..<upperBound` (unbiased). `upperBound` must be positive.
    @inlinable public mutating func integer(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "integer(below: \(upperBound)): the bound must be positive")
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// A draw from the normal distribution with the given mean and standard deviation.
    @inlinable public mutating func gaussian(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return mean + standardDeviation * spare
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let factor = (-2 * Double.log(s) / s).squareRoot()
            spareGaussian = v * factor
            return mean + standardDeviation * u * factor
        }
    }

    /// A normal draw redrawn until it lies within `limit` standard deviations of the mean.
    @inlinable public mutating func truncatedGaussian(
        mean: Double = 0, standardDeviation: Double = 1, limit: Double = 2
    ) -> Double {
        precondition(limit > 0, "truncatedGaussian(limit: \(limit)): the limit must be positive")
        while true {
            let z = gaussian()
            if Swift.abs(z) <= limit { return mean + standardDeviation * z }
        }
    }

    /// Shuffles `elements` in place (Fisher–Yates).
    @inlinable public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ elements: inout C) {
        guard elements.count > 1 else { return }
        for offset in stride(from: elements.count - 1, to: 0, by: -1) {
            let other = integer(below: offset + 1)
            elements.swapAt(
                elements.index(elements.startIndex, offsetBy: offset),
                elements.index(elements.startIndex, offsetBy: other))
        }
    }

    /// A random permutation of `0..<count`.
    @inlinable public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        shuffle(&indices)
        return indices
    }
}

extension Matrix {
    /// A `rows×columns` matrix of uniform draws in `range`.
    @inlinable public static func uniform(
        rows: Int, columns: Int, in range: Range<Double>, using generator: inout SeededGenerator
    ) -> Matrix {
        Matrix(rows: rows, columns: columns) { _, _ in Scalar(generator.uniform(in: range)) }
    }

    /// A `rows×columns` matrix of normal draws.
    @inlinable public static func gaussian(
        rows: Int, columns: Int, mean: Double = 0, standardDeviation: Double = 1,
        using generator: inout SeededGenerator
    ) -> Matrix {
        Matrix(rows: rows, columns: columns) { _, _ in
            Scalar(generator.gaussian(mean: mean, standardDeviation: standardDeviation))
        }
    }
}
