import MemwallAnalysis
import MemwallModel
import Testing

/// Qualitative results published for these machines, reproduced on the shipped files.
@Suite struct PublishedHardwareResultsTests {
    /// FastAttention (Lin et al., arXiv 2410.16663) tiles FlashAttention on the Ascend 910B in two
    /// levels: 128 query rows against a 512-key first-level block, split into 128-key blocks for the
    /// cube unit (sizes confirmed in Huawei's pto-isa FlashAttention kernel; HardwareSpecs/NOTES-fastattention.md).
    /// FlashAttention's published block sizing for M = the 910B's L1 gives exactly those blocks, and
    /// the pieces fit the L0A, L0B, L0C, L1 and UB capacities of the spec file (d = 128, fp16 data,
    /// fp32 scores and accumulators).
    @Test func flashAttentionTilingFitsAscendBuffersAsFastAttentionDescribes() throws {
        let ascend = try Fixtures.hardware("huawei-ascend-910b")
        var caps: [String: Double] = [:]
        for tier in ascend.memory { caps[tier.name] = tier.capacity.value }
        func capacity(_ tier: String) -> Double { caps[tier] ?? 0 }
        for tier in ["l0a", "l0b", "l0c", "l1", "ub"] { #expect(capacity(tier) > 0, "missing tier \(tier)") }
        let (d, fp16, fp32) = (128.0, 2.0, 4.0)
        let l1Words = capacity("l1") / fp16
        let shape = AttentionShape(queries: 4096, headDim: 128, queryBytes: fp16)
        let (keys, rows) = FlashAttentionIO(shape: shape, version: .flash1).blocks(fastMemoryWords: l1Words)
        #expect(keys == 512)                 // first-level key block: ceil(M / 4d) = 262144 / 512
        #expect(rows == 128)                 // min(ceil(M / 4d), d)
        let cubeKeys = 128.0                 // second-level block the cube unit multiplies
        #expect(rows * d * fp16 <= capacity("l0a"))                          // Q block
        #expect(cubeKeys * d * fp16 <= capacity("l0b"))                      // K^T (then V) block
        #expect(rows * cubeKeys * fp32 <= capacity("l0c"))                   // score block, fp32
        #expect((rows + 2 * keys) * d * fp16 + rows * keys * fp16 <= capacity("l1"))   // Q, K, V, P staged
        // Each UB serves one of the two vector cores: 64 rows of fp32 scores (P written over them),
        // the fp32 output rows and the row statistics.
        let vectorRows = rows / 2
        #expect(vectorRows * keys * fp32 + vectorRows * d * fp32 + 4 * vectorRows * fp32 <= capacity("ub"))
        // And a block twice as wide would not fit L1: the sizing uses the buffer, not less.
        #expect((rows + 4 * keys) * d * fp16 + rows * 2 * keys * fp16 > capacity("l1"))
    }

    /// LLM decode on the Alveo U280 is HBM-bandwidth bound (FlightLLM, arXiv 2401.03868, runs decode
    /// from the 460 GB/s HBM with int8 compute on the DSPs): Llama-3-8B with 4-bit weights and int8
    /// activations streams its weights once per token, far slower than the DSP array computes.
    @Test func u280DecodeIsHBMBound() throws {
        let u280 = try Fixtures.hardware("amd-alveo-u280")
        let workload = try Fixtures.workload("Workloads/llama-3-8b-decode.yaml",
                                             ["weight_dtype=int4", "activation_dtype=int8", "kv_dtype=int8", "context_len=1024"])
        let result = try RooflineEngine().analyze(workload, on: u280)
        #expect(result.footprint.fits)
        #expect(result.totals.bound == .memory(u280.mainMemoryIndex))
        let m = Fixtures.llama3_8b
        let streamedWeights = 0.5 * (m.layerParameters + m.embeddingParameters)   // int4: layers + LM head
        let bandwidth = try #require(u280.mainMemory.bandwidth).value
        #expect(result.totals.time >= streamedWeights / bandwidth)
        // Compute would take a fraction of that: 2 FLOPs per parameter at the int8 DSP peak.
        let int8Peak = try #require(u280.compute.compactMap { $0.peak[.int8] }.max()).value
        #expect(2 * (m.layerParameters + m.embeddingParameters) / int8Peak < 0.5 * result.totals.time)
    }
}
