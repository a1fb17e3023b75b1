import Foundation
import Testing

/// `benchmark --seconds inf` (or 1e300) used to run forever: the budget is validated first.
@Suite struct BenchmarkOptionsTests {
    @Test(arguments: ["inf", "1e300", "nan", "0", "-1", "3601"])
    func aTimeBudgetThatNeverEndsIsRefused(seconds: String) throws {
        let binary = ProgramRunner.binaries.appendingPathComponent("benchmark")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the benchmark first (swift build)")
        let result = try ProgramRunner.run("benchmark", ["--seconds=\(seconds)", "--filter", "no row has this name"])
        #expect(result.status == 64, "\(result.error)")  // ArgumentParser's status for a validation error
        #expect(result.error.contains("--seconds"), "\(result.error)")
        #expect(result.error.contains("must be a number of seconds above 0 and at most 3600"), "\(result.error)")
    }

    @Test func aFiniteBudgetRuns() throws {
        let result = try ProgramRunner.run("benchmark", ["--seconds", "0.01", "--filter", "no row has this name", "--json"])
        #expect(result.status == 0, "\(result.error)")
    }
}
