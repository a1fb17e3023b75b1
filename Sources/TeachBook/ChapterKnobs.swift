import ArgumentParser
import Teach

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

/// The checks a chapter's ``ChapterKnobs`` run in `validate()`: each throws a `ValidationError`
/// that names the flag, the value given and what was expected, so that a bad value ends the
/// program with a usage error (exit status 64) before the chapter starts, never with a crash or a
/// page of nonsense numbers.
///
///     func validate() throws {
///         try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
///         try KnobCheck.atLeast(1, epochs, "--epochs", "a number of epochs")
///     }
public enum KnobCheck {
    /// Requires a finite number above 0 (a learning rate, a scale).
    /// - Throws: `ValidationError` "--learning-rate -1.0: expected a learning rate above 0".
    public static func positive(_ value: Double, _ flag: String, _ what: String) throws {
        guard value.isFinite, value > 0 else {
            throw ValidationError("\(flag) \(value): expected \(what) above 0 (a finite number)")
        }
    }

    /// Requires a finite number in `range` (a momentum in [0, 1), say, is checked as `0...0.999…`).
    /// - Throws: `ValidationError` naming the flag, the value and the range.
    public static func within(_ range: ClosedRange<Double>, _ value: Double, _ flag: String, _ what: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(flag) \(value): expected \(what) from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// Requires a whole number of at least `minimum` (epochs, hidden units, a batch size).
    /// - Throws: `ValidationError` "--epochs 0: expected a number of epochs of at least 1".
    public static func atLeast(_ minimum: Int, _ value: Int, _ flag: String, _ what: String) throws {
        guard value >= minimum else {
            throw ValidationError("\(flag) \(value): expected \(what) of at least \(minimum)")
        }
    }

    /// Requires a whole number of at least `range.lowerBound` and at most `range.upperBound`.
    /// - Throws: `ValidationError` naming the flag, the value and the range.
    public static func within(_ range: ClosedRange<Int>, _ value: Int, _ flag: String, _ what: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(flag) \(value): expected \(what) from \(range.lowerBound) to \(range.upperBound)")
        }
    }
}
