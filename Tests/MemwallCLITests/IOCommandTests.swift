import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `memwall io` end to end: numbers against closed forms, sweeps, plots, and the bad-input contract.
@Suite struct IOCommandTests {
    /// The JSON document, decoded with plain Foundation (independent of MemwallReport's types).
    struct Document: Decodable {
        struct Row: Decodable {
            var boundary: String
            var seq: Int?
            var variant: String
            var fast_memory_bytes: Double
            var read_words: Double?
            var write_words: Double?
            var total_words: Double?
            var total_bytes: Double?
            var certified_bound_bytes: Double?
            var leading_bound_bytes: Double?
            var ratio_to_leading: Double?
            var regime: String
        }
        struct Kernel: Decodable {
            var name: String
            var dtype: String
            var element_bytes: Double
            var m: Int?
            var queries: Int?
            var keys: Int?
        }
        var schema_version: Int
        var kernel: Kernel
        var hardware: String?
        var rows: [Row]
    }

    static func json(_ arguments: [String]) async throws -> Document {
        let result = try await Memwall.run(["io"] + arguments + ["--format", "json"])
        try #require(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        return try JSONDecoder().decode(Document.self, from: Data(result.stdout.utf8))
    }

    // MARK: GEMM against the tiling rule, computed here

    /// Output-stationary tiling (docs/io-models.md): a bm x bn tile of C needs bm*bn + bm + bn words; A is read
    /// once per column of tiles, B once per row of tiles, C written once. The tile: the largest square b with
    /// b^2 + 2b <= M, and the balanced tile ceil(m / ceil(m/b)), each with the other side widened to fill M,
    /// in both orientations; the cheapest wins.
    static func tiledGEMMWords(m: Double, k: Double, n: Double, fastWords M: Double) -> (read: Double, write: Double) {
        func reads(_ bm: Double, _ bn: Double) -> Double { m * k * (n / bn).rounded(.up) + k * n * (m / bm).rounded(.up) }
        var b = 1.0
        while (b + 1) * (b + 1) + 2 * (b + 1) <= M { b += 1 }
        var best = Double.infinity
        for rows in [b, (m / (m / b).rounded(.up)).rounded(.up)] {
            let bm = min(m, rows), bn = min(n, ((M - bm) / (bm + 1)).rounded(.down))
            best = min(best, reads(bm, bn))
        }
        for cols in [b, (n / (n / b).rounded(.up)).rounded(.up)] {
            let bn = min(n, cols), bm = min(m, ((M - bn) / (bn + 1)).rounded(.down))
            best = min(best, reads(bm, bn))
        }
        return (best, m * n)
    }

    /// The cheapest feasible output-stationary tile, by brute force over every row count.
    static func bestTileReads(m: Double, k: Double, n: Double, fastWords M: Double) -> Double {
        var best = Double.infinity
        var bm = 1.0
        while bm <= m, bm * 1 + bm + 1 <= M {
            let bn = min(n, ((M - bm) / (bm + 1)).rounded(.down))
            best = min(best, m * k * (n / bn).rounded(.up) + k * n * (m / bm).rounded(.up))
            bm += 1
        }
        return best
    }

    @Test func gemmTotalWordsMatchTheTilingRule() async throws {
        let document = try await Self.json(["--kernel", "gemm", "--m", "1024", "--k", "1024", "--n", "1024",
                                            "--fast-memory", "64KiB", "--dtype", "fp32"])
        #expect(document.kernel.name == "gemm" && document.kernel.element_bytes == 4 && document.kernel.m == 1024)
        let row = try #require(document.rows.first)
        #expect(document.rows.count == 1 && row.variant == "tiled" && row.fast_memory_bytes == 65536)
        // 64 KiB of fp32 is 16384 words: b = 127 (127^2 + 2*127 = 16383), balanced rows 1024/9 -> 114, widened to
        // 141 columns: 9 column tiles + 8 row tiles, 17 passes over a 1024^2 operand, plus C written once.
        let expected = Self.tiledGEMMWords(m: 1024, k: 1024, n: 1024, fastWords: 16384)
        #expect(expected.read == 17 * 1024 * 1024)
        #expect(row.read_words == expected.read)
        #expect(row.write_words == expected.write)
        #expect(row.total_words == expected.read + expected.write)
        let eighteenPasses: Double = 18 * 1024 * 1024
        #expect(row.total_words == eighteenPasses)
        #expect(row.total_bytes == 4 * (expected.read + expected.write))
        // No feasible tile does better here.
        #expect(row.read_words == Self.bestTileReads(m: 1024, k: 1024, n: 1024, fastWords: 16384))
        // Leading bound 2mnk/sqrt(M) words; ratio = total / leading.
        let leading = 2 * pow(1024.0, 3) / 16384.0.squareRoot() * 4
        #expect(row.leading_bound_bytes == leading)
        #expect(abs(try #require(row.ratio_to_leading) - 4 * 18 * 1024 * 1024 / leading) < 1e-12)
    }

