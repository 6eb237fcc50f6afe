import Foundation
import MemwallCalibration
import MemwallModel
import MemwallNumerics

/// A toy device whose kernel times have closed forms: a per-SM scratchpad big enough that every
/// operand fits (so traffic is compulsory) in front of DRAM, 8 SMs, one engine.
enum SyntheticDevice {
    static let peak = 100e12          // FLOP/s, bf16
    static let bandwidth = 1e12       // B/s, DRAM
    static let units = 8

    static let yaml = """
    name: Synthetic
    kind: gpu
    compute:
      - { name: tc, executes: [matrix, vector], peak: { bf16: 100 TFLOPS }, source: test }
    memory:
      - { name: sram, capacity: 1 TB, instances: 8, shared_by: sm, source: test }
      - { name: dram, capacity: 1 TB, bandwidth: 1 TB/s, source: test }
    """

    static func hardware() throws -> Hardware { try Hardware.parse(yaml, file: "synthetic.yaml") }

    /// The true parameters the synthetic measurements are generated from.
    struct Truth {
        var compute = 0.62
        var memory = 0.83
        var overhead = 4.5e-6
    }

    /// GEMM shapes whose 128 x 128 tiles fill the 8 SMs in whole waves (utilisation 1), and copies.
    static func measurements(_ truth: Truth, noise: Double = 0, seed: UInt64 = 1) -> [KernelMeasurement] {
        var rng = SplitMix64(seed: seed)
        var rows: [KernelMeasurement] = []
        let provenance = KernelMeasurement.Provenance(device: "synthetic", source: "closed form")
        func jitter() -> Double { exp(noise * rng.nextSigned()) }
        for (m, n) in [(256, 512), (512, 512), (1024, 512), (1024, 1024)] {
            for k in [64, 256, 1024, 4096, 16384] {
                let flops = 2.0 * Double(m * n * k)
                let bytes = 2.0 * Double(m * k + k * n + m * n)
                let time = max(flops / (peak * truth.compute), bytes / (bandwidth * truth.memory)) + truth.overhead
                rows.append(KernelMeasurement(kernel: .gemm, shape: ["m": m, "n": n, "k": k], dtype: .bf16,
                                              time: time * jitter(), provenance: provenance, location: "gemm \(m)x\(n)x\(k)"))
            }
        }
        for n in [1 << 16, 1 << 20, 1 << 24, 1 << 27] {
            let time = 4.0 * Double(n) / (bandwidth * truth.memory) + truth.overhead     // bf16: read 2n B, write 2n B
            rows.append(KernelMeasurement(kernel: .copy, shape: ["n": n], dtype: .bf16, time: time * jitter(),
                                          provenance: provenance, location: "copy \(n)"))
        }
        return rows
    }
}
