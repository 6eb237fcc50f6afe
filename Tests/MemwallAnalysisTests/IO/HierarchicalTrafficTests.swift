import MemwallAnalysis
import MemwallModel
import Testing

@Suite struct HierarchicalTrafficTests {
    /// On a registers + SRAM + DRAM machine the DRAM tier serves the GEMM's traffic for a
    /// fast memory of the registers and SRAM of one unit, the SRAM tier the traffic for the
    /// registers alone, and the registers what enters them.
    @Test func eachBoundaryUsesTheCapacityNearerIt() throws {
        let hardware = Hardware(
            name: "three tiers", id: "t", kind: .gpu,
            compute: [ComputeEngine(name: "mx", peak: [.fp32: OperationsPerSecond(1e14)], source: "test")],
            memory: [
                MemoryTier(name: "rf", capacity: Bytes(4096), instances: 4, bandwidth: BytesPerSecond(1e14), source: "test"),
                MemoryTier(name: "sram", capacity: Bytes(12288), instances: 4, bandwidth: BytesPerSecond(1e13), source: "test"),
                MemoryTier(name: "dram", capacity: Bytes(1e9), bandwidth: BytesPerSecond(1e12), source: "test"),
            ],
            mainMemoryIndex: 2)
        let tensors = [
            TensorSpec(name: "a", shape: [512, 256], dtype: .fp32, kind: .input),
            TensorSpec(name: "b", shape: [256, 384], dtype: .fp32, kind: .weight),
            TensorSpec(name: "c", shape: [512, 384], dtype: .fp32, kind: .activation),
        ]
        let workload = Workload(name: "gemm", tensors: tensors, ops: [Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2])])
        let result = try RooflineEngine(ioModel: HierarchicalTraffic()).analyze(workload, on: hardware)
        let gemm = GEMMIO(m: 512, k: 256, n: 384, aBytes: 4, bBytes: 4, cBytes: 4)
        let dram = try #require(gemm.traffic(fastMemoryBytes: 4096 + 12288)).totalBytes
        let sram = try #require(gemm.traffic(fastMemoryBytes: 4096)).totalBytes
        #expect(result.ops[0].bytesByTier == [sram, sram, dram])
        #expect(sram > dram)
    }
}
