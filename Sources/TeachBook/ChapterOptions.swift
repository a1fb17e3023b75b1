import ArgumentParser
import Teach

/// The flags every chapter takes.
///
///     swift run perceptron --seed 7 --plots /tmp/figures --no-terminal-plots
public struct ChapterOptions: ParsableArguments, Sendable {
    /// Seed of the chapter's random generator (`SeededGenerator`): the same seed gives the same
    /// numbers on every machine.
    @Option(help: "Seed of the random generator; the same seed gives the same numbers everywhere.")
    public var seed: UInt64 = 42

    /// Directory the figures are written to (PNG and gnuplot script).
    @Option(help: ArgumentHelp("Directory for the figures (PNG and gnuplot script).", valueName: "dir"))
    public var plots: String = "plots"

    /// Do not draw the figures as text in the terminal.
    @Flag(help: "Do not draw the figures as text in the terminal (the book runs chapters with this).")
    public var noTerminalPlots = false

    /// Run a shorter version (fewer epochs, less data) where a chapter has one; the chapter says so.
    @Flag(help: "Run the quick version where a chapter has one (fewer epochs or less data); the text says so.")
    public var quick = false

    /// Where a chapter that trains on real data reads it, or `embedded` for the sample shipped in
    /// the package: for chapter 14 a directory of MNIST-format IDX files (by default Debian's full
    /// Fashion-MNIST when it is installed, else the sample: `ImageDataset.source(for:fileManager:)`),
    /// for chapter 17 a word list file (by default Debian's wamerican list when it is installed,
    /// else the sample: `WordList.source(for:fileManager:)`), for chapter 19 a text file (by
    /// default Debian's fortunes when installed, else the sample: `TextCorpus.source(for:fileManager:)`).
    @Option(help: ArgumentHelp(
        "For chapters that train on real data, or 'embedded' for the sample shipped in the package: a directory of MNIST-format IDX files (chapter 14; default: /usr/share/datasets/fashion-mnist if installed) or a word list, one word per line (chapter 17; default: /usr/share/dict/american-english if installed), or a text file: texts separated by lines holding '%' as in BSD fortune's collections, or paragraphs separated by blank lines (chapter 19; default: /usr/share/games/fortunes/fortunes if installed; its words then come from the default list, and 'embedded' uses both shipped samples); else the sample.",
        valueName: "path"))
    public var data: String?

    /// `epochs` for the full run, `epochs / factor` (at least 1) under `--quick`: how a chapter
    /// shortens its training when asked, so that an epochs knob keeps its meaning (the help text
    /// says "with --quick: a fifth").
    public func epochs(_ epochs: Int, quickDividedBy factor: Int = 5) -> Int {
        quick ? max(1, epochs / factor) : epochs
    }

    /// The defaults: seed 42, figures in `plots`, terminal plots on, the full version, the default data.
    public init() {}

    /// Refuses an empty `--plots`, which would scatter the figures over the working directory.
    /// - Throws: `ValidationError` naming the option and what it needs.
    public func validate() throws {
        guard !plots.isEmpty else {
            throw ValidationError("--plots \"\" names no directory: give one (--plots . for the working directory)")
        }
    }
}
