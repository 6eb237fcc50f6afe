import Foundation
import MemwallModel
import MemwallPlanning

/// `memwall plan` output: the cheapest deployment, what binds it, and the alternatives.
public enum PlanReport {
    /// Alternatives listed in the table (cheapest first).
    public static let alternatives = 12

    public static func describe(_ c: Planner.Candidate) -> String {
        let e = c.estimate
        return "\(e.devices) x \(e.hardwareID) (\(e.request.parallelism)) x \(c.replicas) replica\(c.replicas == 1 ? "" : "s"), batch \(e.request.batch)"
    }

    static func money(_ value: Double?) -> String { value.map { String(format: "$%.2f", $0) } ?? "-" }

    public static func table(_ result: Planner.Result, targets: ServiceLevel, model: String) -> String {
        var pairs: [(String, String)] = [("model", model), ("targets", targets.description)]
        if let best = result.feasible.first {
            let e = best.estimate
            pairs.append(("cheapest", describe(best)))
            pairs.append(("cost", "\(money(best.dollarsPerHour))/h for \(best.devices) device\(best.devices == 1 ? "" : "s"), "
                + (e.costPerMillionTokens.map { String(format: "$%.4g", $0) } ?? "-") + " per million output tokens"))
            pairs.append(("serves", "TTFT \(QuantityFormatter.format(e.timeToFirstToken, .seconds)), TPOT \(QuantityFormatter.format(e.timePerOutputToken, .seconds)), \(QuantityFormatter.count(best.throughput)) tokens/s"))
            pairs.append(("binding", best.binding))
        } else {
            pairs.append(("cheapest", "none meets the targets"))
        }
        for note in result.notes { pairs.append(("note", note)) }
        var text = KeyValueText.render(pairs)
        guard !result.feasible.isEmpty else { return text }
        var table = TextTable(header: ["hardware", "split", "replicas", "devices", "batch", "$/h", "$/Mtok", "TTFT", "TPOT",
                                       "tokens/s", "binding"], rightAligned: [2, 3, 4, 5, 6, 7, 8, 9])
        for c in result.feasible.prefix(alternatives) {
            let e = c.estimate
            table.append([e.hardwareID, "\(e.request.parallelism)", "\(c.replicas)", "\(c.devices)", "\(e.request.batch)",
                          money(c.dollarsPerHour), e.costPerMillionTokens.map { String(format: "%.4g", $0) } ?? "-",
                          QuantityFormatter.format(e.timeToFirstToken, .seconds), QuantityFormatter.format(e.timePerOutputToken, .seconds),
                          QuantityFormatter.count(c.throughput), c.binding])
        }
        text += "\nfeasible deployments, cheapest first (\(result.feasible.count) in all):\n" + table.render()
        return text
    }

    /// One row per feasible candidate: the serving columns plus replicas and totals.
    public static func csv(_ result: Planner.Result) -> String {
        var lines = [(["replicas", "total_devices", "total_dollars_per_hour", "total_throughput_tokens_per_s", "binding"]
            + ServingColumns.keys).joined(separator: ",")]
        for c in result.feasible {
            let fixed = ["\(c.replicas)", "\(c.devices)", c.dollarsPerHour.map(AnalysisCSV.number) ?? "",
                         AnalysisCSV.number(c.throughput), AnalysisCSV.field(c.binding)]
            lines.append((fixed + ServingColumns.all.map { $0.value(c.estimate).csv }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ result: Planner.Result, targets: ServiceLevel, model: String) -> String {
        func entry(_ c: Planner.Candidate) -> String {
            ServingReport.jsonObject(c.estimate, extra: [
                ("replicas", .number(Double(c.replicas))), ("total_devices", .number(Double(c.devices))),
                ("total_dollars_per_hour", .number(c.dollarsPerHour)), ("total_throughput_tokens_per_s", .number(c.throughput)),
                ("binding", .text(c.binding)), ("meets_targets", .flag(c.meetsTargets)),
            ])
        }
        func target(_ value: Double?) -> String { value.map(AnalysisCSV.number) ?? "null" }
        return "{\"closest\":" + (result.closest.map(entry) ?? "null")
            + ",\"feasible\":[" + result.feasible.map(entry).joined(separator: ",\n")
            + "],\"model\":" + JSONText.string(model) + ",\"notes\":[" + result.notes.map(JSONText.string).joined(separator: ",")
            + "],\"schema_version\":\(reportSchemaVersion),\"targets\":{\"throughput_tokens_per_s\":\(target(targets.throughput)),\"tpot_s\":\(target(targets.timePerOutputToken)),\"ttft_s\":\(target(targets.timeToFirstToken))}}\n"
    }
}
