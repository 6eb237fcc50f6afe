import Foundation
import Testing
import _TestSupport
@testable import MemwallModel

/// The package root (see _TestSupport).
let packageRoot: URL = PackageRoot.url

func packagePath(_ relative: String) -> String { PackageRoot.path(relative) }

/// |actual - expected| <= relative * |expected| (exact match required when expected is 0).
func isClose(_ actual: Double, _ expected: Double, relative: Double = 1e-12) -> Bool {
    if expected == 0 { return actual == 0 }
    return abs(actual - expected) <= relative * abs(expected)
}

/// Runs `body` and returns the SpecError it throws, or nil (recording an issue) when it
/// throws nothing or another error.
func specError(
    _ body: () throws -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
) -> SpecError? {
    do {
        try body()
        Issue.record("expected a SpecError, but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as SpecError {
        return error
    } catch {
        Issue.record("expected a SpecError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Parses a YAML text as a document named `file`.
func document(_ text: String, file: String = "test.yaml") throws(SpecError) -> SpecDocument {
    try SpecDocument(text: text, file: file)
}

/// Loads a workload from YAML/JSON text.
func loadWorkload(_ text: String, file: String = "graph.yaml", set overrides: [String] = []) throws(SpecError) -> Workload {
    let parsed = try overrides.map { text throws(SpecError) in try ParameterOverride(parsing: text) }
    return try WorkloadLoader.load(SpecDocument(text: text, file: file), overrides: parsed)
}
