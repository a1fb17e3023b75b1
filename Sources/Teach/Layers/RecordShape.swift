/// What the columns of one record (one row of a batch) mean as it flows between layers.
///
/// A batch is always a ``Matrix`` with one record per row; the shape says how a record's
/// `count` numbers are laid out:
/// - ``features(_:)``: `n` plain numbers (a dense layer's inputs or outputs).
/// - ``image(_:)``: channels-last pixels, `H·W·C` numbers (see ``ImageShape``).
/// - ``sequence(_:)``: `T` time steps of `F` features, `T·F` numbers (see ``SequenceShape``).
public enum RecordShape: Sendable, Hashable, CustomStringConvertible {
    /// `n` plain numbers per record: a dense layer's inputs or outputs.
    case features(Int)
    /// One channels-last image per record, `H·W·C` numbers (see ``ImageShape``).
    case image(ImageShape)
    /// `T` time steps of `F` features per record, `T·F` numbers (see ``SequenceShape``).
    case sequence(SequenceShape)

    /// How many numbers one record has: its number of columns.
    public var count: Int {
        switch self {
        case .features(let count): count
        case .image(let shape): shape.count
        case .sequence(let shape): shape.count
        }
    }

    /// `784`, `28×28×1` or `35 steps × 64`.
    public var description: String {
        switch self {
        case .features(let count): String(count)
        case .image(let shape): shape.description
        case .sequence(let shape): shape.description
        }
    }

    /// The image, for image records.
    public var image: ImageShape? {
        if case .image(let shape) = self { shape } else { nil }
    }

    /// The sequence, for sequence records.
    public var sequence: SequenceShape? {
        if case .sequence(let shape) = self { shape } else { nil }
    }
}

/// The layout of a sequence record: `length` time steps of `features` numbers each, stored time
/// step after time step in one row, as ``ImageShape`` stores an image's pixels.
///
/// Record `n`'s feature `f` at time `t` is column `t·F + f` of row `n`: a batch of `B` sequences
/// is a `B × (T·F)` matrix, PyTorch's `batch_first=True` tensor `B×T×F` in row-major order. So the
/// same numbers read as a `(B·T) × F` matrix have one time step per row, and a layer that works on
/// each time step alone (a dense layer, layer normalization) needs no copy: it reinterprets the
/// rows (``Matrix/reshaped(rows:columns:)``).
public struct SequenceShape: Sendable, Hashable, CustomStringConvertible {
    /// `T`, the number of time steps.
    public var length: Int
    /// `F`, the numbers per time step.
    public var features: Int

    /// `length` time steps of `features` numbers each.
    public init(length: Int, features: Int) {
        self.length = length
        self.features = features
    }

    /// `T·F`.
    public var count: Int { length * features }

    /// `35 steps × 64`.
    public var description: String { "\(length) steps × \(features)" }

    /// The column of time step `t`, feature `f`.
    @inlinable public func column(step t: Int, feature f: Int) -> Int { t * features + f }
}
