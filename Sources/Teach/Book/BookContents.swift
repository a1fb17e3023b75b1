/// One chapter of the book: the executable that prints it and its title.
public struct ChapterEntry: Sendable, Equatable {
    /// The chapter's number (its place in the book).
    public var number: Int
    /// The executable's name: `swift run <name>`.
    public var name: String
    /// Its directory under `Chapters/`, e.g. `01-perceptron`.
    public var directory: String
    /// The chapter's title.
    public var title: String
}

/// The book's table of contents: every chapter, in reading order.
///
/// `Package.swift` lists the same executables; the tests check that both agree with `Chapters/`.
public enum BookContents {
    /// The book's title.
    public static let title = "Teach: neural networks from scratch, in Swift"

    /// The chapters in reading order.
    public static let chapters: [ChapterEntry] = [
        ChapterEntry(number: 1, name: "perceptron", directory: "01-perceptron", title: "Neurons and the perceptron"),
        ChapterEntry(number: 2, name: "gates", directory: "02-gates", title: "Logic gates as networks"),
        ChapterEntry(number: 3, name: "descent", directory: "03-descent", title: "One step of gradient descent"),
        ChapterEntry(number: 4, name: "backprop", directory: "04-backprop", title: "Backpropagation with delta terms"),
        ChapterEntry(number: 5, name: "sgd", directory: "05-sgd", title: "Stochastic gradient descent"),
        ChapterEntry(number: 6, name: "minibatch", directory: "06-minibatch", title: "Minibatches and epochs"),
        ChapterEntry(number: 7, name: "activations", directory: "07-activations", title: "Activation functions"),
        ChapterEntry(number: 8, name: "initializers", directory: "08-initializers", title: "Weight initialization"),
        ChapterEntry(number: 9, name: "optimizers", directory: "09-optimizers", title: "Optimizers"),
        ChapterEntry(number: 10, name: "regularization", directory: "10-regularization", title: "Overfitting and regularization"),
        ChapterEntry(number: 11, name: "cnn-shapes", directory: "11-cnn-shapes", title: "Convolutional networks: shape arithmetic"),
        ChapterEntry(number: 12, name: "alexnet", directory: "12-alexnet", title: "AlexNet, layer by layer"),
        ChapterEntry(
            number: 13, name: "classification", directory: "13-classification", title: "Classification: softmax and cross-entropy"),
        ChapterEntry(number: 14, name: "training", directory: "14-training", title: "Training for real: Fashion-MNIST"),
        ChapterEntry(
            number: 15, name: "recurrent", directory: "15-recurrent", title: "Recurrent networks and backpropagation through time"),
        ChapterEntry(number: 16, name: "gated", directory: "16-gated", title: "LSTM and GRU: gates that remember"),
        ChapterEntry(
            number: 17, name: "language-model", directory: "17-language-model", title: "A character-level language model on real words"),
        ChapterEntry(number: 18, name: "attention", directory: "18-attention", title: "Encoder-decoder networks and attention"),
        ChapterEntry(number: 19, name: "transformer", directory: "19-transformer", title: "A small transformer, by hand"),
    ]

    /// The entry for the executable `name`, if it is a chapter.
    public static func chapter(named name: String) -> ChapterEntry? {
        chapters.first { $0.name == name }
    }
}
