import Foundation
import MemwallAnalysis
import MemwallModel

/// A log-log roofline: attainable FLOP/s against arithmetic intensity (FLOPs per
/// byte of main-memory traffic), with a roof per engine peak used and a slope per
/// tier bandwidth, and one point per op role at its achieved rate.
public enum RooflinePlot {
    static let boundColors = ["compute": "#1f77b4", "latency": "#7f7f7f", "overhead": "#7f7f7f"]
    static let memoryColor = "#d62728"
    static let innerTierColor = "#ff7f0e"

    public static func render(_ result: AnalysisResult, hardware: Hardware) -> String {
        let main = result.mainMemoryIndex
        let groups = OpGroup.groups(of: result).filter { $0.flops > 0 && $0.bytesByTier[main] > 0 && $0.time > 0 }

        // Roofs: the peak of every (engine, dtype) some op used, and every tier bandwidth up to main memory.
        var peaks: [(label: String, rate: Double)] = []
        for op in result.ops where op.flops > 0 {
            guard let name = op.engine, let engine = hardware.compute.first(where: { $0.name == name }),
                  let peak = engine.peak[op.computeDType] else { continue }
            let label = "\(name) \(op.computeDType.rawValue)"
            if !peaks.contains(where: { $0.label == label }) { peaks.append((label, peak.value * engine.efficiency)) }
        }
        peaks.sort { $0.rate > $1.rate }
        let slopes: [(label: String, bandwidth: Double, isMain: Bool)] = hardware.memory.enumerated().compactMap { index, tier in
            guard index <= main, let bandwidth = tier.bandwidth?.value else { return nil }
            return (tier.name, bandwidth, index == main)
        }
        let topRate = peaks.first?.rate ?? (groups.map { $0.flops / $0.time }.max() ?? 1e12)

        // Axes: whole decades covering the points, the ridge points and the roofs.
        let intensities = groups.map(\.arithmeticIntensity) + slopes.map { topRate / $0.bandwidth }
        let xMin = pow(10, floor(log10(max(1e-3, min(0.1, intensities.min() ?? 0.1)))))
        let xMax = pow(10, ceil(log10(max(1e4, (intensities.max() ?? 1) * 10))))
        let rates = groups.map { $0.flops / $0.time } + peaks.map(\.rate) + slopes.map { $0.bandwidth * xMin }
        let yMin = pow(10, floor(log10(max(1, rates.min() ?? 1e9))))
        let yMax = pow(10, ceil(log10(max(topRate * 1.5, rates.max() ?? 1e12))))

        let (left, right, top, bottom) = (90.0, 250.0, 50.0, 60.0)
        var svg = SVGDocument(width: 980, height: 600)
        let plotWidth = svg.width - left - right, plotHeight = svg.height - top - bottom
        func x(_ v: Double) -> Double { left + plotWidth * (log10(v) - log10(xMin)) / (log10(xMax) - log10(xMin)) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - (log10(v) - log10(yMin)) / (log10(yMax) - log10(yMin))) }

        svg.text(left, 28, "Roofline: \(result.workloadName) on \(result.hardwareName)", size: 16, weight: "bold")
        svg.rect(left, top, plotWidth, plotHeight, fill: "none", stroke: "#999")
        var decade = xMin
        while decade <= xMax * 1.0001 {
            svg.line(x(decade), top, x(decade), top + plotHeight, stroke: "#eee")
            svg.text(x(decade), top + plotHeight + 18, QuantityFormatter.number(decade, 3), size: 11, anchor: "middle")
            decade *= 10
        }
        decade = yMin
        while decade <= yMax * 1.0001 {
            svg.line(left, y(decade), left + plotWidth, y(decade), stroke: "#eee")
            svg.text(left - 6, y(decade) + 4, QuantityFormatter.format(decade, .operationsPerSecond, significantDigits: 3),
                     size: 11, anchor: "end")
            decade *= 10
        }
        svg.text(left + plotWidth / 2, svg.height - 18, "arithmetic intensity (FLOPs per byte of \(result.tierNames[main]) traffic)",
                 size: 13, anchor: "middle")
        svg.text(22, top + plotHeight / 2, "attainable FLOP/s", size: 13, anchor: "middle", rotate: -90)

