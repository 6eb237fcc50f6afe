import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MemwallAnalysis
import MemwallReport
import Testing

/// Rendering of `memwall io` results: CSV, JSON, table and the log-log SVG.
@Suite struct IOReportTests {
    static let elementBytes = 2.0
    static let shape = AttentionShape(queries: 1024, headDim: 64, queryBytes: 2, statisticBytes: 2)
    static let variants: [IOReport.Variant] = [
        .init(name: "standard", model: StandardAttentionIO(shape: shape)),
        .init(name: "flash1", model: FlashAttentionIO(shape: shape, version: .flash1)),
        .init(name: "flash2", model: FlashAttentionIO(shape: shape, version: .flash2)),
        .init(name: "square-tile", model: SquareTiledAttentionIO(shape: shape)),
    ]
    /// 256 B is 128 words, below FlashAttention's minimum of 4d = 256 words: its traffic is unknown there.
    static let sizes: [Double] = [256, 4096, 65536, 1_048_576]

    static var kernel: IOReport.Kernel {
        var kernel = IOReport.Kernel(name: "attention", dtype: "bf16", element_bytes: elementBytes)
        (kernel.queries, kernel.keys, kernel.head_dim, kernel.heads, kernel.kv_heads, kernel.batch) = (1024, 1024, 64, 1, 1, 1)
        kernel.causal = false
        return kernel
    }

    /// A fast-memory sweep: every size x every variant.
    static func sweep() -> IOReport {
        let rows = sizes.flatMap { size in
            variants.map { IOReport.row(boundary: "slow", fastMemoryBytes: size, variant: $0, elementBytes: elementBytes) }
        }
        return IOReport(kernel: kernel, sweep: .init(parameter: IOReport.Sweep.fastMemory, from: sizes.first!,
                                                     to: sizes.last!, points: sizes.count), rows: rows)
    }

    /// A sequence sweep at a fixed fast memory of 64 KiB.
    static func seqSweep() -> IOReport {
        var rows: [IOReport.Row] = []
        for n in [256, 512, 1024, 2048] {
            let shape = AttentionShape(queries: n, headDim: 64, queryBytes: 2, statisticBytes: 2)
            for (name, model) in [("flash1", FlashAttentionIO(shape: shape, version: .flash1)),
                                  ("flash2", FlashAttentionIO(shape: shape, version: .flash2))] {
                rows.append(IOReport.row(boundary: "slow", seq: n, fastMemoryBytes: 65536,
                                         variant: .init(name: name, model: model), elementBytes: elementBytes))
            }
        }
        var kernel = IOReport.Kernel(name: "attention", dtype: "bf16", element_bytes: elementBytes)
        kernel.head_dim = 64
        return IOReport(kernel: kernel, sweep: .init(parameter: IOReport.Sweep.seq, from: 256, to: 2048, points: 4), rows: rows)
    }

    // MARK: Rows

    /// Words are bytes over the element size, the ratio is traffic over the leading bound, and the
    /// bounds are the model's.
    @Test func rowCarriesTheModelsNumbers() throws {
        let fast = 65536.0
        let model = FlashAttentionIO(shape: Self.shape, version: .flash2)
        let row = IOReport.row(boundary: "hbm", fastMemoryBytes: fast, variant: .init(name: "flash2", model: model),
                               elementBytes: Self.elementBytes)
        let traffic = try #require(model.traffic(fastMemoryBytes: fast))
        let bound = model.lowerBound(fastMemoryBytes: fast)
        #expect(row.boundary == "hbm" && row.variant == "flash2" && row.seq == nil)
        #expect(row.read_words == traffic.readBytes / 2)
        #expect(row.write_words == traffic.writeBytes / 2)
        #expect(row.total_words == traffic.totalBytes / 2)
        #expect(row.total_bytes == traffic.totalBytes)
        #expect(row.certified_bound_bytes == bound.certifiedBytes)
        #expect(row.leading_bound_bytes == bound.leadingBytes)
        #expect(row.ratio_to_leading == traffic.totalBytes / bound.leadingBytes)
        #expect(row.regime == bound.regime)
    }

