import ArgumentParser

/// A chapter's own command-line options: the choices its lesson turns on (learning rate, hidden
/// units, epochs, activation, …), each with the book's value as its default.
///
/// A chapter declares them as a `ParsableArguments` struct and runs with
/// ``Chapter/run(_:knobs:arguments:_:)``; `--help` lists them beside the common flags
/// (``ChapterOptions``), and a run whose knobs differ from the book's says so at its top:
///
///     struct Knobs: ChapterKnobs {
///         @Option(help: "Learning rate η of each update.")
///         var learningRate = 0.5
///     }
///     Chapter.run("sgd", knobs: Knobs.self) { chapter, knobs in … }
///
///     $ swift run sgd --learning-rate 2
///
/// Every sentence the chapter prints as true must then be computed from the run, so that the
/// reader's numbers never contradict the text.
public protocol ChapterKnobs: ParsableArguments {}

extension ChapterKnobs {
    /// The knobs set to other values than the book's, in the order they are declared: each one's
    /// flag (`--learning-rate`), this run's value and the book's, as the values print.
    ///
    /// Read from the parsed properties, so it needs no list kept by hand: each `@Option` or
    /// `@Flag` property `learningRate` is the flag `--learning-rate`, ArgumentParser's default name.
    public func differences(from book: Self) -> [KnobDifference] {
        let ours = Mirror(reflecting: self).children, theirs = Mirror(reflecting: book).children
        return zip(ours, theirs).compactMap { mine, bookValue in
            guard let label = mine.label else { return nil }
            let value = String(describing: mine.value), bookText = String(describing: bookValue.value)
            guard value != bookText else { return nil }
            return KnobDifference(flag: Self.flag(forProperty: label), value: value, bookValue: bookText)
        }
    }

    /// `_learningRate` (a property wrapper's storage) or `learningRate` → `--learning-rate`.
    static func flag(forProperty label: String) -> String {
        let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
        var flag = "--"
        for character in name {
            if character.isUppercase {
                flag += "-" + character.lowercased()
            } else {
                flag.append(character)
            }
        }
        return flag
    }
}

/// One chapter knob whose value differs from the book's (see ``ChapterKnobs/differences(from:)``).
public struct KnobDifference: Equatable, Sendable, CustomStringConvertible {
    /// The option as typed on the command line, `--learning-rate`.
    public var flag: String
    /// This run's value, as it prints.
    public var value: String
    /// The book's value.
    public var bookValue: String

    /// `--learning-rate 2.0 (the book: 0.5)`.
    public var description: String { "`\(flag) \(value)` (the book: \(bookValue))" }
}

/// The options of a chapter that has none of its own beyond the common ones.
public struct NoKnobs: ChapterKnobs {
    public init() {}
}

/// The common flags and a chapter's knobs, parsed together.
struct ChapterArguments<Knobs: ChapterKnobs>: ParsableArguments {
    @OptionGroup var common: ChapterOptions
    @OptionGroup(title: "The chapter's choices (the book's values are the defaults)") var knobs: Knobs
}
