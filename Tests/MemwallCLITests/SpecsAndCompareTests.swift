import Foundation
import Testing

@Suite struct SpecsAndCompareTests {
    /// One row per shipped hardware file, with its id.
    @Test func specsListNamesEveryShippedFile() async throws {
        let result = try await Memwall.run(["specs", "list"])
        #expect(result.status == 0, "\(result.stderr)")
        let folder = Memwall.path("HardwareSpecs")
        let ids = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }
            .map { String($0.dropLast(5)) }
        #expect(!ids.isEmpty)
        for id in ids { #expect(result.stdout.contains(id), "missing \(id)") }
    }

    @Test func specsShowPrintsFiguresWithSources() async throws {
        let result = try await Memwall.run(["specs", "show", "nvidia-h100-sxm-80gb"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("3.35 TB/s"))
        #expect(result.stdout.contains("989.4 TFLOPS"))
        #expect(result.stdout.components(separatedBy: "source:").count > 5)
        let missing = try await Memwall.run(["specs", "show", "h100"])
        expectBadInput(missing)
    }

    /// Compare runs the same workload on each hardware: decode time scales with the inverse of HBM bandwidth.
    @Test func compareGivesOneRowPerHardware() async throws {
        try await withTemporaryDirectory { directory in
            let chart = directory.appendingPathComponent("compare.svg").path
            let result = try await Memwall.run(["compare", "--workload", "Workloads/llama-3-8b-decode.yaml", "--hardware",
                                                "nvidia-h100-sxm-80gb", "nvidia-a100-sxm4-80gb", "--format", "json", "--plot", chart])
            #expect(result.status == 0, "\(result.stderr)")
            let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let rows = try #require(document?["hardware"] as? [[String: Any]])
            #expect(rows.map { $0["hardware"] as? String } == ["nvidia-h100-sxm-80gb", "nvidia-a100-sxm4-80gb"])
            let h100 = try #require(rows[0]["time_s"] as? Double), a100 = try #require(rows[1]["time_s"] as? Double)
            // Both stream the same bytes from HBM: the time ratio is the bandwidth ratio 3.35 / 2.039.
            #expect(abs(a100 / h100 - 3.35 / 2.039) < 0.01)
            let svg = try String(contentsOfFile: chart, encoding: .utf8)
            #expect(svg.contains("<svg") && svg.components(separatedBy: "<rect").count - 2 == 4)   // 2 bars x 2 panels
        }
    }

    @Test func compareNeedsHardware() async throws {
        expectBadInput(try await Memwall.run(["compare", "--workload", "Workloads/llama-3-8b-decode.yaml"]))
    }
}

@Suite struct ClockOptionTests {
    /// bf16 decode on the U280 runs on soft-float DSPs and is compute-bound: doubling the clock
    /// halves the compute time of every matmul.
    @Test func clockRescalesDerivedPeaks() async throws {
        func time(_ clock: String) async throws -> Double {
            let result = try await Memwall.run(["analyze", "--hardware", "amd-alveo-u280", "--workload", "Workloads/llama-3-8b-decode.yaml",
                                                "--set", "weight_dtype=int4", "--clock", clock, "--format", "json"])
            let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let ops = try #require(document?["ops"] as? [[String: Any]])
            let op = try #require(ops.first { $0["name"] as? String == "layers.0.gate_proj" })
            return try #require((op["time_by_bound_s"] as? [String: Double])?["compute"])
        }
        let slow = try await time("150MHz"), fast = try await time("300MHz")
        #expect(abs(slow / fast - 2) < 1e-9)
        expectBadInput(try await Memwall.run(["analyze", "--hardware", "nvidia-h100-sxm-80gb", "--workload",
                                              "Workloads/llama-3-8b-decode.yaml", "--clock", "300MHz"]))
    }
}
