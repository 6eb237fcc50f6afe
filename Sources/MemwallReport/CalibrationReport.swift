import Foundation
import MemwallCalibration
import MemwallModel

/// Renders `memwall calibrate`: the fitted parameters with their standard errors, then every
/// measurement against the fitted model (the residuals) and the error by kernel family.
public enum CalibrationReport {
    public static func render(_ fit: CalibrationFit, hardware: String, format: ReportFormat) throws -> String {
        switch format {
        case .table: return table(fit, hardware: hardware)
        case .csv: return csv(fit)
        case .json: return try json(fit, hardware: hardware)
        }
    }

    static func table(_ fit: CalibrationFit, hardware: String) -> String {
        var text = "memwall calibrate: \(hardware), \(fit.cases.count) measurements, "
        text += fit.converged ? "converged in \(fit.iterations) iterations\n\n" : "NOT converged after \(fit.iterations) iterations\n\n"
        var parameters = TextTable(header: ["parameter", "value", "std error", "note"], rightAligned: [1, 2])
        let perSource = fit.parameters.contains { if case .sourceOverhead = $0.kind { true } else { false } }
        for p in fit.parameters {
            var note = p.isDetermined ? "" : "not determined by these measurements; not written"
            if perSource, p.kind == .launchOverhead { note = "the smallest source's; the others write their excess as source_overheads" }
            parameters.append([shortened(p.name), value(p), uncertainty(p), note])
        }
        text += parameters.render()
        for choice in fit.choices {
            let costs = choice.candidates.map { "\($0.value): \(String(format: "%.4g", $0.residualSumOfSquares))" }
            text += "\n\(choice.parameter): \(choice.chosen), the candidate whose fit leaves the smallest sum of squared log residuals (\(costs.joined(separator: ", ")))\n"
        }
        text += "\nresiduals (fitted model against each measurement)\n\n"
        text += ValidationReport.caseTable(fit.cases) + "\n"
        text += ValidationReport.summaryTable(summaries(fit.cases))
        return text
    }

    static func csv(_ fit: CalibrationFit) -> String {
        var lines = ["parameter,value,standard_error,unit"]
        for p in fit.parameters {
            lines.append([AnalysisCSV.field(p.name), AnalysisCSV.number(p.value), AnalysisCSV.number(p.standardError),
                          p.kind.isOverhead ? "s" : "fraction"].joined(separator: ","))
        }
        for choice in fit.choices {
            lines.append("\(choice.parameter),\(AnalysisCSV.field(choice.chosen)),,chosen")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct Document: Encodable {
        var schema_version: Int
        var hardware: String
        var converged: Bool
        var iterations: Int
        var parameters: [Parameter]
        var choices: [Choice]
        var cases: [ValidationReport.CaseEntry]
        var summaries: [ValidationReport.SummaryEntry]
    }

    struct Parameter: Encodable {
        var name: String
        var value: Double
        var standard_error: Double?
        var unit: String
        var determined: Bool
    }

    struct Choice: Encodable {
        struct Candidate: Encodable {
            var value: String
            var residual_sum_of_squares: Double
        }
        var parameter: String
        var chosen: String
        var candidates: [Candidate]
    }

    static func json(_ fit: CalibrationFit, hardware: String) throws -> String {
        let document = Document(
            schema_version: reportSchemaVersion, hardware: hardware, converged: fit.converged, iterations: fit.iterations,
            parameters: fit.parameters.map {
                Parameter(name: $0.name, value: $0.value, standard_error: $0.standardError.isFinite ? $0.standardError : nil,
                          unit: $0.kind.isOverhead ? "s" : "fraction", determined: $0.isDetermined)
            },
            choices: fit.choices.map { choice in
                Choice(parameter: choice.parameter, chosen: choice.chosen, candidates: choice.candidates.map {
                    .init(value: $0.value, residual_sum_of_squares: $0.residualSumOfSquares)
                })
            },
            cases: fit.cases.map(ValidationReport.CaseEntry.init), summaries: summaries(fit.cases).map(ValidationReport.SummaryEntry.init))
        return try ValidationReport.encode(document)
    }

    static func summaries(_ cases: [CaseResult]) -> [ErrorSummary] {
        var families: [String] = []
        for c in cases where !families.contains(c.measurement.family) { families.append(c.measurement.family) }
        return families.map { f in ErrorSummary(family: f, cases: cases.filter { $0.measurement.family == f }) }
            + [ErrorSummary(family: "all", cases: cases)]
    }

    /// A parameter name in the table, a long source URL cut in the middle (CSV and JSON keep it whole).
    static func shortened(_ name: String, limit: Int = 72) -> String {
        guard name.count > limit else { return name }
        return String(name.prefix(limit / 2 - 2)) + "..." + String(name.suffix(limit / 2 - 1))
    }

    static func value(_ p: FittedParameter) -> String {
        p.kind.isOverhead ? QuantityFormatter.format(p.value, .seconds) : String(format: "%.4f", p.value)
    }

    static func uncertainty(_ p: FittedParameter) -> String {
        guard p.standardError.isFinite else { return "inf" }
        return p.kind.isOverhead ? QuantityFormatter.format(p.standardError, .seconds) : String(format: "%.4f", p.standardError)
    }
}