    /// M = b^2 + 2b words with b = 64: 64 x 64 tiles, 16 passes over each operand.
    @Test func gemmWithAnObviousTile() async throws {
        let words = 64.0 * 64 + 2 * 64
        let document = try await Self.json(["--kernel", "gemm", "--m", "1024", "--k", "1024", "--n", "1024",
                                            "--fast-memory", "\(Int(words * 4)) B", "--dtype", "fp32"])
        let row = try #require(document.rows.first)
        let expected: Double = 2 * 1024 * 1024 * 1024 / 64 + 1024 * 1024
        #expect(row.total_words == expected)
        #expect(row.read_words == Self.tiledGEMMWords(m: 1024, k: 1024, n: 1024, fastWords: words).read)
    }

    /// With bf16 the words are the same and the bytes halve relative to fp32 at the same word capacity.
    @Test func wordsAreBytesOverTheElementSize() async throws {
        let fp32 = try await Self.json(["--kernel", "gemm", "--m", "512", "--k", "256", "--n", "384", "--fast-memory", "32KiB",
                                        "--dtype", "fp32"])
        let bf16 = try await Self.json(["--kernel", "gemm", "--m", "512", "--k", "256", "--n", "384", "--fast-memory", "16KiB",
                                        "--dtype", "bf16"])
        let a = try #require(fp32.rows.first), b = try #require(bf16.rows.first)
        #expect(a.total_words == b.total_words)
        #expect(a.total_bytes == 2 * (b.total_bytes ?? 0))
        #expect(a.total_bytes == 4 * (a.total_words ?? 0))
    }

    // MARK: Attention

