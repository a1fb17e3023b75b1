// Chapter 3: one step of gradient descent (article 003).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter turns on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Learning rate η of the worked step and of the middle curve of the three.")
    var learningRate = 0.5
    @Option(parsing: .unconditional, help: "Steps of gradient descent on the neuron (at least 10: the table shows step 10).")
    var steps = 30

    func validate() throws {
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.atLeast(10, steps, "--steps", "a number of steps")
    }
}

Chapter.run("descent", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        A network learns by changing its weights so that its answers get closer to the targets. To \
        do that it needs a number that says how far off it is, and a direction in which to move each \
        weight. This chapter works through one such move, a single step of gradient descent on a \
        single sigmoid neuron, with every number printed, and then takes many steps.
        """)

    chapter.section("The cost, and why the ½")
    chapter.text(
        """
        For a target `y` and a prediction `ŷ`, the articles measure the error with half the squared \
        difference, summed over the outputs `j` and the records `μ`:
        """)
    chapter.formula("E = ½ Σ_μ Σ_j (y_j^μ − ŷ_j^μ)²")
    chapter.text(
        """
        Squaring makes every miss count as positive and big misses count much more than small ones. \
        The ½ is there for the derivative: `d/dŷ ½(y − ŷ)² = −(y − ŷ)`, so the 2 that comes down from \
        the square cancels, and the gradient of one record is just the error with its sign flipped. \
        It changes nothing else: halving a function does not move its minimum. The package's \
        `Loss.halfSquaredError` also divides by the number of records `m`, which is the article's \
        "divide the weight steps by m" moved into the loss; for the single record here, `m = 1`.
        """)

    chapter.section("One neuron, one step")
    let learningRate = knobs.learningRate
    let x = [1.0, 2, 3, 4]
    let y = 0.5
    let startWeights = [0.5, -0.5, 0.3, 0.1]
    chapter.text(
        """
        Article 003's example: one sigmoid unit with four inputs and no bias, learning rate \
        `η = \(learningRate)`, input `x = [1, 2, 3, 4]`, target `y = \(y)` and starting weights \
        `w = [0.5, −0.5, 0.3, 0.1]`. The step is five lines of arithmetic:
        """)
    chapter.sourceNote(
        """
        The copy of article 003 the book works from prints the input as `[1, 2. 3, 4]`, the \
        sigmoid as `1/(1+ex)` and the weighted sum as `h =, w)`: the lost pieces are a comma, the \
        minus sign of `e^−x` and `np.dot(x`. The numbers in this chapter use the intended forms.
        """)
    chapter.formula(
        """
        h          = Σ_i w_i x_i                     the weighted sum
        ŷ          = sigmoid(h) = 1 / (1 + e^−h)      the output
        error      = y − ŷ
        errorTerm  = error · sigmoid'(h)             sigmoid'(h) = ŷ (1 − ŷ)
        Δw_i       = η · errorTerm · x_i             the change in weight i
        """)
    let neuron = try Dense<Double>(
        weights: startWeights.map { [$0] }, bias: [0], activation: .sigmoid, hasBias: false)
    let input = Matrix(row: x), target = Matrix(row: [y])
    let trace = try neuron.forwardTrace(input)
    let h = trace.weightedSums[0, 0], output = trace.output[0, 0]
    let error = y - output
    let slope = Activation.sigmoid.derivative(h)
    let backward = try neuron.backward(trace, outputGradient: try Loss.halfSquaredError.gradient(trace.output, target))
    // The article's error term is −∂E/∂h, and its weight change is −η ∂E/∂w.
    let errorTerm = -backward.weightedSumGradient[0, 0]
    let change = (backward.gradients.weights * -learningRate).elements
    chapter.table(
        ["i", "x_i", "w_i", "w_i · x_i", "Δw_i = η · errorTerm · x_i", "new w_i"],
        (0..<4).map { i in
            ["\(i + 1)", x[i].fixed(0), startWeights[i].fixed(1), (startWeights[i] * x[i]).fixed(1), change[i].fixed(8),
             (startWeights[i] + change[i]).fixed(8)]
        })
    chapter.list([
        "weighted sum `h = \(h.fixed(8))`",
        "output `ŷ = sigmoid(\(h.fixed(1))) = \(output.fixed(8))`",
        "error `y − ŷ = \(error.fixed(8))`",
        "slope of the sigmoid `sigmoid'(h) = ŷ(1 − ŷ) = \(slope.fixed(8))`",
        "error term `\(error.fixed(8)) × \(slope.fixed(8)) = \(errorTerm.fixed(8))`",
    ])
    chapter.text(
        """
        These numbers do not come from a separate formula typed into the chapter: the neuron is a \
        `Dense` layer of the package, and the error term and the changes come out of its backward \
        pass (`Dense.backward`), the same code that trains the large networks later. The backward \
        pass returns `∂E/∂h` and `∂E/∂w`; the article's error term is `−∂E/∂h` and its change is \
        `Δw = −η ∂E/∂w`, a step downhill.
        """)
    var stepped = neuron
    try stepped.descend(backward.gradients, learningRate: learningRate)
    let newOutput = try stepped.forward(input)[0, 0]
    let costBefore = 0.5 * error * error, costAfter = 0.5 * (y - newOutput) * (y - newOutput)
    chapter.text(
        """
        The output was too high (\(output.fixed(4)) against a target of \(y)), so every weight goes \
        down, each in proportion to its input: the weight on `x4 = 4` moves four times as far as \
        the one on `x1 = 1`, because it had four times the influence on `h`. After the step the \
        output is \(newOutput.fixed(4)) and the cost `½(y − ŷ)²` \(costAfter < costBefore ? "fell" : "rose") from \
        \(costBefore.fixed(6)) to \(costAfter.fixed(6))\(costAfter < costBefore ? "" : ": the step was so long that the output overshot the target by more than it started with").
        """)

    chapter.section("Many steps")

    /// The cost and output before each of `count` steps of gradient descent at `rate`.
    func descend(rate: Double, count: Int) throws -> (costs: [Double], outputs: [Double]) {
        var walker = neuron
        var costs: [Double] = [], outputs: [Double] = []
        for _ in 0...count {
            let pass = try Network([walker]).backpropagate(input, targets: target, loss: .halfSquaredError)
            costs.append(pass.loss)
            outputs.append(pass.output[0, 0])
            try walker.descend(pass.gradients[0], learningRate: rate)
        }
        return (costs, outputs)
    }
    let steps = knobs.steps
    let run = try descend(rate: learningRate, count: steps)
    let closer = abs(y - run.outputs[steps]) < abs(y - run.outputs[0])
    chapter.text(
        closer
            ? """
            One step only goes part of the way. Repeating it, with the same input and target, walks the \
            output towards \(y):
            """
            : """
            Repeating the step, with the same input and target, does not bring the output closer to \
            \(y) at `η = \(learningRate)`:
            """)
    chapter.table(
        ["step", "output ŷ", "error y − ŷ", "cost ½(y − ŷ)²"],
        (0...6).map { [String($0), run.outputs[$0].fixed(8), run.costs[$0] == 0 ? "0" : (y - run.outputs[$0]).scientific(3), run.costs[$0].scientific(3)] })
    // the factor by which each of the first steps multiplies the cost (while the cost is not yet 0)
    let rates = Array(Set([0.05, learningRate, 1.0])).sorted()
    let ratios = (1...4).filter { run.costs[$0 - 1] > 0 }.map { run.costs[$0] / run.costs[$0 - 1] }
    let steady = ratios.count == 4 && ratios.allSatisfy { $0 < 1 } && abs(ratios[3] / ratios[2] - 1) < 0.25
    let divisors = ratios.map { 1 / $0 >= 10 ? (1 / $0).fixed(0) : (1 / $0).fixed(2) }.joined(separator: ", ")
    // "near": within 0.01 of the target by the fourth step
    let nearBy = abs(y - run.outputs[4]) < 0.01 ? "Once the output is near \(y), each" : "Each"
    let factor =
        steady
        ? "\(nearBy) step divides the cost by about the same factor (the first steps divide it by \(divisors)), so on a log scale the cost falls along a straight line."
        : ratios.allSatisfy({ $0 < 1 })
            ? "Each step divides the cost (the first steps divide it by \(divisors)), though not by a steady factor in these first steps."
            : "At `η = \(learningRate)` the cost does not fall at every step: the first steps multiply it by \(ratios.map { $0.fixed(2) }.joined(separator: ", "))."
    chapter.text(
        """
        \(factor) That factor \
        depends on the learning rate. With a smaller `η` each step covers less ground; with a larger \
        one the output overshoots 0.5 and comes back from the other side, and beyond a certain size \
        it overshoots by more than it started with. \(rates.count == 3 ? "Three" : "Two") learning rates on the same neuron:
        """)
    var series: [Series] = []
    var rows: [[String]] = []
    var stops: [(rate: Double, step: Int)] = []  // where a curve reaches a cost of exactly 0
    let styles = rates.count == 3 ? [(7, "#08306b"), (5, "#a50f15"), (9, "#238b45")] : [(7, "#08306b"), (9, "#238b45")]
    for (rate, style) in zip(rates, styles) {
        let trial = try descend(rate: rate, count: steps)
        // A cost of exactly 0 (the output rounded to 0.5) cannot sit on a log axis: stop the curve there.
        let shown = trial.costs.prefix { $0 > 0 }
        if let zero = trial.costs.firstIndex(of: 0) { stops.append((rate, zero)) }
        series.append(Series("η = \(rate)", x: shown.indices.map(Double.init), y: Array(shown), style: .linesPoints, color: style.1, pointType: style.0, pointSize: 0.8))
        rows.append([String(rate), trial.outputs[1].fixed(6), trial.outputs[2].fixed(6), trial.costs[10].scientific(2)] + (steps > 10 ? [trial.costs[steps].scientific(2)] : []))
    }
    chapter.table(["η", "output after step 1", "after step 2", "cost after 10 steps"] + (steps > 10 ? ["after \(steps)"] : []), rows)
    try chapter.figure(
        Figure(
            name: "error-per-step", title: "Gradient descent on one neuron: cost per step", xLabel: "step",
            yLabel: "cost ½(y − ŷ)² (log scale)", logScaleY: true, series: series, keyPosition: .bottomRight),
        caption: "The cost after each step of gradient descent on article 003's example, for \(rates.count == 3 ? "three" : "two") learning rates, log scale")
    for stop in stops {
        chapter.text(
            """
            The η = \(stop.rate) curve ends at step \(stop.step - 1): from step \(stop.step) on its \
            cost is exactly 0 in Double, the output having rounded to exactly \(y), and a log axis \
            has no place for 0.
            """)
    }
    chapter.text(
        """
        With `η = 1` the output jumps below 0.5 after the first step and the error changes sign \
        every step, shrinking all the while: a zig-zag down the valley. This neuron is an easy case, \
        one record and a smooth bowl; real costs are sums over many records and have flat stretches, \
        which is why the learning rate is the first number everyone tunes.
        """)

    chapter.section("The mountain")
    chapter.text(
        """
        Article 003 pictures the cost as a mountain and gradient descent as walking down it in small \
        steps, always in the steepest direction. With four weights the mountain lives in five \
        dimensions, but a slice of it can be drawn: hold `w2`, `w3` and `w4` at their starting values \
        and let only `w1` vary. The cost is then a curve over `w1`, and one gradient descent step on \
        `w1` alone is `w1 ← w1 − η · ∂E/∂w1`.
        """)
    let start = 2.5, sliceRate = 8.0, walkSteps = 14
    func costAt(_ w1: Double) throws -> Double {
        var layer = neuron
        layer.weights[0, 0] = w1
        return try Loss.halfSquaredError.value(layer.forward(input), target)
    }
    func slopeAt(_ w1: Double) throws -> Double {
        var layer = neuron
        layer.weights[0, 0] = w1
        return try layer.backward(layer.forwardTrace(input), outputGradient: Loss.halfSquaredError.gradient(layer.forward(input), target)).gradients.weights[0, 0]
    }
    let curveX = (0...200).map { -4.0 + 10.0 * Double($0) / 200 }
    let curveY = try curveX.map(costAt)
    var walk = [start]
    for _ in 0..<walkSteps { walk.append(walk[walk.count - 1] - sliceRate * (try slopeAt(walk[walk.count - 1]))) }
    let walkCosts = try walk.map(costAt)
    let minimum = -(x[1] * startWeights[1] + x[2] * startWeights[2] + x[3] * startWeights[3]) / x[0]
    chapter.text(
        """
        The bottom is where `ŷ = y = 0.5`, that is `h = 0`, at `w1 = \(minimum.fixed(1))`. Starting from \
        `w1 = \(start)` with `η = \(sliceRate)` (large, because this slice is shallow), the walk goes:
        """)
    chapter.table(
        ["step", "w1", "slope ∂E/∂w1", "cost"],
        try walk.indices.filter { $0 < 6 || $0 == walkSteps }.map { i in
            [String(i), walk[i].fixed(4), (try slopeAt(walk[i])).scientific(3), walkCosts[i].scientific(3)]
        })
    try chapter.figure(
        Figure(
            name: "mountain", title: "A slice of the cost: only w1 varies", xLabel: "w1", yLabel: "cost ½(y − ŷ)²",
            series: [
                Series("cost over w1", x: curveX, y: curveY, color: "#08306b"),
                Series("gradient descent steps", x: walk, y: walkCosts, style: .linesPoints, color: "#a50f15", pointType: 7, pointSize: 1),
            ],
            keyPosition: .topLeft),
        caption: "The cost as a function of w1 alone, and gradient descent walking down it")
    chapter.text(
        """
        The steps are long where the slope is steep and short near the bottom, since each is the \
        slope times `η`. Far to the left and right the sigmoid flattens out and so does the cost: a \
        walk that started there would crawl. A learning rate that is too large overshoots the bottom \
        and can climb the other side; one that is too small takes forever. Chapter 4 computes the \
        slope for every weight of a network with hidden layers, and chapter 5 asks how much data each \
        step should look at.
        """)
}
