import Foundation

extension BinaryFloatingPoint {
    /// The number with exactly `places` digits after the point, e.g. `0.68997.fixed(4)` is
    /// `"0.6900"`. A result that rounds to zero never shows a minus sign (`-0.0000` prints as
    /// `0.0000`), so the book's text is the same whatever the sign of a tiny number.
    public func fixed(_ places: Int) -> String {
        let text = String(format: "%.\(max(0, places))f", Double(self))
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// Like ``fixed(_:)`` but with a `+` on positive numbers, for changes: `+0.0203`, `-0.0203`.
    public func signed(_ places: Int) -> String {
        let text = fixed(places)
        return text.hasPrefix("-") || Double(self) == 0 || text.allSatisfy({ $0 == "0" || $0 == "." })
            ? text : "+" + text
    }

    /// The number in scientific notation with `digits` significant digits, e.g. `1.23e-05`.
    public func scientific(_ digits: Int = 3) -> String {
        String(format: "%.\(max(0, digits - 1))e", Double(self))
    }
}

extension BinaryInteger {
    /// The integer with thousands separated by commas: `62378344` prints `62,378,344`.
    public var grouped: String {
        let digits = String(self.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}

extension Sequence<String> {
    /// The words as a list in a sentence: `a`, `a and b`, `a, b and c` (empty for none).
    public var listed: String {
        let words = Array(self)
        guard let last = words.last else { return "" }
        return words.count == 1 ? last : words.dropLast().joined(separator: ", ") + " and " + last
    }
}

extension Matrix {
    /// The matrix as aligned text for a code block, one bracketed row per line, each number with
    /// `places` digits after the point (see ``Swift/BinaryFloatingPoint/fixed(_:)``):
    ///
    ///     [  1.0  -2.0 ]
    ///     [ -0.5   1.0 ]
    public func formatted(places: Int) -> String {
        let cells = (0..<rows).map { r in (0..<columns).map { c in self[r, c].fixed(places) } }
        let width = cells.joined().map(\.count).max() ?? 0
        return cells.map { row in
            "[ " + row.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: "  ") + " ]"
        }.joined(separator: "\n")
    }
}

extension BinaryInteger {
    /// The number as a word when it is from zero to twelve (`10` is `ten`), else as digits: how
    /// prose writes a small count.
    public var spelledOut: String {
        let words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
        return self >= 0 && self < words.count ? words[Int(self)] : grouped
    }
}
