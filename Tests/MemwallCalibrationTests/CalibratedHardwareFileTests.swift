import MemwallCalibration
import MemwallModel
import Testing

@Suite struct CalibratedHardwareFileTests {
    static let calibration = Calibration(
        parallelUnits: 8, tile: .init(m: 64, n: 128, splitKMin: 512, attentionRows: 96, attentionKeys: 32, attentionBlocksPerUnit: 2),
        compute: [.init(engine: "tc", dtype: .bf16, family: .gemm, efficiency: 0.61234, uncertainty: 0.01)],
        memory: [.init(tier: "dram", efficiency: 0.8, uncertainty: 0.02)],
        launchOverhead: Seconds(4.5e-6), launchOverheadUncertainty: Seconds(1e-7),
        sourceOverheads: [.init(source: "https://example.org/a \"b\"", overhead: Seconds(36.8e-6), uncertainty: Seconds(8.1e-6))],
        fittedOn: ["a \"quoted\" file.csv (3 rows)"], source: "fit: test")

    @Test func theWrittenFileLoadsWithTheCalibration() throws {
        let text = CalibratedHardwareFile.render(original: SyntheticDevice.yaml, calibration: Self.calibration)
        let loaded = try #require(try Hardware.parse(text).calibration)
        #expect(loaded.parallelUnits == 8 && loaded.tile == Self.calibration.tile)
        #expect(loaded.computeEfficiency(engine: "tc", dtype: .bf16, family: .gemm) == 0.6123)   // 4 significant digits
        #expect(loaded.memoryEfficiency(tier: "dram") == 0.8)
        #expect(abs(loaded.launchOverhead!.value - 4.5e-6) < 1e-15)
        #expect(loaded.sourceOverheads.map(\.source) == ["https://example.org/a \"b\""])
        #expect(abs(loaded.overhead(ofSource: "https://example.org/a \"b\"") - 36.8e-6) < 1e-15)
        #expect(loaded.fittedOn == Self.calibration.fittedOn)
        #expect(text.hasPrefix(SyntheticDevice.yaml))
    }

    @Test func recalibratingReplacesTheSectionAndKeepsTheRest() throws {
        let once = CalibratedHardwareFile.render(original: SyntheticDevice.yaml + "\nnotes: kept\n", calibration: Self.calibration)
        var second = Self.calibration
        second.memory = [.init(tier: "dram", efficiency: 0.5)]
        let twice = CalibratedHardwareFile.render(original: once, calibration: second)
        #expect(twice.components(separatedBy: "\ncalibration:").count == 2)
        #expect(twice.contains("notes: kept"))
        #expect(try Hardware.parse(twice).calibration?.memoryEfficiency(tier: "dram") == 0.5)
    }
}
