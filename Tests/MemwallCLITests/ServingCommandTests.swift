import Foundation
import Testing

/// `memwall serve`, `sweep`, `merge` and `plan` end to end: exit statuses, files, messages.
@Suite struct ServingCommandTests {
    @Test func serveFitsAndReportsTheKVCache() async throws {
        let result = try await Memwall.run(["serve", "--hardware", Shipped.h100, "--workload", "Workloads/llama-3-70b-decode.yaml",
                                            "--tp", "4", "--format", "csv"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdoutLines
        #expect(lines.count == 2)
        let row = Dictionary(uniqueKeysWithValues: zip(lines[0].split(separator: ",").map(String.init),
                                                       lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        // 2 x 80 layers x 8 KV heads x 128 x 2 bytes.
        #expect(row["kv_bytes_per_token"] == "327680")
        #expect(row["devices"] == "4")
        #expect(row["fits"] == "true")
    }

    @Test func serveThatDoesNotFitExitsOneAfterTheEstimate() async throws {
        let result = try await Memwall.run(["serve", "--hardware", Shipped.h100, "--workload", "Workloads/llama-3-70b-decode.yaml"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("does not fit"))
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("does not fit: Llama-3-70B at tp1 pp1 ep1"))
        // 141.1 GB of weights: half of them and half the KV cache fit in 80 GiB.
        #expect(result.stderr.contains("it needs 2 devices (tp2 pp1 ep1)"), "\(result)")
    }

    @Test(arguments: [
        (["--tp", "3"], "tensor parallelism 3 does not divide 64 attention heads"),
        (["--ep", "2"], "expert parallelism 2 on a dense model"),
        (["--price", "$2.5/h", "--purchase", "$100"], "--price and --purchase both given"),
        (["--purchase", "$100"], "--purchase needs --lifetime"),
        (["--price", "2.5"], "--price 2.5"),
    ])
    func serveRefusesBadSplitsAndPrices(arguments: [String], message: String) async throws {
        let result = try await Memwall.run(["serve", "--hardware", Shipped.h100, "--workload", "Workloads/llama-3-70b-decode.yaml"] + arguments)
        expectBadInput(result)
        #expect(result.stderr.contains(message), "\(result)")
    }

    @Test func sweepWritesCSVAndPlotAndShardsMergeBack() async throws {
        try await withTemporaryDirectory { directory in
            let sweep = "Workloads/sweeps/llama-3-70b-serving.yaml"
            let whole = directory.appendingPathComponent("whole.csv").path
            let plot = directory.appendingPathComponent("plot.svg").path
            let result = try await Memwall.run(["sweep", sweep, "--output", whole, "--plot", plot, "--threads", "2"])
            #expect(result.status == 0, "\(result)")
            let text = try String(contentsOfFile: whole, encoding: .utf8)
            #expect(text.split(separator: "\n").count == 1 + 4 * 8)
            let svg = try String(contentsOfFile: plot, encoding: .utf8)
            #expect(svg.contains("<svg"))
            #expect(svg.contains("amd-mi300x"))

            // Three shards: one from --shard, two from a Slurm job array (ids 1-based here).
            var shards: [String] = []
            for index in 0..<3 {
                let path = directory.appendingPathComponent("shard-\(index).csv").path
                let run = index == 0
                    ? try await Memwall.run(["sweep", sweep, "--shard", "0/3", "--output", path])
                    : try await Memwall.run(["sweep", sweep, "--output", path], environment: [
                        "SLURM_ARRAY_TASK_ID": "\(index + 1)", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"])
                #expect(run.status == 0, "\(run)")
                shards.append(path)
            }
            let merged = directory.appendingPathComponent("merged.csv").path
            let merge = try await Memwall.run(["merge"] + shards.reversed() + ["--sweep", sweep, "--output", merged])
            #expect(merge.status == 0, "\(merge)")
            #expect(try String(contentsOfFile: merged, encoding: .utf8) == text)

            let missing = try await Memwall.run(["merge", shards[0], shards[1], "--sweep", sweep])
            expectBadInput(missing)
            #expect(missing.stderr.contains("are missing"))
        }
    }

    @Test func sweepErrorsAreLocatedAndLeaveNoFile() async throws {
        try await withTemporaryDirectory { directory in
            let sweep = directory.appendingPathComponent("bad.yaml").path
            try """
            workload: \(Memwall.path("Workloads/llama-3-8b-decode.yaml"))
            fixed: { hardware: nvidia-h100-sxm-80gb }
            cartesian:
              tp: [1, 3]
            """.write(toFile: sweep, atomically: true, encoding: .utf8)
            let output = directory.appendingPathComponent("out.csv").path
            let result = try await Memwall.run(["sweep", sweep, "--output", output])
            expectBadInput(result)
            #expect(result.stderr.contains("point 1 (hardware nvidia-h100-sxm-80gb"), "\(result)")
            #expect(result.stderr.contains("tensor parallelism 3"))
            #expect(!FileManager.default.fileExists(atPath: output))
            #expect(!FileManager.default.fileExists(atPath: output + ".partial"))

            try "workload: x.yaml\nfixed: { hardwar: h100 }".write(toFile: sweep, atomically: true, encoding: .utf8)
            let typo = try await Memwall.run(["sweep", sweep])
            expectBadInput(typo)
            #expect(typo.stderr.contains("bad.yaml:1:11"), "\(typo)")
        }
    }

    @Test func planFindsAnAnswerOrExitsOneWithTheClosestMiss() async throws {
        let ok = try await Memwall.run(["plan", "--workload", Shipped.llama8bDecode, "--slo", "tpot=20ms,throughput=1000",
                                        "--hardware", Shipped.h100, "amd-mi300x", "--format", "json"])
        #expect(ok.status == 0, "\(ok)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
        let feasible = try #require(document["feasible"] as? [[String: Any]])
        #expect(!feasible.isEmpty)
        #expect(try #require(feasible[0]["tpot_s"] as? Double) <= 0.02)

        let impossible = try await Memwall.run(["plan", "--workload", Shipped.llama8bDecode, "--slo", "tpot=10us",
                                                "--hardware", Shipped.h100])
        #expect(impossible.status == 1, "\(impossible)")
        #expect(impossible.stderr.contains("closest:"))
        #expect(impossible.stderr.contains("TPOT"))
    }
}
