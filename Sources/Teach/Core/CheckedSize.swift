/// Sizes computed from numbers that came from outside (a command line, a file header): products
/// and sums that report overflow as an error naming the size instead of trapping.
///
/// `Int` arithmetic traps on overflow, which ends the process with "arithmetic overflow" (exit
/// 132) and names nothing. Every size the package computes from input goes through these where
/// the numbers enter, so a too-large one is an ``InvalidArgument`` such as
/// `input 99999999999×99999999999×3: 99999999999 × 99999999999 × 3 numbers per image is more than 9223372036854775807`.
public enum CheckedSize {
    /// `factors` multiplied together.
    /// - Parameters:
    ///   - factors: the numbers to multiply, as they came from the input.
    ///   - what: names the size in the error, e.g. `input 32×32×3: numbers per image`.
    /// - Throws: ``InvalidArgument`` naming `what` and the factors when the product is larger than `Int.max`.
    public static func product(_ factors: [Int], _ what: @autoclosure () -> String) throws -> Int {
        var result = 1
        for factor in factors {
            let (product, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw tooLarge(what(), factors.map(String.init).joined(separator: " × ")) }
            result = product
        }
        return result
    }

    /// `terms` added together.
    /// - Parameters:
    ///   - terms: the numbers to add, as they came from the input.
    ///   - what: names the size in the error.
    /// - Throws: ``InvalidArgument`` naming `what` and the terms when the sum is larger than `Int.max`
    ///   (or smaller than `Int.min`).
    public static func sum(_ terms: [Int], _ what: @autoclosure () -> String) throws -> Int {
        var result = 0
        for term in terms {
            let (sum, overflow) = result.addingReportingOverflow(term)
            guard !overflow else { throw tooLarge(what(), terms.map(String.init).joined(separator: " + ")) }
            result = sum
        }
        return result
    }

    static func tooLarge(_ what: String, _ arithmetic: String) -> InvalidArgument {
        InvalidArgument("\(what): \(arithmetic) is too large (more than \(Int.max), the largest size an Int holds)")
    }
}
