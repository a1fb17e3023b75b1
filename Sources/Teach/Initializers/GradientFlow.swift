import Foundation

/// The sizes of the gradients of one backward pass through a chain of dense layers, layer by
/// layer, and what multiplies them on the way down.
///
/// Going down through layer `l` (weights `W_l`, weighted sums `h_l`, outputs `a_l = f(h_l)`), the
/// backward pass takes two steps (chapter 4):
///
///     δ_l = ∂E/∂a_l ⊙ f'(h_l)           the activation's derivative
///     ∂E/∂a_(l−1) = δ_l · W_lᵀ          the layer's weights
///     ∂E/∂W_l = a_(l−1)ᵀ · δ_l
///
/// Each ``Layer`` records the Frobenius norms (`‖M‖ = √Σ m_ij²`) of these matrices and the
/// factors by which each step changes the gradient's norm, so a table can say which of the two
/// makes a gradient vanish or explode.
public struct GradientFlow: Sendable, Equatable {
    /// One layer's gradients and factors (layer 1 is the first, next to the inputs).
    public struct Layer: Sendable, Equatable {
        /// `‖∂E/∂W_l‖`: the size of the layer's weight gradient.
        public var weightGradientNorm: Double
        /// `‖∂E/∂a_l‖`: the size of the gradient arriving at the layer's outputs from above.
        public var outputGradientNorm: Double
        /// `‖δ_l‖ / ‖∂E/∂a_l‖`: what the activation's derivative does to the gradient (at most the
        /// largest `|f'|`, 1 for tanh and ReLU).
        public var derivativeFactor: Double
        /// `‖δ_l · W_lᵀ‖ / ‖δ_l‖`: what the layer's weights do to it (about `σ_w · √n_out` for
        /// `n_out` units with weights of standard deviation `σ_w`).
        public var weightFactor: Double

        /// A layer's numbers, given (to compare with measured ones in a test, say).
        public init(weightGradientNorm: Double, outputGradientNorm: Double, derivativeFactor: Double, weightFactor: Double) {
            self.weightGradientNorm = weightGradientNorm
            self.outputGradientNorm = outputGradientNorm
            self.derivativeFactor = derivativeFactor
            self.weightFactor = weightFactor
        }
    }

    /// One entry per layer, first layer first.
    public var layers: [Layer]

    /// The gradients of one forward and backward pass of `inputs` through `network`, starting from
    /// `outputGradient` (`∂E/∂a` of the last layer, the shape of its outputs).
    /// - Throws: ``ShapeError`` when the layers, inputs and output gradient do not fit together.
    @_specialize(where Scalar == Float) @_specialize(where Scalar == Double)
    public init<Scalar: MatrixScalar>(_ network: [Dense<Scalar>], inputs: Matrix<Scalar>, outputGradient: Matrix<Scalar>) throws {
        var traces: [DenseTrace<Scalar>] = []
        var x = inputs
        for layer in network {
            let trace = try layer.forwardTrace(x)
            traces.append(trace)
            x = trace.output
        }
        var gradient = outputGradient
        var layers: [Layer] = []
        for (layer, trace) in zip(network, traces).reversed() {
            let backward = try layer.backward(trace, outputGradient: gradient)
            let arriving = gradient.norm(), delta = backward.weightedSumGradient.norm()
            layers.append(
                Layer(
                    weightGradientNorm: backward.gradients.weights.norm(), outputGradientNorm: arriving,
                    derivativeFactor: delta / arriving, weightFactor: backward.inputGradient.norm() / delta))
            gradient = backward.inputGradient
        }
        self.layers = layers.reversed()
    }

    /// The geometric mean of the layers' ``Layer/weightFactor``s: what the weights multiply the
    /// gradient by per layer, on average.
    public var meanWeightFactor: Double { Self.geometricMean(layers.map(\.weightFactor)) }

    /// The geometric mean of the layers' ``Layer/derivativeFactor``s.
    public var meanDerivativeFactor: Double { Self.geometricMean(layers.map(\.derivativeFactor)) }

    /// `(Π xᵢ)^(1/n)`, through logarithms; 0 for no numbers.
    static func geometricMean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : exp(values.map { log($0) }.reduce(0, +) / Double(values.count))
    }

    /// Builds a flow from its layers' numbers.
    public init(layers: [Layer]) { self.layers = layers }
}
