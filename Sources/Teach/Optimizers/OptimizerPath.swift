import RealModule

/// A function of two parameters to watch optimizers on: its value and its gradient.
///
/// ``elongatedBowl`` is `f(x, y) = x²/20 + y²`, a valley 20 times steeper across (`y`) than along
/// (`x`): the shape that makes plain gradient descent zig-zag, and the classic test of momentum
/// and adaptive learning rates.
public struct Surface: Sendable {
    /// The name in tables and figures.
    public var name: String
    /// `f(x, y)`.
    public var value: @Sendable (Double, Double) -> Double
    /// `(∂f/∂x, ∂f/∂y)` at `(x, y)`.
    public var gradient: @Sendable (Double, Double) -> (Double, Double)
    /// The matrix of second derivatives at `(x, y)`, for Newton's method; `nil` when not given.
    public var hessian: (@Sendable (Double, Double) -> Hessian)?

    /// A surface from its function, its gradient and optionally its Hessian (neither is checked
    /// against the function).
    public init(
        name: String, value: @escaping @Sendable (Double, Double) -> Double,
        gradient: @escaping @Sendable (Double, Double) -> (Double, Double),
        hessian: (@Sendable (Double, Double) -> Hessian)? = nil
    ) {
        self.name = name
        self.value = value
        self.gradient = gradient
        self.hessian = hessian
    }

    /// `f(x, y) = x²/20 + y²`, gradient `(x/10, 2y)`, Hessian `[[1/10, 0], [0, 2]]` everywhere,
    /// minimum 0 at the origin.
    public static let elongatedBowl = Surface(
        name: "x²/20 + y²", value: { x, y in x * x / 20 + y * y }, gradient: { x, y in (x / 10, 2 * y) },
        hessian: { _, _ in Hessian(xx: 0.1, xy: 0, yy: 2) })

    /// The points `optimizer` visits from `start` in `steps` updates, the start first.
    /// - Throws: ``TrainingDiverged`` when a point stops being finite.
    public func path(of optimizer: Optimizer<Double>, from start: (x: Double, y: Double), steps: Int) throws -> [(x: Double, y: Double)] {
        var optimizer = optimizer
        var point = Matrix<Double>(row: [start.x, start.y])
        var path = [start]
        for step in 0..<steps {
            let (gx, gy) = gradient(point[0, 0], point[0, 1])
            try optimizer.update(&point, gradient: Matrix(row: [gx, gy]), slot: 0)
            guard !point.hasNonFiniteElements else {
                throw TrainingDiverged(epoch: 0, update: step + 1, loss: .infinity, learningRate: optimizer.learningRate)
            }
            path.append((point[0, 0], point[0, 1]))
        }
        return path
    }

    /// Points on the contour line `f = level` of ``elongatedBowl`` (an ellipse with half-axes
    /// `√(20·level)` and `√level`), for drawing.
    public static func bowlContour(level: Double, points: Int = 120) -> (x: [Double], y: [Double]) {
        let angles = (0...points).map { 2 * Double.pi * Double($0) / Double(points) }
        return (angles.map { (20 * level).squareRoot() * Double.cos($0) }, angles.map { level.squareRoot() * Double.sin($0) })
    }
}