    @Test func trafficIsUnknownWhereTheFastMemoryIsTooSmall() {
        let row = IOReport.row(boundary: "slow", fastMemoryBytes: 256, variant: Self.variants[2], elementBytes: 2)
        #expect(row.total_words == nil && row.total_bytes == nil && row.read_words == nil && row.ratio_to_leading == nil)
        #expect(row.leading_bound_bytes != nil)
    }

    // MARK: CSV

    @Test func csvHasTheHeaderAndOneRowPerPointAndVariant() throws {
        let report = Self.sweep()
        let lines = IOReport.csv(report).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(lines.count == 1 + Self.sizes.count * Self.variants.count)
        #expect(lines[0] == "kernel,boundary,seq,variant,fast_memory_bytes,read_words,write_words,total_words,total_bytes,certified_bound_bytes,leading_bound_bytes,ratio_to_leading,regime")
        let header = lines[0].split(separator: ",").map(String.init)
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        for (line, row) in zip(lines.dropFirst(), report.rows) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == header.count, "\(line)")
            #expect(fields[column("kernel")] == "attention")
            #expect(fields[column("variant")] == row.variant)
            #expect(Double(fields[column("fast_memory_bytes")]) == row.fast_memory_bytes)
            #expect(fields[column("seq")] == "")
            if let total = row.total_words {
                #expect(Double(fields[column("total_words")]) == total)
                #expect(Double(fields[column("total_bytes")]) == row.total_bytes)
                #expect(Double(fields[column("ratio_to_leading")]) == row.ratio_to_leading)
            } else {
                #expect(fields[column("total_words")] == "" && fields[column("read_words")] == "")
            }
            #expect(Double(fields[column("leading_bound_bytes")]) == row.leading_bound_bytes)
        }
        // The flash rows at 256 B have no traffic.
        #expect(lines.filter { $0.contains(",flash2,256,,") }.count == 1)
    }

    @Test func csvHasTheSequenceLengthOfASeqSweep() {
        let lines = IOReport.csv(Self.seqSweep()).split(separator: "\n").map(String.init)
        #expect(lines.count == 1 + 8)
        #expect(lines[1].hasPrefix("attention,slow,256,flash1,65536,"))
        #expect(lines[8].hasPrefix("attention,slow,2048,flash2,65536,"))
    }

    // MARK: JSON

    @Test func jsonRoundTripsExactly() throws {
        for report in [Self.sweep(), Self.seqSweep()] {
            let text = try IOReport.json(report)
            #expect(try IOReport.decode(text) == report)
            #expect(try IOReport.json(report) == text)
        }
    }

    /// Every row has every key, with null for unknown traffic; the top level always has the same keys.
    @Test func jsonHasStableKeysWithNulls() throws {
        let text = try IOReport.json(Self.sweep())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["schema_version", "kernel", "hardware", "sweep", "rows"])
        #expect(object["hardware"] is NSNull)
        #expect(object["schema_version"] as? Int == reportSchemaVersion)
        let kernel = try #require(object["kernel"] as? [String: Any])
        #expect(kernel["name"] as? String == "attention")
        #expect(kernel["head_dim"] as? Int == 64)
        #expect(kernel["m"] == nil)
        let rows = try #require(object["rows"] as? [[String: Any]])
        let keys: Set<String> = ["boundary", "seq", "variant", "fast_memory_bytes", "read_words", "write_words", "total_words",
                                 "total_bytes", "certified_bound_bytes", "leading_bound_bytes", "ratio_to_leading", "regime"]
        for row in rows { #expect(Set(row.keys) == keys) }
        let small = try #require(rows.first { $0["variant"] as? String == "flash2" && $0["fast_memory_bytes"] as? Double == 256 })
        #expect(small["total_words"] is NSNull)
        #expect(small["seq"] is NSNull)
        // Keys are sorted: "boundary" comes before "variant" in every row.
        let first = try #require(text.range(of: "\"boundary\"")), variant = try #require(text.range(of: "\"variant\""))
        #expect(first.lowerBound < variant.lowerBound)
    }

    // MARK: Table

    @Test func tableShowsEveryRowAndNAWhereUnknown() {
        let report = Self.sweep()
        let text = IOReport.table(report)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("memwall io: attention queries=1024 keys=1024 head_dim=64"))
        #expect(lines.contains { $0.hasPrefix("variant") && $0.contains("total words") && $0.contains("leading bound") })
        let body = lines.drop { !$0.hasPrefix("---") }.dropFirst()
        #expect(body.count == report.rows.count)
        #expect(body.filter { $0.contains("n/a") }.count == 2)   // flash1 and flash2 at 256 B
        #expect(text.contains("256 B") && text.contains("64 KiB") && text.contains("1 MiB"))
    }

    @Test(arguments: [(196608.0, "192 KiB"), (16896.0, "16.5 KiB"), (52428800.0, "50 MiB"), (512.0, "512 B"),
                      (92682.0, "90.51 KiB")])
    func fastMemoryIsShownInBinaryUnits(bytes: Double, text: String) {
        #expect(IOReport.binarySize(bytes) == text)
    }

    // MARK: SVG

    final class SVGCounter: NSObject, XMLParserDelegate {
        var paths: [String: String] = [:]   // title -> d
        var pathCount = 0
        var texts: [String] = []
        private var inPath = false, inText = false, pathD = "", current = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "path" { pathCount += 1; inPath = true; pathD = attributes["d"] ?? "" }
            if name == "text" || name == "title" { inText = true; current = "" }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "title", inPath { paths[current] = pathD }
            if name == "text" { texts.append(current) }
            if name == "title" || name == "text" { inText = false }
            if name == "path" { inPath = false }
        }
    }

    static func parse(_ svg: String) throws -> SVGCounter {
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = SVGCounter()
        parser.delegate = counter
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        return counter
    }

    /// One path per variant plus the leading and certified bounds; a missing point breaks its line.
    @Test func svgHasOnePathPerVariantAndBound() throws {
        let svg = IOReport.plot(Self.sweep())
        let counter = try Self.parse(svg)
        #expect(counter.pathCount == Self.variants.count + 2)
        #expect(Set(counter.paths.keys) == Set(Self.variants.map(\.name) + ["leading bound", "certified bound"]))
        // flash2 has no point at 256 B: its path starts at the second size, so 3 vertices, one subpath.
        let flash = try #require(counter.paths["flash2"])
        #expect(flash.filter { $0 == "M" }.count == 1 && flash.filter { $0 == "L" }.count == 2)
        #expect(counter.paths["standard"]?.filter { $0 == "L" }.count == 3)
        // The title names the kernel and the axes; the legend names every series.
        #expect(counter.texts.contains { $0.contains("attention") && $0.contains("fast memory") })
        #expect(counter.texts.contains { $0.contains("queries=1024") && $0.contains("head_dim=64") })
        for name in Self.variants.map(\.name) + ["leading bound", "certified bound"] { #expect(counter.texts.contains(name)) }
        // Decade labels on both axes.
        #expect(counter.texts.contains("100 B") && counter.texts.contains("10 MB"))
        #expect(svg.contains("stroke-dasharray=\"8 5\""))
        #expect(svg == IOReport.plot(Self.sweep()))
    }

    @Test func svgOfASeqSweepPlotsAgainstN() throws {
        let counter = try Self.parse(IOReport.plot(Self.seqSweep()))
        #expect(counter.pathCount == 2 + 2)
        #expect(counter.texts.contains("sequence length N"))
        #expect(counter.texts.contains("100") && counter.texts.contains("10 k"))
        #expect(counter.texts.contains { $0.contains("fast memory 64 KiB") })
    }

    /// A value missing in the middle starts a new subpath; non-positive values are not drawn.
    @Test func logLogPlotBreaksLinesAtMissingValues() throws {
        let series = LinePlot.Series(name: "s", points: [.init(x: 1, y: 1), .init(x: 10, y: nil), .init(x: 100, y: 100),
                                                          .init(x: 1000, y: 0), .init(x: 10000, y: 1e4)],
                                       color: "#000")
        let svg = LinePlot(title: "t", xLabel: "x", yLabel: "y", xAxis: .count, yAxis: .count, series: [series]).render()
        let counter = try Self.parse(svg)
        let d = try #require(counter.paths["s"])
        #expect(d.filter { $0 == "M" }.count == 3)
        #expect(!d.contains("L"))
    }
}