    /// FlashAttention-2's traffic is Θ(N^2 d^2 / M): doubling N at large N multiplies it by 4 (within 5%).
    @Test func flash2TrafficQuadruplesWhenSeqDoubles() async throws {
        let result = try await Memwall.run(["io", "--kernel", "attention", "--variant", "flash2", "--head-dim", "128",
                                            "--fast-memory", "192KiB", "--sweep-seq", "4096:65536:5"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        let header = try #require(lines.first).split(separator: ",").map(String.init)
        let seqColumn = try #require(header.firstIndex(of: "seq")), totalColumn = try #require(header.firstIndex(of: "total_words"))
        let points = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            .map { (Int($0[seqColumn])!, Double($0[totalColumn])!) }
        #expect(points.map(\.0) == [4096, 8192, 16384, 32768, 65536])
        for (small, large) in zip(points, points.dropFirst()) {
            #expect(abs(large.1 / small.1 / 4 - 1) < 0.05, "N \(small.0) -> \(large.0): \(small.1) -> \(large.1)")
        }
    }

    /// One row per boundary up to main memory, named by the tier read, for every variant.
    @Test func hardwareGivesOneRowPerBoundaryAndVariant() async throws {
        let document = try await Self.json(["--kernel", "attention", "--seq", "8192", "--heads", "8", "--causal",
                                            "--hardware", Shipped.h100])
        let tiers = try Shipped.tierNames(ofHardware: Shipped.h100File)
        let mainName = try #require(try Shipped.topLevelValue("main_memory", in: Shipped.h100File))
        let main = try #require(tiers.firstIndex(of: mainName))
        let boundaries = Array(tiers[1...main])
        let variants = ["standard", "flash1", "flash2", "square-tile"]
        #expect(document.hardware != nil)
        #expect(document.rows.map(\.boundary) == boundaries.flatMap { Array(repeating: $0, count: variants.count) })
        #expect(document.rows.map(\.variant) == Array(Array(repeating: variants, count: boundaries.count).joined()))
        // Each boundary further out sees a larger fast memory and no more FlashAttention-2 traffic.
        let flash2 = document.rows.filter { $0.variant == "flash2" }
        for (near, far) in zip(flash2, flash2.dropFirst()) {
            #expect(far.fast_memory_bytes > near.fast_memory_bytes)
            #expect(try #require(far.total_bytes) <= (try #require(near.total_bytes)))
        }
        // The H100's L2 (50 MiB) is the fast memory when reading HBM.
        let l2: Double = 50 * 1024 * 1024
        #expect(flash2.last?.fast_memory_bytes == l2)
    }

    /// A fast memory below FlashAttention's 4d words gives no traffic for it: null in JSON, n/a in the table.
    @Test func tooSmallFastMemoryIsNotAvailable() async throws {
        let arguments = ["--kernel", "attention", "--seq", "1024", "--head-dim", "128", "--fast-memory", "512B"]
        let document = try await Self.json(arguments)
        let flash = try #require(document.rows.first { $0.variant == "flash2" })
        #expect(flash.total_words == nil && flash.ratio_to_leading == nil && flash.leading_bound_bytes != nil)
        #expect(document.rows.first { $0.variant == "square-tile" }?.total_words != nil)
        let table = try await Memwall.run(["io"] + arguments)
        #expect(table.status == 0, "\(table)")
        #expect(table.stdoutLines.contains { $0.hasPrefix("flash2") && $0.contains("n/a") }, "\(table)")
    }

    @Test func decodeReadsTheCacheOnce() async throws {
        // One query per sequence, GQA packed: K and V of each KV head read once, Q read once, O written once.
        let document = try await Self.json(["--kernel", "decode-attention", "--kv-len", "32768", "--heads", "32",
                                            "--kv-heads", "8", "--fast-memory", "227KiB"])
        let row = try #require(document.rows.first)
        #expect(row.variant == "decode")
        let reads: Double = 8 * (2 * 32768 * 128 + 4 * 128), writes: Double = 8 * 4 * 128
        #expect(row.read_words == reads)
        #expect(row.write_words == writes)
        #expect(document.kernel.queries == 1 && document.kernel.keys == 32768)
    }

    // MARK: Fusion and the default table

    /// Fusing E epilogue ops saves the 2 m n element round trip per op (less the bias re-reads per tile row).
    @Test func fusionShowsAsBytesSaved() async throws {
        let document = try await Self.json(["--kernel", "fused-gemm", "--m", "2048", "--k", "1024", "--n", "4096",
                                            "--epilogue", "3", "--fast-memory", "227KiB"])
        let fused = try #require(document.rows.first { $0.variant == "fused" }?.total_words)
        let unfused = try #require(document.rows.first { $0.variant == "unfused" }?.total_words)
        let saved = unfused - fused
        let roundTrips = 3 * 2 * 2048.0 * 4096
        #expect(saved <= roundTrips && saved >= roundTrips - 4096 * 2048)
    }

    @Test func tableIsTheDefaultWithOneLinePerVariant() async throws {
        let result = try await Memwall.run(["io", "--kernel", "attention", "--seq", "4096", "--fast-memory", "192 KiB"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        let lines = result.stdoutLines
        #expect(lines.first?.hasPrefix("memwall io: attention queries=4096 keys=4096 head_dim=128") == true, "\(result)")
        let header = try #require(lines.first { $0.hasPrefix("variant") }, "\(result)")
        for column in ["fast memory", "read words", "write words", "total words", "total bytes", "certified bound",
                       "leading bound", "ratio", "regime"] {
            #expect(header.contains(column), "\(column)")
        }
        for variant in ["standard", "flash1", "flash2", "square-tile"] {
            #expect(lines.filter { $0.hasPrefix(variant + " ") }.count == 1, "\(variant): \(result)")
        }
        #expect(lines.contains { $0.contains("192 KiB") })
    }

    // MARK: Sweeps and plots

    @Test func fastMemorySweepWritesCSVAndAPlot() async throws {
        try await withTemporaryDirectory { directory in
            let csv = directory.appendingPathComponent("io.csv").path, svg = directory.appendingPathComponent("io.svg").path
            let result = try await Memwall.run(["io", "--kernel", "attention", "--seq", "2048", "--head-dim", "64",
                                                "--variant", "flash1,flash2", "--sweep-fast-memory", "16KiB:16MiB",
                                                "--output", csv, "--plot", svg])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result)")
            let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("kernel,boundary,seq,variant,fast_memory_bytes,") == true)
            #expect(lines.count == 1 + 17 * 2)
            let sizes = lines.dropFirst().map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[4])! }
            let largest: Double = 16 * 1024 * 1024
            #expect(sizes.first == 16384 && sizes.last == largest)
            // Log-spaced: 17 points over 10 doublings, each about 2^(10/16) times the last.
            let distinct = sizes.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            for (a, b) in zip(distinct, distinct.dropFirst()) { #expect(abs(b / a - pow(2, 10.0 / 16)) < 0.001) }

            let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: svg)))
            let counter = PathCounter()
            parser.delegate = counter
            #expect(parser.parse())
            #expect(counter.paths == 2 + 2)   // flash1, flash2, leading bound, certified bound
        }
    }

    @Test func seqSweepNeedsAndUsesAFixedFastMemory() async throws {
        let document = try await Self.json(["--kernel", "attention-backward", "--fast-memory", "128KiB",
                                            "--sweep-seq", "100:1000:4"])
        #expect(Set(document.rows.map(\.fast_memory_bytes)) == [131072])
        #expect(document.rows.compactMap(\.seq) == [100, 100, 215, 215, 464, 464, 1000, 1000])
        #expect(document.rows.map(\.variant).prefix(2) == ["flash1", "flash2"])
        #expect(document.kernel.queries == nil && document.kernel.keys == nil)
    }

    final class PathCounter: NSObject, XMLParserDelegate {
        var paths = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "path" { paths += 1 }
        }
    }

    // MARK: Help and bad input

    @Test func helpShowsExamplesAndEveryOption() async throws {
        let result = try await Memwall.run(["io", "--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Examples"))
        #expect(result.stdout.components(separatedBy: "memwall io --kernel").count - 1 >= 3)
        for option in ["--kernel", "--m", "--k", "--n", "--epilogue", "--seq", "--kv-len", "--queries", "--head-dim", "--heads",
                       "--kv-heads", "--batch", "--causal", "--pack-gqa", "--splits", "--rows", "--row-length", "--variant",
                       "--dtype", "--fast-memory", "--hardware", "--sweep-fast-memory", "--sweep-seq", "--plot", "--format",
                       "--output"] {
            #expect(result.stdout.contains(option), "\(option)")
        }
        let top = try await Memwall.run(["--help"])
        #expect(top.stdout.contains("IO complexity of one kernel"))
    }

    static let gemm = ["io", "--kernel", "gemm", "--m", "64", "--k", "64", "--n", "64"]
    static let attention = ["io", "--kernel", "attention", "--seq", "1024"]

    @Test(arguments: [
        (gemm, ["no fast memory given", "--fast-memory"]),
        (gemm + ["--fast-memory", "12 XB"], ["--fast-memory '12 XB'", "unknown unit 'XB'", "expected a size"]),
        (gemm + ["--fast-memory", "65536"], ["--fast-memory '65536'", "no unit"]),
        (gemm + ["--fast-memory", "-4KiB"], ["--fast-memory"]),
        (gemm + ["--fast-memory", "0 B"], ["smaller than one bf16 element", "at least 2 B"]),
        (gemm + ["--fast-memory", "3 B", "--dtype", "fp32"], ["--fast-memory '3 B'", "at least 4 B"]),
        (gemm + ["--fast-memory", "1KiB", "--hardware", Shipped.h100], ["one of --fast-memory and --hardware"]),
        (gemm + ["--hardware", "no-such-gpu"], ["no-such-gpu", "no such file"]),
        (gemm + ["--fast-memory", "1KiB", "--dtype", "bf17"], ["--dtype 'bf17'", "did you mean 'bf16'?"]),
        (gemm + ["--fast-memory", "1KiB", "--seq", "4"], ["--seq does not apply to --kernel gemm"]),
        (gemm + ["--fast-memory", "1KiB", "--sweep-seq", "4:8"], ["--sweep-seq does not apply to --kernel gemm"]),
        (["io", "--kernel", "gemm", "--m", "64", "--n", "64", "--fast-memory", "1KiB"], ["needs --k"]),
        (["io", "--kernel", "gemm", "--m=0", "--k", "64", "--n", "64", "--fast-memory", "1KiB"], ["--m 0", "expected a whole number"]),
        (["io", "--kernel", "matmul", "--fast-memory", "1KiB"], ["matmul", "--kernel"]),
        (["io", "--kernel", "attention", "--fast-memory", "1KiB"], ["needs --seq"]),
        (attention + ["--fast-memory", "1KiB", "--variant", "flash3"], ["--variant 'flash3'", "expected one of standard"]),
        (attention + ["--fast-memory", "1KiB", "--heads", "32", "--kv-heads", "5"], ["--kv-heads 5", "divisor of 32"]),
        (attention + ["--fast-memory", "1KiB", "--kv-len", "512", "--causal"], ["--causal", "expected --kv-len >= 1024"]),
        (attention + ["--fast-memory", "1KiB", "--plot", "x.svg"], ["--plot draws a sweep"]),
        (attention + ["--sweep-fast-memory", "1MiB:1KiB"], ["FROM must be less than TO"]),
        (attention + ["--sweep-fast-memory", "1KiB:1MiB:1"], ["POINTS '1'", "from 2 to 1000"]),
        (attention + ["--sweep-fast-memory", "1KiB:1MiB:1001"], ["POINTS '1001'"]),
        (attention + ["--sweep-fast-memory", "1KiB"], ["expected FROM:TO[:POINTS]"]),
        (attention + ["--sweep-fast-memory", "0B:1KiB"], ["--sweep-fast-memory '0B'", "at least 2 B"]),
        (attention + ["--sweep-fast-memory", "1KiB:1MiB", "--fast-memory", "1KiB"], ["drop --fast-memory"]),
        (attention + ["--sweep-fast-memory", "1KiB:1MiB", "--plot", "/no/such/folder/io.svg"], ["--plot", "no folder"]),
        (["io", "--kernel", "attention", "--sweep-seq", "64:1024"], ["--sweep-seq needs a fixed fast memory"]),
        (["io", "--kernel", "attention", "--sweep-seq", "0:1024", "--fast-memory", "1KiB"], ["--sweep-seq '0:1024'"]),
        (["io", "--kernel", "attention", "--sweep-seq", "64:1024:x", "--fast-memory", "1KiB"], ["POINTS 'x'"]),
        (attention + ["--sweep-seq", "64:1024", "--fast-memory", "1KiB"], ["drop --seq"]),
        (["io", "--kernel", "decode-attention", "--fast-memory", "1KiB"], ["needs --seq or --kv-len"]),
        (["io", "--kernel", "decode-attention", "--seq", "4", "--kv-len", "64", "--fast-memory", "1KiB"], ["not both", "--queries"]),
        (["io", "--kernel", "decode-attention", "--kv-len", "64", "--splits", "65", "--fast-memory", "1KiB"], ["--splits 65"]),
        (["io", "--kernel", "softmax", "--rows", "4", "--fast-memory", "1KiB"], ["needs --row-length"]),
    ] as [([String], [String])])
    func badInputExitsTwoWithOneLine(arguments: [String], fragments: [String]) async throws {
        let result = try await Memwall.run(arguments)
        expectBadInput(result)
        #expect(result.stdout.isEmpty, "\(result)")
        let line = result.stderrLines.first ?? ""
        #expect(line.hasPrefix("error:"), "\(result)")
        for fragment in fragments { #expect(line.contains(fragment), "missing '\(fragment)' in: \(line)") }
    }
}
