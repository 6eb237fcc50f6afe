import MemwallPlanning

/// Collects the (x, y, series) of every point of a sweep and draws `y` against `x`, one line
/// per series value in order of first appearance, each line sorted by x.
public struct SweepPlot: Sendable {
    public let spec: SweepSpec.PlotSpec
    public let title: String
    let x: ServingColumns.Column
    let y: ServingColumns.Column
    let series: ServingColumns.Column?
    private var lines: [String: [LinePlot.Point]] = [:]
    private var order: [String] = []

    /// Most points a plot collects: beyond it a chart is unreadable and the memory is not flat.
    public static let maximumPoints = 1_000_000

    /// Nil when `spec` names a column that does not exist (the sweep loader has checked them).
    public init?(_ spec: SweepSpec.PlotSpec, title: String) {
        guard let x = ServingColumns.column(spec.x), let y = ServingColumns.column(spec.y) else { return nil }
        self.spec = spec
        self.title = title
        self.x = x
        self.y = y
        series = spec.series.flatMap(ServingColumns.column)
    }

    /// What one point contributes: its series and its (x, y). Computed where the estimate is.
    public struct Sample: Sendable {
        var series: String
        var point: LinePlot.Point?
    }

    public func sample(_ estimate: ServingEstimate) -> Sample {
        let name: String = series.map { column in
            switch column.value(estimate) {
            case .text(let text): text
            case .number(let value): value.map { AnalysisCSV.number($0) } ?? "none"
            case .flag(let flag): flag ? "true" : "false"
            }
        } ?? spec.y
        return Sample(series: name, point: x.value(estimate).number.map { LinePlot.Point(x: $0, y: y.value(estimate).number) })
    }

    public mutating func add(_ sample: Sample) {
        guard let point = sample.point else { return }
        if lines[sample.series] == nil { order.append(sample.series) }
        lines[sample.series, default: []].append(point)
    }

    public mutating func add(_ estimate: ServingEstimate) { add(sample(estimate)) }

    static func axis(_ key: String) -> LinePlot.Axis {
        if key.hasSuffix("_s") { return .seconds }
        if key.contains("bytes") { return .bytes }
        return .count
    }

    public func render() -> String {
        let plotted = order.enumerated().map { index, name in
            LinePlot.Series(name: name, points: (lines[name] ?? []).sorted { $0.x < $1.x },
                            color: LinePlot.palette[index % LinePlot.palette.count])
        }
        return LinePlot(title: title, subtitles: series.map { ["one line per \($0.key)"] } ?? [],
                        xLabel: spec.x, yLabel: spec.y, xAxis: Self.axis(spec.x), yAxis: Self.axis(spec.y), series: plotted,
                        xScale: spec.logX ? .log : .linear, yScale: spec.logY ? .log : .linear).render()
    }
}
