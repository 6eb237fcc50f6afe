import MemwallAnalysis
import MemwallModel
import Testing

/// Published processing-in-memory results on the shipped PIM files (HardwareSpecs/NOTES-pim.md).
/// Each compares the PIM system with its own GPU: the same file without its near-memory engine.
@Suite struct PIMResultsTests {
    static func withoutPIM(_ hardware: Hardware) -> Hardware {
        var gpu = hardware
        gpu.compute.removeAll { $0.nearTier != nil }
        gpu.assignment = .fastest
        return gpu
    }

    /// A decode step of a multi-head (MHA) 8B-class model: every attention op reads the KV cache at 1 FLOP/B.
    static func mhaDecode(batch: Int, context: Int) throws -> Workload {
        let config = ModelConfig(hiddenSize: 4096, intermediateSize: 11008, layers: 2, attentionHeads: 32, keyValueHeads: 32,
                                 vocabSize: 32000)
        let parameters = WorkloadParameters(phase: .decode, batch: batch, seqLen: 1, contextLen: context,
                                            weightDType: .fp16, activationDType: .fp16, kvDType: .fp16)
        return try TransformerGraphBuilder(config: config, parameters: parameters, modelName: "mha").build()
    }

    static func op(_ name: String, in result: AnalysisResult) throws -> OpResult {
        try #require(result.ops.first { $0.name == name })
    }

    /// AttAcc (Park et al., ASPLOS 2024): decode attention runs in the HBM-PIM banks, whose internal
    /// bandwidth is 16x the external one, so it is faster than on the GPU by about that ratio.
    @Test func attaccDecodeAttentionGainsTheInternalToExternalRatio() throws {
        let attacc = try Fixtures.hardware("attacc-system")
        let hbm = attacc.mainMemory
        let ratio = try #require(hbm.internalBandwidth).value / (try #require(hbm.bandwidth).value)
        #expect(abs(ratio - 16) < 0.01)
        let workload = try Self.mhaDecode(batch: 64, context: 4096)
        let pim = try Self.op("layers.0.attention", in: RooflineEngine().analyze(workload, on: attacc))
        let gpu = try Self.op("layers.0.attention", in: RooflineEngine().analyze(workload, on: Self.withoutPIM(attacc)))
        #expect(pim.engine == "attacc-pim")
        #expect(gpu.bound == .memory(attacc.mainMemoryIndex))
        let speedup = gpu.time / pim.time
        #expect(speedup > 0.9 * ratio && speedup <= 1.01 * ratio, "speedup \(speedup)")
    }

    /// Duplex (Yun et al., arXiv 2409.01141, Sec. IV, VII): Logic-PIM on the HBM logic die (4x the
    /// external bandwidth) takes the low-Op/B decode work, MoE experts and GQA attention (Op/B about
    /// 1-8), and wins there; high-Op/B GEMMs stay on the GPU, where Logic-PIM would lose.
    @Test func duplexWinsLowIntensityOpsAndLosesHighIntensityGEMMs() throws {
        let duplex = try Fixtures.hardware("duplex-logic-pim")
        let gpu = Self.withoutPIM(duplex)
        let decode = try Fixtures.workload("Workloads/mixtral-8x7b-decode.yaml", ["batch=8", "weight_dtype=fp16", "activation_dtype=fp16"])
        let onDuplex = try RooflineEngine().analyze(decode, on: duplex)
        let onGPU = try RooflineEngine().analyze(decode, on: gpu)
        for name in ["layers.0.experts_gate", "layers.0.attention"] {
            let a = try Self.op(name, in: onDuplex), b = try Self.op(name, in: onGPU)
            #expect(a.engine == "logic-pim", "\(name)")
            #expect(a.arithmeticIntensity >= 0.5 && a.arithmeticIntensity <= 8, "\(name): \(a.arithmeticIntensity) FLOP/B")
            #expect(b.time / a.time > 3, "\(name): \(b.time / a.time)x")         // about the 4x bandwidth ratio
        }
        // A prefill GEMM (Op/B in the thousands) stays on the GPU; forced onto Logic-PIM it is slower.
        let prefill = try Fixtures.workload("Workloads/llama-3-8b-prefill.yaml", ["seq_len=2048", "weight_dtype=fp16", "activation_dtype=fp16"])
        let gemm = try Self.op("layers.0.gate_proj", in: RooflineEngine().analyze(prefill, on: duplex))
        #expect(gemm.engine == "tensor-core")
        var pimOnly = duplex
        for index in pimOnly.compute.indices where pimOnly.compute[index].nearTier == nil {
            pimOnly.compute[index].executes.remove(.matrix)                   // GPU keeps only vector work
        }
        pimOnly.compute.removeAll { $0.executes.isEmpty }
        pimOnly.assignment = .fastest
        let forced = try Self.op("layers.0.gate_proj", in: RooflineEngine().analyze(prefill, on: pimOnly))
        #expect(forced.engine == "logic-pim")
        #expect(forced.time > 2 * gemm.time)
    }
}
