import Foundation
import MemwallModel

/// Writes a calibrated hardware file: the original file's text, comments and sources kept, with
/// its top-level `calibration:` section (if any) replaced by the fitted one.
public enum CalibratedHardwareFile {
    /// `original` with `calibration` as its `calibration:` section.
    public static func render(original: String, calibration: Calibration) -> String {
        var lines = original.components(separatedBy: "\n")
        if let start = lines.firstIndex(where: { $0.hasPrefix("calibration:") }) {
            // The section runs until the next top-level key (a line starting in column 1 that is not a comment).
            var end = start + 1
            while end < lines.count, lines[end].isEmpty || lines[end].hasPrefix(" ") || lines[end].hasPrefix("#") { end += 1 }
            lines.removeSubrange(start..<end)
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return (lines + [""] + section(calibration)).joined(separator: "\n") + "\n"
    }

    /// The YAML of a calibration section.
    public static func section(_ c: Calibration) -> [String] {
        var out = ["# Fitted by memwall calibrate; validate held-out error with memwall validate --holdout.",
                   "calibration:",
                   "  parallel_units: \(c.parallelUnits)",
                   "  tile: { m: \(c.tile.m), n: \(c.tile.n), split_k_min: \(c.tile.splitKMin), attention_rows: \(c.tile.attentionRows), attention_keys: \(c.tile.attentionKeys)"
                   + (c.tile.attentionBlocksPerUnit.map { ", attention_blocks_per_unit: \($0)" } ?? "") + " }"]
        if let overhead = c.launchOverhead {
            out.append("  launch_overhead: \(number(overhead.value * 1e6)) us")
            if let u = c.launchOverheadUncertainty, u.value.isFinite { out.append("  launch_overhead_uncertainty: \(number(u.value * 1e6)) us") }
        }
        if !c.sourceOverheads.isEmpty {
            out.append("  source_overheads:")
            for o in c.sourceOverheads {
                var fields = ["source: \(quoted(o.source))", "overhead: \(number(o.overhead.value * 1e6)) us"]
                if let u = o.uncertainty, u.value.isFinite { fields.append("uncertainty: \(number(u.value * 1e6)) us") }
                out.append("    - { \(fields.joined(separator: ", ")) }")
            }
        }
        if !c.compute.isEmpty {
            out.append("  compute:")
            for f in c.compute {
                var fields = ["engine: \(quoted(f.engine))"]
                if let dtype = f.dtype { fields.append("dtype: \(dtype.rawValue)") }
                if let family = f.family { fields.append("family: \(family.rawValue)") }
                fields.append("efficiency: \(number(f.efficiency))")
                if let u = f.uncertainty, u.isFinite { fields.append("uncertainty: \(number(u))") }
                out.append("    - { \(fields.joined(separator: ", ")) }")
            }
        }
        if !c.memory.isEmpty {
            out.append("  memory:")
            for f in c.memory {
                var fields = ["tier: \(quoted(f.tier))", "efficiency: \(number(f.efficiency))"]
                if let u = f.uncertainty, u.isFinite { fields.append("uncertainty: \(number(u))") }
                out.append("    - { \(fields.joined(separator: ", ")) }")
            }
        }
        if !c.fittedOn.isEmpty {
            out.append("  fitted_on:")
            out += c.fittedOn.map { "    - \(quoted($0))" }
        }
        out.append("  source: \(quoted(c.source))")
        return out
    }

    /// Four significant digits: enough for efficiencies known to a percent or so.
    static func number(_ value: Double) -> String { String(format: "%.4g", value) }

    /// A double-quoted YAML scalar.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: " ") + "\""
    }
}
