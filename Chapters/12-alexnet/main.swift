// Chapter 12: AlexNet layer by layer, and article 000's VGG sub-network (articles 004 and 000).
import ArgumentParser
import Teach
import TeachBook

/// The chapter's choices. The architecture is the paper's; what a reader can turn is the length of
/// the training whose cost on this machine the chapter estimates.
struct Knobs: ChapterKnobs {
    @Option(help: "Epochs of ImageNet training in the estimate of its time on this machine (the paper's 90).")
    var trainingEpochs = 90

    func validate() throws { try KnobCheck.within(1...10_000, trainingEpochs, "--training-epochs", "a number of epochs") }
}

Chapter.run("alexnet", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        AlexNet won the ImageNet challenge of 2012, the first time a deep network did, and article \
        004 walks through it layer by layer. This chapter builds it from the package's real layers \
        (the same `Conv2D`, `Pooling` and `Dense` that train in the next chapter), lets the layers \
        compute every size and parameter count, pushes one random image through it, and then does \
        the same bookkeeping for the VGG-style network of article 000.
        """)

    chapter.section("AlexNet, layer by layer")
    var random = chapter.random
    let clock = ContinuousClock()
    let building = clock.now
    let alexNet: Model<Float> = try Architectures.alexNet(using: &random)
    let buildTime = clock.now - building
    let summary = alexNet.summary
    let total = alexNet.parameterCount
    let multiplyAdds = summary.map(\.multiplyAdds)
    chapter.text(
        """
        The article's single-tower AlexNet from a 227×227×3 image: five convolutions with ReLU, \
        three 3×3 max poolings with stride 2, and three fully connected layers, the last with one \
        unit per ImageNet class and a softmax (`Architectures.alexNet`). Each row is what the \
        layer itself reports:
        """)
    chapter.table(
        ["#", "layer", "output", "parameters", "share", "multiply-adds per image"],
        [["0", "input", "227×227×3", "", "", ""]]
            + summary.indices.map { i in
                [String(i + 1), summary[i].layer, summary[i].output, summary[i].parameters.grouped,
                 summary[i].parameters == 0 ? "" : String(format: "%.1f%%", 100 * Double(summary[i].parameters) / Double(total)),
                 multiplyAdds[i] == 0 ? "" : multiplyAdds[i].grouped]
            }
            + [["", "total", "", total.grouped, "100%", multiplyAdds.reduce(0, +).grouped]],
        alignments: [.right, .left, .right, .right, .right, .right])
    // the volumes that flow through it: the input, each convolution's and pooling's output, each dense layer's
    var volumes = [Volume("input", shape: alexNet.inputShape)!]
    var counts = (conv: 0, pool: 0, dense: 0)
    for (layer, shape) in zip(alexNet.layers, try alexNet.layers.chainedShapes(from: alexNet.inputShape)) {
        let label: String
        switch layer {
        case is Conv2D<Float>:
            counts.conv += 1
            label = "conv\(counts.conv)"
        case is Pooling<Float>:
            counts.pool += 1
            label = "pool\(counts.pool)"
        case is Dense<Float>:
            counts.dense += 1
            label = "fc\(5 + counts.dense)"
        default:
            continue
        }
        volumes.append(Volume(label, shape: shape)!)
    }
    try chapter.figure(
        Figure.volumes(name: "architecture", title: "AlexNet, one tower: the volume after each layer", volumes),
        caption: "Each box is a layer's output, height × width × channels on a square-root scale; the dense layers are bars of 4096, 4096 and 1000")
    let convolutionParameters = zip(alexNet.layers, summary).filter { $0.0 is Conv2D<Float> }.map(\.1.parameters).reduce(0, +)
    let denseParameters = zip(alexNet.layers, summary).filter { $0.0 is Dense<Float> }.map(\.1.parameters).reduce(0, +)
    let convolutionWork = zip(alexNet.layers, multiplyAdds).filter { $0.0 is Conv2D<Float> }.map(\.1).reduce(0, +)
    chapter.text(
        """
        The sizes follow the rule of chapter 11 at every step: (227 − 11)/4 + 1 = 55, \
        (55 − 3)/2 + 1 = 27, (27 − 5 + 4)/1 + 1 = 27, (27 − 3)/2 + 1 = 13, the three 3×3 \
        convolutions with padding 1 keep 13, and (13 − 3)/2 + 1 = 6; 6·6·256 = 9,216 numbers \
        enter the first dense layer. The total is \(total.grouped) parameters, the "62 million" \
        usually quoted. Where they live is lopsided: the five convolutions hold \
        \(convolutionParameters.grouped) (\(String(format: "%.1f%%", 100 * Double(convolutionParameters) / Double(total)))) \
        but do \(String(format: "%.0f%%", 100 * Double(convolutionWork) / Double(multiplyAdds.reduce(0, +)))) of the \
        arithmetic, because each filter is reused at every position; the three dense layers hold \
        \(denseParameters.grouped) (\(String(format: "%.1f%%", 100 * Double(denseParameters) / Double(total)))), \
        37.7 million of them in the first alone, and each weight is used once per image.
        """)
    // the eight layers with weights, named as the paper numbers them: conv1…conv5, fc6…fc8
    let weighted = summary.indices.filter { summary[$0].parameters > 0 }
    var convolutionCount = 0, denseCount = 0
    let layerNames = weighted.map { index -> String in
        if alexNet.layers[index] is Conv2D<Float> {
            convolutionCount += 1
            return "conv\(convolutionCount)"
        }
        denseCount += 1
        return "fc\(5 + denseCount)"
    }
    let positions = weighted.indices.map(Double.init)
    var parameterFigure = Figure(
            name: "parameters", title: "AlexNet: parameters and multiply-adds per image, per layer", xLabel: "layer",
            yLabel: "count (log scale)", xRange: -0.6...Double(weighted.count) - 0.4, yRange: 1e4...2e9, logScaleY: true,
            series: [
                Series("parameters", x: positions.map { $0 - 0.13 }, y: weighted.map { Double(summary[$0].parameters) },
                       style: .impulses, color: "#08306b", lineWidth: 14),
                Series("multiply-adds per image", x: positions.map { $0 + 0.13 }, y: weighted.map { Double(multiplyAdds[$0]) },
                       style: .impulses, color: "#d94801", lineWidth: 14),
            ], keyPosition: .topLeft)
    parameterFigure.xTicks = zip(layerNames, positions).map { Tick($0, at: $1) }
    try chapter.figure(
        parameterFigure,
        caption: "The convolutions hold few parameters and do most of the work; the dense layers the reverse (log scale)")
    do {
        _ = try Conv2D<Float>(inputShape: ImageShape(224, 3), filters: 96, filterSize: 11, stride: 4, initializer: .zeros, using: &random)
        chapter.notice("unexpected: 224 fits")
    } catch let error as GeometryError {
        chapter.text(
            """
            The article notes that the paper's figure prints the input as 224×224×3 and calls it \
            a typo. The rule agrees: with 224 the first layer does not fit,
            """)
        chapter.formula(error.description)
        chapter.text(
            """
            while 227 gives exactly 55. (torchvision's AlexNet takes 224 and pads by 2: \
            (224 − 11 + 4)/4 + 1 = 55.25, which PyTorch rounds down to 55.)
            """)
    }
    // The paper's two towers: each GPU holds half the filters of every layer; convolutions 2, 4 and
    // 5 read only the channels of their own GPU, so each of their filters has half the depth.
    let convolutionRows = alexNet.layers.indices.filter { alexNet.layers[$0] is Conv2D<Float> }
    let splitRows = [1, 3, 4].map { convolutionRows[$0] }
    let halfDepthSaving = splitRows.map { row -> Int in
        let conv = alexNet.layers[row] as! Conv2D<Float>
        return conv.weights.count / 2  // (F·F·C/2)·(K/2) weights in each of two towers
    }.reduce(0, +)
    let twoTowers = total - halfDepthSaving
    chapter.text(
        """
        The paper splits every layer over two GPUs, each holding half the filters. Convolutions 2, \
        4 and 5 (rows \(splitRows.map { String($0 + 1) }.joined(separator: ", ")) of the table) read \
        only the channels of their own GPU, so each of their filters has half the depth of the \
        single tower's; convolution 3 and the dense layers read both halves. Article 004's single \
        tower has the same sizes but whole-depth filters there, \(halfDepthSaving.grouped) weights \
        more: counted with the paper's half-depth filters the network has \(twoTowers.grouped) \
        parameters, the paper's "60 million". The paper also normalises the outputs of convolutions \
        1 and 2 across neighbouring channels (local response normalisation, before their pooling) \
        and trains the first two dense layers with dropout 0.5; article 004 leaves both out, and so \
        does `Architectures.alexNet`. Neither changes a size or a parameter count (local response \
        normalisation has no parameters, and dropout is chapter 10's).
        """)

    chapter.section("One image through it")
    var imageRandom = SeededGenerator(seed: chapter.options.seed &+ 1)
    let image = Matrix<Float>.uniform(rows: 1, columns: 227 * 227 * 3, in: 0..<1, using: &imageRandom)
    var traced = alexNet
    var unused = SeededGenerator(seed: 0)
    var timings: [(String, String, Duration)] = []
    var activation = image
    let shapes = try traced.layers.chainedShapes(from: traced.inputShape)
    for index in traced.layers.indices {
        let started = clock.now
        let output = try traced.layers[index].forward(activation, mode: .inference, using: &unused)
        let expected = shapes[index].count
        guard output.rows == 1, output.columns == expected else {
            throw ShapeError(
                operation: "AlexNet layer \(index + 1)", shapes: [output.shape],
                expected: "one image of \(summary[index].output) (\(expected) numbers)")
        }
        timings.append((summary[index].layer, summary[index].output, clock.now - started))
        activation = output
    }
    let probabilities = activation.elements
    let sum = probabilities.reduce(0, +)
    chapter.text(
        """
        A random 227×227×3 image (uniform pixels in [0, 1)) goes forward through the network with \
        random weights (He's scale; Xavier's for the last layer), layer by layer, checking at each \
        step that the output has the shape in the table. It leaves as \(probabilities.count) class \
        probabilities summing to \(String(format: "%.4f", sum)), the largest \
        \(String(format: "%.4f", probabilities.max()!)): with random weights they mean nothing yet. The time each layer took on this machine (one core, \
        Float, the package's current matrix product):
        """)
    let forwardTotal = timings.map(\.2).reduce(Duration.zero, +)
    func milliseconds(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15 }
    let forwardMS = milliseconds(forwardTotal)
    let flops = 2 * Double(multiplyAdds.reduce(0, +))
    chapter.timings(
        Markdown.table(
            ["layer", "output", "time (ms)"],
            timings.map { [$0.0, $0.1, String(format: "%.1f", milliseconds($0.2))] }
                + [["total", "", String(format: "%.1f", forwardMS)]],
            alignments: [.left, .right, .right])
            + "\n\n"
            + """
            That is \(String(format: "%.1f", flops / forwardMS / 1e6)) GFLOP/s over the whole pass \
            (building the network and drawing its \(total.grouped) random weights took \
            \(String(format: "%.1f", milliseconds(buildTime) / 1000)) s).
            """)

    chapter.section("What the GPU remark means")
    let vgg: Model<Float> = try Architectures.vggSubnetwork(initializer: .zeros, using: &random)
    let vggMultiplyAdds = vgg.summary.map(\.multiplyAdds).reduce(0, +)
    chapter.text(
        """
        Article 000 reports that its network (the VGG sub-network below) took 240 seconds per \
        epoch on a GPU with 3,000 cores and 17,100 seconds on a CPU, about \
        \(String(format: "%.0f", 17100.0 / 240)) times more. The arithmetic explains why. One AlexNet image \
        costs \(multiplyAdds.reduce(0, +).grouped) multiply-adds forward (\(String(format: "%.2f", flops / 1e9)) \
        GFLOP); training needs about three times that (the backward pass computes two products \
        for every one of the forward pass: the gradient of the weights and of the input). The VGG \
        sub-network, which keeps 256×256 images through its first convolutions, costs \
        \(vggMultiplyAdds.grouped) multiply-adds forward, \
        \(String(format: "%.0f", Double(vggMultiplyAdds) / Double(multiplyAdds.reduce(0, +)))) times AlexNet.
        """)
    let imagesPerEpoch = 1_281_167.0
    let trainingSeconds = 3 * forwardMS / 1000 * imagesPerEpoch
    let trainingDays = String(format: "%.0f", Double(knobs.trainingEpochs) * trainingSeconds / 86400)
    chapter.timings(
        """
        At the speed measured above (\(String(format: "%.0f", forwardMS)) ms per AlexNet image forward), \
        one epoch of ImageNet's \(Int(imagesPerEpoch).grouped) training images would take about \
        3 × \(String(format: "%.3f", forwardMS / 1000)) s × \(Int(imagesPerEpoch).grouped) ≈ \
        \(String(format: "%.0f", trainingSeconds / 3600)) hours on this machine, and \
        \(knobs.trainingEpochs == 90 ? "the ninety epochs of the paper" : "\(knobs.trainingEpochs.spelledOut) epoch\(knobs.trainingEpochs == 1 ? "" : "s") (the paper trained ninety)") \
        about \(trainingDays) day\(trainingDays == "1" ? "" : "s"). A GPU of 2012 did \
        about 1.5 TFLOP/s; the paper's two took five to six days for its ninety.
        """)
    chapter.text("The VGG sub-network of article 000's Keras listing, from the same layers (`Architectures.vggSubnetwork`):")
    let vggSummary = vgg.summary
    chapter.table(
        ["#", "layer", "output", "parameters"],
        [["0", "input", "256×256×3", ""]]
            + vggSummary.indices.map { [String($0 + 1), vggSummary[$0].layer, vggSummary[$0].output, vggSummary[$0].parameters.grouped] }
            + [["", "total", "", vgg.parameterCount.grouped]],
        alignments: [.right, .left, .right, .right])
    let firstDense = vggSummary.first { $0.layer.hasPrefix("dense") }!.parameters
    chapter.text(
        """
        Keras 1 wrote the input as `input_shape=(3,256,256)`, channels first; here it is 256×256×3, \
        channels last, with the same sizes. Each `ZeroPadding2D((1,1))` followed by a 3×3 convolution \
        without padding is the same as a convolution with padding 1: the size stays, and each 2×2 \
        pooling halves it, 256 → 128 → 64 → 32. The total is \(vgg.parameterCount.grouped) \
        parameters, \(String(format: "%.0f%%", 100 * Double(firstDense) / Double(vgg.parameterCount))) of \
        them in the first dense layer, which sees 32·32·256 = 262,144 inputs. The full VGG16 has \
        about 138 million.
        """)
    chapter.sourceNote(
        """
        Article 000 calls full VGG16 a network of "15 lakh+" (1.5 million+) parameters; VGG16 has \
        about 138 million, and even the cut-down part of chapter 12 has \
        \(String(format: "%.0f", Double(vgg.parameterCount) / 1e6)) million.
        """)
}
