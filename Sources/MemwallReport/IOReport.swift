import Foundation
import MemwallAnalysis
import MemwallModel

/// The result of `memwall io`: one kernel's traffic under each of its algorithms (variants),
/// next to the family's lower bounds, at one or more fast-memory sizes (tier boundaries or
/// sweep points).
///
/// Every operand has the same element size (`kernel.element_bytes`), so words are bytes
/// divided by it. Traffic is nil where the fast memory is too small for the algorithm.
/// The JSON form has `schema_version`, `kernel` (the shape), `hardware`, `sweep` and `rows`;
/// units are in the key names and keys are sorted.
public struct IOReport: Codable, Equatable, Sendable {
    public var schema_version: Int
    public var kernel: Kernel
    /// The hardware whose tier boundaries the rows are, when one was given.
    public var hardware: String?
    /// What varies from point to point, for sweeps.
    public var sweep: Sweep?
    public var rows: [Row]

    public init(kernel: Kernel, hardware: String? = nil, sweep: Sweep? = nil, rows: [Row]) {
        self.schema_version = reportSchemaVersion
        self.kernel = kernel
        self.hardware = hardware
        self.sweep = sweep
        self.rows = rows
    }

    /// The kernel and its shape; fields that do not apply to the kernel (or that a sweep varies) are absent.
    public struct Kernel: Codable, Equatable, Sendable {
        public var name: String
        public var dtype: String
        public var element_bytes: Double
        // GEMM and fused GEMM.
        public var m: Int?
        public var k: Int?
        public var n: Int?
        public var batch: Int?
        public var epilogue_ops: Int?
        public var bias: Bool?
        // Attention.
        public var queries: Int?
        public var keys: Int?
        public var head_dim: Int?
        public var heads: Int?
        public var kv_heads: Int?
        public var causal: Bool?
        public var pack_gqa: Bool?
        public var splits: Int?
        // Row reductions.
        public var rows: Int?
        public var row_length: Int?

        public init(name: String, dtype: String, element_bytes: Double) {
            self.name = name
            self.dtype = dtype
            self.element_bytes = element_bytes
        }

        /// `attention queries=4096 keys=4096 head_dim=128 heads=32 kv_heads=8 causal`, for titles.
        public var label: String {
            var parts = [name]
            let numbers: [(String, Int?)] = [("m", m), ("k", k), ("n", n), ("queries", queries), ("keys", keys),
                                              ("head_dim", head_dim), ("heads", heads), ("kv_heads", kv_heads),
                                              ("rows", rows), ("row_length", row_length), ("batch", batch),
                                              ("splits", splits), ("epilogue_ops", epilogue_ops)]
            for (key, value) in numbers { if let value { parts.append("\(key)=\(value)") } }
            if bias == true { parts.append("bias") }
            if causal == true { parts.append("causal") }
            if pack_gqa == true { parts.append("pack_gqa") }
            return parts.joined(separator: " ")
        }
    }

    /// A log-spaced sweep of `parameter` (`fast_memory_bytes` or `seq`) from `from` to `to`.
    public struct Sweep: Codable, Equatable, Sendable {
        public static let fastMemory = "fast_memory_bytes"
        public static let seq = "seq"

        public var parameter: String
        public var from: Double
        public var to: Double
        public var points: Int

        public init(parameter: String, from: Double, to: Double, points: Int) {
            self.parameter = parameter
            self.from = from
            self.to = to
            self.points = points
        }
    }

    /// One (boundary or sweep point, variant): traffic in words and bytes, bounds in bytes.
    public struct Row: Codable, Equatable, Sendable {
        /// The tier being read (with a hardware), or `slow` for a two-level fast/slow memory.
        public var boundary: String
        /// The sequence length of a `--sweep-seq` point; nil otherwise.
        public var seq: Int?
        public var variant: String
        public var fast_memory_bytes: Double
        public var read_words: Double?
        public var write_words: Double?
        public var total_words: Double?
        public var total_bytes: Double?
        public var certified_bound_bytes: Double?
        public var leading_bound_bytes: Double?
        /// total_bytes / leading_bound_bytes.
        public var ratio_to_leading: Double?
        public var regime: String

        public init(boundary: String, seq: Int?, variant: String, fast_memory_bytes: Double, read_words: Double?,
                    write_words: Double?, total_words: Double?, total_bytes: Double?, certified_bound_bytes: Double?,
                    leading_bound_bytes: Double?, ratio_to_leading: Double?, regime: String) {
            self.boundary = boundary
            self.seq = seq
            self.variant = variant
            self.fast_memory_bytes = fast_memory_bytes
            self.read_words = read_words
            self.write_words = write_words
            self.total_words = total_words
            self.total_bytes = total_bytes
            self.certified_bound_bytes = certified_bound_bytes
            self.leading_bound_bytes = leading_bound_bytes
            self.ratio_to_leading = ratio_to_leading
            self.regime = regime
        }

