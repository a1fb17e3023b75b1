/// Networks written as text, one layer per string, for trying shapes from the command line:
///
///     conv K F [stride S] [pad P]      K filters of F×F (stride 1, padding 0 by default)
///     maxpool F [stride S]             max pooling, stride F by default (avgpool: average)
///     pad P                            zero padding
///     flatten
///     dense N                          N units (a flatten is added before it when needed)
///     dropout R
///
/// The layers are the real ones (with zero weights, so nothing random is drawn), so every shape,
/// parameter count and geometry error is exactly what training would meet.
public enum LayerSpecification {
    /// Parses `32x32x3` (height × width × channels) or `784` (plain features).
    /// - Throws: ``InvalidArgument`` naming the text.
    public static func parseInput(_ text: String) throws -> (image: ImageShape?, width: Int) {
        let parts = text.lowercased().split(separator: "x").map { Int($0) }
        if parts.count == 1, let width = parts[0], width >= 1 { return (nil, width) }
        guard parts.count == 3, let h = parts[0], let w = parts[1], let c = parts[2], h >= 1, w >= 1, c >= 1 else {
            throw InvalidArgument("input '\(text)': expected height×width×channels such as 227x227x3, or a number of features such as 784")
        }
        return (ImageShape(height: h, width: w, channels: c), h * w * c)
    }

    /// The records `input` describes (see ``parseInput(_:)``).
    public static func recordShape(_ input: String) throws -> RecordShape {
        let (image, width) = try parseInput(input)
        return image.map { .image($0) } ?? .features(width)
    }

    /// The model the specifications describe, starting from `input`.
    /// - Throws: ``InvalidArgument`` for text that is not a layer (naming it and the grammar),
    ///   ``GeometryError`` for a convolution or pooling that does not fit.
    public static func model(input: String, layers specifications: [String]) throws -> Model<Float> {
        var unused = SeededGenerator(seed: 0)
        return try Model(layers(input: input, specifications, initializer: .zeros, using: &unused).layers)
    }

    /// A classifier for `classes` classes: the layers the specifications describe, with random
    /// weights (He's, for the ReLU that every convolution and hidden dense layer uses), then a
    /// dense layer of `classes` units (Xavier weights) and a softmax, as article 004's Keras models
    /// end in `Dense(10, activation='softmax')`.
    ///
    ///     try LayerSpecification.classifier(input: "784", layers: ["dense 50"], classes: 10, using: &random)
    ///     // 784 → dense 50 (ReLU) → dense 10 → softmax
    ///
    /// - Throws: as ``model(input:layers:)``, and ``InvalidArgument`` for fewer than 2 classes.
    public static func classifier<Scalar: MatrixScalar>(
        input: String, layers specifications: [String], classes: Int, using generator: inout SeededGenerator
    ) throws -> Model<Scalar> {
        guard classes >= 2 else { throw InvalidArgument("classifier: \(classes) classes; a classifier needs at least 2") }
        var (layers, width): ([any Layer<Scalar>], Int) = try self.layers(input: input, specifications, initializer: .he, using: &generator)
        if let shape = try layers.chainedShapes(from: recordShape(input)).last?.image {
            layers.append(Flatten<Scalar>(inputShape: shape))
            width = shape.count
        }
        layers.append(try Dense(inputs: width, units: classes, activation: .identity, initializer: .xavier, using: &generator))
        layers.append(Softmax<Scalar>())
        return try Model(layers)
    }

    /// Parses the specifications into layers with weights from `initializer`; also returns the
    /// last layer's output width.
    static func layers<Scalar: MatrixScalar>(
        input: String, _ specifications: [String], initializer: Initializer, using generator: inout SeededGenerator
    ) throws -> (layers: [any Layer<Scalar>], width: Int) {
        var (image, width) = try parseInput(input)
        var layers: [any Layer<Scalar>] = []
        let grammar = "expected one of: conv K F [stride S] [pad P], maxpool F [stride S], avgpool F [stride S], pad P, flatten, dense N, dropout R"
        for (index, text) in specifications.enumerated() {
            let words = text.lowercased().split(separator: " ").map(String.init)
            func fail(_ why: String) -> InvalidArgument { InvalidArgument("layer \(index + 1) '\(text)': \(why)") }
            func number(_ position: Int) throws -> Int {
                guard position < words.count, let value = Int(words[position]) else { throw fail("a whole number is missing after '\(words[position - 1])'") }
                return value
            }
            func option(_ name: String, default value: Int, after start: Int) throws -> Int {
                guard let at = words[start...].firstIndex(where: { $0 == name || $0 == String(name.prefix(3)) }) else { return value }
                return try number(at + 1)
            }
            func needImage() throws -> ImageShape {
                guard let image else { throw fail("needs an image input (height×width×channels), but the layer before gives \(width) plain features") }
                return image
            }
            guard let kind = words.first else { throw fail(grammar) }
            do {
            switch kind {
            case "conv":
                let shape = try needImage()
                let conv = try Conv2D<Scalar>(
                    inputShape: shape, filters: try number(1), filterSize: try number(2), stride: try option("stride", default: 1, after: 3),
                    padding: try option("pad", default: 0, after: 3), initializer: initializer, using: &generator)
                layers.append(conv)
                image = conv.outputShape
            case "maxpool", "avgpool":
                let shape = try needImage()
                let size = try number(1)
                let pooling = try Pooling<Scalar>(
                    kind == "maxpool" ? .max : .average, inputShape: shape, size: size, stride: try option("stride", default: size, after: 2))
                layers.append(pooling)
                image = pooling.outputShape
            case "pad":
                let padding = try ZeroPadding<Scalar>(inputShape: try needImage(), padding: try number(1))
                layers.append(padding)
                image = padding.outputShape
            case "flatten":
                layers.append(Flatten<Scalar>(inputShape: try needImage()))
                image = nil
            case "dense":
                if let shape = image {
                    layers.append(Flatten<Scalar>(inputShape: shape))
                    image = nil
                }
                let units = try number(1)
                guard units >= 1 else { throw fail("a dense layer needs at least 1 unit") }
                layers.append(try Dense(inputs: width, units: units, activation: .relu, initializer: initializer, using: &generator))
            case "dropout":
                guard words.count > 1, let rate = Double(words[1]) else { throw fail("a rate such as 0.5 is missing") }
                layers.append(try Dropout<Scalar>(rate: rate))
            default:
                throw fail(grammar)
            }
            } catch let error as GeometryError {
                throw fail(error.description)
            }
            width = try layers.chainedShapes(from: recordShape(input)).last!.count
        }
        return (layers, width)
    }

    /// The shape and parameter table of a model, as Markdown rows: layer, output, parameters,
    /// multiply-adds per image; and a total row.
    public static func table(_ model: Model<Float>, input: String) -> [[String]] {
        var rows = [["input", input, "", ""]]
        let summary = model.summary
        for row in summary { rows.append([row.layer, row.output, row.parameters.grouped, row.multiplyAdds.grouped]) }
        rows.append(["total", "", model.parameterCount.grouped, summary.filter { $0.depth == 0 }.reduce(0) { $0 + $1.multiplyAdds }.grouped])
        return rows
    }
}
