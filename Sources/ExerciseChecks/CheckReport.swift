import Foundation
import Teach

/// What checking one answer found: whether it passes, and the evidence, as a table of what was
/// expected beside what came back (for a gradient, the gradient check's table) and a verdict.
public struct CheckReport: Sendable {
    /// Whether every comparison held.
    public var passed: Bool
    /// The table's column names.
    public var headers: [String]
    /// One row per comparison, the last column ✓ or ✗.
    public var rows: [[String]]
    /// A sentence that says what was checked and, when it fails, what is wrong.
    public var summary: String

    /// The report as the `exercises` tool prints it: the table, then the summary.
    public var text: String {
        (rows.isEmpty ? "" : Markdown.table(headers, rows) + "\n") + summary
    }
}

/// Builds a ``CheckReport`` comparison by comparison.
struct Comparisons {
    var headers: [String]
    var rows: [[String]] = []
    var wrong = 0
    /// Notes on what went wrong beyond the numbers (a shape, a count), in the order found.
    var problems: [String] = []

    init(_ headers: [String]) { self.headers = headers }

    /// `got` is right when it is within `tolerance` of `expected`, relative to `max(1, |expected|)`;
    /// NaN and infinities are always wrong.
    mutating func number(_ label: [String], expected: Double, got: Double, tolerance: Double = 1e-9) {
        let right = got.isFinite && abs(got - expected) <= tolerance * max(1, abs(expected))
        rows.append(label + [format(expected), format(got), right ? "✓" : "✗"])
        if !right { wrong += 1 }
    }

    /// An exact comparison of anything that prints.
    mutating func exactly<T: Equatable>(_ label: [String], expected: T, got: T) {
        rows.append(label + ["\(expected)", "\(got)", expected == got ? "✓" : "✗"])
        if expected != got { wrong += 1 }
    }

    /// A failure found before any number could be compared (a wrong shape, a thrown error).
    mutating func problem(_ message: String) {
        problems.append(message)
        wrong += 1
    }

    func report(_ what: String) -> CheckReport {
        let passed = wrong == 0
        let wrongRows = rows.filter { $0.last == "✗" }.count
        var summary: String
        if passed {
            summary = "Passed: \(rows.count == 1 ? "the value is" : "all \(rows.count) values are") right (\(what))."
        } else if wrongRows > 0 {
            summary = "Not yet: \(wrongRows) of \(rows.count) values wrong (\(what))."
        } else {
            summary = "Not yet (\(what)):"
        }
        if !problems.isEmpty { summary += "\n" + problems.map { "- \($0)" }.joined(separator: "\n") }
        return CheckReport(passed: passed, headers: headers + ["expected", "yours", ""], rows: rows, summary: summary)
    }

    private func format(_ x: Double) -> String {
        x.isNaN ? "NaN" : x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.9g", x)
    }
}

/// The central difference `(f(x + ε) − f(x − ε)) / 2ε`, the numeric derivative the gradient
/// exercises are checked against (ε = 10⁻⁶ gives about 10⁻¹⁰ absolute here).
func centralDifference(_ f: (Double) -> Double, at x: Double, epsilon: Double = 1e-6) -> Double {
    (f(x + epsilon) - f(x - epsilon)) / (2 * epsilon)
}

/// `f`'s gradient with respect to every element of `x`, by central differences.
func numericGradient(_ f: (Matrix<Double>) throws -> Double, at x: Matrix<Double>, epsilon: Double = 1e-6) rethrows -> Matrix<Double> {
    var gradient = Matrix<Double>(rows: x.rows, columns: x.columns)
    for r in 0..<x.rows {
        for c in 0..<x.columns {
            var plus = x, minus = x
            plus[r, c] += epsilon
            minus[r, c] -= epsilon
            gradient[r, c] = (try f(plus) - f(minus)) / (2 * epsilon)
        }
    }
    return gradient
}
