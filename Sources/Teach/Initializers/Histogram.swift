/// How a batch of numbers is distributed: the share of them in each of `binCount` equal bins
/// between `lower` and `upper` (numpy's `np.histogram(values, bins, range, weights=1/n)`).
///
/// A value equal to `upper` falls in the last bin; values outside `[lower, upper]` fall in no bin
/// and are counted in ``outsideFraction``, so the bins' shares and it add up to 1.
public struct Histogram: Sendable, Equatable {
    /// The left edge of the first bin.
    public var lower: Double
    /// The right edge of the last bin.
    public var upper: Double
    /// The share of the values that fall in each bin, left to right.
    public var fractions: [Double]
    /// The share of the values below `lower` or above `upper`.
    public var outsideFraction: Double

    /// The histogram of `values` in `bins` equal bins over `range`.
    /// - Throws: ``InvalidArgument`` for fewer than 1 bin or an empty or non-finite range.
    public init(_ values: some Collection<Double>, bins: Int, range: ClosedRange<Double>) throws {
        guard bins >= 1 else { throw InvalidArgument("Histogram: needs at least 1 bin, got \(bins)") }
        guard range.lowerBound.isFinite, range.upperBound.isFinite, range.lowerBound < range.upperBound else {
            throw InvalidArgument("Histogram: the range \(range) must be finite and wider than a point")
        }
        lower = range.lowerBound
        upper = range.upperBound
        var counts = [Int](repeating: 0, count: bins)
        var outside = 0
        let width = (upper - lower) / Double(bins)
        for value in values {
            guard value >= lower, value <= upper else {
                outside += 1
                continue
            }
            counts[min(bins - 1, Int((value - lower) / width))] += 1
        }
        let total = Double(max(values.count, 1))
        fractions = counts.map { Double($0) / total }
        outsideFraction = Double(outside) / total
    }

    /// The number of bins.
    public var binCount: Int { fractions.count }

    /// The bins' edges, `binCount + 1` of them from `lower` to `upper`.
    public var edges: [Double] {
        (0...binCount).map { lower + (upper - lower) * Double($0) / Double(binCount) }
    }

    /// The histogram's outline as a staircase for a ``Figure``: each bin's share drawn flat over
    /// the bin (gnuplot's `with steps`, the last share repeated at the right edge to close it).
    public func series(_ title: String, color: String? = nil) -> Series {
        Series(title, x: edges, y: fractions + [fractions.last ?? 0], style: .steps, color: color)
    }
}
