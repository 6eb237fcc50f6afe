import Foundation
import Testing

/// `memwall analyze` end to end: formats, --output, --set, and the "does not fit" status.
@Suite struct AnalyzeCommandTests {
    static let llama8bDecode = ["analyze", "--hardware", Shipped.h100, "--workload", Shipped.llama8bDecode]

    // MARK: The closed forms the expectations use

    /// The shipped config.json files carry the published Llama-3 shapes, and the parameter
    /// closed form gives the published counts (8,030,261,248 and 70,553,706,496).
    @Test func shippedConfigsMatchPublishedLlamaShapes() throws {
        for (file, model, published) in [("Workloads/models/llama-3-8b.config.json", DenseModel.llama3_8b, 8_030_261_248),
                                         ("Workloads/models/llama-3-70b.config.json", DenseModel.llama3_70b, 70_553_706_496)] {
            let config = try JSONDecoder().decode(ConfigFields.self, from: Data(Shipped.text(file).utf8))
            #expect(config.model.hidden == model.hidden && config.model.intermediate == model.intermediate)
            #expect(config.model.layers == model.layers && config.model.heads == model.heads)
            #expect(config.model.kvHeads == model.kvHeads && config.model.vocab == model.vocab)
            #expect(config.tie_word_embeddings == false)
            #expect(model.parameters == published)
        }
    }

    // MARK: Formats

    @Test(arguments: ["table", "csv", "json"])
    func everyFormatSucceeds(format: String) async throws {
        let result = try await Memwall.run(Self.llama8bDecode + ["--format", format])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(!result.stdout.isEmpty)
        #expect(result.stdout.hasSuffix("\n"))
    }

    /// Table is the default format; the table names the hardware and workload from the input files.
    @Test func tableIsTheDefaultAndNamesItsInputs() async throws {
        let defaulted = try await Memwall.run(Self.llama8bDecode)
        let table = try await Memwall.run(Self.llama8bDecode + ["--format", "table"])
        #expect(defaulted.status == 0 && table.status == 0, "\(defaulted)\n\(table)")
        #expect(defaulted.stdout == table.stdout)
        let hardwareName = try #require(try Shipped.topLevelValue("name", in: Shipped.h100File))
        let workloadName = try #require(try Shipped.topLevelValue("name", in: Shipped.llama8bDecode))
        #expect(table.stdout.contains(hardwareName))
        #expect(table.stdout.contains(workloadName))
        for tier in try Shipped.tierNames(ofHardware: Shipped.h100File) {
            #expect(table.stdout.contains(tier))
        }
    }

