import MemwallAnalysis
import MemwallModel
import Testing

/// Compute near memory and assignment rules on a machine whose figures the test chooses:
/// a 100 TFLOPS GPU engine behind a 1 TB/s HBM whose PIM banks see 16 TB/s internally
/// and compute at 32 TFLOPS (balanced for GEMV: 2 FLOPs per 2-byte weight).
@Suite struct NearMemoryComputeTests {
    static func machine(assignment: (threshold: Double, engine: Int)? = nil) -> Hardware {
        var hardware = Hardware(
            name: "gpu + pim", id: "pim", kind: .pim,
            compute: [
                ComputeEngine(name: "gpu", peak: [.fp16: OperationsPerSecond(100e12)], source: "test"),
                ComputeEngine(name: "pim", peak: [.fp16: OperationsPerSecond(32e12)], nearTier: 1, source: "test"),
            ],
            memory: [
                MemoryTier(name: "sram", capacity: Bytes(50e6), bandwidth: BytesPerSecond(20e12), source: "test"),
                MemoryTier(name: "hbm", capacity: Bytes(80e9), bandwidth: BytesPerSecond(1e12),
                           internalBandwidth: BytesPerSecond(16e12), source: "test"),
            ],
            mainMemoryIndex: 1)
        if let assignment { hardware.assignment = .intensity(threshold: assignment.threshold, engineIndex: assignment.engine, source: "test") }
        return hardware
    }

    /// y = x W for x `m x k`, W `k x n`, fp16.
    static func gemv(m: Int, k: Int = 8192, n: Int = 8192) -> Workload {
        let tensors = [TensorSpec(name: "x", shape: [m, k], dtype: .fp16, kind: .input),
                       TensorSpec(name: "w", shape: [k, n], dtype: .fp16, kind: .weight),
                       TensorSpec(name: "y", shape: [m, n], dtype: .fp16, kind: .activation)]
        return Workload(name: "gemv", tensors: tensors, ops: [Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2])])
    }

    /// A GEMV streams the weights once: on the GPU at 1 TB/s, on the PIM banks at 16 TB/s, so
    /// the fastest engine is the PIM and the op is 16x faster (its 32 TFLOPS are not the limit).
    @Test func memoryBoundOpsRunNearMemoryAtTheInternalBandwidth() throws {
        let result = try RooflineEngine(ioModel: CompulsoryTraffic()).analyze(Self.gemv(m: 1), on: Self.machine())
        let op = result.ops[0]
        let read = 2.0 * (8192 + 8192 * 8192), written = 2.0 * 8192
        let flops = 2.0 * 8192 * 8192
        #expect(op.engine == "pim")
        #expect(op.bytesByTier == [0, read + written])
        #expect(op.time == max(flops / 32e12, read / 16e12, written / 1e12))
        let gpuTime = (read + written) / 1e12
        #expect(abs(gpuTime / op.time - 16) < 0.01)
    }

    /// A large GEMM is compute-bound: 100 TFLOPS on the GPU beats 32 TFLOPS in the banks.
    @Test func computeBoundOpsStayOnTheGPU() throws {
        let result = try RooflineEngine(ioModel: CompulsoryTraffic()).analyze(Self.gemv(m: 4096), on: Self.machine())
        #expect(result.ops[0].engine == "gpu")
        #expect(result.ops[0].bound == .compute)
    }

    /// Duplex-style assignment: below the intensity threshold the PIM engine runs the op even when
    /// the GPU would be faster; above it, the GPU.
    @Test func intensityRuleAssignsByOperationalIntensity() throws {
        let hardware = Self.machine(assignment: (threshold: 8, engine: 1))
        let engine = RooflineEngine(ioModel: CompulsoryTraffic())
        // m = 4: intensity 2*4*k*n / (2*(4k + kn + 4n)) ~ 4 FLOP/B < 8 -> PIM.
        let low = try engine.analyze(Self.gemv(m: 4), on: hardware).ops[0]
        #expect(low.engine == "pim")
        #expect(low.arithmeticIntensity < 8)
        // m = 64: intensity ~ 60 FLOP/B -> GPU.
        let high = try engine.analyze(Self.gemv(m: 64), on: hardware).ops[0]
        #expect(high.engine == "gpu")
        #expect(high.arithmeticIntensity > 8)
    }
}
