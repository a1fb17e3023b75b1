/// Networks written as text, one layer per string, for trying shapes from the command line:
///
///     conv K F [stride S] [pad P]      K filters of F×F (stride 1, padding 0 by default)
///     maxpool F [stride S]             max pooling, stride F by default (avgpool: average)
///     pad P                            zero padding
///     flatten
///     dense N                          N units (a flatten is added before it when needed)
///     dropout R
///
/// ``model(input:layers:)`` builds the real layers (with zero weights, so nothing random is drawn),
/// so every shape, parameter count and geometry error is exactly what training would meet.
/// ``table(input:layers:)`` computes the same table from the geometry alone, without weights, for
/// `swift run shapes`: every size in it is checked arithmetic, so a network too large for memory
/// (or for an `Int`) is a table or an error naming the layer, never a crash.
public enum LayerSpecification {
    /// Parses `32x32x3` (height × width × channels) or `784` (plain features).
    /// - Throws: ``InvalidArgument`` naming the text, also when its numbers per image are too many
    ///   for an `Int`.
    public static func parseInput(_ text: String) throws -> (image: ImageShape?, width: Int) {
        let parts = text.lowercased().split(separator: "x").map { Int($0) }
        if parts.count == 1, let width = parts[0], width >= 1 { return (nil, width) }
        guard parts.count == 3, let h = parts[0], let w = parts[1], let c = parts[2], h >= 1, w >= 1, c >= 1 else {
            throw InvalidArgument("input '\(text)': expected height×width×channels such as 227x227x3, or a number of features such as 784")
        }
        let image = ImageShape(height: h, width: w, channels: c)
        return (image, try image.checkedCount("input '\(text)'"))
    }

    /// The records `input` describes (see ``parseInput(_:)``).
    public static func recordShape(_ input: String) throws -> RecordShape {
        let (image, width) = try parseInput(input)
        return image.map { .image($0) } ?? .features(width)
    }

    /// The model the specifications describe, starting from `input`.
    /// - Throws: ``InvalidArgument`` for text that is not a layer (naming it and the grammar) or a
    ///   size too large for an `Int`, ``GeometryError`` for a convolution or pooling that does not fit.
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

    /// One layer as the text writes it, parsed but not built.
    enum Parsed {
        case conv(filters: Int, size: Int, stride: Int, padding: Int)
        case pooling(PoolingKind, size: Int, stride: Int)
        case pad(Int)
        case flatten
        case dense(Int)
        case dropout(Double)
    }

    /// One layer of a planned network: what it is, the records it reads and writes, and its
    /// costs, all computed from the geometry with checked arithmetic, without weights.
    struct Planned {
        var layer: Parsed
        var name: String
        var input: RecordShape
        var output: RecordShape
        var parameters: Int
        var multiplyAdds: Int
    }

    static let grammar =
        "expected one of: conv K F [stride S] [pad P], maxpool F [stride S], avgpool F [stride S], pad P, flatten, dense N, dropout R"

    /// Parses one layer's text; `fail` wraps a problem into the error naming the layer.
    ///
    /// Strict: every word must be where the grammar puts it. A word left over (`conv 10 3 💥`,
    /// `flatten flatten`) or an option given twice (`conv 10 3 pad 1 pad 5`) is an error naming
    /// the word and what was expected, never ignored.
    static func parse(_ text: String, fail: (String) -> InvalidArgument) throws -> Parsed {
        let words = text.lowercased().split(separator: " ").map(String.init)
        func number(_ position: Int) throws -> Int {
            guard position < words.count, let value = Int(words[position]) else { throw fail("a whole number is missing after '\(words[position - 1])'") }
            return value
        }
        /// The options `names` (each also accepted by its first three letters) after the fixed
        /// words, each followed by a whole number and given at most once.
        func options(_ names: [String], after start: Int) throws -> [String: Int] {
            let expected = names.map { "'\($0) \($0 == "pad" ? "P" : "S")'" }.joined(separator: " or ")
            var values: [String: Int] = [:]
            var position = start
            while position < words.count {
                let word = words[position]
                guard let name = names.first(where: { word == $0 || word == String($0.prefix(3)) }) else {
                    throw fail("unexpected word '\(word)' after '\(words[..<position].joined(separator: " "))': expected \(expected) or nothing")
                }
                guard values[name] == nil else { throw fail("'\(name)' is given twice: expected '\(name)' at most once") }
                values[name] = try number(position + 1)
                position += 2
            }
            return values
        }
        /// Nothing may follow the layer's `count` words.
        func end(_ count: Int, _ layer: String) throws {
            guard words.count > count else { return }
            throw fail("unexpected word '\(words[count])' after '\(words[..<count].joined(separator: " "))': \(layer) ends there")
        }
        guard let kind = words.first else { throw fail(grammar) }
        switch kind {
        case "conv":
            let filters = try number(1), size = try number(2)
            let values = try options(["stride", "pad"], after: 3)
            return .conv(filters: filters, size: size, stride: values["stride"] ?? 1, padding: values["pad"] ?? 0)
        case "maxpool", "avgpool":
            let size = try number(1)
            let values = try options(["stride"], after: 2)
            return .pooling(kind == "maxpool" ? .max : .average, size: size, stride: values["stride"] ?? size)
        case "pad":
            let padding = try number(1)
            try end(2, "'pad P'")
            return .pad(padding)
        case "flatten":
            try end(1, "'flatten'")
            return .flatten
        case "dense":
            let units = try number(1)
            guard units >= 1 else { throw fail("a dense layer needs at least 1 unit") }
            try end(2, "'dense N'")
            return .dense(units)
        case "dropout":
            guard words.count > 1, let rate = Double(words[1]) else { throw fail("a rate such as 0.5 is missing") }
            try end(2, "'dropout R'")
            return .dropout(rate)
        default:
            throw fail(grammar)
        }
    }

