import RealModule

extension Surface {
    /// The symmetric 2×2 matrix of second derivatives `[[∂²f/∂x², ∂²f/∂x∂y], [∂²f/∂x∂y, ∂²f/∂y²]]`
    /// of a ``Surface`` at one point: how its gradient turns as the point moves.
    public struct Hessian: Sendable, Equatable {
        /// `∂²f/∂x²`.
        public var xx: Double
        /// `∂²f/∂x∂y` (= `∂²f/∂y∂x` for a smooth function).
        public var xy: Double
        /// `∂²f/∂y²`.
        public var yy: Double

        /// The matrix `[[xx, xy], [xy, yy]]`.
        public init(xx: Double, xy: Double, yy: Double) {
            self.xx = xx
            self.xy = xy
            self.yy = yy
        }

        /// `xx·yy − xy²`, the product of the two eigenvalues.
        public var determinant: Double { xx * yy - xy * xy }

        /// The two eigenvalues, smaller first: the curvatures along the matrix's two
        /// perpendicular principal directions, `(xx + yy)/2 ∓ √(((xx − yy)/2)² + xy²)`.
        public var eigenvalues: (smaller: Double, larger: Double) {
            let mean = (xx + yy) / 2
            let radius = (((xx - yy) / 2) * ((xx - yy) / 2) + xy * xy).squareRoot()
            return (mean - radius, mean + radius)
        }

        /// Both eigenvalues above zero: the surface curves up in every direction, so the
        /// quadratic model has a minimum and Newton's step points downhill.
        public var isPositiveDefinite: Bool { eigenvalues.smaller > 0 }

        /// `H⁻¹ v`, by the explicit inverse of a 2×2 matrix, `[[yy, −xy], [−xy, xx]] / det`.
        /// - Throws: ``InvalidArgument`` when the matrix is singular (determinant 0).
        public func solve(_ v: (Double, Double)) throws -> (Double, Double) {
            let det = determinant
            guard det != 0, det.isFinite else { throw InvalidArgument("Hessian.solve: the matrix is singular (determinant \(det))") }
            return ((yy * v.0 - xy * v.1) / det, (xx * v.1 - xy * v.0) / det)
        }
    }

    /// One step of Newton's method from `point`: `θ ← θ − H⁻¹ g`, the minimum (or, when the
    /// Hessian is not positive definite, the saddle or maximum) of the quadratic that matches the
    /// surface's value, gradient and curvature at `point`. On a quadratic surface that point is the
    /// surface's own critical point, reached in one step.
    /// - Throws: ``InvalidArgument`` when the surface has no Hessian or it is singular at `point`.
    public func newtonStep(from point: (x: Double, y: Double)) throws -> (x: Double, y: Double) {
        guard let hessian else { throw InvalidArgument("Surface.newtonStep: \(name) has no Hessian") }
        let (dx, dy) = try hessian(point.x, point.y).solve(gradient(point.x, point.y))
        return (point.x - dx, point.y - dy)
    }

    /// The points Newton's method visits from `start` in `steps` steps, the start first.
    /// - Throws: ``InvalidArgument`` as ``newtonStep(from:)``; ``TrainingDiverged`` when a point
    ///   stops being finite.
    public func newtonPath(from start: (x: Double, y: Double), steps: Int) throws -> [(x: Double, y: Double)] {
        var path = [start]
        for step in 0..<steps {
            let next = try newtonStep(from: path[step])
            guard next.x.isFinite, next.y.isFinite else {
                throw TrainingDiverged(epoch: 0, update: step + 1, loss: .infinity, learningRate: 1)
            }
            path.append(next)
        }
        return path
    }

    /// The Rosenbrock function `f(x, y) = (1 − x)² + 100 (y − x²)²`: a curved, narrow valley with
    /// its minimum 0 at (1, 1), the classic test of optimizers on a surface that is not quadratic.
    /// Gradient `(−2(1 − x) − 400 x (y − x²), 200 (y − x²))`, Hessian
    /// `[[2 − 400 (y − x²) + 800 x², −400 x], [−400 x, 200]]`.
    public static let rosenbrock = Surface(
        name: "Rosenbrock", value: { x, y in (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x) },
        gradient: { x, y in (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)) },
        hessian: { x, y in Hessian(xx: 2 - 400 * (y - x * x) + 800 * x * x, xy: -400 * x, yy: 200) })

    /// `f(x, y) = (x² − 1)² + y²`: two minima, 0 at (±1, 0), and between them a saddle at the
    /// origin (`f = 1`, curving down along x and up along y). Gradient `(4x(x² − 1), 2y)`, Hessian
    /// `[[12x² − 4, 0], [0, 2]]`, which is not positive definite for `|x| < 1/√3`.
    public static let doubleWell = Surface(
        name: "(x² − 1)² + y²", value: { x, y in (x * x - 1) * (x * x - 1) + y * y },
        gradient: { x, y in (4 * x * (x * x - 1), 2 * y) },
        hessian: { x, _ in Hessian(xx: 12 * x * x - 4, xy: 0, yy: 2) })
}

/// What one Newton step costs for a model with `parameters` numbers, against a gradient step.
///
/// The Hessian has `n²` entries; solving `H d = g` with a Cholesky factorization (for a positive
/// definite `H`) takes about `n³/3` floating-point operations; gradient descent and Adam keep
/// `n` and `3n` numbers and spend a few operations per parameter on an update.
public struct NewtonStepCost: Sendable, Equatable {
    /// `n`, the number of parameters.
    public let parameters: Int

    /// The cost for `parameters` numbers.
    public init(parameters: Int) { self.parameters = parameters }

    /// `n²`, the entries of the Hessian (as a `Double`: it overflows nothing at network sizes).
    public var hessianEntries: Double { Double(parameters) * Double(parameters) }

    /// The Hessian's memory in bytes at `bytesPerNumber` (4 for `Float`).
    public func hessianBytes(bytesPerNumber: Int = 4) -> Double { hessianEntries * Double(bytesPerNumber) }

    /// `n³/3`, the floating-point operations of a Cholesky factorization of the Hessian.
    public var solveOperations: Double { Double(parameters) * hessianEntries / 3 }
}

extension Surface {
    /// How many points of `path` after its start lie within `radius` of `point` (Euclidean
    /// distance): the steps an optimizer spends near a critical point such as a saddle.
    public static func stepsNear(
        _ point: (x: Double, y: Double), radius: Double, in path: [(x: Double, y: Double)]
    ) -> Int {
        path.dropFirst().filter { ($0.x - point.x) * ($0.x - point.x) + ($0.y - point.y) * ($0.y - point.y) < radius * radius }.count
    }
}
