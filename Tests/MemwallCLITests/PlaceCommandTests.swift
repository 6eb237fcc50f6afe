import Foundation
import Testing

/// `memwall place` end to end: exit statuses 0/1/2, messages, formats, the timeline.
@Suite struct PlaceCommandTests {
    static let cosma = "Workloads/placement/cosma-gpt2-block-sram.yaml"

    /// A two-op graph on the H100: x (input) and w (weight), 2,048 B each, y = x * w, z = 2y.
    static let graph = """
    schema_version: 1
    name: tiny
    tensors:
      x: { shape: [1024], dtype: bf16, kind: input }
      w: { shape: [1024], dtype: bf16, kind: weight }
      y: { shape: [1024], dtype: bf16 }
      z: { shape: [1024], dtype: bf16 }
    ops:
      - { name: mul, kind: elementwise, inputs: [x, w], outputs: [y] }
      - { name: scale, kind: elementwise, inputs: [y], outputs: [z] }
    """

    static func scenario(_ extra: String) -> String {
        """
        schema_version: 1
        name: tiny placement
        hardware: nvidia-h100-sxm-80gb
        workload: graph.yaml
        objective: traffic
        tiers: [smem, hbm]
        \(extra)
        """
    }

    @Test func theShippedCOSMAScenarioSolvesToOptimalityAndItsJSONAddsUp() async throws {
        let result = try await Memwall.run(["place", "--scenario", Self.cosma, "--format", "json"])
        #expect(result.status == 0, "\(result)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schema_version"] as? Int == 1)
        #expect(json["status"] as? String == "optimal")
        let answer = try #require(json["answer_bytes"] as? Double), greedy = try #require(json["greedy_bytes"] as? Double)
        let bound = try #require(json["bound_bytes"] as? Double)
        #expect(answer <= greedy)
        #expect(bound <= answer * (1 + 1e-9))
        // The traffic objective is every byte read or written in HBM, the slow tier.
        let totals = try #require(json["totals"] as? [String: Any])
        let byTier = try #require(totals["bytes_by_tier"] as? [String: Double])
        #expect(byTier["hbm"] == answer)
        // Every tensor of the graph is placed (merged entries count their copies).
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(tensors.reduce(0) { $0 + ($1["copies"] as? Int ?? 0) } == 26)
    }

    @Test(arguments: ["-5", "0", "100001"])
    func placeBenchRefusesATensorCountOutsideItsRange(count: String) async throws {
        // Review: --tensors -5 trapped in the instance generator (exit 132).
        let result = try await Memwall.run(["place-bench", "--tensors=\(count)", "--skip-large"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderrLines.joined(separator: " ").contains("--tensors must be in 1...100000 (got \(count))"), "\(result)")
    }

    @Test func placeBenchCanRunTheRandomInstancesAlone() async throws {
        let result = try await Memwall.run(["place-bench", "--skip-scenarios", "--skip-large", "--tensors=40", "--seeds", "1", "--time-limit=2"])
        #expect(result.status == 0, "\(result)")
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("random") || $0.hasPrefix("FlexGen") || $0.hasPrefix("COSMA") || $0.hasPrefix("SN40L") }
        #expect(rows.count == 1 && rows[0].hasPrefix("random 40 seed 1 (energy)"), "\(result.stdout)")
        let nothing = try await Memwall.run(["place-bench", "--skip-scenarios", "--skip-random"])
        #expect(nothing.status == 2 && nothing.stderrLines.joined().contains("leaves nothing to run"), "\(nothing)")
        let both = try await Memwall.run(["place-bench", "--skip-scenarios", "--scenario", "Workloads/placement/x.yaml"])
        #expect(both.status == 2 && both.stderrLines.joined().contains("contradict"), "\(both)")
    }

