import Numerics
import Testing

@testable import Teach

/// Newton's method on 2-D surfaces: Hessians against central differences, the step on numbers
/// worked by hand, and the behaviours chapter 9 describes.
@Suite struct SecondOrderTests {
    let surfaces: [Surface] = [.elongatedBowl, .rosenbrock, .doubleWell]
    let points: [(Double, Double)] = [(-1.2, 1), (0.4, 0.5), (1, 1), (-7, 2), (0.3, -0.8)]

    @Test func gradientsAndHessiansMatchCentralDifferences() throws {
        let h = 1e-5
        for surface in surfaces {
            for (x, y) in points {
                let (gx, gy) = surface.gradient(x, y)
                let dx = (surface.value(x + h, y) - surface.value(x - h, y)) / (2 * h)
                let dy = (surface.value(x, y + h) - surface.value(x, y - h)) / (2 * h)
                #expect(gx.isApproximatelyEqual(to: dx, absoluteTolerance: 1e-5, relativeTolerance: 1e-7), "\(surface.name) ∂f/∂x at (\(x), \(y))")
                #expect(gy.isApproximatelyEqual(to: dy, absoluteTolerance: 1e-5, relativeTolerance: 1e-7), "\(surface.name) ∂f/∂y at (\(x), \(y))")
                let hessianAt = try #require(surface.hessian)
                let hessian = hessianAt(x, y)
                let xx = (surface.gradient(x + h, y).0 - surface.gradient(x - h, y).0) / (2 * h)
                let xy = (surface.gradient(x, y + h).0 - surface.gradient(x, y - h).0) / (2 * h)
                let yx = (surface.gradient(x + h, y).1 - surface.gradient(x - h, y).1) / (2 * h)
                let yy = (surface.gradient(x, y + h).1 - surface.gradient(x, y - h).1) / (2 * h)
                #expect(hessian.xx.isApproximatelyEqual(to: xx, absoluteTolerance: 1e-5, relativeTolerance: 1e-7), "\(surface.name) xx")
                #expect(hessian.xy.isApproximatelyEqual(to: xy, absoluteTolerance: 1e-5, relativeTolerance: 1e-7), "\(surface.name) xy")
                #expect(hessian.xy.isApproximatelyEqual(to: yx, absoluteTolerance: 1e-5, relativeTolerance: 1e-7), "\(surface.name) yx")
                #expect(hessian.yy.isApproximatelyEqual(to: yy, absoluteTolerance: 1e-5, relativeTolerance: 1e-7), "\(surface.name) yy")
            }
        }
    }

    @Test func hessianAlgebraOnAWorkedMatrix() throws {
        // [[2, 1], [1, 2]]: det 3, eigenvalues 1 and 3; H⁻¹ (1, 0) = (2, −1)/3
        let h = Surface.Hessian(xx: 2, xy: 1, yy: 2)
        #expect(h.determinant == 3)
        #expect(h.eigenvalues.smaller.isApproximatelyEqual(to: 1, absoluteTolerance: 1e-15))
        #expect(h.eigenvalues.larger.isApproximatelyEqual(to: 3, absoluteTolerance: 1e-15))
        #expect(h.isPositiveDefinite)
        let d = try h.solve((1, 0))
        #expect(d.0.isApproximatelyEqual(to: 2.0 / 3, absoluteTolerance: 1e-15))
        #expect(d.1.isApproximatelyEqual(to: -1.0 / 3, absoluteTolerance: 1e-15))
        // [[1, 2], [2, 1]]: eigenvalues −1 and 3, not positive definite
        let saddle = Surface.Hessian(xx: 1, xy: 2, yy: 1)
        #expect(saddle.eigenvalues.smaller.isApproximatelyEqual(to: -1, absoluteTolerance: 1e-15))
        #expect(!saddle.isPositiveDefinite)
        #expect(throws: InvalidArgument.self) { try Surface.Hessian(xx: 1, xy: 1, yy: 1).solve((1, 1)) }
        let noHessian = Surface(name: "plain", value: { x, _ in x }, gradient: { _, _ in (1, 0) })
        #expect(throws: InvalidArgument.self) { try noHessian.newtonStep(from: (0, 0)) }
    }

    @Test func newtonLandsOnTheValleysMinimumInOneStep() throws {
        // g = (−0.7, 4) at (−7, 2); H⁻¹ g = (−0.7·10, 4/2) = (−7, 2): the step lands on (0, 0)
        let path = try Surface.elongatedBowl.newtonPath(from: (-7, 2), steps: 1)
        #expect(path.count == 2)
        #expect(abs(path[1].x) < 1e-12 && abs(path[1].y) < 1e-12)
        #expect(Surface.elongatedBowl.value(path[1].x, path[1].y) < 1e-24)
        // gradient descent at its best rate is still far from it after one step, and needs many
        let sgd = try Surface.elongatedBowl.path(of: .sgd(learningRate: 0.95), from: (-7, 2), steps: 200)
        #expect(Surface.elongatedBowl.value(sgd[1].x, sgd[1].y) > 1)
        let reached = try #require(sgd.firstIndex { Surface.elongatedBowl.value($0.x, $0.y) < 1e-6 })
        #expect(reached > 50)
    }

