// Chapter 9: optimizers (articles 000, 001 and 003).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter's network sections turn on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Epochs of the seven optimizers' race and of the decay runs (with --quick: a fifth).")
    var epochs = 200
    @Option(parsing: .unconditional, help: "Batch size of the seven optimizers' race and of the learning-rate sweep.")
    var batchSize = 32
    @Option(parsing: .unconditional, help: "Tanh units in each of the two hidden layers of the 2-h-h-1 network.")
    var hiddenUnits = 24
    @Option(parsing: .unconditional, help: "Epochs of each run of the learning-rate sweep (with --quick: half).")
    var sweepEpochs = 20
    @Option(parsing: .unconditional, help: "Starting learning rate of plain SGD in the decay runs.")
    var decayLearningRate = 3.0

    func validate() throws {
        try KnobCheck.atLeast(1, epochs, "--epochs", "a number of epochs")
        try KnobCheck.within(1...300, batchSize, "--batch-size", "a batch size (the spirals have 300 points)")
        try KnobCheck.atLeast(1, hiddenUnits, "--hidden-units", "a number of hidden units")
        try KnobCheck.atLeast(1, sweepEpochs, "--sweep-epochs", "a number of epochs")
        try KnobCheck.positive(decayLearningRate, "--decay-learning-rate", "a learning rate")
    }
}

