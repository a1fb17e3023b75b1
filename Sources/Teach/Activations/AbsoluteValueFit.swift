/// Chapter 7's experiment with a learned slope: the smallest network that can compute `|x|` with
/// a ``PReLU``, trained to do so.
///
/// The network is one unit, the activation, and one output, `y = v · f(w·x + b) + c`. With a PReLU
/// of slope `a` and `b = c = 0` it computes `v·w·x` for `w·x > 0` and `a·v·w·x` otherwise, so it is
/// `|x|` exactly when `v·w = 1` and `a = −1`: to fit, the slope must travel from its start at
/// 0.25 to −1. A ReLU (`a` fixed at 0) or a leaky ReLU (`a` fixed at 0.01) cannot get there, and
/// fits one side of the V only.
public struct AbsoluteValueFit: Sendable, Equatable {
    /// The activation between the two units.
    public enum Unit: Sendable, Hashable, CustomStringConvertible {
        /// ``PReLU`` with one slope, starting at PyTorch's 0.25.
        case prelu
        /// ``Activation/relu``.
        case relu
        /// ``Activation/leakyReLU(negativeSlope:)`` with PyTorch's slope 0.01.
        case leakyReLU

        public var description: String {
            switch self {
            case .prelu: "PReLU"
            case .relu: "ReLU"
            case .leakyReLU: "leaky ReLU"
            }
        }
    }

    /// The learned slope `a` (`nil` for ReLU and leaky ReLU, whose slope is fixed).
    public var slope: Double?
    /// The mean squared error over the training points after training.
    public var loss: Double
    /// The slope after each epoch (empty for ReLU and leaky ReLU).
    public var slopeByEpoch: [Double]

    /// How many points the network learns from.
    public static let pointCount = 200
    /// Where their `x` lie (uniformly).
    public static let inputRange = -2.0..<2.0
    /// Adam's learning rate.
    public static let learningRate = 0.05
    /// Records per minibatch.
    public static let batchSize = 20

    /// The points the network learns from: ``pointCount`` values of `x` uniform in ``inputRange`` and their `|x|`.
    public static func data(using generator: inout SeededGenerator) -> (inputs: Matrix<Double>, targets: Matrix<Double>) {
        let inputs = Matrix<Double>.uniform(rows: pointCount, columns: 1, in: inputRange, using: &generator)
        return (inputs, inputs.map { abs($0) })
    }

    /// Trains the network with `unit` on ``data(using:)`` for `epochs` epochs of minibatches of
    /// ``batchSize`` with Adam (``learningRate``), the data, initial weights and shuffling all
    /// drawn from `seed`.
    /// - Throws: what building or training the model throws (nothing, for these fixed shapes).
    public static func run(_ unit: Unit, seed: UInt64, epochs: Int = 150) throws -> AbsoluteValueFit {
        var random = SeededGenerator(seed: seed)
        let (inputs, targets) = data(using: &random)
        let activation: any Layer<Double> =
            switch unit {
            case .prelu: try PReLU<Double>()
            case .relu: ActivationLayer<Double>(.relu)
            case .leakyReLU: ActivationLayer<Double>(.leakyReLU())
            }
        var model = try Model<Double>([
            Dense<Double>(inputs: 1, units: 1, activation: .identity, using: &random),
            activation,
            Dense<Double>(inputs: 1, units: 1, activation: .identity, using: &random),
        ])
        var optimizer = try Optimizer<Double>.adam(learningRate: learningRate)
        var slopes: [Double] = []
        for _ in 0..<epochs {
            _ = try model.train(
                inputs: inputs, targets: targets, options: TrainingOptions(epochs: 1, batchSize: batchSize, loss: .meanSquaredError),
                optimizer: &optimizer, using: &random)
            if let prelu = model.layers[1] as? PReLU<Double> { slopes.append(prelu.weight[0, 0]) }
        }
        return AbsoluteValueFit(
            slope: slopes.last, loss: try model.loss(inputs, targets: targets, loss: .meanSquaredError), slopeByEpoch: slopes)
    }
}
