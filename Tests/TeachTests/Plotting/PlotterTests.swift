import Foundation
import Testing

@testable import Teach

@Suite struct GnuplotScriptTests {
    func lossFigure() -> Figure {
        Figure(
            name: "loss", title: "Loss per epoch", xLabel: "epoch", yLabel: "loss", yRange: 0.01...10, logScaleY: true,
            series: [
                Series("training", y: [4, 2, 1], style: .linesPoints, color: "#a50f15", pointType: 5),
                Series("test's", x: [1, 2, 3], y: [5, 3, 2.5], dashed: true),
            ],
            labels: [Label("start", x: 1, y: 4)])
    }

    @Test func scriptCarriesSettingsAndDataInline() throws {
        let script = try lossFigure().gnuplotScript(terminal: .png(width: 800, height: 560), output: "plots/loss.png")
        #expect(script.contains("set terminal pngcairo size 800,560"))
        #expect(script.contains("set output 'plots/loss.png'"))
        #expect(script.contains("set title 'Loss per epoch'"))
        #expect(script.contains("set logscale y"))
        #expect(script.contains("set yrange [0.01:10]"))
        #expect(script.contains("set label 'start' at 1,4 front"))
        #expect(script.contains("$data0 << EOD\n1 4\n2 2\n3 1\nEOD\n"))
        #expect(script.contains("$data1 << EOD\n1 5\n2 3\n3 2.5\nEOD\n"))
        #expect(script.contains("$data0 using 1:2 with linespoints lc rgb '#a50f15' lw 2 pt 5 ps 1.2 title 'training'"))
        // A quote inside a title is doubled, as gnuplot's single-quoted strings want.
        #expect(script.contains("dt 2 title 'test''s'"))
        #expect(!script.contains("logscale x"))
    }

    @Test func scriptIsTheSameEveryTime() throws {
        let terminal = PlotTerminal.png(width: 800, height: 560)
        #expect(try lossFigure().gnuplotScript(terminal: terminal, output: "a.png") == lossFigure().gnuplotScript(terminal: terminal, output: "a.png"))
    }

    @Test func heatMapIsAGridDatablockDrawnFirst() throws {
        var figure = Figure(name: "surface", title: "t", xLabel: "x", yLabel: "y")
        figure.heatMap = try HeatMap.sampling(x: 0...1, y: 0...2, resolution: 3) { x, y in x + 10 * y }
        figure.heatMap?.colorBarLabel = "output"
        figure.series = [Series("points", x: [0.5], y: [0.5], style: .points)]
        let script = try figure.gnuplotScript(terminal: .png(width: 400, height: 400), output: "s.png")
        #expect(script.contains("$heat << EOD\n0 0 0\n0.5 0 0.5\n1 0 1\n\n0 1 10\n0.5 1 10.5\n1 1 11\n\n0 2 20\n"))
        #expect(script.contains("plot $heat using 1:2:3 with image notitle, \\\n     $data0"))
        #expect(script.contains("set cblabel 'output'"))
    }

    @Test func panelsBecomeOneMultiplotWithTheirOwnData() throws {
        var figure = Figure(name: "both", title: "Two views", xLabel: "", yLabel: "")
        figure.panels = [
            Figure(name: "a", title: "left", xLabel: "epoch", yLabel: "loss", series: [Series("s", y: [3, 2])]),
            Figure(name: "b", title: "right", xLabel: "updates", yLabel: "loss", logScaleX: true, series: [Series("s", x: [10, 20], y: [3, 2])]),
        ]
        let script = try figure.gnuplotScript(terminal: .png(width: 900, height: 400), output: "both.png")
        #expect(script.contains("set multiplot layout 1,2 title 'Two views'"))
        #expect(script.contains("$p0data0 << EOD\n1 3\n2 2\nEOD"))
        #expect(script.contains("$p1data0 << EOD\n10 3\n20 2\nEOD"))
        #expect(script.components(separatedBy: "\nreset\n").count == 3)
        #expect(script.contains("set title 'right'"))
        #expect(script.hasSuffix("unset multiplot\nunset output\n"))
        // A bad panel makes the whole figure invalid.
        figure.panels[1].series[0].x = [0, 20]
        #expect(throws: PlotError.self) { try figure.validate() }
    }