Chapter.run("optimizers", knobs: Knobs.self) { chapter, knobs in
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
        lines, run once per element in a single pass over the parameter's memory. Below, each \
        rule's formula, then its code as it runs, quoted from `Optimizer.apply` in \
        `Sources/Teach/Optimizers/Optimizer.swift`. First what every rule shares: the learning \
        rate `lr`, the step count `t`, and `decayed(i)`, the gradient of element `i` with the weight \
        decay added:
        """)
    let optimizerSource = "Sources/Teach/Optimizers/Optimizer.swift"
    try chapter.quote("optimizer-decay", from: optimizerSource)
    let rules: [(name: String, formula: String, markers: [String])] = [
        ("SGD, momentum μ and Nesterov", """
            SGD:         θ ← θ − γ g
            momentum μ:  b ← μ b + (1 − τ) g      (b = g at t = 1; τ, the dampening, is 0 by default)
                         θ ← θ − γ b
            Nesterov:    b as for momentum, then θ ← θ − γ (g + μ b)
            """, ["optimizer-sgd"]),
        ("Adagrad", """
            s ← s + g²
            θ ← θ − γ' g / (√s + ε)      γ' = γ / (1 + (t − 1)·decay)   (decay is lr_decay, 0 by default)
            """, ["optimizer-adagrad"]),
        ("RMSProp α", """
            v ← α v + (1 − α) g²
            θ ← θ − γ g / (√v + ε)
            centred:        ḡ ← α ḡ + (1 − α) g, and v − ḡ² in place of v under the root
            with momentum:  b ← μ b + g / (√v + ε),  θ ← θ − γ b
            """, ["optimizer-rmsprop"]),
        ("Adadelta ρ", """
            v ← ρ v + (1 − ρ) g²
            Δ = √(u + ε) / √(v + ε) · g
            u ← ρ u + (1 − ρ) Δ²
            θ ← θ − γ Δ
            """, ["optimizer-adadelta"]),
        ("Adam β₁ β₂", """
            m ← β₁ m + (1 − β₁) g
            v ← β₂ v + (1 − β₂) g²
            m̂ = m / (1 − β₁ᵗ)
            v̂ = v / (1 − β₂ᵗ)
            θ ← θ − γ m̂ / (√v̂ + ε)
            """, ["optimizer-adam-corrections", "optimizer-adam"]),
    ]
    for rule in rules {
        chapter.text("**\(rule.name)**")
        chapter.formula(rule.formula)
        for marker in rule.markers { try chapter.quote(marker, from: optimizerSource) }
    }
    chapter.text(
        """
        The Adam loop above is the one for Double parameters; Float parameters (the networks of \
        chapters 13 and 14) run the same update in a C kernel (`adamFloatUpdate`, called in place of the loop). Momentum is written as PyTorch writes it: without \
        dampening, `b ← μ b + g`, `θ ← θ − γ b`; some texts write \
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

    chapter.section("Newton's method: the curvature too")
    let fine = 1e-6
    let bowlHessian = bowl.hessian!(start.x, start.y)
    let startGradient = bowl.gradient(start.x, start.y)
    let newtonDirection = try bowlHessian.solve(startGradient)
    let newtonPoint = try bowl.newtonStep(from: start)
    func point(_ p: (x: Double, y: Double), _ places: Int = 3) -> String { "(\(p.x.fixed(places)), \(p.y.fixed(places)))" }
    chapter.text(
        """
        Every optimizer above looks only at the gradient, the slope where it stands; how far to go \
        is the learning rate's business. Newton's method also uses the second derivatives, the \
        *Hessian* `H` (how the gradient changes as `θ` moves). It fits the quadratic \
        `f(θ + d) ≈ f(θ) + gᵀd + ½ dᵀH d`, which has the surface's value, slope and curvature at `θ`, \
        and jumps to that quadratic's critical point, where its gradient `g + H d` is zero: \
        `d = −H⁻¹ g`, so `θ ← θ − H⁻¹ g`, with no learning rate. On the valley, from \
        \(point(start, 0)) (`Surface.newtonStep(from:)`):
        """)
    chapter.code(
        """
        g = (∂f/∂x, ∂f/∂y) = (x/10, 2y)            = \(point(startGradient))
        H = [ ∂²f/∂x²   ∂²f/∂x∂y ]  = [ \(bowlHessian.xx.fixed(3))  \(bowlHessian.xy.fixed(3)) ]   (the same at every point)
            [ ∂²f/∂y∂x  ∂²f/∂y²  ]    [ \(bowlHessian.xy.fixed(3))  \(bowlHessian.yy.fixed(3)) ]
        H⁻¹ g = (gx / \(bowlHessian.xx.fixed(1)), gy / \(bowlHessian.yy.fixed(0)))            = \(point(newtonDirection))
        θ − H⁻¹ g                                  = \(point(newtonPoint)),  f = \(bowl.value(newtonPoint.x, newtonPoint.y).scientific(1))
        """)
    let reachedFine = zip(racers, paths).map { racer, path in
        "\(racer.name) \(path.firstIndex { bowl.value($0.x, $0.y) < fine }.map(String.init) ?? "not in \(horizon)")"
    }
    chapter.text(
        """
        One step, and it is on the minimum: the quadratic model of a quadratic is the function \
        itself, so Newton's method solves any quadratic in one step from anywhere. Multiplying by \
        `H⁻¹` rescales each direction by its own curvature: the shallow `x` gradient is multiplied \
        by \((1 / bowlHessian.xx).fixed(0)), the steep `y` gradient by \((1 / bowlHessian.yy).fixed(1)). \
        That is what the adaptive optimizers approximate, one coordinate at a time, by dividing by \
        `√v`. To bring `f` below \(fine.scientific(0)), the optimizers of the table above need: \
        \(reachedFine.listed) steps.
        """)

    let rosenbrock = Surface.rosenbrock
    let rosenbrockStart = (x: -1.2, y: 1.0)
    let newtonSteps = 7
    let rosenbrockNewton = try rosenbrock.newtonPath(from: rosenbrockStart, steps: newtonSteps)
    let rosenbrockRate = 0.001
    let rosenbrockDescent = try rosenbrock.path(of: .sgd(learningRate: rosenbrockRate), from: rosenbrockStart, steps: 30_000)
    let descentReached = rosenbrockDescent.firstIndex { rosenbrock.value($0.x, $0.y) < fine }
    let newtonReached = rosenbrockNewton.firstIndex { rosenbrock.value($0.x, $0.y) < fine }
    let curvatureAtMinimum = rosenbrock.hessian!(1, 1).eigenvalues.larger
    let rosenbrockValues = rosenbrockNewton.map { rosenbrock.value($0.x, $0.y) }
    let uphillSteps = (1..<rosenbrockValues.count).filter { rosenbrockValues[$0] > rosenbrockValues[$0 - 1] }
    let alwaysPositiveDefinite = rosenbrockNewton.allSatisfy { rosenbrock.hessian!($0.x, $0.y).isPositiveDefinite }
    chapter.text(
        """
        On a surface that is not quadratic the model is only right near the point it was fitted at. \
        Rosenbrock's function `f(x, y) = (1 − x)² + 100 (y − x²)²` (`Surface.rosenbrock`) is a \
        curved, narrow valley with its minimum 0 at (1, 1); from its classic start \
        \(point(rosenbrockStart, 1)), \(newtonSteps) Newton steps, with the Hessian's two eigenvalues \
        (the curvatures along its two principal directions; both positive means the model has a \
        minimum) at each point:
        """)
    chapter.table(
        ["step", "(x, y)", "f", "eigenvalues of H"],
        rosenbrockNewton.enumerated().map { step, p in
            let h = rosenbrock.hessian!(p.x, p.y).eigenvalues
            return [String(step), point(p, 4), rosenbrockValues[step].scientific(3), "\(h.smaller.fixed(1)), \(h.larger.fixed(1))"]
        })
    var rosenbrockMap = try HeatMap.sampling(x: -1.6...1.6, y: -4.4...2.5, resolution: 81) { x, y in
        Double.log(rosenbrock.value(x, y) + 1) / Double.log(10)
    }
    rosenbrockMap.colorBarLabel = "log₁₀(f + 1)"
    rosenbrockMap.lowColor = "#ffffff"
    rosenbrockMap.highColor = "#969696"
    let descentShown = Array(stride(from: 0, to: descentReached ?? rosenbrockDescent.count, by: 100).map { rosenbrockDescent[$0] })
    try chapter.figure(
        Figure(
            name: "newton-rosenbrock", title: "Rosenbrock's function from (−1.2, 1)", xLabel: "x", yLabel: "y",
            xRange: -1.6...1.6, yRange: -4.4...2.5,
            series: [
                Series("gradient descent, γ = \(rosenbrockRate), every 100th step", x: descentShown.map(\.x), y: descentShown.map(\.y),
                       style: .linesPoints, color: "#08306b", pointType: 7, pointSize: 0.4, lineWidth: 1.5),
                Series("Newton, \(newtonSteps) steps", x: rosenbrockNewton.map(\.x), y: rosenbrockNewton.map(\.y), style: .linesPoints,
                       color: "#a50f15", pointType: 5, pointSize: 1, lineWidth: 1.5),
                Series("", x: [1], y: [1], style: .points, color: "#000000", pointType: 1, pointSize: 2.5),
            ], heatMap: rosenbrockMap, keyPosition: .bottomLeft, width: 800, height: 640),
        caption: "Newton's steps and gradient descent on Rosenbrock's function over log₁₀(f + 1) (+ marks the minimum)")
    chapter.text(
        """
        Newton's method gets below \(fine.scientific(0)) at step \(newtonReached.map(String.init) ?? "– (not within \(newtonSteps))"); \
        gradient descent at `γ = \(rosenbrockRate)` (the largest curvature at the minimum is \
        \(curvatureAtMinimum.fixed(1)), and a rate above `2/\(curvatureAtMinimum.fixed(1)) = \((2 / curvatureAtMinimum).fixed(5))` \
        makes it overshoot there) needs \(descentReached.map { $0.grouped } ?? "more than 30,000") steps. \
        But the path is not downhill: \(uphillSteps.isEmpty ? "here every step lowers f" : "at step\(uphillSteps.count == 1 ? "" : "s") \(uphillSteps.map(String.init).listed) `f` rises, first from \(rosenbrockValues[uphillSteps[0] - 1].fixed(2)) to \(rosenbrockValues[uphillSteps[0]].fixed(2))"), \
        \(alwaysPositiveDefinite ? "although the Hessian is positive definite at every point of the path" : "where the Hessian is not positive definite"): \
        the quadratic fitted at one point promised a minimum far beyond the region where it \
        describes the surface. Practical second-order methods limit the step (a line search, or a \
        trust region: go only as far as the model is believed).
        """)

    let well = Surface.doubleWell
    let wellNewtonStart = (x: 0.4, y: 0.5)
    let wellNewton = try well.newtonPath(from: wellNewtonStart, steps: 6)
    let wellCurvature = well.hessian!(wellNewtonStart.x, wellNewtonStart.y).xx
    let wellDescent = try well.path(of: .sgd(learningRate: 0.05), from: wellNewtonStart, steps: 300)
    chapter.text(
        """
        Worse, where the Hessian is not positive definite the quadratic model has no minimum, and \
        `θ − H⁻¹ g` is its saddle or its maximum: Newton's method heads for any point where the \
        gradient is zero, uphill as readily as down. On `f(x, y) = (x² − 1)² + y²` \
        (`Surface.doubleWell`, the next section's surface: minima at (±1, 0), a saddle at the \
        origin) from \(point(wellNewtonStart, 1)), where `∂²f/∂x² = 12x² − 4 = \(wellCurvature.fixed(2))`, \
        the Newton steps go \(wellNewton.map { point($0) }.joined(separator: " → ")): onto the \
        saddle, where `f = \(well.value(wellNewton.last!.x, wellNewton.last!.y).fixed(3))`, up from \
        \(well.value(wellNewtonStart.x, wellNewtonStart.y).fixed(3)) at the start. Gradient descent \
        (`γ = 0.05`) from the same start goes to \(point(wellDescent.last!)), a minimum.
        """)

    let wideNetwork = try [Dense<Float>.parameterCount(inputs: 784, units: 500)]
        + (0..<4).map { _ in try Dense<Float>.parameterCount(inputs: 500, units: 500) }
        + [Dense<Float>.parameterCount(inputs: 500, units: 10)]
    let newtonCost = NewtonStepCost(parameters: wideNetwork.reduce(0, +))
    let operationsPerSecond = 1e12
    chapter.text(
        """
        For a network, `θ` is every weight and bias. Article 004's deep and wide network (784 \
        inputs, five hidden layers of 500 units, 10 outputs; chapter 14) has \
        n = \(newtonCost.parameters.grouped) parameters. Its Hessian has n² = \
        \(newtonCost.hessianEntries.scientific(3)) entries, \((newtonCost.hessianBytes() / 1e12).fixed(1)) TB \
        in 4-byte floats, and solving `H d = g` by a Cholesky factorization takes about n³/3 = \
        \(newtonCost.solveOperations.scientific(2)) floating-point operations: \
        \((newtonCost.solveOperations / operationsPerSecond / 86_400).fixed(1)) days at \
        \(operationsPerSecond.scientific(0)) operations a second, for one step \
        (`NewtonStepCost`). A gradient has n numbers, and backpropagation gets it for a few times \
        the cost of a forward pass; Adam keeps 3n. That is why networks are trained by first-order methods, and \
        why the adaptive ones, which keep a per-parameter scale (a crude diagonal stand-in for the \
        curvature), are the usual compromise. Quasi-Newton methods such as L-BFGS build an \
        estimate of `H⁻¹ g` from the last few gradients and do well on small problems with exact \
        gradients; the noise of minibatch gradients spoils the estimate.
        """)
    chapter.sourceNote(
        """
        Article 001 says second-order methods are better "in terms of step-wise performance". Per \
        step they can be, near a minimum of a smooth function (above: one step on a quadratic, \
        \(newtonReached.map(String.init) ?? "a few") on Rosenbrock's function), but a step costs \
        `O(n³)` for `n` parameters, and plain Newton steps go to saddle points as readily as to minima.
        """)

    chapter.section("Two minima and a saddle")
    let wellRate = 0.05, wellSteps = 300
    let saddle = (x: 0.0, y: 0.0), saddleRadius = 0.2
    let wellStarts: [(x: Double, y: Double)] = [(-1.5, 1), (-0.5, -1), (-0.05, 1.5), (0.001, 1.5), (0.000001, 1.5), (0, 1), (0.2, -1.5), (1.5, 1)]
    let wellPaths = try wellStarts.map { try well.path(of: .sgd(learningRate: wellRate), from: $0, steps: wellSteps) }
    func coordinate(_ v: Double) -> String { v == 0 || abs(v) >= 0.01 ? v.fixed(2) : v.scientific(1) }
    func startText(_ p: (x: Double, y: Double)) -> String { "(\(coordinate(p.x)), \(coordinate(p.y)))" }
    func ending(_ p: (x: Double, y: Double)) -> (name: String, point: (x: Double, y: Double)) {
        for (name, x) in [("minimum (1, 0)", 1.0), ("minimum (−1, 0)", -1.0), ("saddle (0, 0)", 0.0)] where abs(p.x - x) < 1e-3 {
            return (name, (x, 0))
        }
        return ("nowhere yet", p)
    }
    chapter.text(
        """
        Article 003 warns that gradient descent from a bad start may end in a local minimum that is \
        not the lowest. The smallest surface with that choice is \
        `f(x, y) = (x² − 1)² + y²`: two minima, `f = 0` at (−1, 0) and (1, 0), and between them at \
        the origin a saddle, `f = 1`, where the surface curves down along x (`∂²f/∂x² = −4`) and up \
        along y (`∂²f/∂y² = 2`), and the gradient `(4x(x² − 1), 2y)` is zero as at a minimum. \
        Gradient descent with `γ = \(wellRate)`, \(wellSteps) steps, from \(wellStarts.count) starts:
        """)
    chapter.table(
        ["start", "ends at", "f at the end", "first step within 0.001 of it", "steps within \(saddleRadius) of the saddle"],
        zip(wellStarts, wellPaths).map { start, path in
            let end = ending(path.last!)
            let settled = path.firstIndex { ($0.x - end.point.x) * ($0.x - end.point.x) + ($0.y - end.point.y) * ($0.y - end.point.y) < 1e-6 }
            return [startText(start), end.name, well.value(path.last!.x, path.last!.y).scientific(1), settled.map(String.init) ?? "–",
                    String(Surface.stepsNear(saddle, radius: saddleRadius, in: path))]
        })
    let nearSaddle = wellStarts.indices.map { Surface.stepsNear(saddle, radius: saddleRadius, in: wellPaths[$0]) }
    let milli = wellStarts.firstIndex { $0.x == 0.001 }!, micro = wellStarts.firstIndex { $0.x == 0.000001 }!
    let onRidge = wellStarts.firstIndex { $0.x == 0 }!
    let shownSteps = 150
    var wellFigure = Figure(name: "saddle", title: "Gradient descent on f(x, y) = (x² − 1)² + y², γ = \(wellRate)", xLabel: "", yLabel: "", width: 1400, height: 560)
    let wellColors = ["#08306b", "#2171b5", "#6baed6", "#d94801", "#a50f15", "#000000", "#fd8d3c", "#238b45"]
    var wellMap = try HeatMap.sampling(x: -1.8...1.8, y: -1.8...1.8, resolution: 73) { x, y in min(well.value(x, y), 3) }
    wellMap.colorBarLabel = "f (cut at 3)"
    wellMap.lowColor = "#ffffff"
    wellMap.highColor = "#969696"
    wellFigure.panels = [
        Figure(
            name: "paths", title: "paths from \(wellStarts.count) starts", xLabel: "x", yLabel: "y", xRange: -1.8...1.8, yRange: -1.8...1.8,
            squareAspect: true,
            series: zip(wellStarts, wellPaths).enumerated().map { i, pair in
                Series(
                    "", x: pair.1.prefix(shownSteps + 1).map(\.x), y: pair.1.prefix(shownSteps + 1).map(\.y), style: .linesPoints,
                    color: wellColors[i], pointType: 7, pointSize: 0.4, lineWidth: 1.5)
            } + [Series("", x: [-1, 1, 0], y: [0, 0, 0], style: .points, color: "#000000", pointType: 1, pointSize: 2.5)],
            heatMap: wellMap, keyPosition: .none),
        Figure(
            name: "gradient-norm", title: "gradient norm per step", xLabel: "step", yLabel: "|gradient| (log scale)", logScaleY: true,
            series: zip(wellStarts, wellPaths).enumerated().map { i, pair in
                Series(
                    "from \(startText(pair.0))", x: (0...shownSteps).map(Double.init),
                    y: pair.1.prefix(shownSteps + 1).map { let g = well.gradient($0.x, $0.y); return (g.0 * g.0 + g.1 * g.1).squareRoot() },
                    color: wellColors[i], lineWidth: 1.5)
            }, keyPosition: .outside),
    ]
    try chapter.figure(
        wellFigure,
        caption: "Left: the first \(shownSteps) steps from each start over f (+ marks the two minima and the saddle). Right: the length of the gradient at each step")
    chapter.text(
        """
        Which minimum a run finds is decided by the side it starts on: x < 0 ends at (−1, 0), x > 0 \
        at (1, 0). Here both minima are equally low; in a network different minima can differ, \
        which is article 003's worry. Near the saddle the gradient is tiny, so the steps crawl: \
        there `∂f/∂x ≈ −4x`, and each step multiplies x by `1 + 4γ = \((1 + 4 * wellRate).fixed(1))`, so \
        leaving takes about `log(0.2/x₀)/log(1.2)` steps. The start at x = \(coordinate(wellStarts[milli].x)) \
        spends \(nearSaddle[milli]) steps within \(saddleRadius) of the saddle, the start at \
        x = \(coordinate(wellStarts[micro].x)) \(nearSaddle[micro]), and the start on the line x = 0 \
        never leaves: its gradient has no x part, and it stops on the saddle (\(nearSaddle[onRidge]) \
        of its \(wellSteps) steps near it). In the right panel the runs that pass the saddle dip to a \
        small gradient as they pass it and pick up again as they roll off towards a minimum, while \
        the run on x = 0 falls as steadily as the runs that reach a minimum: the gradient alone \
        cannot tell a saddle from a minimum.
        """)
    chapter.sourceNote(
        """
        On many dimensions: Dauphin et al., "Identifying and attacking the saddle point problem in \
        high-dimensional non-convex optimization" (NeurIPS 2014), argue from random-matrix theory \
        and from experiments on small networks that the critical points of a network's loss with \
        a loss well above the minimum are overwhelmingly saddles rather than local minima (a \
        critical point needs every one of n curvatures positive to be a minimum), and that the \
        plateaus of training are mostly saddles like the one above. Their remedy is a Newton \
        method that divides by the absolute values of the Hessian's eigenvalues, so that it moves \
        away from a saddle instead of onto it.
        """)

    chapter.section("The same network, seven optimizers")
    var dataRandom = SeededGenerator(seed: chapter.options.seed &+ 1)
    let data = try SyntheticData.spirals(perClass: 150, using: &dataRandom).standardized().dataset
    let epochs = chapter.options.epochs(knobs.epochs)
    let batchSize = knobs.batchSize
    let hidden = knobs.hiddenUnits
    let shape = "2-\(hidden)-\(hidden)-1"
    let lossTarget = 0.02
    let initial = try Network<Double>(sizes: [2, hidden, hidden, 1], hidden: .tanh, output: .sigmoid, using: &chapter.random)
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
        Two interleaved spirals (`SyntheticData.spirals`, \(data.count) points, standardized), a \(shape) \
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
            name: "loss-curves", title: "Spirals, \(shape), batch \(batchSize)", xLabel: "epoch", yLabel: "loss (log scale)",
            logScaleY: true,
            series: zip(trainers, histories).map { trainer, history in
                Series(trainer.name, x: history.map { Double($0.epoch) }, y: history.map(\.loss), color: trainer.color)
            }, keyPosition: .outside),
        caption: "Training loss per epoch for each optimizer, from the same start")
    chapter.table(
        ["optimizer", "learning rate", "loss after \(min(10, epochs)) epochs", "final loss", "epochs to loss < \(lossTarget)", "accuracy"],
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

    chapter.section("Sweeping the learning rate")
    let sweepEpochs = chapter.options.epochs(knobs.sweepEpochs, quickDividedBy: 2)
    let sweepRates = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 10, 100]
    let sweepSeeds: [UInt64] = [1, 2, 3]
    let sweepKinds: [(name: String, make: (Double) throws -> Optimizer<Double>, color: String)] = [
        ("SGD", { try .sgd(learningRate: $0) }, "#737373"),
        ("Adam", { try .adam(learningRate: $0) }, "#08306b"),
    ]
    chapter.text(
        """
        The ranking above hangs on the learning rates, so here is the rate itself as the variable: \
        the same spirals and the same \(shape) network, SGD and Adam at rates from \
        \(sweepRates.first!) to \(sweepRates.last!.fixed(0)), each run \(sweepEpochs) epochs \
        (\((sweepEpochs * ((data.count + batchSize - 1) / batchSize)).grouped) steps of batches of \(batchSize)), \
        three times, with starting weights and shuffles from seeds \(sweepSeeds.map(String.init).listed) \
        (the same three for every rate and optimizer). A run *fails* when its loss stops being \
        finite or ends no lower than it started: with a sigmoid output the half squared error \
        cannot exceed 0.5, so a rate that is far too large shows as units saturated at the wrong \
        answer, not as infinity.
        """)
    // results[kind][rate][seed]: the final loss, or nil for a failed run
    var sweepResults: [[[Double?]]] = []
    var untrainedLosses: [Double] = []  // one per seed: every rate and optimizer starts from the same network
    for kind in sweepKinds {
        var byRate: [[Double?]] = []
        for rate in sweepRates {
            var bySeed: [Double?] = []
            for seed in sweepSeeds {
                var initRandom = SeededGenerator(seed: chapter.options.seed &+ 10 &+ seed)
                var model = Model(try Network<Double>(sizes: [2, hidden, hidden, 1], hidden: .tanh, output: .sigmoid, using: &initRandom))
                var optimizer = try kind.make(rate)
                var shuffler = SeededGenerator(seed: chapter.options.seed &+ 20 &+ seed)
                do {
                    let history = try model.train(
                        inputs: data.inputs, targets: data.targets, options: TrainingOptions(epochs: sweepEpochs, batchSize: batchSize),
                        optimizer: &optimizer, using: &shuffler)
                    bySeed.append(history.last!.loss < history[0].loss ? history.last!.loss : nil)
                    if untrainedLosses.count < sweepSeeds.count { untrainedLosses.append(history[0].loss) }
                } catch is TrainingDiverged {
                    bySeed.append(nil)
                }
            }
            byRate.append(bySeed)
        }
        sweepResults.append(byRate)
    }
    func summary(_ runs: [Double?]) -> String {
        let good = runs.compactMap { $0 }
        guard good.count == runs.count else { return "✗ \(runs.count - good.count) of \(runs.count) failed" }
        return "\(good.sorted()[good.count / 2].fixed(4)) (\(good.min()!.fixed(4))–\(good.max()!.fixed(4)))"
    }
    chapter.table(
        ["learning rate"] + sweepKinds.map { "\($0.name): median (min–max) loss" },
        sweepRates.indices.map { r in ["\(sweepRates[r])"] + sweepKinds.indices.map { summary(sweepResults[$0][r]) } },
        alignments: [.right, .right, .right])
    var sweepSeries: [Series] = []
    for (k, kind) in sweepKinds.enumerated() {
        let complete = sweepRates.indices.filter { r in sweepResults[k][r].allSatisfy { $0 != nil } }
        let values = complete.map { r in sweepResults[k][r].map { $0! } }
        sweepSeries.append(Series("\(kind.name), median", x: complete.map { sweepRates[$0] }, y: values.map { $0.sorted()[$0.count / 2] },
                                  style: .linesPoints, color: kind.color, pointType: 7, pointSize: 0.8))
        sweepSeries.append(Series("\(kind.name), min and max", x: complete.map { sweepRates[$0] }, y: values.map { $0.min()! },
                                  color: kind.color, lineWidth: 1.5, dashed: true))
        sweepSeries.append(Series("", x: complete.map { sweepRates[$0] }, y: values.map { $0.max()! }, color: kind.color, lineWidth: 1.5, dashed: true))
        let failed = sweepRates.indices.filter { r in sweepResults[k][r].contains { $0 == nil } }
        // failed runs have no loss to plot: a cross near the top of the plot marks their rates
        sweepSeries.append(Series("\(kind.name), a run failed", x: failed.map { sweepRates[$0] }, y: failed.map { _ in k == 0 ? 0.5 : 0.4 },
                                  style: .points, color: kind.color, pointType: 2, pointSize: 2.5))
    }
    var sweepFigure = Figure(
            name: "learning-rate-sweep", title: "Spirals, \(shape), \(sweepEpochs) epochs, 3 seeds", xLabel: "learning rate (log scale)",
            yLabel: "final loss (log scale)", xRange: sweepRates.first! / 1.5...sweepRates.last! * 1.5, yRange: 0.05...0.7,
            logScaleX: true, logScaleY: true, series: sweepSeries, keyPosition: .outside, width: 950)
    sweepFigure.yTicks = [0.05, 0.1, 0.2, 0.3, 0.5].map { Tick(String($0), at: $0) }
    try chapter.figure(
        sweepFigure,
        caption: "Loss after \(sweepEpochs) epochs against the learning rate: the median of three seeds, the lowest and highest (dashed), and × at the top where a run failed")
    func bestRate(_ k: Int) -> Int? {
        sweepRates.indices.filter { r in sweepResults[k][r].allSatisfy { $0 != nil } }
            .min { r1, r2 in sweepResults[k][r1].map { $0! }.max()! < sweepResults[k][r2].map { $0! }.max()! }
    }
    let bests = sweepKinds.indices.map(bestRate)
    let sweepRanges = sweepKinds.indices.map { k -> String in
        let working = sweepRates.indices.filter { r in sweepResults[k][r].allSatisfy { $0 != nil } }
        return working.isEmpty ? "no rate" : "\(sweepRates[working.first!]) to \(sweepRates[working.last!])"
    }
    var verdict = ""
    if let s = bests[0], let a = bests[1] {
        let sgdRuns = sweepResults[0][s].map { $0! }, adamRuns = sweepResults[1][a].map { $0! }
        verdict = adamRuns.max()! < sgdRuns.min()!
            ? "at its best rate every Adam run ends below every SGD run at SGD's best rate (\(adamRuns.max()!.fixed(4)) against \(sgdRuns.min()!.fixed(4)))"
            : sgdRuns.max()! < adamRuns.min()!
            ? "at its best rate every SGD run ends below every Adam run at Adam's best rate (\(sgdRuns.max()!.fixed(4)) against \(adamRuns.min()!.fixed(4)))"
            : "their best runs overlap across seeds, so neither wins"
        verdict = "SGD does best at \(sweepRates[s]), Adam at \(sweepRates[a]) (judged by the worst of the three seeds), and " + verdict
    }
    let smallest = sweepKinds.indices.map { k in sweepResults[k][0].compactMap { $0 }.max() }
    // "barely moved": every run at the smallest rate lost less than a fifth of its untrained loss
    let barelyMoved = sweepKinds.indices.allSatisfy { k in
        sweepResults[k][0].count == untrainedLosses.count
            && zip(sweepResults[k][0], untrainedLosses).allSatisfy { final, start in final.map { $0 > 0.8 * start } ?? false }
    }
    let tooSmall =
        barelyMoved
        ? "Too small is slow: the untrained networks start at \(untrainedLosses.min()!.fixed(4))–\(untrainedLosses.max()!.fixed(4)), and at \(sweepRates[0]) the loss has barely moved in \(sweepEpochs) epochs"
        : "The untrained networks start at \(untrainedLosses.min()!.fixed(4))–\(untrainedLosses.max()!.fixed(4)), and at \(sweepRates[0]) not every run is slow here: in \(sweepEpochs) epochs some lose more than a fifth of that"
    let failingAtLargest = sweepKinds.indices.filter { sweepResults[$0].last!.contains { $0 == nil } }.map { sweepKinds[$0].name }
    let tooLarge =
        failingAtLargest.count == sweepKinds.count
        ? "Too large fails."
        : failingAtLargest.isEmpty
            ? "Here not even \(sweepRates.last!) fails, for either optimizer."
            : "At \(sweepRates.last!) only \(failingAtLargest.listed) fails here."
    // how many times larger SGD's best rate is than Adam's
    let rateRatio = bests[0].flatMap { s in bests[1].map { a in sweepRates[s] / sweepRates[a] } }
    let apart =
        rateRatio.map { $0 >= 1.5 } ?? false
        ? "The two curves sit about \(Int(rateRatio!.rounded()))× apart on the rate axis: Adam's step is about `γ` per weight, SGD's is `γ` times a gradient that is small here, so their good rates differ by that factor and must be found for each optimizer anew."
        : "Adam's step is about `γ` per weight, SGD's is `γ` times the gradient, so their good rates differ in general and must be found for each optimizer anew\(rateRatio.map { $0 == 1 ? ", although here their best rates are the same" : $0 < 1 ? ", although here SGD's best rate is below Adam's" : "" } ?? "")."
    chapter.text(
        """
        \(tooSmall) \
        (SGD's worst seed \(smallest[0]?.fixed(4) ?? "failed"), Adam's \(smallest[1]?.fixed(4) ?? "failed")). \
        \(tooLarge) In between, every seed succeeds for SGD from \(sweepRanges[0]) and for Adam \
        from \(sweepRanges[1]). \(verdict.isEmpty ? "" : verdict + ". ")\(apart)
        """)

    chapter.section("Learning-rate decay")
    let decayRate = knobs.decayLearningRate, decayBatch = 4
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
        with batches of \(decayBatch) and a \(decayRate >= 1 ? "large " : "")starting rate of \(String(format: "%g", decayRate)), the same \
        \(shape) network, \(epochs) epochs:
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
            name: "decay", title: "SGD from lr \(String(format: "%g", decayRate)), batch \(decayBatch), noisy rings", xLabel: "epoch",
            yLabel: "loss (log scale)", logScaleY: true,
            series: zip(schedules, decayHistories).map { schedule, history in
                Series(schedule.0, x: history.map { Double($0.epoch) }, y: history.map(\.loss), color: schedule.2)
            }, keyPosition: .topRight),
        caption: "Loss per epoch with a constant, a step-decayed and an exponentially decayed learning rate")
    let constantSpread = spread(decayHistories[0])
    let decayedSpread = max(spread(decayHistories[1]), spread(decayHistories[2]))
    let bestDecayed = min(decayHistories[1].last!.loss, decayHistories[2].last!.loss)
    let settle =
        decayedSpread < constantSpread
        ? "With the constant rate the loss jumps from epoch to epoch (a range of \(constantSpread.fixed(4)) over the last \(window) epochs); the decayed rates settle (at most \(decayedSpread.fixed(4)))"
        : "Here the decayed rates do not settle more than the constant one (a loss range of up to \(decayedSpread.fixed(4)) over their last \(window) epochs, against \(constantSpread.fixed(4)) with the constant rate)"
    chapter.text(
        """
        \(settle) \
        and \(bestDecayed < decayHistories[0].last!.loss ? "end lower" : "do not end lower here"): \
        \(bestDecayed.fixed(4)) against \(decayHistories[0].last!.loss.fixed(4)). A schedule is one \
        more thing to tune: decay too fast and the steps vanish before the network arrives. The \
        adaptive optimizers above shrink their steps per weight on their own, which is one reason \
        they are the usual first choice, but schedules are still used with them for long runs.
        """)
}