        // Slopes end where they meet the highest roof; roofs start at their ridge with the main slope.
        let mainBandwidth = slopes.first(where: \.isMain)?.bandwidth
        for slope in slopes {
            let end = min(xMax, topRate / slope.bandwidth)
            let start = max(xMin, yMin / slope.bandwidth)
            guard start < end else { continue }
            svg.line(x(start), y(slope.bandwidth * start), x(end), y(slope.bandwidth * end),
                     stroke: slope.isMain ? memoryColor : innerTierColor, width: slope.isMain ? 2.5 : 1.2,
                     dash: slope.isMain ? nil : "6 4")
            // The main tier is labelled at its foot, inner tiers near their top end, so labels do not collide.
            let labelAt = slope.isMain ? start * 1.15 : end / 6
            svg.text(x(labelAt) + 6, y(slope.bandwidth * labelAt) - 6,
                     "\(slope.label) \(QuantityFormatter.format(slope.bandwidth, .bytesPerSecond, significantDigits: 3))",
                     size: 11, anchor: slope.isMain ? "start" : "end", fill: slope.isMain ? memoryColor : innerTierColor)
        }
        for (index, peak) in peaks.enumerated() {
            let start = mainBandwidth.map { max(xMin, peak.rate / $0) } ?? xMin
            svg.line(x(start), y(peak.rate), x(xMax), y(peak.rate), stroke: "#1f77b4", width: index == 0 ? 2.5 : 1.2,
                     dash: index == 0 ? nil : "6 4")
            svg.text(x(xMax) - 4, y(peak.rate) + 14,
                     "\(peak.label) \(QuantityFormatter.format(peak.rate, .operationsPerSecond, significantDigits: 4))",
                     size: 11, anchor: "end", fill: "#1f77b4")
        }

        // Points, labelled, coloured by bound; a legend lists them in time order.
        let legendX = left + plotWidth + 16
        svg.text(legendX, top + 4, "ops (share of time, bound)", size: 12, weight: "bold")
        let total = result.totals.time
        var labels: [(x: Double, y: Double, names: [String])] = []
        for (index, group) in groups.sorted(by: { $0.time > $1.time }).enumerated() {
            let rate = group.flops / group.time
            let boundName = group.bound.name(tiers: result.tierNames)
            let color = boundColors[boundName] ?? (group.bound == .memory(main) ? memoryColor : innerTierColor)
            let px = x(max(xMin, group.arithmeticIntensity)), py = y(max(yMin, rate))
            svg.circle(px, py, radius: 5, fill: color, title: "\(group.name): \(QuantityFormatter.number(group.arithmeticIntensity, 3)) FLOP/B, \(QuantityFormatter.format(rate, .operationsPerSecond))")
            // Points closer than a label's height (and a short label's width) share one label.
            if let near = labels.firstIndex(where: { abs($0.x - px) < 60 && abs($0.y - py) < 10 }) {
                labels[near].names.append(group.name)
            } else {
                labels.append((px, py, [group.name]))
            }
            if index < 24 {
                let share = total > 0 ? QuantityFormatter.number(100 * group.time / total, 3) : "0"
                svg.circle(legendX + 5, top + 22 + Double(index) * 18 - 4, radius: 4, fill: color)
                svg.text(legendX + 14, top + 22 + Double(index) * 18, "\(group.name) \(share)% \(boundName)", size: 11)
            }
        }
        for label in labels {
            let shown = label.names.prefix(3).joined(separator: ", ")
            let more = label.names.count > 3 ? " +\(label.names.count - 3)" : ""
            svg.text(label.x + 7, label.y - 6, shown + more, size: 10, fill: "#444")
        }
        return svg.render()
    }
}
