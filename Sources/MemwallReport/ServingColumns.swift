import Foundation
import MemwallPlanning

extension ServingColumns.Value {
    /// As a CSV field: shortest round-trip numbers, empty for no value.
    public var csv: String {
        switch self {
        case .text(let text): AnalysisCSV.field(text)
        case .number(let value): value.map(AnalysisCSV.number) ?? ""
        case .flag(let flag): flag ? "true" : "false"
        }
    }

    /// As a JSON value (numbers as in CSV; null for no value).
    public var json: String {
        switch self {
        case .text(let text): JSONText.string(text)
        case .number(let value): value.map { $0.isFinite ? AnalysisCSV.number($0) : "null" } ?? "null"
        case .flag(let flag): flag ? "true" : "false"
        }
    }
}

/// JSON string quoting (the subset of RFC 8259 escapes output needs).
public enum JSONText {
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
