import MemwallModel
import Testing

@Suite struct CalibrationLoadingTests {
    static func file(_ calibration: String) -> String {
        """
        name: Toy
        kind: gpu
        compute:
          - { name: tc, executes: [matrix], peak: { bf16: 100 TFLOPS, fp16: 100 TFLOPS }, source: test }
        memory:
          - { name: sram, capacity: 1 MiB, instances: 10, shared_by: sm, source: test }
          - { name: dram, capacity: 1 GB, bandwidth: 1 TB/s, source: test }
        \(calibration)
        """
    }

    @Test func readsEveryField() throws {
        let hardware = try Hardware.parse(Self.file("""
        calibration:
          parallel_units: 10
          tile: { m: 64, n: 32, split_k_min: 128, attention_rows: 96, attention_keys: 16, attention_blocks_per_unit: 2 }
          launch_overhead: 4 us
          source_overheads:
            - { source: "https://example.org/bench", overhead: 12 us, uncertainty: 1 us }
          compute:
            - { engine: tc, efficiency: 0.5 }
            - { engine: tc, dtype: bf16, family: gemm, efficiency: 0.8, uncertainty: 0.01 }
          memory:
            - { tier: dram, efficiency: 0.9 }
          fitted_on: [a.csv]
          source: test
        """))
        let c = try #require(hardware.calibration)
        #expect(c.parallelUnits == 10)
        #expect(c.tile == Calibration.Tile(m: 64, n: 32, splitKMin: 128, attentionRows: 96, attentionKeys: 16, attentionBlocksPerUnit: 2))
        #expect(c.tile.attentionSlotsPerUnit == 2)
        #expect(c.launchOverhead?.value == 4e-6)
        #expect(c.sourceOverheads == [.init(source: "https://example.org/bench", overhead: Seconds(12e-6), uncertainty: Seconds(1e-6))])
        #expect(c.overhead(ofSource: "https://example.org/bench") == 12e-6)
        #expect(c.overhead(ofSource: "measured") == 0)
        #expect(c.memoryEfficiency(tier: "dram") == 0.9)
        #expect(c.fittedOn == ["a.csv"])
        // The most specific entry wins; the engine-wide one covers the rest.
        #expect(c.computeEfficiency(engine: "tc", dtype: .bf16, family: .gemm) == 0.8)
        #expect(c.computeEfficiency(engine: "tc", dtype: .fp16, family: .gemm) == 0.5)
        #expect(c.computeEfficiency(engine: "tc", dtype: .bf16, family: .attention) == 0.5)
        #expect(c.computeEfficiency(engine: "other", dtype: .bf16, family: .gemm) == nil)
    }

    /// Not stated: nil (so `memwall calibrate` may choose it); the engine schedules one block per unit.
    @Test func occupancyNotStatedIsOneBlockPerUnit() throws {
        let c = try #require(try Hardware.parse(Self.file("calibration: { parallel_units: 10, tile: { m: 64 }, source: t }")).calibration)
        #expect(c.tile.attentionBlocksPerUnit == nil)
        #expect(c.tile.attentionSlotsPerUnit == 1)
    }

    @Test func absentSectionIsThePureRoofline() throws {
        #expect(try Hardware.parse(Self.file("")).calibration == nil)
    }

    @Test(arguments: [
        ("calibration: { parallel_units: 10, compute: [{ engine: tcx, efficiency: 0.5 }], source: t }", "no compute engine named 'tcx'"),
        ("calibration: { parallel_units: 10, memory: [{ tier: sram, efficiency: 0.5 }], source: t }", "tier 'sram' has no bandwidth"),
        ("calibration: { parallel_units: 0, source: t }", "parallel_units"),
        ("calibration: { parallel_units: 10, compute: [{ engine: tc, efficiency: 2 }], source: t }", "efficiency"),
        ("calibration: { parallel_units: 10 }", "source"),
        ("calibration: { parallel_units: 10, launch_overhead: -1 us, source: t }", "is negative"),
        ("calibration: { parallel_units: 10, bogus: 1, source: t }", "bogus"),
        ("calibration: { parallel_units: 10, tile: { attention_blocks_per_unit: 0 }, source: t }", "attention_blocks_per_unit"),
        ("calibration: { parallel_units: 10, source_overheads: [{ source: a, overhead: 1 us }, { source: a, overhead: 2 us }], source: t }", "listed twice"),
        ("calibration: { parallel_units: 10, source_overheads: [{ source: a, overhead: -1 us }], source: t }", "negative"),
        ("calibration: { parallel_units: 10, source_overheads: [{ overhead: 1 us }], source: t }", "source"),
        ("calibration: { parallel_units: 10, tile: { attention_blocks_per_unit: 33 }, source: t }", "1...32"),
        ("calibration: { parallel_units: 10, tile: { attention_rows: 0 }, source: t }", "attention_rows"),
    ])
    func badSectionsAreLocated(text: String, expected: String) {
        do {
            _ = try Hardware.parse(Self.file(text), file: "toy.yaml")
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.description.hasPrefix("toy.yaml:"), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
        }
    }
}