    @Test func aPinnedTensorLargerThanItsTierIsInfeasibleWithStepTierAndShortfall() async throws {
        try await withTemporaryDirectory { dir in
            try Self.graph.write(to: dir.appendingPathComponent("graph.yaml"), atomically: true, encoding: .utf8)
            // w is 2,048 B and smem is given 1,000 B: short by 1,048 B at step 0, where w is read.
            try Self.scenario("capacity: { smem: 1000 B }\npin: { w: smem }").write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
            let result = try await Memwall.run(["place", "--scenario", dir.appendingPathComponent("s.yaml").path])
            #expect(result.status == 1, "\(result)")
            let message = result.stderrLines.joined(separator: " ")
            #expect(message.contains("step 0 (mul)"), "\(message)")
            #expect(message.contains("tier smem"), "\(message)")
            #expect(message.contains("short by 1.048 kB"), "\(message)")
            #expect(result.stdout.contains("infeasible"))
        }
    }

    @Test func aSmallGraphIsPlacedWhollyInTheFastTierWhenItFits() async throws {
        try await withTemporaryDirectory { dir in
            try Self.graph.write(to: dir.appendingPathComponent("graph.yaml"), atomically: true, encoding: .utf8)
            try Self.scenario("").write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
            let svg = dir.appendingPathComponent("t.svg").path
            let result = try await Memwall.run(["place", "--scenario", dir.appendingPathComponent("s.yaml").path, "--format", "csv",
                                                "--timeline", svg])
            #expect(result.status == 0, "\(result)")
            // 8 kB in all against 30 MB of shared memory: nothing touches HBM, every segment sits in smem.
            let lines = result.stdoutLines
            #expect(lines.first == "tensor,copies,bytes,segment,start_step,end_step,access_bytes,copies_smem,copies_hbm")
            #expect(lines.count > 4)
            // x and w share size, lifetime and accesses, so they are one entry of 2 copies.
            #expect(lines.dropFirst().allSatisfy { line in
                let fields = line.split(separator: ",")
                return fields.count == 9 && fields[7] == fields[1] && fields[8] == "0"
            }, "\(lines)")
            #expect(lines.contains("x (x2),2,2048,0,0,0,2048,2,0"))
            let plot = try String(contentsOfFile: svg, encoding: .utf8)
            #expect(plot.hasPrefix("<?xml"))
            #expect(plot.contains(">smem</text>") && plot.contains(">hbm</text>"))
        }
    }

    @Test(arguments: [
        ("misspelt key", "objectiv: time", ["s.yaml:6:", "unknown key 'objectiv'"]),
        ("unknown objective", "objective: speed", ["s.yaml:6:", "expected one of time, traffic, energy"]),
        ("pin to a tier not placed into", "pin: { w: l2 }", ["s.yaml:6:", "pin.w", "tier 'l2' is not placed into"]),
        ("pattern matching nothing", "forbid: { \"nothing*\": [hbm] }", ["s.yaml:6:", "matches no tensor"]),
        ("capacity without a unit", "capacity: { smem: lots }", ["s.yaml:6:", "capacity.smem"]),
    ])
    func badScenariosExit2WithTheLocation(_ label: String, _ line: String, _ fragments: [String]) async throws {
        try await withTemporaryDirectory { dir in
            try Self.graph.write(to: dir.appendingPathComponent("graph.yaml"), atomically: true, encoding: .utf8)
            // The scenario without its objective line has five lines; `line` is the sixth.
            let text = Self.scenario("").replacingOccurrences(of: "objective: traffic\n", with: "") + line + "\n"
            try text.write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
            let result = try await Memwall.run(["place", "--scenario", dir.appendingPathComponent("s.yaml").path])
            expectBadInput(result)
            for fragment in fragments { #expect(result.stderr.contains(fragment), "\(label): \(result)") }
        }
    }

    @Test func badOptionsExit2() async throws {
        for arguments in [["place", "--scenario", Self.cosma, "--time-limit", "-1"],
                          ["place", "--scenario", Self.cosma, "--gap", "nan"],
                          ["place", "--hardware", "nvidia-h100-sxm-80gb"],
                          ["place", "--scenario", "no-such-file.yaml"]] {
            let result = try await Memwall.run(arguments)
            expectBadInput(result)
        }
    }
}
