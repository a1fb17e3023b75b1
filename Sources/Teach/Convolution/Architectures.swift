/// The two convolutional networks the articles list, built from the package's real layers.
public enum Architectures {
    /// AlexNet as article 004 tabulates it, as a single tower (the original split most layers over
    /// two GPUs): a 227×227×3 input; conv 96 11×11 stride 4 (55×55×96); max pool 3×3 stride 2
    /// (27×27×96); conv 256 5×5 pad 2 (27×27×256); max pool (13×13×256); conv 384 3×3 pad 1; conv
    /// 384 3×3 pad 1; conv 256 3×3 pad 1 (13×13×256); max pool (6×6×256); dense 4096, 4096, 1000 with
    /// softmax. ReLU after every convolution and hidden dense layer. (The original paper's local
    /// response normalization and dropout are left out: neither changes a shape or a parameter count.)
    public static func alexNet<Scalar: MatrixScalar>(initializer: Initializer = .he, using generator: inout SeededGenerator) throws -> Model<Scalar> {
        var shape = ImageShape(227, 3)
        var layers: [any Layer<Scalar>] = []
        func conv(_ filters: Int, _ size: Int, stride: Int = 1, padding: Int = 0) throws {
            let layer = try Conv2D<Scalar>(
                inputShape: shape, filters: filters, filterSize: size, stride: stride, padding: padding, initializer: initializer,
                using: &generator)
            layers.append(layer)
            shape = layer.outputShape
        }
        func pool() throws {
            let layer = try Pooling<Scalar>(.max, inputShape: shape, size: 3, stride: 2)
            layers.append(layer)
            shape = layer.outputShape
        }
        try conv(96, 11, stride: 4)
        try pool()
        try conv(256, 5, padding: 2)
        try pool()
        try conv(384, 3, padding: 1)
        try conv(384, 3, padding: 1)
        try conv(256, 3, padding: 1)
        try pool()
        layers.append(Flatten<Scalar>(inputShape: shape))
        layers.append(try Dense(inputs: shape.count, units: 4096, activation: .relu, initializer: initializer, using: &generator))
        layers.append(try Dense(inputs: 4096, units: 4096, activation: .relu, initializer: initializer, using: &generator))
        layers.append(try Dense(inputs: 4096, units: 1000, activation: .identity, initializer: initializer == .he ? .xavier : initializer, using: &generator))
        layers.append(Softmax<Scalar>())
        return try Model(layers)
    }

    /// The VGG16-style sub-network of article 000's Keras listing, channels-last: a 256×256×3
    /// input (Keras 1's `input_shape=(3,256,256)` is channels-first); three blocks of
    /// `ZeroPadding2D((1,1))` + 3×3 convolutions (64, 64; 128, 128; 256, 256, 256) each followed by
    /// 2×2 max pooling; flatten; dense 128, dropout 0.5, dense 64, dropout 0.5, dense 2 with softmax.
    public static func vggSubnetwork<Scalar: MatrixScalar>(initializer: Initializer = .he, using generator: inout SeededGenerator) throws -> Model<Scalar> {
        var shape = ImageShape(256, 3)
        var layers: [any Layer<Scalar>] = []
        func padAndConv(_ filters: Int) throws {
            let padding = try ZeroPadding<Scalar>(inputShape: shape, padding: 1)
            let conv = try Conv2D<Scalar>(
                inputShape: padding.outputShape, filters: filters, filterSize: 3, initializer: initializer, using: &generator)
            layers += [padding, conv]
            shape = conv.outputShape
        }
        func pool() throws {
            let layer = try Pooling<Scalar>(.max, inputShape: shape, size: 2, stride: 2)
            layers.append(layer)
            shape = layer.outputShape
        }
        for block in [[64, 64], [128, 128], [256, 256, 256]] {
            for filters in block { try padAndConv(filters) }
            try pool()
        }
        layers.append(Flatten<Scalar>(inputShape: shape))
        layers.append(try Dense(inputs: shape.count, units: 128, activation: .relu, initializer: initializer, using: &generator))
        layers.append(try Dropout<Scalar>(rate: 0.5))
        layers.append(try Dense(inputs: 128, units: 64, activation: .relu, initializer: initializer, using: &generator))
        layers.append(try Dropout<Scalar>(rate: 0.5))
        layers.append(try Dense(inputs: 64, units: 2, activation: .identity, initializer: initializer == .he ? .xavier : initializer, using: &generator))
        layers.append(Softmax<Scalar>())
        return try Model(layers)
    }
}
