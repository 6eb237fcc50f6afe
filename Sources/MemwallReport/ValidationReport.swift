import Foundation
import MemwallCalibration
import MemwallModel

/// Renders `memwall validate`: predicted against measured per case, then the median and worst
/// relative error per kernel family (held out when validated with `--holdout`).
public enum ValidationReport {
    public static func render(_ result: ValidationResult, format: ReportFormat) throws -> String {
        switch format {
        case .table:
            let mode = result.folds.map { "\($0)-fold holdout: each case predicted by a calibration fitted without it" }
                ?? "the hardware file as given"
            var text = "memwall validate: \(result.hardwareName), \(result.cases.count) measurements, \(mode)\n"
            text += "measured on: \(result.devices.joined(separator: "; "))\n\n"
            text += caseTable(result.cases) + "\n" + summaryTable(result.summaries)
            if !result.byteSummaries.isEmpty {
                text += "\nbytes per tier against the profiler's counts\n\n" + summaryTable(result.byteSummaries)
            }
            return text
        case .csv:
            var lines = ["location,family,shape,dtype,device,fold,measured_time_s,predicted_time_s,relative_error,bound"]
            for c in result.cases {
                let m = c.measurement
                lines.append([AnalysisCSV.field(m.location), m.family, AnalysisCSV.field(m.shapeText), m.dtype.rawValue,
                              AnalysisCSV.field(m.provenance.device), c.fold.map(String.init) ?? "",
                              AnalysisCSV.number(m.time), AnalysisCSV.number(c.predicted), AnalysisCSV.number(c.relativeError),
                              AnalysisCSV.field(c.bound)].joined(separator: ","))
            }
            return lines.joined(separator: "\n") + "\n"
        case .json:
            return try encode(Document(schema_version: reportSchemaVersion, hardware: result.hardwareName,
                                       holdout_folds: result.folds, devices: result.devices,
                                       cases: result.cases.map(CaseEntry.init), summaries: result.summaries.map(SummaryEntry.init),
                                       byte_summaries: result.byteSummaries.map(SummaryEntry.init)))
        }
    }

    static func caseTable(_ cases: [CaseResult]) -> String {
        var table = TextTable(header: ["case", "family", "shape", "dtype", "measured", "predicted", "error", "bound"],
                              rightAligned: [4, 5, 6])
        for c in cases {
            let m = c.measurement
            table.append([m.location, m.family, m.shapeText, m.dtype.rawValue, QuantityFormatter.format(m.time, .seconds),
                          QuantityFormatter.format(c.predicted, .seconds), percent(c.relativeError, signed: true), c.bound])
        }
        return table.render()
    }

    static func summaryTable(_ summaries: [ErrorSummary]) -> String {
        var table = TextTable(header: ["family", "cases", "median |error|", "worst |error|", "worst case"], rightAligned: [1, 2, 3])
        for s in summaries {
            table.append([s.family, "\(s.count)", percent(s.medianError, signed: false), percent(s.worstError, signed: false),
                          s.worstLocation])
        }
        return table.render()
    }

    static func percent(_ value: Double, signed: Bool) -> String {
        String(format: signed ? "%+.1f%%" : "%.1f%%", value * 100)
    }

    struct Document: Encodable {
        var schema_version: Int
        var hardware: String
        var holdout_folds: Int?
        var devices: [String]
        var cases: [CaseEntry]
        var summaries: [SummaryEntry]
        var byte_summaries: [SummaryEntry]
    }

    struct CaseEntry: Encodable {
        var location: String
        var family: String
        var shape: String
        var dtype: String
        var device: String
        var source: String
        var fold: Int?
        var measured_time_s: Double
        var predicted_time_s: Double
        var relative_error: Double
        var bound: String
        var measured_bytes_by_tier: [String: Double]
        var predicted_bytes_by_tier: [String: Double]

        init(_ c: CaseResult) {
            let m = c.measurement
            location = m.location
            family = m.family
            shape = m.shapeText
            dtype = m.dtype.rawValue
            device = m.provenance.device
            source = m.provenance.source
            fold = c.fold
            measured_time_s = m.time
            predicted_time_s = c.predicted
            relative_error = c.relativeError
            bound = c.bound
            measured_bytes_by_tier = m.bytesByTier
            predicted_bytes_by_tier = c.predictedBytes
        }
    }

    struct SummaryEntry: Encodable {
        var family: String
        var cases: Int
        var median_relative_error: Double
        var worst_relative_error: Double
        var worst_case: String

        init(_ s: ErrorSummary) {
            family = s.family
            cases = s.count
            median_relative_error = s.medianError
            worst_relative_error = s.worstError
            worst_case = s.worstLocation
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
