import MemwallAnalysis

/// One row per op, header first, SI base units, keys as in the JSON
/// (`bytes_by_tier.hbm`, `time_by_bound_s.compute`). Numbers use Swift's
/// shortest round-trip form, so output is byte-identical across runs.
public enum AnalysisCSV {
    public static func render(_ result: AnalysisResult) -> String {
        let tiers = result.tierNames
        var header = ["name", "kind", "engine", "compute_dtype", "flops"]
        header += tiers.map { "bytes_by_tier.\($0)" }
        header += ["time_by_bound_s.compute"] + tiers.map { "time_by_bound_s.\($0)" } + ["time_by_bound_s.latency"]
        header += ["overhead_s", "time_s", "bound", "arithmetic_intensity_flops_per_byte", "energy_j"]
        var lines = [header.joined(separator: ",")]
        lines.reserveCapacity(result.ops.count + 1)
        for op in result.ops {
            var row = [field(op.name), op.kind.rawValue, field(op.engine ?? ""), op.computeDType.rawValue, number(op.flops)]
            row += op.bytesByTier.map(number)
            row += [number(op.computeTime)] + op.memoryTimeByTier.map(number) + [number(op.latencyTime)]
            row += [number(op.overheadTime), number(op.time), field(op.bound.name(tiers: tiers)),
                    number(op.arithmeticIntensity), number(op.energy)]
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting when a field holds a comma, quote or newline.
    public static func field(_ text: String) -> String {
        // Bytes, not Characters: the check runs for every text cell of million-row sweeps.
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
