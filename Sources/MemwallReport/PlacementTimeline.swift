import MemwallModel
import MemwallPlacement

/// SVG of each tier's occupancy over the schedule: one panel per tier (fastest on top),
/// the answer's occupancy as a solid step line, the greedy plan's dashed, capacity at the top
/// of each panel. Coordinates have one decimal, so output is byte-identical across runs.
public enum PlacementTimeline {
    /// Capacities more than this many times the tier's peak occupancy are left off the panel's scale.
    static let offScaleRatio = 4.0
    static let width = 900.0, panelHeight = 150.0, left = 90.0, right = 20.0, top = 40.0, gap = 30.0

    public static func render(_ result: PlacementResult, title: String) -> String {
        let problem = result.problem
        let tiers = problem.tiers.count
        let height = top + Double(tiers) * (panelHeight + gap) + 20
        var svg = SVGDocument(width: width, height: height)
        svg.text(left, 22, title, size: 14)
        let steps = max(problem.steps.count, 1)
        let answer = result.plan.map { PlacementChecker.occupancy(of: $0, problem) }
        let greedy = result.greedy.map { PlacementChecker.occupancy(of: $0.plan, problem) }
        let plotWidth = width - left - right
        func x(_ step: Double) -> Double { left + plotWidth * step / Double(steps) }
        for (m, tier) in problem.tiers.enumerated() {
            let y0 = top + Double(m) * (panelHeight + gap)
            let peak = max(answer?[m].max() ?? 0, greedy?[m].max() ?? 0, 1)
            // A tier far larger than what it holds (NVMe) is drawn against its peak, capacity off scale.
            let offScale = tier.capacity > PlacementTimeline.offScaleRatio * peak
            let scale = offScale ? peak * 1.1 : max(tier.capacity, peak)
            func y(_ bytes: Double) -> Double { y0 + panelHeight - panelHeight * bytes / scale }
            svg.rect(left, y0, plotWidth, panelHeight, fill: "#fafafa", stroke: "#cccccc")
            svg.text(left - 8, y0 + 14, tier.name, size: 12, anchor: "end")
            svg.text(left - 8, y0 + 30, QuantityFormatter.format(tier.capacity, .bytes), size: 10, anchor: "end")
            if offScale {
                svg.text(left - 8, y0 + 44, "(peak \(QuantityFormatter.format(peak, .bytes)))", size: 10, anchor: "end")
            } else {
                svg.line(left, y(tier.capacity), left + plotWidth, y(tier.capacity), stroke: "#d62728", width: 1, dash: "2,2")
            }
            for (series, color, dash) in [(greedy, "#7f7f7f", "5,4" as String?), (answer, "#1f77b4", nil)] {
                guard let held = series?[m], !held.isEmpty else { continue }
                var d = "M\(SVGDocument.coordinate(x(0))),\(SVGDocument.coordinate(y(held[0])))"
                for (step, bytes) in held.enumerated() {
                    d += " L\(SVGDocument.coordinate(x(Double(step)))),\(SVGDocument.coordinate(y(bytes)))"
                    d += " L\(SVGDocument.coordinate(x(Double(step + 1)))),\(SVGDocument.coordinate(y(bytes)))"
                }
                svg.path(d, stroke: color, width: 1.5, dash: dash)
            }
        }
        let legendY = height - 8
        svg.line(left, legendY - 4, left + 30, legendY - 4, stroke: "#1f77b4", width: 2)
        svg.text(left + 36, legendY, "answer", size: 11)
        svg.line(left + 110, legendY - 4, left + 140, legendY - 4, stroke: "#7f7f7f", width: 2, dash: "5,4")
        svg.text(left + 146, legendY, "greedy", size: 11)
        svg.line(left + 220, legendY - 4, left + 250, legendY - 4, stroke: "#d62728", width: 1, dash: "2,2")
        svg.text(left + 256, legendY, "capacity", size: 11)
        svg.text(left + plotWidth, legendY, "step (op in schedule order, 0 to \(problem.steps.count - 1))", size: 11, anchor: "end")
        return svg.render()
    }
}
