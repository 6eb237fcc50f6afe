import Foundation
@testable import MemwallModel
import Testing
import _TestSupport

@Suite struct HardwareExtensionsTests {
    static let base = """
    name: t
    kind: fpga
    compute:
      - name: dsp
        derived_peak: { units: 9024, clock: 300 MHz, ops_per_unit_per_cycle: { int8: 4, fp16: 1 } }
        source: test
      - name: pim
        near: hbm
        peak: { fp16: 1 TFLOPS }
        source: test
    memory:
      - { name: bram, capacity: 9 MiB, bandwidth: 10 TB/s, source: test }
      - { name: hbm, capacity: 8 GiB, bandwidth: 460 GB/s, internal_bandwidth: 3.68 TB/s, source: test }
    assignment: { rule: intensity, threshold: 8, below: pim, source: test }
    """

    /// peak = units x ops per unit per cycle x clock.
    @Test func derivedPeakNearTierAndAssignment() throws {
        let h = try Hardware.parse(Self.base)
        #expect(h.compute[0].peak[.int8]?.value == 9024 * 4 * 300e6)
        #expect(h.compute[0].peak[.fp16]?.value == 9024 * 1 * 300e6)
        #expect(h.compute[1].nearTier == 1)
        #expect(h.memory[1].internalBandwidth?.value == 3.68e12)
        #expect(h.assignment == .intensity(threshold: 8, engineIndex: 1, source: "test"))
    }

    @Test(arguments: [
        ("near: hbm", "near: dram", "no memory tier named 'dram'"),
        ("internal_bandwidth: 3.68 TB/s, ", "", "has no internal_bandwidth"),
        ("below: pim", "below: pimm", "did you mean 'pim'"),
        ("rule: intensity", "rule: slowest", "expected fastest or intensity"),
        ("derived_peak: { units: 9024,", "peak: { fp16: 1 TFLOPS }\n    derived_peak: { units: 9024,", "not both"),
        ("ops_per_unit_per_cycle: { int8: 4, fp16: 1 }", "ops_per_unit_per_cycle: { int9: 4 }", "unknown dtype 'int9'"),
    ])
    func badExtensionsFailWithALocatedError(from: String, to: String, fragment: String) {
        let text = Self.base.replacingOccurrences(of: from, with: to)
        #expect(text != Self.base)
        let error = specError { _ = try Hardware.parse(text, file: "x.yaml") }
        #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
    }

    /// A system file takes the device's engines and tiers, appends farther tiers and links,
    /// and overrides power.
    @Test func systemFilesComposeADevice() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memwall-system-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: PackageRoot.path("HardwareSpecs/nvidia-h100-sxm-80gb.yaml"),
                                         toPath: folder.appendingPathComponent("gpu.yaml").path)
        let system = folder.appendingPathComponent("box.yaml").path
        try """
        name: box
        device: gpu
        count: 8
        memory:
          - { name: host-dram, capacity: 2 TiB, bandwidth: 307 GB/s, source: test }
        links:
          - { name: pcie-host, bandwidth: 64 GB/s, source: test }
        power: { tdp: 10.2 kW, source: test }
        """.write(toFile: system, atomically: true, encoding: .utf8)
        let h = try Hardware.load(contentsOf: system)
        let device = try Hardware.load(contentsOf: folder.appendingPathComponent("gpu.yaml").path)
        #expect(h.kind == .system)
        #expect(h.deviceCount == 8)
        #expect(h.memory.map(\.name) == device.memory.map(\.name) + ["host-dram"])
        #expect(h.mainMemory.name == "hbm")
        #expect(h.compute == device.compute)
        #expect(h.links.map(\.name) == device.links.map(\.name) + ["pcie-host"])
        #expect(h.power?.tdp.value == 10_200)

        try "name: broken\ndevice: nowhere\n".write(toFile: system, atomically: true, encoding: .utf8)
        let error = specError { _ = try Hardware.load(contentsOf: system) }
        #expect(error?.description.contains("no device file 'nowhere'") == true)
    }
}

/// The FPGA clock is a parameter: derived peaks scale with it; listed peaks cannot be re-clocked.
@Suite struct ReclockingTests {
    @Test func derivedPeaksScaleWithTheClock() throws {
        let u280 = try Hardware.load(contentsOf: PackageRoot.path("HardwareSpecs/amd-alveo-u280.yaml"))
        let engine = try #require(u280.compute.first { $0.derivedClock != nil })
        let base = try #require(engine.derivedClock).value
        let faster = try #require(u280.reclocked(to: Hertz(2 * base)))
        let scaled = try #require(faster.compute.first { $0.name == engine.name })
        for (dtype, peak) in engine.peak { #expect(scaled.peak[dtype]?.value == 2 * peak.value) }
        // DS963: 9,024 DSP slices; int8 packs 2 MACs (4 ops) per DSP per cycle.
        #expect(scaled.peak[.int8]?.value == 9024 * 4 * 2 * base)
        let h100 = try Hardware.load(contentsOf: PackageRoot.path("HardwareSpecs/nvidia-h100-sxm-80gb.yaml"))
        #expect(h100.reclocked(to: Hertz(1e9)) == nil)
    }
}