    /// The JSON contract on Llama-3-8B decode on H100, against closed forms from the model shape.
    @Test func jsonMatchesTheContractAndTheModelShape() async throws {
        let result = try await Memwall.run(Self.llama8bDecode + ["--format", "json"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty)

        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == AnalysisDocument.topLevelKeys)
        let doc = try AnalysisDocument.decode(result.stdout)
        #expect(doc.schema_version == 1)

        // Hardware: the tiers and main memory the shipped file declares.
        let tiers = try Shipped.tierNames(ofHardware: Shipped.h100File)
        #expect(tiers == ["rf", "smem", "l2", "hbm"])
        #expect(doc.hardware.tiers == tiers)
        #expect(doc.hardware.main_memory == (try Shipped.topLevelValue("main_memory", in: Shipped.h100File)))
        #expect(doc.hardware.name == (try Shipped.topLevelValue("name", in: Shipped.h100File)))
        #expect(doc.workload.parameters["batch"] == "1")
        #expect(doc.workload.parameters["context_len"] == "4096")

        // Ops: bytes keyed by exactly the hardware's tiers; times add up to the total.
        #expect(!doc.ops.isEmpty)
        for op in doc.ops {
            #expect(Set(op.bytes_by_tier.keys) == Set(tiers), "\(op.name)")
            #expect(Set(op.time_by_bound_s.keys) == Set(tiers + ["compute", "latency"]), "\(op.name)")
            #expect(op.time_s >= 0 && op.time_s.isFinite, "\(op.name)")
        }
        #expect(Set(doc.totals.bytes_by_tier.keys) == Set(tiers))
        let summed = doc.ops.reduce(0.0) { $0 + $1.time_s }
        #expect(relativeDifference(summed, doc.totals.time_s) <= 1e-9, "sum \(summed) vs total \(doc.totals.time_s)")

        // Decode at batch 1 streams every weight but the embedding table (gathered one row per token)
        // from HBM at least once, so it takes at least those bytes over 3.35 TB/s.
        let m = DenseModel.llama3_8b
        let streamedWeightBytes = Double(2 * (m.parameters - m.embeddingParameters))
        #expect(streamedWeightBytes == 2 * (8_030_261_248 - 128_256 * 4096))
        #expect(doc.totals.time_s >= streamedWeightBytes / H100.hbmBytesPerSecond)
        #expect(try #require(doc.totals.bytes_by_tier["hbm"]) >= streamedWeightBytes)

        // Footprint: all bf16 weights resident; K and V for 4096 cached + 1 new token.
        #expect(doc.footprint.tier == "hbm")
        #expect(doc.footprint.weights_bytes == Double(2 * m.parameters))
        #expect(doc.footprint.kv_cache_bytes == Double(m.kvCacheBytes(batch: 1, cachedTokens: 4096)))
        #expect(doc.footprint.capacity_bytes == H100.hbmCapacityBytes)
        #expect(doc.footprint.activations_bytes >= 0)
        #expect(relativeDifference(doc.footprint.total_bytes,
                                   doc.footprint.weights_bytes + doc.footprint.kv_cache_bytes + doc.footprint.activations_bytes) <= 1e-12)
        #expect(doc.footprint.fits)
        #expect(doc.footprint.shortfall_bytes == 0)
    }

    /// CSV has one data row per JSON op, in the same order, with tier-keyed columns, and its
    /// time_s column sums to the JSON total.
    @Test func csvRowsMatchJSONOps() async throws {
        let csv = try await Memwall.run(Self.llama8bDecode + ["--format", "csv"])
        let json = try await Memwall.run(Self.llama8bDecode + ["--format", "json"])
        #expect(csv.status == 0 && json.status == 0, "\(csv)\n\(json)")
        let doc = try AnalysisDocument.decode(json.stdout)

        let lines = csv.stdoutLines
        let header = try #require(lines.first).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(header.first == "name")
        for tier in try Shipped.tierNames(ofHardware: Shipped.h100File) {
            #expect(header.contains("bytes_by_tier.\(tier)"))
            #expect(header.contains("time_by_bound_s.\(tier)"))
        }
        let timeColumn = try #require(header.firstIndex(of: "time_s"))
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == doc.ops.count)
        #expect(rows.map { $0.first ?? "" } == doc.ops.map(\.name))
        var total = 0.0
        for row in rows {
            #expect(row.count == header.count, "\(row)")
            total += try #require(Double(row[timeColumn]), "time_s field '\(row[timeColumn])'")
        }
        #expect(relativeDifference(total, doc.totals.time_s) <= 1e-9)
    }

    // MARK: --output

    /// `--output FILE` writes exactly what would have gone to stdout, and nothing to stdout.
    @Test(arguments: ["table", "csv", "json"])
    func outputWritesTheFileInsteadOfStdout(format: String) async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("result.\(format)").path
            let written = try await Memwall.run(Self.llama8bDecode + ["--format", format, "--output", file])
            #expect(written.status == 0, "\(written)")
            #expect(written.stdout.isEmpty)
            #expect(written.stderr.isEmpty)
            let contents = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!contents.isEmpty)
            let printed = try await Memwall.run(Self.llama8bDecode + ["--format", format])
            #expect(contents == printed.stdout)
        }
    }

    @Test func outputToAMissingDirectoryIsBadInput() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("no-such-dir/deeper/result.json").path
            let result = try await Memwall.run(Self.llama8bDecode + ["--format", "json", "--output", file])
            expectBadInput(result)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("--output"))
            #expect(result.stderr.contains(file))
            #expect(result.stderr.contains("expected a writable path"))
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }

    @Test func outputToADirectoryIsBadInput() async throws {
        try await withTemporaryDirectory { directory in
            let result = try await Memwall.run(Self.llama8bDecode + ["--output", directory.path])
            expectBadInput(result)
            #expect(result.stderr.contains("--output \(directory.path)"))
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
    }

    // MARK: --set

    @Test func setChangesBatchAndContextInTheKVCache() async throws {
        let result = try await Memwall.run(Self.llama8bDecode + ["--set", "batch=4", "--set", "context_len=8192", "--format", "json"])
        #expect(result.status == 0, "\(result)")
        let doc = try AnalysisDocument.decode(result.stdout)
        // 2 (K and V) x 32 layers x batch 4 x (8192 cached + 1 new) x 8 KV heads x 128 x 2 bytes (bf16).
        let expectedKV: Int = 2 * 32 * 4 * (8192 + 1) * 8 * 128 * 2
        #expect(doc.footprint.kv_cache_bytes == Double(expectedKV))
        #expect(doc.footprint.kv_cache_bytes == Double(DenseModel.llama3_8b.kvCacheBytes(batch: 4, cachedTokens: 8192)))
        #expect(doc.footprint.weights_bytes == Double(2 * DenseModel.llama3_8b.parameters))
        #expect(doc.workload.parameters["batch"] == "4")
        #expect(doc.workload.parameters["context_len"] == "8192")
    }

    /// Overrides replace the file's values regardless of order; the last --set of a key wins.
    @Test func lastSetOfAKeyWins() async throws {
        let result = try await Memwall.run(Self.llama8bDecode + ["--set", "batch=2", "--set", "batch=3", "--format", "json"])
        #expect(result.status == 0, "\(result)")
        let doc = try AnalysisDocument.decode(result.stdout)
        #expect(doc.footprint.kv_cache_bytes == Double(DenseModel.llama3_8b.kvCacheBytes(batch: 3, cachedTokens: 4096)))
    }

    /// Graph files take their own parameters: the GPT-2 block's x is [batch, seq_len, d_model] bf16.
    @Test func setChangesAGraphFilesParameters() async throws {
        let base = ["analyze", "--hardware", Shipped.h100, "--workload", "Workloads/graphs/gpt2-block.yaml", "--format", "json"]
        let result = try await Memwall.run(base + ["--set", "batch=2", "--set", "seq_len=128"])
        #expect(result.status == 0, "\(result)")
        let doc = try AnalysisDocument.decode(result.stdout)
        #expect(doc.workload.parameters["batch"] == "2")
        #expect(doc.workload.parameters["seq_len"] == "128")
        // Weights: LayerNorms 4 x 768, QKV 768 x 2304 + 2304 bias, out 768 x 768, MLP 2 x 768 x 3072; bf16.
        let weights = 4 * 768 + 768 * 2304 + 2304 + 768 * 768 + 2 * 768 * 3072
        #expect(doc.footprint.weights_bytes == Double(2 * weights))
        #expect(doc.footprint.kv_cache_bytes == 0)
    }

    // MARK: Does not fit

    /// Llama-3-70B in bf16 (141 GB of weights) on one 80 GiB H100: status 1, one stderr line saying
    /// by how much, and the result still written.
    @Test func llama70bBF16DoesNotFitOnH100() async throws {
        let args = ["analyze", "--hardware", Shipped.h100, "--workload", Shipped.llama70bDecode]
        let table = try await Memwall.run(args)
        #expect(!table.signalled)
        #expect(table.status == 1, "\(table)")
        #expect(table.stderrLines.count == 1, "\(table)")
        let line = try #require(table.stderrLines.first)
        #expect(line.contains("does not fit"))
        #expect(line.contains("short by"))
        #expect(!table.stdout.isEmpty, "the result is written before exiting 1")

        let json = try await Memwall.run(args + ["--format", "json"])
        #expect(json.status == 1, "\(json)")
        let doc = try AnalysisDocument.decode(json.stdout)
        let m = DenseModel.llama3_70b
        let weights = Double(2 * m.parameters)
        let kv = Double(m.kvCacheBytes(batch: 8, cachedTokens: 8192))
        #expect(weights == 2 * 70_553_706_496)
        #expect(doc.footprint.weights_bytes == weights)
        #expect(doc.footprint.kv_cache_bytes == kv)
        #expect(doc.footprint.capacity_bytes == H100.hbmCapacityBytes)
        #expect(!doc.footprint.fits)
        #expect(doc.footprint.shortfall_bytes >= weights + kv - H100.hbmCapacityBytes)
        #expect(relativeDifference(doc.footprint.shortfall_bytes, doc.footprint.total_bytes - doc.footprint.capacity_bytes) <= 1e-12)

        // The stderr figure is the same shortfall, to its printed precision.
        let printed = try #require(Self.bytesAfter("short by ", in: line), "no size after 'short by' in: \(line)")
        #expect(relativeDifference(printed, doc.footprint.shortfall_bytes) <= 1e-3, "printed \(printed)")
        #expect(relativeDifference(printed, weights + kv - H100.hbmCapacityBytes) <= 1e-3, "printed \(printed)")
    }

    /// With --output the file is still written when the workload does not fit.
    @Test func doesNotFitStillWritesTheOutputFile() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("70b.json").path
            let result = try await Memwall.run(["analyze", "--hardware", Shipped.h100, "--workload", Shipped.llama70bDecode,
                                                "--format", "json", "--output", file])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.isEmpty)
            let doc = try AnalysisDocument.decode(try String(contentsOfFile: file, encoding: .utf8))
            #expect(!doc.footprint.fits)
        }
    }

    /// In fp8 at batch 1 with 1024 cached tokens: 70.6 GB of weights + 0.34 GB of KV < 85.9 GB.
    @Test func llama70bFP8FitsOnH100() async throws {
        let result = try await Memwall.run(["analyze", "--hardware", Shipped.h100, "--workload", Shipped.llama70bDecode,
                                            "--set", "weight_dtype=fp8", "--set", "batch=1", "--set", "context_len=1024",
                                            "--format", "json"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        let doc = try AnalysisDocument.decode(result.stdout)
        let m = DenseModel.llama3_70b
        #expect(doc.footprint.weights_bytes == Double(m.parameters))
        #expect(doc.footprint.kv_cache_bytes == Double(m.kvCacheBytes(batch: 1, cachedTokens: 1024)))
        #expect(doc.footprint.fits)
        #expect(doc.footprint.total_bytes <= H100.hbmCapacityBytes)
        #expect(doc.footprint.shortfall_bytes == 0)
    }

    /// Reads "<number> <decimal SI prefix>B" after `marker`.
    static func bytesAfter(_ marker: String, in line: String) -> Double? {
        guard let range = line.range(of: marker) else { return nil }
        let words = line[range.upperBound...].split(separator: " ", maxSplits: 2)
        guard words.count >= 2, let number = Double(words[0]) else { return nil }
        let unit = words[1].trimmingCharacters(in: CharacterSet(charactersIn: ",;."))
        let factors: [String: Double] = ["B": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15]
        return factors[unit].map { number * $0 }
    }
}
