import RealModule

/// The element types a ``Matrix`` can hold: `Double` where the book checks exact numbers and
/// gradients, `Float` where it trains.
///
/// One generic implementation serves both. `Real` (from swift-numerics) supplies `exp`, `log`,
/// `tanh` and friends for either type; `SIMDScalar` lets kernels work on SIMD vectors of it.
public protocol MatrixScalar: BinaryFloatingPoint, Real, SIMDScalar, Sendable, Codable
where Self.RawSignificand: FixedWidthInteger {}

extension Double: MatrixScalar {}
extension Float: MatrixScalar {}
