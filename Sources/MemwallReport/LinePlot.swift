import Foundation
import MemwallModel

/// A line plot as SVG with logarithmic or linear axes: one `<path>` per series (points with no
/// value break the line), gridlines at every decade (lighter ones at 2..9 x each decade) on a
/// log axis and at 1-2-5 steps on a linear one, a legend on the right. Coordinates are printed
/// with one decimal, so the output is byte-identical across runs.
public struct LinePlot: Sendable {
    /// How axis ticks are labelled.
    public enum Axis: Sendable {
        /// Sizes with a decimal prefix: `1 kB`, `10 MB`.
        case bytes
        /// Counts with a decimal prefix: `100`, `10 k`, `1 M`.
        case count
        /// Durations: `1 ms`, `10 us`.
        case seconds
    }

    public enum Scale: Sendable {
        case log, linear
    }

    public struct Point: Sendable, Equatable {
        public var x: Double
        /// nil (or a value <= 0, which a log axis cannot show) breaks the line.
        public var y: Double?

        public init(x: Double, y: Double?) {
            self.x = x
            self.y = y
        }
    }

    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        public var color: String
        public var dash: String?
        public var width: Double
        /// Draw a dot at each point (only when there are at most ``maxMarkers`` points).
        public var markers: Bool

        public init(name: String, points: [Point], color: String, dash: String? = nil, width: Double = 2,
                    markers: Bool = true) {
            self.name = name
            self.points = points
            self.color = color
            self.dash = dash
            self.width = width
            self.markers = markers
        }
    }

    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    static let maxMarkers = 64

    public var title: String
    /// Lines under the title (shape, units, notes).
    public var subtitles: [String]
    public var xLabel: String
    public var yLabel: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series]
    public var xScale: Scale
    public var yScale: Scale

    public init(title: String, subtitles: [String] = [], xLabel: String, yLabel: String, xAxis: Axis, yAxis: Axis,
                series: [Series], xScale: Scale = .log, yScale: Scale = .log) {
        self.xScale = xScale
        self.yScale = yScale
        self.title = title
        self.subtitles = subtitles
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
    }

    /// Whole decades covering `values` (at least one decade).
    static func decades(_ values: [Double]) -> (low: Double, high: Double) {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let lo = positive.min(), let hi = positive.max() else { return (1, 10) }
        let low = pow(10, floor(log10(lo)))
        var high = pow(10, ceil(log10(hi)))
        if high <= low { high = low * 10 }
        return (low, high)
    }

    static func label(_ value: Double, _ axis: Axis) -> String {
        switch axis {
        case .bytes: QuantityFormatter.format(value, .bytes, significantDigits: 3)
        case .count: QuantityFormatter.count(value, significantDigits: 3)
        case .seconds: value == 0 ? "0" : QuantityFormatter.format(value, .seconds, significantDigits: 3)
        }
    }

    /// A linear axis from 0 (or the data's minimum, when negative) to a 1-2-5 step past the maximum.
    static func linearTicks(_ values: [Double]) -> (low: Double, high: Double, step: Double) {
        let finite = values.filter(\.isFinite)
        let low = min(0, finite.min() ?? 0)
        let top = max(finite.max() ?? 1, low + 1e-300)
        let raw = (top - low) / 8
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        return (low, (top / step).rounded(.up) * step, step)
    }

    /// Whether a point can be drawn on these scales.
    func drawable(_ x: Double, _ y: Double?) -> Bool {
        guard let y, x.isFinite, y.isFinite else { return false }
        return (xScale == .linear || x > 0) && (yScale == .linear || y > 0)
    }

    public func render() -> String {
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.compactMap(\.y) }
        let xLinear = Self.linearTicks(xs), yLinear = Self.linearTicks(ys)
        let (xMin, xMax) = xScale == .log ? Self.decades(xs) : (xLinear.low, xLinear.high)
        let (yMin, yMax) = yScale == .log ? Self.decades(ys) : (yLinear.low, yLinear.high)

        let (left, right, bottom) = (92.0, 200.0, 62.0)
        let top = 50.0 + 16 * Double(subtitles.count)
        var svg = SVGDocument(width: 960, height: 600 + 16 * Double(subtitles.count))
        let plotWidth = svg.width - left - right, plotHeight = svg.height - top - bottom
        func fraction(_ v: Double, _ low: Double, _ high: Double, _ scale: Scale) -> Double {
            scale == .log ? (log10(v) - log10(low)) / (log10(high) - log10(low)) : (v - low) / (high - low)
        }
        func px(_ v: Double) -> Double { left + plotWidth * fraction(v, xMin, xMax, xScale) }
        func py(_ v: Double) -> Double { top + plotHeight * (1 - fraction(v, yMin, yMax, yScale)) }

        svg.text(left, 26, title, size: 15, weight: "bold")
        for (index, line) in subtitles.enumerated() { svg.text(left, 46 + 16 * Double(index), line, size: 11, fill: "#555") }
        svg.rect(left, top, plotWidth, plotHeight, fill: "none", stroke: "#999")

        // Gridlines: every decade labelled (every few decades when there are many), 2..9 x decade unlabelled.
        func grid(_ low: Double, _ high: Double, vertical: Bool, axis: Axis) {
            let count = Int((log10(high) - log10(low)).rounded())
            let step = max(1, (count + 9) / 10)
            for index in 0...count {
                let decade = low * pow(10, Double(index))
                if index < count, count <= 12 {
                    for multiple in 2...9 {
                        let v = decade * Double(multiple)
                        if vertical { svg.line(px(v), top, px(v), top + plotHeight, stroke: "#f3f3f3") }
                        else { svg.line(left, py(v), left + plotWidth, py(v), stroke: "#f3f3f3") }
                    }
                }
                guard index % step == 0 else { continue }
                if vertical {
                    svg.line(px(decade), top, px(decade), top + plotHeight, stroke: "#ddd")
                    svg.text(px(decade), top + plotHeight + 18, Self.label(decade, axis), size: 11, anchor: "middle")
                } else {
                    svg.line(left, py(decade), left + plotWidth, py(decade), stroke: "#ddd")
                    svg.text(left - 6, py(decade) + 4, Self.label(decade, axis), size: 11, anchor: "end")
                }
            }
        }
        func linearGrid(_ ticks: (low: Double, high: Double, step: Double), vertical: Bool, axis: Axis) {
            let count = Int(((ticks.high - ticks.low) / ticks.step).rounded())
            for index in 0...count {
                let v = ticks.low + Double(index) * ticks.step
                let label = Self.label(abs(v) < ticks.step * 1e-9 ? 0 : v, axis)
                if vertical {
                    svg.line(px(v), top, px(v), top + plotHeight, stroke: "#ddd")
                    svg.text(px(v), top + plotHeight + 18, label, size: 11, anchor: "middle")
                } else {
                    svg.line(left, py(v), left + plotWidth, py(v), stroke: "#ddd")
                    svg.text(left - 6, py(v) + 4, label, size: 11, anchor: "end")
                }
            }
        }
        if xScale == .log { grid(xMin, xMax, vertical: true, axis: xAxis) } else { linearGrid(xLinear, vertical: true, axis: xAxis) }
        if yScale == .log { grid(yMin, yMax, vertical: false, axis: yAxis) } else { linearGrid(yLinear, vertical: false, axis: yAxis) }
        svg.text(left + plotWidth / 2, svg.height - 16, xLabel, size: 13, anchor: "middle")
        svg.text(24, top + plotHeight / 2, yLabel, size: 13, anchor: "middle", rotate: -90)

        // One path per series; a missing value starts a new subpath.
        for line in series {
            var d: [String] = []
            var pen = false
            for point in line.points {
                guard drawable(point.x, point.y), let y = point.y else { pen = false; continue }
                d.append("\(pen ? "L" : "M")\(SVGDocument.coordinate(px(point.x))) \(SVGDocument.coordinate(py(y)))")
                pen = true
            }
            svg.path(d.joined(separator: " "), stroke: line.color, width: line.width, dash: line.dash, title: line.name)
            if line.markers, line.points.count <= Self.maxMarkers {
                for point in line.points {
                    guard drawable(point.x, point.y), let y = point.y else { continue }
                    svg.circle(px(point.x), py(y), radius: 2.5, fill: line.color)
                }
            }
        }

        // Legend.
        let legendX = left + plotWidth + 16
        for (index, line) in series.enumerated() {
            let y = top + 10 + Double(index) * 20
            svg.line(legendX, y, legendX + 28, y, stroke: line.color, width: line.width, dash: line.dash)
            svg.text(legendX + 36, y + 4, line.name, size: 12)
        }
        return svg.render()
    }
}
