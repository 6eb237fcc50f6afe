import ArgumentParser
import Foundation
import MemwallExecutor
import MemwallModel
import MemwallReport

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the IO regression suite: kernels on real numbers, counted words vs the IO models and the bounds.",
        discussion: """
        Every case runs its kernel through an instrumented memory hierarchy and prints measured vs predicted words
        and the bounds; fits recover the power laws of FlashAttention's traffic with GSL least squares. Cases marked
        full run only with --full. Exits 1 if any relation is violated.

        Examples:
          memwall verify
          memwall verify --cases Workloads/regression/flash-attention.yaml --format csv --output verify.csv
          memwall verify --full
        """)

    @Option(name: .long, help: ArgumentHelp("Regression suite file.", valueName: "file"))
    var cases = "Workloads/regression/flash-attention.yaml"

    @Flag(name: .long, help: "Also run the cases and fits marked full (long).")
    var full = false

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let suite = try failing { try RegressionSuite.load(contentsOf: cases) }
        let outcome: SuiteRunner.Outcome
        var progress: (@Sendable (Int, Int) -> Void)?
        if Console.stderrIsTerminal {
            progress = { done, total in Console.progress("verify: \(done)/\(total) cases and fits") }
        }
        defer { if progress != nil { Console.progress(nil) } }
        do { outcome = try SuiteRunner.run(suite, full: full, progress: progress) } catch {
            throw CommandFailure.badInput("\(cases): \(error.description)")
        }
        let text: String
        switch outputOptions.format {
        case .table: text = VerifyReport.table(outcome)
        case .csv: text = VerifyReport.csv(outcome)
        case .json: text = try VerifyReport.json(outcome)
        }
        try Console.write(text, to: outputOptions.output)
        if outcome.failures > 0 {
            let names = outcome.cases.filter { !$0.passed }.map(\.name) + outcome.fits.filter { !$0.passed }.map(\.name)
            throw CommandFailure.infeasible("verify: \(outcome.failures) of \(outcome.cases.count + outcome.fits.count) violated their relations: \(names.joined(separator: ", "))")
        }
    }
}
