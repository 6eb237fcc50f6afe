import Foundation
import MemwallAnalysis
import MemwallModel

/// One workload on several hardware descriptions, side by side.
public struct ComparisonReport: Sendable {
    public struct Row: Sendable {
        public var hardware: String
        public var hardwareName: String
        public var result: AnalysisResult

        public init(hardware: String, hardwareName: String, result: AnalysisResult) {
            self.hardware = hardware
            self.hardwareName = hardwareName
            self.result = result
        }
    }

    public var workload: String
    public var rows: [Row]

    public init(workload: String, rows: [Row]) {
        self.workload = workload
        self.rows = rows
    }

    public func table() -> String {
        func q(_ v: Double?, _ d: MemwallModel.Dimension) -> String { v.map { QuantityFormatter.format($0, d) } ?? "-" }
        var table = TextTable(header: ["hardware", "time", "bound", "tokens/s", "energy", "energy at TDP", "$ / M tokens", "footprint"],
                              rightAligned: [1, 3, 4, 5, 6])
        for row in rows {
            let t = row.result.totals, f = row.result.footprint
            let rate: String = t.tokensPerSecond.map { QuantityFormatter.number($0, 4) } ?? "-"
            let cost: String = t.costPerMillionTokens.map { "$" + QuantityFormatter.number($0, 4) } ?? "-"
            let fit: String = f.fits ? "fits" : "short by " + QuantityFormatter.format(f.shortfallBytes, .bytes)
            let bound: String = t.bound.name(tiers: row.result.tierNames)
            // No tier or engine with an energy figure: say so rather than print zero.
            let energy: String = t.energy > 0 ? q(t.energy, .joules) : "-"
            let cells: [String] = [row.hardware, q(t.time, .seconds), bound, rate, energy, q(t.energyAtTDP, .joules), cost, fit]
            table.append(cells)
        }
        return "memwall compare: \(workload)\n\n" + table.render()
    }

    public func csv() -> String {
        var lines = ["hardware,name,time_s,bound,tokens_per_s,energy_j,energy_at_tdp_j,cost_usd_per_million_tokens,footprint_bytes,capacity_bytes,fits"]
        for row in rows {
            let t = row.result.totals, f = row.result.footprint
            lines.append([AnalysisCSV.field(row.hardware), AnalysisCSV.field(row.hardwareName), AnalysisCSV.number(t.time),
                          t.bound.name(tiers: row.result.tierNames), t.tokensPerSecond.map(AnalysisCSV.number) ?? "",
                          AnalysisCSV.number(t.energy), t.energyAtTDP.map(AnalysisCSV.number) ?? "",
                          t.costPerMillionTokens.map(AnalysisCSV.number) ?? "", AnalysisCSV.number(f.totalBytes),
                          AnalysisCSV.number(f.capacityBytes), "\(f.fits)"].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> String {
        struct Entry: Encodable {
            let hardware, name, bound: String
            let time_s, energy_j: Double
            let tokens_per_s, energy_at_tdp_j, cost_usd_per_million_tokens: Double?
            let footprint_bytes, capacity_bytes: Double
            let fits: Bool
        }
        struct Document: Encodable { let schema_version: Int; let workload: String; let hardware: [Entry] }
        let document = Document(schema_version: reportSchemaVersion, workload: workload, hardware: rows.map { row in
            let t = row.result.totals, f = row.result.footprint
            return Entry(hardware: row.hardware, name: row.hardwareName, bound: t.bound.name(tiers: row.result.tierNames),
                         time_s: t.time, energy_j: t.energy, tokens_per_s: t.tokensPerSecond, energy_at_tdp_j: t.energyAtTDP,
                         cost_usd_per_million_tokens: t.costPerMillionTokens, footprint_bytes: f.totalBytes,
                         capacity_bytes: f.capacityBytes, fits: f.fits)
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// Horizontal bars: tokens/s (time when the workload has no token count), and $ per million tokens.
    public func barChart() -> String {
        let useTokens = rows.allSatisfy { $0.result.totals.tokensPerSecond != nil }
        let metric: [(String, Double)] = rows.map { ($0.hardware, useTokens ? $0.result.totals.tokensPerSecond! : $0.result.totals.time) }
        let cost: [(String, Double)] = rows.compactMap { row in row.result.totals.costPerMillionTokens.map { (row.hardware, $0) } }
        let barHeight = 26.0, gap = 10.0, left = 230.0, width = 520.0
        let panelHeight = Double(rows.count) * (barHeight + gap)
        let costHeight = Double(cost.count) * (barHeight + gap)
        var svg = SVGDocument(width: left + width + 150, height: 90 + panelHeight + (cost.isEmpty ? 0 : costHeight + 60))
        svg.text(20, 28, "memwall compare: \(workload)", size: 16, weight: "bold")
        func panel(_ title: String, _ values: [(String, Double)], top: Double, color: String, format: (Double) -> String) {
            svg.text(20, top - 12, title, size: 13, weight: "bold")
            let maximum = values.map(\.1).max() ?? 1
            for (index, (name, value)) in values.enumerated() {
                let y = top + Double(index) * (barHeight + gap)
                let length = maximum > 0 ? width * value / maximum : 0
                svg.text(left - 8, y + barHeight * 0.68, name, size: 12, anchor: "end")
                svg.rect(left, y, max(1, length), barHeight, fill: color)
                svg.text(left + max(1, length) + 6, y + barHeight * 0.68, format(value), size: 12)
            }
        }
        panel(useTokens ? "tokens per second (higher is better)" : "time per step (lower is better)", metric, top: 70,
              color: "#1f77b4") { useTokens ? QuantityFormatter.number($0, 4) : QuantityFormatter.format($0, .seconds) }
        if !cost.isEmpty {
            panel("$ per million tokens (lower is better)", cost, top: 70 + panelHeight + 50, color: "#ff7f0e") {
                "$" + QuantityFormatter.number($0, 4)
            }
        }
        return svg.render()
    }
}