    @Test func newtonOnRosenbrockGoesUphillThenConverges() throws {
        let f = Surface.rosenbrock
        let path = try f.newtonPath(from: (-1.2, 1), steps: 7)
        // first step by hand: g = (−215.6, −88), H = [[1330, 480], [480, 200]], det 35600
        #expect(path[1].x.isApproximatelyEqual(to: -1.1752808988764043, absoluteTolerance: 1e-12))
        #expect(path[1].y.isApproximatelyEqual(to: 1.3806741573033703, absoluteTolerance: 1e-12))
        #expect(f.value(path[2].x, path[2].y) > 1000)  // uphill from 24.2 although H is positive definite at step 1
        let hessianAt = try #require(f.hessian)
        #expect(hessianAt(path[1].x, path[1].y).isPositiveDefinite)
        #expect(f.value(path[6].x, path[6].y) < 1e-15)
        #expect(abs(path[7].x - 1) < 1e-12 && abs(path[7].y - 1) < 1e-12)
    }

    @Test func newtonClimbsToTheDoubleWellsSaddle() throws {
        let f = Surface.doubleWell
        // at (0.4, 0.5) the curvature along x is 12·0.16 − 4 = −2.08 < 0
        let hessianAt = try #require(f.hessian)
        let hessian = hessianAt(0.4, 0.5)
        #expect(hessian.xx.isApproximatelyEqual(to: -2.08, absoluteTolerance: 1e-12))
        #expect(!hessian.isPositiveDefinite)
        let path = try f.newtonPath(from: (0.4, 0.5), steps: 6)
        // first step: x − 4x(x² − 1)/(12x² − 4) = 0.4 − (−1.344)/(−2.08) = −0.24615…, y − 2y/2 = 0
        #expect(path[1].x.isApproximatelyEqual(to: 0.4 - 1.344 / 2.08, absoluteTolerance: 1e-12))
        #expect(path[1].y == 0)
        #expect(abs(path[6].x) < 1e-10)
        #expect(f.value(path[6].x, path[6].y) > f.value(0.4, 0.5))  // uphill, to f = 1
        #expect(f.value(path[6].x, path[6].y).isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12))
    }

    @Test func gradientDescentOnTheDoubleWellPicksTheMinimumOnItsSide() throws {
        let f = Surface.doubleWell
        for (start, side) in [((-0.05, 1.5), -1.0), ((0.001, 1.5), 1.0), ((1.5, 1.0), 1.0)] {
            let path = try f.path(of: .sgd(learningRate: 0.05), from: start, steps: 300)
            #expect(path.last!.x.isApproximatelyEqual(to: side, absoluteTolerance: 1e-6), "from \(start)")
        }
        // on the line x = 0 the gradient has no x part: descent ends on the saddle
        let ridge = try f.path(of: .sgd(learningRate: 0.05), from: (0, 1), steps: 300)
        #expect(ridge.last!.x == 0 && abs(ridge.last!.y) < 1e-6)
        // closer to the saddle's line, longer near the saddle: each step there multiplies x by 1 + 4·0.05
        let near = try f.path(of: .sgd(learningRate: 0.05), from: (1e-6, 1.5), steps: 300)
        let nearer = try f.path(of: .sgd(learningRate: 0.05), from: (1e-3, 1.5), steps: 300)
        #expect(Surface.stepsNear((0, 0), radius: 0.2, in: near) > Surface.stepsNear((0, 0), radius: 0.2, in: nearer) + 30)
    }

    @Test func stepsNearCountsPointsAfterTheStartInsideTheRadius() {
        let path: [(x: Double, y: Double)] = [(0, 0), (0.1, 0), (0.3, 0), (0, -0.19), (0.2, 0)]
        #expect(Surface.stepsNear((0, 0), radius: 0.2, in: path) == 2)
    }

    @Test func newtonStepCostForTheArticlesFiveByFiveHundredNetwork() throws {
        #expect(NewtonStepCost(parameters: 3).hessianEntries == 9)
        #expect(NewtonStepCost(parameters: 3).solveOperations == 9)
        #expect(NewtonStepCost(parameters: 3).hessianBytes() == 36)
        let layers = try [Dense<Float>.parameterCount(inputs: 784, units: 500)]
            + (0..<4).map { _ in try Dense<Float>.parameterCount(inputs: 500, units: 500) }
            + [Dense<Float>.parameterCount(inputs: 500, units: 10)]
        let n = layers.reduce(0, +)
        #expect(n == 1_399_510)
        let cost = NewtonStepCost(parameters: n)
        #expect(cost.hessianEntries.isApproximatelyEqual(to: 1.9586e12, relativeTolerance: 1e-4))
        #expect(cost.hessianBytes().isApproximatelyEqual(to: 7.8345e12, relativeTolerance: 1e-4))
        #expect(cost.solveOperations.isApproximatelyEqual(to: 9.137e17, relativeTolerance: 1e-3))
    }
}
