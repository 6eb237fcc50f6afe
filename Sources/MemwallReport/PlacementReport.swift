import Foundation
import MemwallModel
import MemwallPlacement

/// Renders a ``PlacementResult``: summary, plan, per-tier occupancy over the schedule.
public struct PlacementReport: Sendable {
    public var result: PlacementResult
    public var hardwareName: String
    /// Solve time varies run to run; shipped reports leave it out.
    public var includeSolveTime: Bool

    public init(result: PlacementResult, hardwareName: String, includeSolveTime: Bool = true) {
        self.result = result
        self.hardwareName = hardwareName
        self.includeSolveTime = includeSolveTime
    }

    var problem: PlacementProblem { result.problem }

    /// The objective's unit as a key suffix and as a formatter dimension.
    var unit: (key: String, dimension: MemwallModel.Dimension) {
        switch problem.objective {
        case .time: ("s", .seconds)
        case .traffic: ("bytes", .bytes)
        case .energy: ("j", .joules)
        }
    }

    public func render(_ format: ReportFormat) throws -> String {
        switch format {
        case .table: table()
        case .csv: csv()
        case .json: try json()
        }
    }

    func format(_ value: Double?) -> String { value.map { QuantityFormatter.format($0, unit.dimension) } ?? "-" }
    func percent(_ value: Double?) -> String { value.map { QuantityFormatter.number($0 * 100, 3) + " %" } ?? "-" }

    /// How tensor `t`'s copies sit over its segments: "host-dram -> hbm@12".
    func placementText(_ t: Int) -> String {
        guard let plan = result.plan else { return "-" }
        let segments = problem.tensors[t].segments(prefetchSteps: problem.prefetchSteps)
        func where_(_ s: Int) -> String {
            let row = plan.copies[t][s]
            let used = row.indices.filter { row[$0] > 0 }
            if problem.tensors[t].count == 1 || used.count == 1 { return problem.tiers[used.first ?? 0].name }
            return used.map { "\(problem.tiers[$0].name) x\(row[$0])" }.joined(separator: " + ")
        }
        var text = where_(0)
        for s in segments.indices.dropFirst() where plan.copies[t][s] != plan.copies[t][s - 1] {
            text += " -> \(where_(s))@\(segments[s].start)"
        }
        return text
    }

    public func table() -> String {
        var lines: [(String, String)] = [
            ("placement", "\(problem.name) on \(hardwareName)"),
            ("objective", problem.objective.rawValue),
            ("status", result.status.rawValue),
            ("method", result.method == "lp-fixing" ? "LP-guided fixing (\(result.fixedSegments) segments fixed), then MIP" + (result.windows > 0 ? ", \(result.windows) windows" : "") + (result.finalBranching ? ", then MIP on the whole model" : "") : "MIP (GLPK), warm-started from greedy"),
            ("model", "\(result.rows) rows x \(result.columns) columns, \(problem.tensorCount) tensors in \(problem.tensors.count) entries, \(problem.steps.count) steps"),
            ("answer", format(result.objectiveValue)),
            ("greedy", format(result.greedyValue)),
            ("bound", format(result.bound)),
            ("gap", percent(result.gap)),
            ("gain over greedy", percent(result.gainOverGreedy)),
        ]
        if includeSolveTime { lines.append(("solve time", QuantityFormatter.format(result.solveTime, .seconds))) }
        if let cost = result.cost {
            lines.append(("time", QuantityFormatter.format(cost.time, .seconds)))
            lines.append(("slow-tier traffic", QuantityFormatter.format(cost.slowTierBytes, .bytes)))
            lines.append(("moved between tiers", QuantityFormatter.format(cost.movedBytes, .bytes)))
            if problem.tiers.allSatisfy({ $0.energyPerByte != nil }) { lines.append(("energy", QuantityFormatter.format(cost.energy, .joules))) }
        }
        if let why = result.infeasibility { lines.append(("why", why.description)) }
        let width = lines.map(\.0.count).max() ?? 0
        var out = lines.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n") + "\n"
        for warning in result.warnings { out += "warning: \(warning)\n" }
        guard let plan = result.plan else { return out }
        out += "\nPer-tier occupancy (bytes held at the step, of capacity)\n" + occupancyTable(plan) + "\nPlan\n"
        var tensors = TextTable(header: ["tensor", "copies", "bytes", "steps", "tier (-> tier@step of each move)"], rightAligned: [1, 2])
        for (t, tensor) in problem.tensors.enumerated() {
            tensors.append([tensor.name, "\(tensor.count)", QuantityFormatter.format(tensor.bytes, .bytes),
                            "\(tensor.birth)-\(tensor.death)", placementText(t)])
        }
        return out + tensors.render()
    }

    /// Occupancy of every tier at up to 10 evenly spaced steps, and its peak.
    func occupancyTable(_ plan: PlacementPlan) -> String {
        let held = PlacementChecker.occupancy(of: plan, problem)
        let count = problem.steps.count
        let samples = count <= 10 ? Array(0..<count) : (0..<10).map { $0 * (count - 1) / 9 }
        var table = TextTable(header: ["tier", "capacity", "peak"] + samples.map { "@\($0)" }, rightAligned: Set(1...(2 + samples.count)))
        for (m, tier) in problem.tiers.enumerated() {
            table.append([tier.name, QuantityFormatter.format(tier.capacity, .bytes), QuantityFormatter.format(held[m].max() ?? 0, .bytes)]
                         + samples.map { QuantityFormatter.format(held[m][$0], .bytes) })
        }
        return table.render()
    }

    public func csv() -> String {
        let tiers = problem.tiers.map(\.name)
        var out = (["tensor", "copies", "bytes", "segment", "start_step", "end_step", "access_bytes"] + tiers.map { "copies_\($0)" })
            .joined(separator: ",") + "\n"
        guard let plan = result.plan else { return out }
        for (t, tensor) in problem.tensors.enumerated() {
            for (s, segment) in tensor.segments(prefetchSteps: problem.prefetchSteps).enumerated() {
                let fields = [csvField(tensor.name), "\(tensor.count)", number(tensor.bytes), "\(s)", "\(segment.start)", "\(segment.end)",
                              number(segment.access?.bytes ?? 0)] + plan.copies[t][s].map { "\($0)" }
                out += fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
