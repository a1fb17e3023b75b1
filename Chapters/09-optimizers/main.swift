// Chapter 9: optimizers (articles 000, 001 and 003).
import Teach

Chapter.run("optimizers") { chapter in
    chapter.text(
        """
        Gradient descent steps against the gradient it sees now and forgets it at once. Article 003 \
        suggests two improvements: remember earlier steps (*momentum*) and shrink the step as \
        training goes on (*learning-rate decay*). Article 001 lists the optimizers that grew from \
        these ideas: momentum, Adagrad, RMSProp and Adam; article 000 adds Nesterov's accelerated \
        gradient and Adadelta. This chapter writes each one down as torch.optim defines it, runs them \
        on a surface we can draw, then on a network.
        """)

    chapter.section("The update rules")
    chapter.text(
        """
        For one parameter `θ` with gradient `g` at step `t` (counted from 1), learning rate `γ` and \
        weight decay `λ` (added first, `g ← g + λθ`, when asked for; chapter 10), each rule is a few \
        lines, run once per element in a single pass over the parameter's memory. On the left the \
        formula, on the right the loop body in `Sources/Teach/Optimizers/Optimizer.swift`:
        """)
    let rules: [(String, String, String)] = [
        ("SGD", "θ ← θ − γ g", "theta[i] -= lr * g"),
        ("momentum μ", "b ← μ b + g      (b = g at t = 1)\nθ ← θ − γ b",
         "b[i] = t == 1 ? g : mu * b[i] + keep * g\ntheta[i] -= lr * b[i]"),
        ("Nesterov", "b ← μ b + g\nθ ← θ − γ (g + μ b)",
         "b[i] = t == 1 ? g : mu * b[i] + keep * g\ntheta[i] -= lr * (g + mu * b[i])"),
        ("Adagrad", "s ← s + g²\nθ ← θ − γ g / (√s + ε)", "sum[i] += g * g\ntheta[i] -= rate * g / (sum[i].squareRoot() + eps)"),
        ("RMSProp α", "v ← α v + (1 − α) g²\nθ ← θ − γ g / (√v + ε)",
         "v[i] = a * v[i] + (1 - a) * g * g\ntheta[i] -= lr * g / (v[i].squareRoot() + eps)"),
        ("Adadelta ρ", "v ← ρ v + (1 − ρ) g²\nΔ = √(u + ε) / √(v + ε) · g\nu ← ρ u + (1 − ρ) Δ²\nθ ← θ − γ Δ",
         "v[i] = r * v[i] + (1 - r) * g * g\nlet delta = (u[i] + eps).squareRoot() / (v[i] + eps).squareRoot() * g\nu[i] = r * u[i] + (1 - r) * delta * delta\ntheta[i] -= lr * delta"),
        ("Adam β₁ β₂", "m ← β₁ m + (1 − β₁) g\nv ← β₂ v + (1 − β₂) g²\nm̂ = m / (1 − β₁ᵗ)\nv̂ = v / (1 − β₂ᵗ)\nθ ← θ − γ m̂ / (√v̂ + ε)",
         "m[i] = b1 * m[i] + (1 - b1) * g\nv[i] = b2 * v[i] + (1 - b2) * g * g\nlet mHat = m[i] / correction1\nlet vHat = v[i] / correction2\ntheta[i] -= lr * mHat / (vHat.squareRoot() + eps)"),
    ]
    for (name, formula, code) in rules {
        chapter.text("**\(name)**")
        chapter.code(Markdown.sideBySide([formula, code], gap: 6))
    }
    chapter.text(
        """
        Momentum is written as PyTorch writes it, `b ← μ b + g`, `θ ← θ − γ b`; some texts write \
        `v ← μ v − γ g`, `θ ← θ + v`, which is the same path while `γ` stays constant. PyTorch's \
        Nesterov looks ahead along the velocity: it steps by `g + μ b` instead of `b`. Adam's \
        `1 − β₁ᵗ` and `1 − β₂ᵗ` undo the pull towards zero of averages that start at zero: at `t = 1`, \
        `m̂ = g` and `v̂ = g²` exactly, so Adam's first step is `γ·g/(|g| + ε)`, about `γ` in each \
        coordinate whatever the gradient's size. Defaults, as `torch.optim`:
        """)
    chapter.table(
        ["optimizer", "Teach", "defaults"],
        [
            ["SGD", "`Optimizer.sgd(learningRate:momentum:dampening:nesterov:weightDecay:)`", "lr 0.001 (since PyTorch 2.2; none before), momentum 0"],
            ["Adagrad", "`Optimizer.adagrad(…)`", "lr 0.01, lr_decay 0, eps 1e-10"],
            ["RMSProp", "`Optimizer.rmsprop(…)`", "lr 0.01, alpha 0.99, eps 1e-8"],
            ["Adadelta", "`Optimizer.adadelta(…)`", "lr 1.0, rho 0.9, eps 1e-6"],
            ["Adam", "`Optimizer.adam(…)`", "lr 0.001, betas (0.9, 0.999), eps 1e-8"],
        ], alignments: [.left, .left, .left])
    chapter.sourceNote(
        """
        Two corrections to the articles. Article 001 says Adam adapts "based on the average first \
        moment (the mean) as in RMSProp" and adds the second moments; it is the other way round: \
        RMSProp keeps the average of squared gradients (the second moment) and Adam adds the average \
        gradient (the first moment, a momentum). Article 000 describes Adadelta as a rate that rises \
        when the error falls steeply; Adadelta has no notion of the error at all: its step is the \
        ratio of two running root-mean-squares, of past steps and of past gradients, per parameter. \
        Article 000's convergence rate of plain gradient descent was lost in scraping (it reads \
        "D x y"): for smooth convex functions it is `O(1/t)`, against Nesterov's `O(1/t²)`.
        """)
    chapter.sourceNote(
        """
        Article 000 dates Nesterov's accelerated gradient to 2007; Nesterov published it in 1983 \
        ("A method of solving a convex programming problem with convergence rate O(1/k²)").
        """)

    chapter.section("A valley to roll down")
    let bowl = Surface.elongatedBowl
    let start = (x: -7.0, y: 2.0)
    let steps = 30, horizon = 200
    let target = 0.01
    let racers: [(name: String, optimizer: Optimizer<Double>, color: String)] = [
        ("SGD", try .sgd(learningRate: 0.95), "#737373"),
        ("momentum", try .sgd(learningRate: 0.1, momentum: 0.9), "#a50f15"),
        ("Nesterov", try .sgd(learningRate: 0.1, momentum: 0.9, nesterov: true), "#d94801"),
        ("Adagrad", try .adagrad(learningRate: 1.5), "#238b45"),
        ("RMSProp", try .rmsprop(learningRate: 0.1), "#6a51a3"),
        ("Adadelta", try .adadelta(), "#8c6d31"),
        ("Adam", try .adam(learningRate: 0.3), "#08306b"),
    ]
    chapter.text(
        """
        `f(x, y) = x²/20 + y²` is a long, narrow valley: its gradient `(x/10, 2y)` is twenty times \
        steeper across the valley than along it. Every optimizer starts at (\(start.x.fixed(0)), \
        \(start.y.fixed(0))), where `f = \(bowl.value(start.x, start.y).fixed(2))`, and takes \(steps) \
        steps; the learning rates are each optimizer's best-looking choice for this surface (SGD's \
        must stay below 1, or it overshoots across the valley further each step: `y ← y − γ·2y`).
        """)
    let paths = try racers.map { try bowl.path(of: $0.optimizer, from: start, steps: horizon) }
    let contours = [0.1, 0.5, 1, 2, 4, 8].map { Surface.bowlContour(level: $0) }
    var valley = Figure(name: "paths", title: "\(steps) steps on f(x, y) = x²/20 + y² from (−7, 2)", xLabel: "x", yLabel: "y")
    valley.panels = zip(racers, paths).map { racer, path in
        let shown = path.prefix(steps + 1)
        return Figure(
            name: racer.name, title: "\(racer.name), lr \(racer.optimizer.learningRate)", xLabel: "x", yLabel: "y",
            xRange: -8...8, yRange: -3...3, squareAspect: true,
            series: contours.map { Series("", x: $0.x, y: $0.y, color: "#bdbdbd", lineWidth: 1) }
                + [Series("", x: shown.map(\.x), y: shown.map(\.y), style: .linesPoints, color: racer.color, pointType: 7, pointSize: 0.6),
                   Series("", x: [0], y: [0], style: .points, color: "#000000", pointType: 1, pointSize: 2)],
            keyPosition: .none)
    }
    valley.panelsPerRow = 3
    valley.width = 1500
    valley.height = 900
    try chapter.figure(valley, caption: "Each optimizer's first \(steps) steps over the contour lines of the valley (+ marks the minimum)")
    chapter.table(
        ["optimizer", "learning rate", "after \(steps) steps (x, y)", "f after \(steps)", "first step with f < \(target)"],
        zip(racers, paths).map { racer, path in
            let end = path[steps]
            let reached = path.firstIndex { bowl.value($0.x, $0.y) < target }
            return [racer.name, "\(racer.optimizer.learningRate)", "(\(end.x.fixed(3)), \(end.y.fixed(3)))",
                    bowl.value(end.x, end.y).scientific(2), reached.map(String.init) ?? "not in \(horizon)"]
        })
    // the optimizers that were below the target once and are above it again at the last step shown
    let backAbove = zip(racers, paths).filter { _, path in
        path.prefix(steps + 1).contains { bowl.value($0.x, $0.y) < target } && bowl.value(path[steps].x, path[steps].y) >= target
    }.map(\.0.name)
    chapter.text(
        """
        The last column is the first step at which `f` drops below \(target), not the step after \
        which it stays there: \(backAbove.isEmpty ? "every optimizer that got there is still below it at step \(steps)" : "\(backAbove.listed) \(backAbove.count == 1 ? "is" : "are") back above it at step \(steps), swinging past the minimum").
        """)
    // how often a path crosses the valley floor y = 0 in the steps shown, and its lowest y
    func floorCrossings(_ path: [(x: Double, y: Double)]) -> Int {
        zip(path.prefix(steps), path.dropFirst().prefix(steps)).filter { ($0.y < 0) != ($1.y < 0) }.count
    }
    let adam = paths[racers.firstIndex { $0.name == "Adam" }!], adagrad = paths[racers.firstIndex { $0.name == "Adagrad" }!]
    let rmsprop = paths[racers.firstIndex { $0.name == "RMSProp" }!]
    let adamLowest = adam.prefix(steps + 1).map(\.y).min()!
    let adaptiveText = """
        Adagrad, RMSProp and Adam divide each coordinate's step by that coordinate's own gradient \
        history, so the steep `y` and the shallow `x` take steps of similar size. Adagrad and RMSProp \
        head almost straight for the valley floor (\(floorCrossings(adagrad) + floorCrossings(rmsprop) == 0
            ? "neither path crosses it in \(steps) steps" : "their paths cross it \(floorCrossings(adagrad)) and \(floorCrossings(rmsprop)) times in \(steps) steps")), \
        then along it. Adam's steps are as even, \
        but its average of past gradients (β₁ = 0.9) is a momentum: it carries Adam across the floor \
        down to y = \(adamLowest.fixed(2)) and back, \(floorCrossings(adam)) crossings in \(steps) steps. \
        Adagrad's sum only grows, so its steps only shrink, which helps on this small problem and \
        stalls long training runs; RMSProp and Adam forget old gradients.
        """
    let adadeltaSteps = paths[5].prefix(4).map { "(\($0.x.fixed(4)), \($0.y.fixed(4)))" }.joined(separator: " → ")
    chapter.text(
        """
        What the pictures show. SGD with a large rate bounces from wall to wall across the valley \
        while creeping along it. Momentum and Nesterov gather speed along the valley floor and \
        overshoot the minimum, then swing back; Nesterov's look-ahead damps the swing. \
        \(adaptiveText) Adadelta with PyTorch's defaults barely moves: its first step is \
        `√ε / √((1 − ρ) g²) · g ≈ √ε/√(1 − ρ)`, about 0.003 per coordinate, and it grows only as the \
        average of past steps grows: \(adadeltaSteps). Its "no learning rate to tune" promise hides \
        a scale set by `ε`.
        """)

    chapter.section("The same network, seven optimizers")
    var dataRandom = SeededGenerator(seed: chapter.options.seed &+ 1)
    let data = try SyntheticData.spirals(perClass: 150, using: &dataRandom).standardized().dataset
    let epochs = chapter.options.quick ? 40 : 200
    let batchSize = 32
    let lossTarget = 0.02
    let initial = try Network<Double>(sizes: [2, 24, 24, 1], hidden: .tanh, output: .sigmoid, using: &chapter.random)
    let trainers: [(name: String, optimizer: Optimizer<Double>, color: String)] = [
        ("SGD", try .sgd(learningRate: 0.5), "#737373"),
        ("momentum", try .sgd(learningRate: 0.1, momentum: 0.9), "#a50f15"),
        ("Nesterov", try .sgd(learningRate: 0.1, momentum: 0.9, nesterov: true), "#d94801"),
        ("Adagrad", try .adagrad(learningRate: 0.1), "#238b45"),
        ("RMSProp", try .rmsprop(learningRate: 0.01), "#6a51a3"),
        ("Adadelta", try .adadelta(), "#8c6d31"),
        ("Adam", try .adam(learningRate: 0.01), "#08306b"),
    ]
    chapter.text(
        """
        Two interleaved spirals (`SyntheticData.spirals`, \(data.count) points, standardized), a 2-24-24-1 \
        network with tanh hidden units and a sigmoid output, half squared error, batches of \
        \(batchSize), \(epochs) epochs, the same starting weights and the same shuffles for every \
        optimizer (`Model.train(…, optimizer:)`). Learning rates are typical for each rule; Adam's \
        and RMSProp's are small because their steps are about `γ` per weight whatever the gradient. \
        Momentum's 0.1 with `μ = 0.9` moves like plain SGD at `0.1/(1 − 0.9) = 1` once the velocity \
        has built up.
        """)
    var histories: [[EpochRecord]] = []
    var accuracies: [Double] = []
    for trainer in trainers {
        var model = Model(initial)
        var optimizer = trainer.optimizer
        var shuffler = SeededGenerator(seed: chapter.options.seed &+ 2)
        histories.append(
            try model.train(
                inputs: data.inputs, targets: data.targets, options: TrainingOptions(epochs: epochs, batchSize: batchSize),
                optimizer: &optimizer, using: &shuffler))
        accuracies.append(binaryAccuracy(try model.predict(data.inputs), targets: data.targets))
    }
    try chapter.figure(
        Figure(
            name: "loss-curves", title: "Spirals, 2-24-24-1, batch \(batchSize)", xLabel: "epoch", yLabel: "loss (log scale)",
            logScaleY: true,
            series: zip(trainers, histories).map { trainer, history in
                Series(trainer.name, x: history.map { Double($0.epoch) }, y: history.map(\.loss), color: trainer.color)
            }, keyPosition: .outside),
        caption: "Training loss per epoch for each optimizer, from the same start")
    chapter.table(
        ["optimizer", "learning rate", "loss after 10 epochs", "final loss", "epochs to loss < \(lossTarget)", "accuracy"],
        trainers.indices.map { i in
            let history = histories[i]
            return [trainers[i].name, "\(trainers[i].optimizer.learningRate)", history[min(10, epochs)].loss.fixed(4),
                    history.last!.loss.fixed(4), history.first { $0.loss < lossTarget }.map { String($0.epoch) } ?? "not in \(epochs)",
                    String(format: "%.1f%%", 100 * accuracies[i])]
        })
    let best = trainers.indices.min { histories[$0].last!.loss < histories[$1].last!.loss }!
    chapter.text(
        """
        On this problem \(trainers[best].name) ends lowest. The ranking depends on the learning \
        rates as much as on the rules: every optimizer here has a rate at which it does well and \
        rates at which it does badly, and the adaptive ones (Adam above all) are popular because \
        their good rates are easy to find (Adam's default 0.001 is rarely far off), not because \
        they always win.
        """)

    chapter.section("Learning-rate decay")
    let decayRate = 3.0, decayBatch = 4
    let schedules: [(String, LearningRateSchedule, String)] = [
        ("constant", .constant, "#737373"),
        ("step: ×0.5 every 50 epochs", .step(every: 50, factor: 0.5), "#a50f15"),
        ("exponential: ×0.98 per epoch", .exponential(factor: 0.98), "#08306b"),
    ]
    let rings = try SyntheticData.circles(perClass: 150, noise: 0.1, using: &dataRandom).standardized().dataset
    chapter.text(
        """
        Article 003's second idea: start with large steps and make them smaller as training goes \
        on, so that the late steps settle into a minimum instead of rattling around it. PyTorch \
        does this with a scheduler stepped once per epoch; the package's `LearningRateSchedule` \
        gives the same rates: `StepLR` multiplies by a factor every few epochs, `ExponentialLR` by \
        a factor every epoch. The rattling comes from noisy gradients, so the test is noisy: two \
        rings that overlap (`SyntheticData.circles` with noise 0.1, \(rings.count) points), plain SGD \
        with batches of \(decayBatch) and a large starting rate of \(decayRate.fixed(0)), the same \
        2-24-24-1 network, \(epochs) epochs:
        """)
    var decayHistories: [[EpochRecord]] = []
    for (_, schedule, _) in schedules {
        var model = Model(initial)
        var optimizer = try Optimizer<Double>.sgd(learningRate: decayRate)
        var shuffler = SeededGenerator(seed: chapter.options.seed &+ 2)
        decayHistories.append(
            try model.train(
                inputs: rings.inputs, targets: rings.targets, options: TrainingOptions(epochs: epochs, batchSize: decayBatch, schedule: schedule),
                optimizer: &optimizer, using: &shuffler))
    }
    let marks = [1, 50, 51, 100, 101, 150, 151, epochs].filter { $0 <= epochs }
    let window = min(20, epochs)
    func spread(_ history: [EpochRecord]) -> Double {
        let tail = history.suffix(window).map(\.loss)
        return tail.max()! - tail.min()!
    }
    chapter.table(
        ["schedule"] + marks.map { "lr in epoch \($0)" } + ["final loss", "loss range, last \(window) epochs"],
        zip(schedules, decayHistories).map { schedule, history in
            [schedule.0] + marks.map { String(format: "%.3g", history[$0].learningRate ?? 0) }
                + [history.last!.loss.fixed(4), spread(history).fixed(4)]
        })
    try chapter.figure(
        Figure(
            name: "decay", title: "SGD from lr \(decayRate.fixed(0)), batch \(decayBatch), noisy rings", xLabel: "epoch",
            yLabel: "loss (log scale)", logScaleY: true,
            series: zip(schedules, decayHistories).map { schedule, history in
                Series(schedule.0, x: history.map { Double($0.epoch) }, y: history.map(\.loss), color: schedule.2)
            }, keyPosition: .topRight),
        caption: "Loss per epoch with a constant, a step-decayed and an exponentially decayed learning rate")
    let constantSpread = spread(decayHistories[0])
    let decayedSpread = max(spread(decayHistories[1]), spread(decayHistories[2]))
    let bestDecayed = min(decayHistories[1].last!.loss, decayHistories[2].last!.loss)
    chapter.text(
        """
        With the constant rate the loss jumps from epoch to epoch (a range of \(constantSpread.fixed(4)) \
        over the last \(window) epochs); the decayed rates settle (at most \(decayedSpread.fixed(4))) \
        and \(bestDecayed < decayHistories[0].last!.loss ? "end lower" : "do not end lower here"): \
        \(bestDecayed.fixed(4)) against \(decayHistories[0].last!.loss.fixed(4)). A schedule is one \
        more thing to tune: decay too fast and the steps vanish before the network arrives. The \
        adaptive optimizers above shrink their steps per weight on their own, which is one reason \
        they are the usual first choice, but schedules are still used with them for long runs.
        """)
}