    /// The network the specifications describe, layer by layer, with every shape, parameter
    /// count and multiply-add count computed from the geometry (checked: a size too large for an
    /// `Int` is an error naming the layer). Nothing is allocated but the plan, so
    /// `swift run shapes` can print the table of a network far too large to build.
    static func plan(input: String, _ specifications: [String]) throws -> [Planned] {
        var record = try recordShape(input)
        var plan: [Planned] = []
        for (index, text) in specifications.enumerated() {
            func fail(_ why: String) -> InvalidArgument { InvalidArgument("layer \(index + 1) '\(text)': \(why)") }
            let parsed = try parse(text, fail: fail)
            func needImage() throws -> ImageShape {
                guard let image = record.image else {
                    throw fail("needs an image input (height×width×channels), but the layer before gives \(record.count) plain features")
                }
                return image
            }
            func add(_ layer: Parsed, _ name: String, _ output: RecordShape, parameters: Int = 0, multiplyAdds: Int = 0) {
                plan.append(Planned(layer: layer, name: name, input: record, output: output, parameters: parameters, multiplyAdds: multiplyAdds))
                record = output
            }
            do {
                switch parsed {
                case .conv(let filters, let size, let stride, let padding):
                    let sizes = try Conv2D<Float>.sizes(inputShape: try needImage(), filters: filters, filterSize: size, stride: stride, padding: padding)
                    let name = "conv \(filters) \(size)×\(size)" + (stride == 1 ? "" : " stride \(stride)") + (padding == 0 ? "" : " pad \(padding)")
                    add(parsed, name, .image(sizes.outputShape), parameters: sizes.parameterCount, multiplyAdds: sizes.multiplyAdds)
                case .pooling(let kind, let size, let stride):
                    // A pooling layer holds no weights: building it costs nothing.
                    let pooling = try Pooling<Float>(kind, inputShape: try needImage(), size: size, stride: stride)
                    add(parsed, pooling.name, .image(pooling.outputShape))
                case .pad(let padding):
                    let output = try ZeroPadding<Float>.outputShape(inputShape: try needImage(), padding: padding)
                    add(parsed, "zero padding \(padding)", .image(output))
                case .flatten:
                    add(parsed, "flatten", .features(try needImage().count))
                case .dense(let units):
                    if let image = record.image { add(.flatten, "flatten", .features(image.count)) }
                    let parameters = try Dense<Float>.parameterCount(inputs: record.count, units: units)
                    add(parsed, "dense \(units)", .features(units), parameters: parameters, multiplyAdds: record.count * units)
                case .dropout(let rate):
                    add(parsed, try Dropout<Float>(rate: rate).name, record)
                }
            } catch let error as GeometryError {
                throw fail(error.description)
            } catch let error as InvalidArgument {
                throw fail(error.description)
            }
        }
        return plan
    }

    /// Builds the planned layers with weights from `initializer`; also returns the last layer's
    /// output width.
    static func layers<Scalar: MatrixScalar>(
        input: String, _ specifications: [String], initializer: Initializer, using generator: inout SeededGenerator
    ) throws -> (layers: [any Layer<Scalar>], width: Int) {
        var layers: [any Layer<Scalar>] = []
        // The plan has checked every size, so building cannot trap on one.
        let plan = try plan(input: input, specifications)
        for planned in plan {
            switch planned.layer {
            case .conv(let filters, let size, let stride, let padding):
                layers.append(try Conv2D<Scalar>(
                    inputShape: planned.input.image!, filters: filters, filterSize: size, stride: stride, padding: padding,
                    initializer: initializer, using: &generator))
            case .pooling(let kind, let size, let stride):
                layers.append(try Pooling<Scalar>(kind, inputShape: planned.input.image!, size: size, stride: stride))
            case .pad(let padding):
                layers.append(try ZeroPadding<Scalar>(inputShape: planned.input.image!, padding: padding))
            case .flatten:
                layers.append(Flatten<Scalar>(inputShape: planned.input.image!))
            case .dense(let units):
                layers.append(try Dense(inputs: planned.input.count, units: units, activation: .relu, initializer: initializer, using: &generator))
            case .dropout(let rate):
                layers.append(try Dropout<Scalar>(rate: rate))
            }
        }
        return (layers, try plan.last?.output.count ?? parseInput(input).width)
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

    /// The same table as ``table(_:input:)`` for the network the specifications describe, computed
    /// from the geometry alone: no layer is built and no weight allocated, so it prints networks
    /// too large to build (a billion parameters) as quickly as small ones.
    /// - Throws: as ``model(input:layers:)``, naming the layer whose size (its output, its
    ///   parameters, its multiply-adds) or the total that is too large for an `Int`.
    public static func table(input: String, layers specifications: [String]) throws -> [[String]] {
        let plan = try plan(input: input, specifications)
        var rows = [["input", input, "", ""]]
        for layer in plan { rows.append([layer.name, layer.output.description, layer.parameters.grouped, layer.multiplyAdds.grouped]) }
        let parameters = try CheckedSize.sum(plan.map(\.parameters), "the total parameters")
        let multiplyAdds = try CheckedSize.sum(plan.map(\.multiplyAdds), "the total multiply-adds per image")
        rows.append(["total", "", parameters.grouped, multiplyAdds.grouped])
        return rows
    }
}