    @Test func heatMapSamplingNeedsTwoPointsPerAxis() {
        #expect(throws: InvalidArgument.self) { try HeatMap.sampling(x: 0...1, y: 0...1, resolution: 1) { _, _ in 0 } }
    }

    @Test func heatMapShapeMustMatchItsGrid() {
        #expect(throws: ShapeError.self) {
            try HeatMap(xs: [0, 1, 2], ys: [0, 1], values: Matrix(rows: 3, columns: 2))
        }
    }

    @Test(arguments: [
        ("mismatch", Figure(name: "f", title: "", xLabel: "", yLabel: "", series: [Series("s", x: [1, 2], y: [1])]), "2 x values but 1 y values"),
        ("nan", Figure(name: "f", title: "", xLabel: "", yLabel: "", series: [Series("s", y: [1, .nan])]), "not finite"),
        ("log", Figure(name: "f", title: "", xLabel: "", yLabel: "", logScaleY: true, series: [Series("s", y: [1, 0])]), "logarithmic y axis"),
        ("name", Figure(name: "../f", title: "", xLabel: "", yLabel: ""), "name '../f'"),
        ("colour", Figure(name: "f", title: "", xLabel: "", yLabel: "", series: [Series("s", y: [1], color: "red")]), "#rrggbb"),
    ])
    func invalidFiguresAreNamedErrors(_ case_: String, _ figure: Figure, _ message: String) {
        #expect(throws: PlotError.self) { try figure.validate() }
        do { try figure.validate() } catch { #expect("\(error)".contains(message), "\(case_): \(error)") }
    }

    @Test func textHeatMapShadesAndMarksPoints() throws {
        var figure = Figure(name: "t", title: "Half", xLabel: "x1", yLabel: "x2", xRange: 0...1, yRange: 0...1)
        figure.heatMap = try HeatMap.sampling(x: 0...1, y: 0...1, resolution: 11) { x, _ in x < 0.5 ? 0 : 1 }
        figure.series = [Series("zero", x: [0.25], y: [0.5], style: .points), Series("one", x: [0.75], y: [0.5], style: .points)]
        let text = try figure.textHeatMap(columns: 22, lines: 14)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("|") }
        #expect(rows.count == 10)
        #expect(rows.allSatisfy { $0.count == 22 })
        // Columns whose centre is nearer x = 0.5 than x = 0.4 take the value 1.
        #expect(rows[0] == "|" + String(repeating: " ", count: 9) + String(repeating: "@", count: 11) + "|")
        #expect(text.contains("o") && text.contains("x one"))
    }
}

