/// The record indices of one epoch cut into minibatches: shuffled (or in order), then taken
/// `batchSize` at a time. The last batch holds what is left when `batchSize` does not divide the
/// number of records, so every record is used exactly once per epoch.
///
///     for batch in try Minibatches(count: 1000, batchSize: 128, shuffledWith: &generator) {
///         let x = try inputs.gatherRows(batch)     // batch.count × features
///         …
///     }
public struct Minibatches: RandomAccessCollection, Sendable {
    /// The record indices in the order this epoch visits them.
    public let order: [Int]
    /// The size of every batch but possibly the last.
    public let batchSize: Int

    /// Batches over records `0..<count` in the order given by `generator` (a Fisher–Yates
    /// shuffle), or in order when `generator` is `nil`.
    ///
    /// - Throws: ``InvalidArgument`` when `batchSize < 1` or `count < 0`.
    public init(count: Int, batchSize: Int, shuffledWith generator: inout SeededGenerator?) throws {
        guard batchSize >= 1 else { throw InvalidArgument("Minibatches: batch size \(batchSize) must be at least 1") }
        guard count >= 0 else { throw InvalidArgument("Minibatches: record count \(count) must not be negative") }
        var order = Array(0..<count)
        if generator != nil { generator!.shuffle(&order) }
        self.order = order
        self.batchSize = batchSize
    }

    /// Shuffled batches over records `0..<count`.
    public init(count: Int, batchSize: Int, shuffledWith generator: inout SeededGenerator) throws {
        var optional: SeededGenerator? = generator
        try self.init(count: count, batchSize: batchSize, shuffledWith: &optional)
        generator = optional!
    }

    /// Batches over records `0..<count`, in order.
    public init(count: Int, batchSize: Int) throws {
        var none: SeededGenerator? = nil
        try self.init(count: count, batchSize: batchSize, shuffledWith: &none)
    }

    /// The first batch's index, 0.
    public var startIndex: Int { 0 }
    /// The number of batches, `⌈count / batchSize⌉`.
    public var endIndex: Int { (order.count + batchSize - 1) / batchSize }

    /// The record indices of batch `position` (`0..<endIndex`), in their shuffled order: `batchSize` of
    /// them, fewer in the last batch when ``lastBatchIsPartial``.
    public subscript(position: Int) -> ArraySlice<Int> {
        order[(position * batchSize)..<Swift.min(order.count, (position + 1) * batchSize)]
    }

    /// Whether the last batch is smaller than the others.
    public var lastBatchIsPartial: Bool { order.count % batchSize != 0 }
}
