import Foundation
import MemwallExecutor
import MemwallModel

/// Renders a regression-suite outcome: measured vs predicted vs bound per case, and fits.
public enum VerifyReport {
    public static func table(_ outcome: SuiteRunner.Outcome) -> String {
        func n(_ v: Double) -> String { QuantityFormatter.count(v) }
        var cases = TextTable(header: ["case", "kernel", "variant", "M words", "counted", "predicted", "certified", "leading",
                                       "ratio", "max error", "result"], rightAligned: [3, 4, 5, 6, 7, 8, 9])
        for r in outcome.cases {
            cases.append([r.name, r.kernel, r.variant, "\(r.fastMemoryWords)", n(Double(r.countedWords)),
                          r.predictedWords.map(n) ?? "n/a", n(r.certifiedBoundWords), n(r.leadingBoundWords),
                          QuantityFormatter.number(r.ratioToLeading, 4), String(format: "%.1e", r.maxRelativeError),
                          r.passed ? "ok" : "FAIL: " + r.violations.joined(separator: "; ")])
        }
        var out = cases.render()
        if !outcome.fits.isEmpty {
            var fits = TextTable(header: ["fit", "vary", "values", "exponent", "expected", "R^2", "result"], rightAligned: [3, 4, 5])
            for f in outcome.fits {
                fits.append([f.name, f.axis, f.values.map(String.init).joined(separator: " "), String(format: "%.4f", f.exponent),
                             "\(f.expected) ± \(f.tolerance)", String(format: "%.6f", f.rSquared), f.passed ? "ok" : "FAIL"])
            }
            out += "\n" + fits.render()
        }
        let total = outcome.cases.count + outcome.fits.count
        out += "\n\(total - outcome.failures) passed, \(outcome.failures) failed"
        out += outcome.skipped > 0 ? ", \(outcome.skipped) skipped (run with --full)\n" : "\n"
        let words = outcome.cases.reduce(0) { $0 + $1.countedWords }, seconds = outcome.cases.reduce(0) { $0 + $1.seconds }
        if seconds > 0 { out += "executor: \(n(Double(words))) words counted in \(QuantityFormatter.format(seconds, .seconds)) of kernel time (\(n(Double(words) / seconds)) words/s)\n" }
        return out
    }

    public static func csv(_ outcome: SuiteRunner.Outcome) -> String {
        var lines = ["name,kernel,variant,fast_memory_words,capacity_words,peak_fast_words,loaded_words,stored_words,counted_words,predicted_words,certified_bound_words,leading_bound_words,ratio_to_leading,max_relative_error,passed,violations"]
        for r in outcome.cases {
            lines.append([AnalysisCSV.field(r.name), r.kernel, r.variant, "\(r.fastMemoryWords)", "\(r.capacityWords)", "\(r.peakFastWords)",
                          "\(r.wordsLoaded)", "\(r.wordsStored)", "\(r.countedWords)", r.predictedWords.map(AnalysisCSV.number) ?? "",
                          AnalysisCSV.number(r.certifiedBoundWords), AnalysisCSV.number(r.leadingBoundWords),
                          AnalysisCSV.number(r.ratioToLeading), "\(r.maxRelativeError)", "\(r.passed)",
                          AnalysisCSV.field(r.violations.joined(separator: "; "))].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ outcome: SuiteRunner.Outcome) throws -> String {
        struct Case: Encodable {
            let name, kernel, variant: String
            let fast_memory_words, capacity_words, peak_fast_words, loaded_words, stored_words, counted_words: Int
            let predicted_words: Double?
            let certified_bound_words, leading_bound_words, ratio_to_leading, max_relative_error: Double
            let passed: Bool
            let violations: [String]
        }
        struct Fit: Encodable {
            let name, axis: String
            let values, counted_words: [Int]
            let exponent, expected, tolerance, r_squared: Double
            let passed: Bool
        }
        struct Document: Encodable {
            let schema_version: Int
            let cases: [Case]
            let fits: [Fit]
            let skipped: Int
            let failures: Int
        }
        let document = Document(
            schema_version: reportSchemaVersion,
            cases: outcome.cases.map {
                Case(name: $0.name, kernel: $0.kernel, variant: $0.variant, fast_memory_words: $0.fastMemoryWords,
                     capacity_words: $0.capacityWords, peak_fast_words: $0.peakFastWords, loaded_words: $0.wordsLoaded,
                     stored_words: $0.wordsStored, counted_words: $0.countedWords, predicted_words: $0.predictedWords,
                     certified_bound_words: $0.certifiedBoundWords, leading_bound_words: $0.leadingBoundWords,
                     ratio_to_leading: $0.ratioToLeading, max_relative_error: $0.maxRelativeError, passed: $0.passed,
                     violations: $0.violations)
            },
            fits: outcome.fits.map {
                Fit(name: $0.name, axis: $0.axis, values: $0.values, counted_words: $0.countedWords, exponent: $0.exponent,
                    expected: $0.expected, tolerance: $0.tolerance, r_squared: $0.rSquared, passed: $0.passed)
            },
            skipped: outcome.skipped, failures: outcome.failures)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
