import Numerics
import Testing

@testable import Teach

/// Softplus, ELU, SiLU and GELU: values against numbers worked by hand (the comments say how; the
/// decimals were checked with Python's `math`), derivatives against central differences.
@Suite struct SmoothActivationTests {
    /// The activations of this suite, with parameters other than the defaults too.
    static let smooth: [Activation] = [
        .softplus, .elu(), .elu(alpha: 0.5), .silu, .gelu(), .gelu(approximate: .tanh),
    ]

    /// Points on both sides of 0, away from ELU's kink at 0.
    static let points = [-6.0, -3, -1, -0.5, -0.1, 0.1, 0.5, 1, 3, 6]

    func expectClose(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-14, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.isApproximatelyEqual(to: expected, absoluteTolerance: tolerance), "\(actual) vs \(expected)", sourceLocation: sourceLocation)
    }

    @Test func softplusValuesAndItsThresholdAtTwenty() {
        expectClose(Activation.softplus(0.0), 0.6931471805599453)  // log(1 + 1) = log 2
        expectClose(Activation.softplus(1.0), 1.3132616875182228)  // log(1 + e) = log 3.718281828…
        expectClose(Activation.softplus(-2.0), 0.1269280110429725)  // log(1 + e⁻²) = log 1.135335283…
        // h = 20 is not above the threshold: log(1 + e²⁰) = 20 + log(1 + e⁻²⁰) ≈ 20 + 2.061·10⁻⁹
        expectClose(Activation.softplus(20.0), 20.000000002061153, 1e-12)
        // above it, h itself, and the derivative 1 (PyTorch's threshold=20)
        #expect(Activation.softplus(20.5) == 20.5)
        #expect(Activation.softplus.derivative(20.5) == 1.0)
        #expect(Activation.softplus.derivative(0.0) == 0.5)  // sigmoid(0)
        #expect(Activation.softplus(-800.0) == 0)  // e⁻⁸⁰⁰ underflows; log(1 + 0) = 0
        #expect(Activation.softplus(Float(-100)).isFinite && Activation.softplus(Float(100)) == 100)
    }

    @Test func eluValues() {
        #expect(Activation.elu()(2.0) == 2.0)
        expectClose(Activation.elu()(-1.0), -0.6321205588285577)  // e⁻¹ − 1 = 0.367879441… − 1
        expectClose(Activation.elu(alpha: 0.5)(-2.0), -0.43233235838169365)  // 0.5 (e⁻² − 1) = 0.5 · (−0.864664716…)
        #expect(Activation.elu(alpha: 0.5)(-800.0) == -0.5)  // tends to −alpha
        // at h = 0 the derivative is alpha·e⁰ = alpha (the h ≤ 0 branch), as in PyTorch
        #expect(Activation.elu(alpha: 0.5).derivative(0.0) == 0.5)
        #expect(Activation.elu(alpha: 0.5).derivative(1.0) == 1.0)
    }

    @Test func siluValues() {
        #expect(Activation.silu(0.0) == 0.0)
        expectClose(Activation.silu(1.0), 0.7310585786300049)  // 1 · σ(1) = 1/(1 + e⁻¹) = 1/1.367879441…
        expectClose(Activation.silu(-2.0), -0.2384058440442351)  // −2 · σ(−2) = −2 · 0.119202922…
        #expect(Activation.silu(-800.0) == 0.0 && Activation.silu(800.0) == 800.0)  // no NaN from e⁸⁰⁰
    }

    @Test func geluValuesExactAndTanh() {
        #expect(Activation.gelu()(0.0) == 0.0)
        // h Φ(h), Φ from the normal table: Φ(1) = 0.841344746…, Φ(−1) = 0.158655254…, Φ(2) = 0.977249868…
        expectClose(Activation.gelu()(1.0), 0.8413447460685429)
        expectClose(Activation.gelu()(-1.0), -0.15865525393145707)
        expectClose(Activation.gelu()(2.0), 1.9544997361036416)
        expectClose(Activation.gelu()(-3.0), -0.004049694094890287)  // −3 · Φ(−3) = −3 · 0.001349898…
        // tanh form at 1: u = √(2/π)(1 + 0.044715) = 0.833561969…, tanh u = 0.682383981…, ½(1 + tanh u)
        expectClose(Activation.gelu(approximate: .tanh)(1.0), 0.8411919906082768)
        expectClose(Activation.gelu(approximate: .tanh)(-1.0), -0.15880800939172324)  // −1 · ½(1 − 0.682383981…)
        expectClose(Activation.gelu(approximate: .tanh)(2.0), 1.954597694087775)
        // the approximation stays within 5·10⁻⁴ of the exact GELU (largest gap ≈ 4.73·10⁻⁴, near h = −2.7)
        for h in stride(from: -8.0, through: 8.0, by: 0.01) {
            #expect(abs(Activation.gelu(approximate: .tanh)(h) - Activation.gelu()(h)) < 5e-4)
        }
    }

    @Test(arguments: smooth) func derivativeMatchesACentralDifference(_ activation: Activation) {
        // (f(h + e) − f(h − e)) / 2e has error about e² f‴/6 ≈ 10⁻¹⁰ here, and rounding about 10⁻¹¹
        let e = 1e-5
        let near20 = activation == .softplus ? [19.5, 19.99, 20.01, 20.5] : []
        for h in Self.points + near20 {
            let numeric = (activation(h + e) - activation(h - e)) / (2 * e)
            #expect(
                activation.derivative(h).isApproximatelyEqual(to: numeric, absoluteTolerance: 1e-8),
                "\(activation) at \(h): \(activation.derivative(h)) vs \(numeric)")
        }
    }

    @Test(arguments: smooth) func matricesAreElementWiseAndFloatAgreesWithDouble(_ activation: Activation) throws {
        let h = try Matrix<Double>([[-2, -0.5, 0], [0.5, 1, 25]])
        let upstream = try Matrix<Double>([[1, 2, 3], [-1, -2, -3]])
        #expect(activation(h).elements == h.elements.map { activation($0) })
        #expect(activation.derivative(h).elements == h.elements.map { activation.derivative($0) })
        #expect(try activation.gradient(upstream, at: h).elements == zip(upstream.elements, h.elements).map { $0 * activation.derivative($1) })
        for x in h.elements + [-100, 100] {
            let single = Float(x)
            #expect(activation(single).isFinite && activation.derivative(single).isFinite)
            #expect(Double(activation(single)).isApproximatelyEqual(to: activation(x), absoluteTolerance: 1e-5 * max(1, abs(x))))
            #expect(Double(activation.derivative(single)).isApproximatelyEqual(to: activation.derivative(x), absoluteTolerance: 1e-6))
        }
    }

    /// A Float matrix's GELU runs in a vector kernel (Φ from a polynomial for erfc); swept over −12
    /// to 12 and at NaN, its values and its gradient agree with the Double rule's within a few units
    /// in the last place.
    @Test func floatGELUMatricesAreWithinAFewUnitsInTheLastPlace() throws {
        let count = 24001
        let h = Matrix<Double>(rows: 1, columns: count) { _, c in Double(Float(-12 + 24 * Double(c) / Double(count - 1))) }
        let upstream = Matrix<Double>(rows: 1, columns: count) { _, c in Double(Float(1 + Double(c % 7) / 8)) }
        let values = Activation.gelu()(h.converted(to: Float.self)), exact = Activation.gelu()(h)
        let gradients = try Activation.gelu().gradient(upstream.converted(to: Float.self), at: h.converted(to: Float.self))
        let exactGradients = try Activation.gelu().gradient(upstream, at: h)
        // errors in units in the last place of the reference, or for the gradient of the larger of
        // its two terms g·Φ(x) and g·x·φ(x), which cancel near x = −0.75, as in any rule for it
        let scales = (0..<count).map { c in
            let (x, g) = (h.elements[c], upstream.elements[c])
            let cdf: Double = Double.erfc(-x / 2.0.squareRoot()) / 2
            let density: Double = Double.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            return abs(g) * max(cdf, abs(x) * density)
        }
        func worstUnits(_ mine: Matrix<Float>, _ reference: Matrix<Double>, scales: [Double]) -> Double {
            zip(zip(mine.elements, reference.elements), scales).map { pair, scale in
                abs(Double(pair.0) - pair.1) / Double(Float(max(abs(pair.1), scale)).ulp)
            }.max() ?? 0
        }
        let valueError = worstUnits(values, exact, scales: exact.elements.map(abs))
        let gradientError = worstUnits(gradients, exactGradients, scales: scales)
        #expect(valueError <= 8, "values: \(valueError) units in the last place")
        #expect(gradientError <= 8, "gradients: \(gradientError) units in the last place")
        let nan = Activation.gelu()(Matrix<Float>(rows: 1, columns: 9, repeating: .nan))
        #expect(nan.elements.allSatisfy { $0.isNaN })
    }

    @Test func descriptions() {
        #expect(Self.smooth.map(\.description) == ["softplus", "ELU", "ELU (alpha 0.5)", "SiLU", "GELU", "GELU (tanh)"])
    }

    @Test func storedNamesAndParametersRoundTrip() throws {
        let all: [Activation] = [.step, .sigmoid, .tanh, .relu, .identity, .leakyReLU(negativeSlope: 0.2)] + Self.smooth
        #expect(all.map(\.storedName) == [
            "step", "sigmoid", "tanh", "relu", "identity", "leaky_relu", "softplus", "elu", "elu", "silu", "gelu", "gelu_tanh",
        ])
        #expect(Set(all.map(\.storedName)) == Set(Activation.storedNames))
        #expect(Activation.leakyReLU(negativeSlope: 0.2).storedParameter! == ("negative_slope", 0.2))
        #expect(Activation.elu(alpha: 0.5).storedParameter! == ("alpha", 0.5))
        for activation in all {
            var asked: [String] = []
            let rebuilt = Activation(storedName: activation.storedName) { key in
                asked.append(key)
                return activation.storedParameter?.value ?? .nan
            }
            #expect(rebuilt == activation)
            // the parameter is asked for exactly when the activation has one, by its key
            #expect(asked == (activation.storedParameter.map { [$0.key] } ?? []))
        }
        #expect(Activation(storedName: "mish") { _ in 1 } == nil)
        #expect(Activation(storedName: "GELU") { _ in 1 } == nil)  // names are case-sensitive
        // the parameter's errors are passed on
        #expect(throws: InvalidArgument.self) { try Activation(storedName: "elu") { key in throw InvalidArgument("no \(key)") } }
    }
}
