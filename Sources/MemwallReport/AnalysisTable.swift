import MemwallAnalysis
import MemwallModel

/// The human-readable report: a summary, ops folded by role (`q_proj x 32`),
/// totals by bound, and the memory footprint against capacity.
public enum AnalysisTable {
    public static func render(_ result: AnalysisResult) -> String {
        let tiers = result.tierNames
        let main = result.mainMemoryIndex
        let t = result.totals
        func q(_ value: Double, _ d: Dimension) -> String { QuantityFormatter.format(value, d) }
        func pct(_ part: Double) -> String {
            guard t.time > 0 else { return "-" }
            let share = 100 * part / t.time
            return share < 0.01 ? "<0.01%" : QuantityFormatter.number(share, 3) + "%"
        }

        var out = "memwall analyze: \(result.workloadName) on \(result.hardwareName)\n"
        if !result.workloadParameters.isEmpty {
            out += "parameters: " + result.workloadParameters.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "\n"
        }
        out += "traffic model: \(result.ioModel); tiers nearest first: \(tiers.joined(separator: ", ")) (main: \(tiers[main]))\n\n"

        var table = TextTable(header: ["op", "count", "kind", "engine", "FLOPs", "\(tiers[main]) bytes", "intensity",
                                       "time", "share", "bound"], rightAligned: [1, 4, 5, 6, 7, 8])
        for group in OpGroup.groups(of: result) {
            table.append([group.name, "\(group.count)", group.kind, group.engine ?? "-",
                          QuantityFormatter.count(group.flops), q(group.bytesByTier[main], .bytes),
                          QuantityFormatter.number(group.arithmeticIntensity, 3) + " F/B",
                          q(group.time, .seconds), pct(group.time), group.bound.name(tiers: tiers)])
        }
        out += table.render() + "\n"

        out += "time            \(q(t.time, .seconds))"
        if let tokens = t.tokens, let rate = t.tokensPerSecond {
            out += " for \(tokens) tokens (\(QuantityFormatter.number(rate, 4)) tokens/s)"
        }
        out += "\n"
        let shares = t.timeByBound.sorted { $0.value > $1.value }
            .map { "\($0.key.name(tiers: tiers)) \(pct($0.value))" }.joined(separator: ", ")
        out += "bound           \(t.bound.name(tiers: tiers)) (time in ops bound by: \(shares))\n"
        out += "FLOPs           \(QuantityFormatter.count(t.flops)) (achieved \(q(t.achievedFlopsPerSecond, .operationsPerSecond)))\n"
        out += "bytes by tier   " + zip(tiers, t.bytesByTier).map { "\($0) \(q($1, .bytes))" }.joined(separator: ", ") + "\n"
        out += "energy          \(q(t.energy, .joules)) dynamic (tiers and engines with energy figures)"
        if let tdp = t.energyAtTDP { out += "; \(q(tdp, .joules)) at board power" }
        out += "\n"
        if let cost = t.cost {
            out += "cost            $\(QuantityFormatter.number(cost, 4))"
            if let perMillion = t.costPerMillionTokens { out += " ($\(QuantityFormatter.number(perMillion, 4)) per million tokens)" }
            out += "\n"
        }

        let f = result.footprint
        out += "footprint       \(q(f.totalBytes, .bytes)) of \(q(f.capacityBytes, .bytes)) \(f.tierName): "
        out += "weights \(q(f.weightBytes, .bytes)), KV cache \(q(f.kvCacheBytes, .bytes)), activations \(q(f.activationBytes, .bytes))"
        out += f.fits ? " - fits\n" : " - DOES NOT FIT, short by \(q(f.shortfallBytes, .bytes))\n"
        for warning in result.warnings { out += "warning: \(warning)\n" }
        return out
    }
}