        /// Every key is written, with null for what is unknown, so each row has the same keys.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(boundary, forKey: .boundary)
            try c.encode(seq, forKey: .seq)
            try c.encode(variant, forKey: .variant)
            try c.encode(fast_memory_bytes, forKey: .fast_memory_bytes)
            try c.encode(read_words, forKey: .read_words)
            try c.encode(write_words, forKey: .write_words)
            try c.encode(total_words, forKey: .total_words)
            try c.encode(total_bytes, forKey: .total_bytes)
            try c.encode(certified_bound_bytes, forKey: .certified_bound_bytes)
            try c.encode(leading_bound_bytes, forKey: .leading_bound_bytes)
            try c.encode(ratio_to_leading, forKey: .ratio_to_leading)
            try c.encode(regime, forKey: .regime)
        }
    }

    /// `hardware` and `sweep` are written as null when absent, so the top-level keys never change.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema_version, forKey: .schema_version)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(hardware, forKey: .hardware)
        try c.encode(sweep, forKey: .sweep)
        try c.encode(rows, forKey: .rows)
    }

    // MARK: - Evaluation

    /// One algorithm of the kernel under its display name.
    public struct Variant: Sendable {
        public var name: String
        public var model: any KernelIOModel

        public init(name: String, model: any KernelIOModel) {
            self.name = name
            self.model = model
        }
    }

    /// The row for `model` against a fast memory of `fastMemoryBytes`, counting words of `elementBytes`.
    public static func row(boundary: String, seq: Int? = nil, fastMemoryBytes: Double, variant: Variant,
                           elementBytes: Double) -> Row {
        let traffic = variant.model.traffic(fastMemoryBytes: fastMemoryBytes)
        let bound = variant.model.lowerBound(fastMemoryBytes: fastMemoryBytes)
        let total = finite(traffic?.totalBytes)
        let leading = finite(bound.leadingBytes)
        let ratio = total.flatMap { t in leading.flatMap { $0 > 0 ? finite(t / $0) : nil } }
        return Row(boundary: boundary, seq: seq, variant: variant.name, fast_memory_bytes: fastMemoryBytes,
                   read_words: finite(traffic.map { $0.readBytes / elementBytes }),
                   write_words: finite(traffic.map { $0.writeBytes / elementBytes }),
                   total_words: total.map { $0 / elementBytes }, total_bytes: total,
                   certified_bound_bytes: finite(bound.certifiedBytes), leading_bound_bytes: leading,
                   ratio_to_leading: ratio, regime: bound.regime)
    }

    /// Non-finite numbers (a bound at zero fast memory) are reported as unknown: JSON has no infinity.
    static func finite(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return value
    }

    // MARK: - Rendering

    public static let csvHeader = ["kernel", "boundary", "seq", "variant", "fast_memory_bytes", "read_words",
                                   "write_words", "total_words", "total_bytes", "certified_bound_bytes",
                                   "leading_bound_bytes", "ratio_to_leading", "regime"]

    /// One line per row under a fixed header; unknown values are empty fields.
    public static func csv(_ report: IOReport) -> String {
        func number(_ value: Double?) -> String { value.map(AnalysisCSV.number) ?? "" }
        var lines = [csvHeader.joined(separator: ",")]
        for row in report.rows {
            let fields = [AnalysisCSV.field(report.kernel.name), AnalysisCSV.field(row.boundary),
                          row.seq.map(String.init) ?? "", AnalysisCSV.field(row.variant),
                          AnalysisCSV.number(row.fast_memory_bytes), number(row.read_words), number(row.write_words),
                          number(row.total_words), number(row.total_bytes), number(row.certified_bound_bytes),
                          number(row.leading_bound_bytes), number(row.ratio_to_leading), AnalysisCSV.field(row.regime)]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ report: IOReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// Parses JSON written by ``json(_:)``.
    public static func decode(_ text: String) throws -> IOReport {
        try JSONDecoder().decode(IOReport.self, from: Data(text.utf8))
    }

    /// A heading naming the kernel, then one aligned line per row; `n/a` where the fast memory is too small.
    public static func table(_ report: IOReport) -> String {
        let k = report.kernel
        var out = "memwall io: \(k.label)"
        switch report.sweep?.parameter {
        case Sweep.seq?: out += ", seq swept"
        case Sweep.fastMemory?: out += ", fast memory swept"
        default: break
        }
        out += "\n"
        out += "dtype \(k.dtype): \(QuantityFormatter.number(k.element_bytes)) B per word (words = bytes / \(QuantityFormatter.number(k.element_bytes)))"
        if let hardware = report.hardware { out += "; boundaries of \(hardware), named by the tier read" }
        out += "\n\n"
        let bySeq = report.sweep?.parameter == Sweep.seq
        let byTier = report.hardware != nil
        var header: [String] = []
        if bySeq { header.append("seq") }
        if byTier { header.append("boundary") }
        let first = header.count
        header += ["variant", "fast memory", "read words", "write words", "total words", "total bytes",
                   "certified bound", "leading bound", "ratio", "regime"]
        var right = Set(first + 1 ... first + 8)   // fast memory ... ratio
        if bySeq { right.insert(0) }
        var table = TextTable(header: header, rightAligned: right)
        func words(_ v: Double?) -> String { v.map { QuantityFormatter.count($0) } ?? "n/a" }
        func bytes(_ v: Double?) -> String { v.map { QuantityFormatter.format($0, .bytes) } ?? "n/a" }
        for row in report.rows {
            var cells: [String] = []
            if bySeq { cells.append(row.seq.map(String.init) ?? "-") }
            if byTier { cells.append(row.boundary) }
            cells += [row.variant, binarySize(row.fast_memory_bytes), words(row.read_words), words(row.write_words),
                      words(row.total_words), bytes(row.total_bytes), bytes(row.certified_bound_bytes),
                      bytes(row.leading_bound_bytes), row.ratio_to_leading.map { QuantityFormatter.number($0, 4) } ?? "n/a",
                      row.regime]
            table.append(cells)
        }
        return out + table.render()
    }

    /// A size in binary units, as fast memories are quoted: `192 KiB`, `16.5 KiB`, `50 MiB`.
    public static func binarySize(_ bytes: Double) -> String {
        let units: [(String, Double)] = [("TiB", 1_099_511_627_776), ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024)]
        guard let unit = units.first(where: { bytes >= $0.1 }) else { return QuantityFormatter.number(bytes, 4) + " B" }
        return QuantityFormatter.number(bytes / unit.1, 4) + " " + unit.0
    }

    /// The log-log plot of a sweep: traffic in bytes of each variant (solid) and the bounds (dashed)
    /// against the swept parameter.
    public static func plot(_ report: IOReport) -> String {
        let bySeq = report.sweep?.parameter == Sweep.seq
        func x(_ row: Row) -> Double { bySeq ? Double(row.seq ?? 0) : row.fast_memory_bytes }
        var order: [String] = []
        var byVariant: [String: [Row]] = [:]
        for row in report.rows {
            if byVariant[row.variant] == nil { order.append(row.variant) }
            byVariant[row.variant, default: []].append(row)
        }
        var series: [LinePlot.Series] = order.enumerated().map { index, name in
            LinePlot.Series(name: name, points: byVariant[name]!.map { .init(x: x($0), y: $0.total_bytes) },
                              color: LinePlot.palette[index % LinePlot.palette.count])
        }
        // The bounds depend on the shape and the fast memory, not on the algorithm: one value per point.
        var seen = Set<Double>()
        let points = report.rows.filter { seen.insert(x($0)).inserted }
        series.append(LinePlot.Series(name: "leading bound", points: points.map { .init(x: x($0), y: $0.leading_bound_bytes) },
                                        color: "#222222", dash: "8 5", width: 1.6, markers: false))
        series.append(LinePlot.Series(name: "certified bound", points: points.map { .init(x: x($0), y: $0.certified_bound_bytes) },
                                        color: "#888888", dash: "2 4", width: 1.6, markers: false))

        let k = report.kernel
        let shape = k.label.dropFirst(k.name.count).trimmingCharacters(in: .whitespaces)
        var units = "\(k.dtype), \(QuantityFormatter.number(k.element_bytes)) B per word"
        if bySeq, let fast = report.rows.first?.fast_memory_bytes { units += "; fast memory \(binarySize(fast))" }
        let regimes = Set(report.rows.map(\.regime)).sorted()
        var subtitles = [shape.isEmpty ? units : "\(shape); \(units)"]
        if !regimes.isEmpty { subtitles.append("leading bound: " + regimes.joined(separator: " | ")) }
        let plot = LinePlot(title: "memwall io: \(k.name) traffic vs \(bySeq ? "sequence length N" : "fast memory M")",
                              subtitles: subtitles,
                              xLabel: bySeq ? "sequence length N" : "fast memory M (bytes)",
                              yLabel: "traffic (bytes)", xAxis: bySeq ? .count : .bytes, yAxis: .bytes, series: series)
        return plot.render()
    }
}