@Suite struct PlotterTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("teach-plot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    let figure = Figure(name: "line", title: "A line", xLabel: "x", yLabel: "y", series: [Series("y = 2x", x: [0, 1, 2], y: [0, 2, 4])])

    @Test func withoutGnuplotTheScriptIsWrittenAndNothingElse() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plotter = Plotter(directory: directory + "/plots", gnuplot: nil)
        let result = try plotter.draw(figure)
        #expect(!result.rendered)
        #expect(result.png == directory + "/plots/line.png")
        let script = try String(contentsOfFile: result.script, encoding: .utf8)
        #expect(script == (try figure.gnuplotScript(terminal: .png(width: 800, height: 560), output: result.png)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/plots") == ["line.gp"])
        #expect(try plotter.terminalText(figure) == nil)
    }

    @Test func gnuplotErrorsCarryItsMessageAndTheScriptPath() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A stand-in gnuplot that fails the way gnuplot does: a message on standard error, status 1.
        let fake = directory + "/gnuplot"
        try "#!/bin/sh\necho 'line 3: unknown terminal type' >&2\nexit 1\n".write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        let plotter = Plotter(directory: directory + "/plots", gnuplot: fake)
        do {
            try plotter.draw(figure)
            Issue.record("a failing gnuplot must throw")
        } catch let PlotError.gnuplotFailed(message, script) {
            #expect(message.contains("unknown terminal type"))
            #expect(script == directory + "/plots/line.gp")
        }
        // The script stays for the reader to inspect; no PNG and no temporary file is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/plots") == ["line.gp"])
    }

    /// A stand-in gnuplot at `directory/gnuplot` running the shell `body`.
    func fakeGnuplot(in directory: String, _ body: String) throws -> String {
        let fake = directory + "/gnuplot"
        try "#!/bin/sh\n\(body)\n".write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        return fake
    }

    /// The PNG's path is the script's last `set output '…'`.
    static let writeToOutput = #"out=$(sed -n "s/^set output '\(.*\)'$/\1/p" "$1" | tail -1)"#

    @Test func aGnuplotThatNeverExitsIsStoppedAndTheFigureNamed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plotter = Plotter(directory: directory + "/plots", gnuplot: try fakeGnuplot(in: directory, "exec sleep 1000"), timeout: 0.5)
        let start = Date()
        do {
            try plotter.draw(figure)
            Issue.record("a gnuplot that never exits must be stopped")
        } catch let PlotError.gnuplotFailed(message, script) {
            #expect(message.contains("did not finish within 0.5 s"), "\(message)")
            #expect(script == directory + "/plots/line.gp")
        }
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/plots") == ["line.gp"])
        #expect(Plotter(directory: "p", gnuplot: nil).timeout == 60)
        #expect(Plotter.defaultTimeout(environment: ["TEACH_GNUPLOT_TIMEOUT": "5"]) == 5)
        #expect(Plotter.defaultTimeout(environment: ["TEACH_GNUPLOT_TIMEOUT": "soon"]) == 60)
    }

    @Test func tenBytesThatAreNotAPNGAreRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = try fakeGnuplot(in: directory, Self.writeToOutput + #"; printf 'not a png!' > "$out""#)
        do {
            try Plotter(directory: directory + "/plots", gnuplot: fake).draw(figure)
            Issue.record("10 bytes of text must not become the figure")
        } catch let PlotError.gnuplotFailed(message, script) {
            #expect(message.contains("10 bytes that are not a PNG image"), "\(message)")
            #expect(script == directory + "/plots/line.gp")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/plots") == ["line.gp"])
    }

    @Test func aGnuplotKilledByASignalIsReportedWithTheSignal() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = try fakeGnuplot(in: directory, "kill -SEGV $$")
        do {
            try Plotter(directory: directory + "/plots", gnuplot: fake).draw(figure)
            Issue.record("a crashed gnuplot must throw")
        } catch let PlotError.gnuplotFailed(message, _) {
            #expect(message.contains("killed by signal 11 (Segmentation fault)"), "\(message)")
            #expect(!message.contains("status"))
        }
    }

    /// A killed chapter leaves `.NAME.png.PID-RAND.tmp`: the next run removes those of dead
    /// processes, and nothing else.
    @Test func staleTemporaryFilesOfDeadProcessesAreRemoved() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A process id that is surely not alive: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier, alive = ProcessInfo.processInfo.processIdentifier
        let stale = [".loss.png.\(dead)-123.tmp", ".loss.gp.\(dead)-9-run.tmp", ".loss.gp.\(dead)-9-err.tmp", ".a.b.png.\(dead)-7-text.tmp"]
        let kept = [
            ".loss.png.\(alive)-5.tmp", "loss.png", "loss.gp", ".loss.png.\(dead)-x.tmp", ".loss.txt.\(dead)-5.tmp",
            ".loss.png.\(dead)-5.tmp.bak", ".png.\(dead)-5.tmp", "loss.png.\(dead)-5.tmp", ".loss.png.\(dead)-5-other.tmp",
        ]
        for name in stale + kept { FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data("x".utf8)) }
        #expect(Plotter.removeStaleTemporaryFiles(in: directory).sorted() == stale.sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == kept.sorted())
    }

    @Test func findGnuplotSearchesThePath() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(Plotter.findGnuplot(path: directory) == nil)
        FileManager.default.createFile(atPath: directory + "/gnuplot", contents: Data(), attributes: [.posixPermissions: 0o755])
        #expect(Plotter.findGnuplot(path: "/nonexistent:" + directory) == directory + "/gnuplot")
    }

    @Test(.enabled(if: Plotter.findGnuplot() != nil, "gnuplot is not installed"))
    func withGnuplotAValidPNGIsDrawn() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var figure = figure
        figure.width = 640
        figure.height = 480
        let result = try Plotter(directory: directory).draw(figure)
        #expect(result.rendered)
        let png = try #require(FileManager.default.contents(atPath: result.png))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: width and height, big-endian, at bytes 16..<24.
        let size = png.dropFirst(16).prefix(8).map { UInt32($0) }
        #expect((size[0] << 24 | size[1] << 16 | size[2] << 8 | size[3]) == 640)
        #expect((size[4] << 24 | size[5] << 16 | size[6] << 8 | size[7]) == 480)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["line.gp", "line.png"])
    }

    @Test(.enabled(if: Plotter.findGnuplot() != nil, "gnuplot is not installed"))
    func withGnuplotTheTerminalGetsText() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = try #require(try Plotter(directory: directory).terminalText(figure, columns: 60, lines: 20))
        #expect(text.contains("A line"))
        #expect(text.split(separator: "\n").count >= 15)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}

