import Foundation
import MemwallModel
import Testing
import _TestSupport
@testable import MemwallPlacement

/// Tensors, lifetimes, accesses and tiers taken from a workload and a hardware file.
@Suite struct ProblemBuilderTests {
    static let h100 = PackageRoot.url.appendingPathComponent("HardwareSpecs/nvidia-h100-sxm-80gb.yaml").path

    /// x (input) and w (weight), 2,048 B each; y = x * w at step 0; z = 2y at step 1.
    static func tiny() throws -> Workload {
        try WorkloadLoader.load(SpecDocument(text: """
        schema_version: 1
        name: tiny
        tensors:
          x: { shape: [1024], dtype: bf16, kind: input }
          w: { shape: [1024], dtype: bf16, kind: weight }
          y: { shape: [1024], dtype: bf16 }
          z: { shape: [1024], dtype: bf16 }
          unused: { shape: [512], dtype: bf16, kind: weight }
        ops:
          - { name: mul, kind: elementwise, inputs: [x, w], outputs: [y] }
          - { name: scale, kind: elementwise, inputs: [y], outputs: [z] }
        """, file: "tiny.yaml"))
    }

    @Test func lifetimesAndAccessesFollowTheSchedule() throws {
        let hardware = try Hardware.load(contentsOf: Self.h100)
        let settings = PlacementSettings(tiers: ["smem", "hbm"], mergeIdentical: false)
        let problem = try ProblemBuilder.build(workload: try Self.tiny(), hardware: hardware, settings: settings)
        #expect(problem.tiers.map(\.name) == ["smem", "hbm"])
        #expect(problem.tiers[0].capacity == 227 * 1024 * 132) // 227 KiB per SM, 132 SMs
        #expect(problem.tiers[1].bandwidth == 3.35e12)
        #expect(problem.steps.map(\.name) == ["mul", "scale"])
        let byName = Dictionary(uniqueKeysWithValues: problem.tensors.map { ($0.name, $0) })
        #expect(byName["x"]?.accesses == [PlacementAccess(step: 0, bytes: 2048)])
        #expect(byName["y"].map { [$0.birth, $0.death] } == [0, 1])
        #expect(byName["y"]?.accesses == [PlacementAccess(step: 0, bytes: 2048), PlacementAccess(step: 1, bytes: 2048)])
        #expect(byName["z"].map { [$0.birth, $0.death] } == [1, 1])
        // A weight no op reads still takes its 1,024 B for the whole run.
        #expect(byName["unused"].map { [$0.birth, $0.death] } == [0, 1])
        #expect(byName["unused"]?.accesses == [])
    }

    @Test func identicalTensorsMergeUnlessConstraintsDiffer() throws {
        let hardware = try Hardware.load(contentsOf: Self.h100)
        let merged = try ProblemBuilder.build(workload: try Self.tiny(), hardware: hardware, settings: PlacementSettings(tiers: ["smem", "hbm"]))
        #expect(merged.tensors.map(\.name).contains("x (x2)"))
        #expect(merged.tensorCount == 5)
        var pinned = PlacementSettings(tiers: ["smem", "hbm"])
        pinned.pins = [("w", "hbm")]
        let apart = try ProblemBuilder.build(workload: try Self.tiny(), hardware: hardware, settings: pinned)
        #expect(apart.tensors.count == 5)
        #expect(apart.tensors.first { $0.name == "w" }?.pinnedTier == 1)
    }

    @Test func expertWeightsAreReadInTheShareOfExpertsTouched() throws {
        // Mixtral-8x7B decode at batch 16: 16 tokens each pick 2 of 8 experts; the expected number of
        // experts touched is 8 (1 - (6/8)^16), so a step reads that share of an expert weight tensor.
        let workload = try WorkloadLoader.load(contentsOf: PackageRoot.url.appendingPathComponent("Workloads/mixtral-8x7b-decode.yaml").path)
        let hardware = try Hardware.load(contentsOf: PackageRoot.url.appendingPathComponent("HardwareSpecs/sambanova-sn40l.yaml").path)
        var settings = PlacementSettings(tiers: ["hbm", "ddr"], mergeIdentical: false)
        settings.home = "ddr"
        let problem = try ProblemBuilder.build(workload: workload, hardware: hardware, settings: settings)
        let gate = try #require(problem.tensors.first { $0.name.hasSuffix("experts.gate.weight") })
        let share = 8 * (1 - Foundation.pow(0.75, 16.0)) / 8
        #expect(abs(try #require(gate.accesses.first).bytes - gate.bytes * share) <= 1e-6 * gate.bytes)
        #expect(gate.homeTier == 1)
        #expect(problem.tensors.first { $0.name.hasSuffix("experts.gate") }?.homeTier == nil) // produced by an op
    }

    @Test func settingsThatDoNotMatchTheHardwareOrWorkloadSayWhatWasExpected() throws {
        let hardware = try Hardware.load(contentsOf: Self.h100)
        func message(_ settings: PlacementSettings) -> String? {
            do { _ = try ProblemBuilder.build(workload: try Self.tiny(), hardware: hardware, settings: settings); return nil }
            catch { return "\(error)" }
        }
        #expect(message(PlacementSettings(tiers: ["hmb"]))?.hasPrefix("tiers: no tier 'hmb'") == true)
        #expect(message(PlacementSettings(tiers: ["hmb"]))?.hasSuffix("expected one of rf, smem, l2, hbm") == true)
        #expect(message(PlacementSettings(tiers: ["rf", "hbm"]))?.contains("no bandwidth") == true)
        #expect(message(PlacementSettings(tiers: ["hbm"], pins: [("nothing*", "hbm")]))?.hasPrefix("pin.nothing*: matches no tensor") == true)
        #expect(message(PlacementSettings(tiers: ["hbm"], tierLinks: ["hbm": ["pcie9"]]))?.hasPrefix("links.hbm: no link 'pcie9'") == true)
        #expect(message(PlacementSettings(tiers: ["hbm"], capacities: ["smem": 1]))?.hasPrefix("capacity: tier 'smem' is not placed into") == true)
        // The H100's shared memory has no energy figure: the energy objective cannot price it.
        #expect(message(PlacementSettings(tiers: ["smem", "hbm"], objective: .energy))?.hasPrefix("objective: energy needs every tier's energy per byte, and tier 'smem'") == true)
    }

    @Test func wildcardsMatchRunsOfCharacters() {
        #expect(wildcardMatches("layers.*.q_proj.weight", "layers.12.q_proj.weight"))
        #expect(wildcardMatches("*", ""))
        #expect(wildcardMatches("a*b*c", "aXbYc"))
        #expect(!wildcardMatches("a*b*c", "aXbY"))
        #expect(!wildcardMatches("x", "xy"))
    }
}
