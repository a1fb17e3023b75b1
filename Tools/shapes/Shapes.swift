// `swift run shapes`: the shape and parameter table of a network written on the command line
// (chapter 11). The table is computed from the layers' geometry (the same rules and names as the
// package's real layers) without allocating any weights, so a network too large to build still
// gets its table, and a size too large for an Int is an error naming the layer.
import ArgumentParser
import Teach

@main
struct Shapes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints each layer's output shape, parameters and multiply-adds for a network written as text.",
        discussion: """
            Layers, one per argument: "conv K F [stride S] [pad P]", "maxpool F [stride S]", "avgpool F [stride S]", \
            "pad P", "flatten", "dense N", "dropout R".
            Example (AlexNet's first layers): swift run shapes --input 227x227x3 "conv 96 11 stride 4" "maxpool 3 stride 2" \
            "conv 256 5 pad 2"
            """)

    @Option(help: "The input: height×width×channels (227x227x3) or a number of features (784).")
    var input = "32x32x3"

    @Argument(help: "The layers, input side first.")
    var layers: [String] = []

    func run() throws {
        guard !layers.isEmpty else { throw ValidationError("give at least one layer, e.g. \"conv 10 5\"") }
        do {
            print(Markdown.table(
                ["layer", "output", "parameters", "multiply-adds per image"], try LayerSpecification.table(input: input, layers: layers),
                alignments: [.left, .right, .right, .right]))
        } catch let error as GeometryError {
            throw ValidationError(error.description)
        } catch let error as InvalidArgument {
            throw ValidationError(error.description)
        } catch let error as ShapeError {
            throw ValidationError(error.description)
        }
    }
}