@Suite struct ImageGridTests {
    /// Two 2×3 images side by side: pixels at their places (row 0 at the top), a gap between the
    /// tiles, a caption centred under each.
    @Test func imagesAreTiledWithCaptionsBelow() throws {
        let images = try Matrix<Float>([[1, 0, 0, 0, 0, 0.5], [0, 0, 0, 0, 0, 1]])
        let figure = try Figure.imageGrid(
            name: "g", title: "t", images: images, shape: ImageShape(height: 2, width: 3, channels: 1), captions: ["a", "✗ b"], columns: 2)
        let map = try #require(figure.heatMap)
        #expect(map.xs.count == 3 + 2 + 3)
        #expect(map.values[0, 0] == 1 && map.values[1, 2] == 0.5 && map.values[1, 5 + 2] == 1)
        #expect(map.values[0, 3] == 0 && map.values[0, 4] == 0)
        #expect(figure.labels.map(\.text) == ["a", "✗ b"])
        #expect(figure.labels.filter { !$0.centered }.isEmpty)
        #expect(figure.labels[1].x == 5 + 1 && figure.labels[0].y < -1)
        let script = try figure.gnuplotScript(terminal: .png(width: 400, height: 300), output: "g.png")
        #expect(script.contains("set label '✗ b' at 6,") && script.contains(" center front"))
        #expect(script.contains("unset xtics") && script.contains("unset ytics"))
    }

    @Test func ticksCanCarryTheirOwnText() throws {
        var figure = Figure(name: "t", title: "t", xLabel: "x", yLabel: "y")
        figure.yTicks = [Tick("Coat 4", at: -4), Tick("it's", at: 0)]
        let script = try figure.gnuplotScript(terminal: .png(width: 400, height: 300), output: "t.png")
        #expect(script.contains("set ytics ('Coat 4' -4, 'it''s' 0)"))
        #expect(!script.contains("xtics"))
    }

    @Test func mismatchedCaptionsOrShapesAreErrors() throws {
        let images = Matrix<Float>(rows: 2, columns: 6)
        #expect(throws: InvalidArgument.self) {
            try Figure.imageGrid(name: "g", title: "t", images: images, shape: ImageShape(height: 2, width: 3, channels: 1), captions: ["a"], columns: 2)
        }
        #expect(throws: InvalidArgument.self) {
            try Figure.imageGrid(name: "g", title: "t", images: images, shape: ImageShape(height: 2, width: 2, channels: 1), captions: ["a", "b"], columns: 2)
        }
    }
}
