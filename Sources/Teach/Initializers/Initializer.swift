/// How a layer's weights are chosen before training (biases start at zero in every case).
///
/// `n_in` is the number of inputs of the layer (its fan-in). The names and scales follow the
/// articles and PyTorch's `torch.nn.init`:
///
/// | initializer | each weight | PyTorch |
/// |---|---|---|
/// | ``zeros`` | 0 | `zeros_` |
/// | ``gaussian(standardDeviation:)`` | normal, mean 0, the given std (0.01 is the classic "small") | `normal_(std=…)` |
/// | ``truncatedNormal(standardDeviation:)`` | normal, redrawn until within 2 std | `trunc_normal_(std=s, a=-2s, b=2s)` |
/// | ``xavier`` | normal, std `√(1/n_in)` (article 004's form) | `kaiming_normal_(nonlinearity='linear')` |
/// | ``he`` | normal, std `√(2/n_in)`, for ReLU layers | `kaiming_normal_(nonlinearity='relu')` |
///
/// Glorot and Bengio's original "Xavier" scale is `√(2/(n_in + n_out))` (`xavier_normal_`); article
/// 004 uses the fan-in form `√(1/n_in)`, and so does this package.
public enum Initializer: Sendable, Hashable, CustomStringConvertible {
    /// Every weight 0. Every unit of a layer then computes the same thing and receives the same
    /// gradient, so they stay identical forever (the symmetry problem).
    case zeros
    /// Normal with mean 0 and the given standard deviation.
    case gaussian(standardDeviation: Double)
    /// Normal with mean 0 and the given standard deviation, redrawn until within two standard
    /// deviations, as TensorFlow's `truncated_normal` (article 003).
    case truncatedNormal(standardDeviation: Double)
    /// Normal with standard deviation `√(1/n_in)`: keeps the variance of a layer's weighted sums
    /// equal to the variance of its inputs.
    case xavier
    /// Normal with standard deviation `√(2/n_in)`: twice Xavier's variance, because ReLU zeroes half
    /// of its inputs (He et al., 2015).
    case he

    /// The name in tables: `Xavier`, `He`, `Gaussian (std 0.01)`.
    public var description: String {
        switch self {
        case .zeros: "zeros"
        case .gaussian(let std): "Gaussian (std \(std))"
        case .truncatedNormal(let std): "truncated normal (std \(std))"
        case .xavier: "Xavier"
        case .he: "He"
        }
    }

    /// The standard deviation of the weights of a layer with `inputs` inputs.
    public func standardDeviation(inputs: Int) -> Double {
        switch self {
        case .zeros: 0
        case .gaussian(let std), .truncatedNormal(let std): std
        case .xavier: 1 / Double(inputs).squareRoot()
        case .he: (2 / Double(inputs)).squareRoot()
        }
    }

    /// An `inputs×units` weight matrix drawn from `generator`.
    public func weights<Scalar: MatrixScalar>(inputs: Int, units: Int, using generator: inout SeededGenerator) -> Matrix<Scalar> {
        let std = standardDeviation(inputs: inputs)
        switch self {
        case .zeros:
            return Matrix(rows: inputs, columns: units)
        case .truncatedNormal:
            return Matrix(rows: inputs, columns: units) { _, _ in Scalar(generator.truncatedGaussian(standardDeviation: std)) }
        case .gaussian, .xavier, .he:
            return Matrix.gaussian(rows: inputs, columns: units, standardDeviation: std, using: &generator)
        }
    }
}

extension Dense {
    /// A layer whose weights come from `initializer` and whose biases are zero.
    /// - Throws: ``InvalidArgument`` when `inputs` or `units` is below 1.
    public init(
        inputs: Int, units: Int, activation: Activation, initializer: Initializer, hasBias: Bool = true,
        using generator: inout SeededGenerator
    ) throws {
        guard inputs >= 1, units >= 1 else {
            throw InvalidArgument("Dense: a layer needs at least 1 input and 1 unit, got \(inputs) inputs and \(units) units")
        }
        // Checked before the weights are allocated: `inputs·units` from a command line can overflow.
        _ = try Dense<Scalar>.parameterCount(inputs: inputs, units: units, hasBias: hasBias)
        try self.init(
            weights: initializer.weights(inputs: inputs, units: units, using: &generator), bias: Matrix(rows: 1, columns: units),
            activation: activation, hasBias: hasBias)
    }
}
