import MemwallAnalysis
import MemwallModel
import Testing

/// The shipped models on the shipped H100 must come out physically sensible;
/// each expectation is derived here from the model shapes and datasheet figures.
@Suite struct TransformerRooflineTests {
    let engine = RooflineEngine()

    /// Decode at batch 1 streams every weight once: time per token is at least the
    /// non-embedding weight bytes over HBM bandwidth (the embedding table is
    /// gathered one row per token), and not much more, since KV and activations are small.
    @Test func llama3_8bDecodeIsBoundByStreamingWeights() throws {
        let h100 = try Fixtures.hardware("nvidia-h100-sxm-80gb")
        let workload = try Fixtures.workload("Workloads/llama-3-8b-decode.yaml")
        let result = try engine.analyze(workload, on: h100)
        let m = Fixtures.llama3_8b
        let streamed = 2 * (m.layerParameters + m.embeddingParameters) // layers + LM head, bf16
        let floor = streamed / Fixtures.h100HBMBytesPerSecond
        let kvBytes = 2.0 * Double(m.layers * 4097 * m.kvHeads * m.headDim * 2)
        #expect(result.totals.time >= floor)
        #expect(result.totals.time <= 1.05 * (streamed + kvBytes) / Fixtures.h100HBMBytesPerSecond)
        #expect(result.totals.bound == .memory(h100.mainMemoryIndex))
        // 4-5 ms per token: the range public H100 batch-1 Llama-3-8B decode figures fall in.
        #expect(result.totals.time > 4e-3 && result.totals.time < 6e-3)
    }

    /// FLOPs per decoded token = 2 x (non-embedding parameters) + attention 4 * L * Hq * d * keys,
    /// plus a small vector term (norms, RoPE, activation) bounded here at 0.5%.
    @Test func llama3_8bDecodeFlopsAreTwicePerParameterPlusAttention() throws {
        let h100 = try Fixtures.hardware("nvidia-h100-sxm-80gb")
        let workload = try Fixtures.workload("Workloads/llama-3-8b-decode.yaml")
        let result = try engine.analyze(workload, on: h100)
        let m = Fixtures.llama3_8b
        let keys = 4096.0 + 1
        let matmul = 2 * (m.layerParameters - Double(m.layers * 2 * m.hidden + m.hidden) + m.embeddingParameters)
        let attention = 4 * Double(m.layers * m.heads * m.headDim) * keys
        let expected = matmul + attention
        #expect(result.totals.flops >= expected)
        #expect(result.totals.flops <= expected * 1.005)
    }

    /// Prefill of a 4096-token prompt is compute-bound: at least FLOPs / peak, with
    /// FLOPs = 2 * layer parameters * tokens + causal attention 4*L*Hq*d*T(T+1)/2 + LM head on one position.
    @Test func llama3_8bPrefillIsComputeBound() throws {
        let h100 = try Fixtures.hardware("nvidia-h100-sxm-80gb")
        let workload = try Fixtures.workload("Workloads/llama-3-8b-prefill.yaml")
        let result = try engine.analyze(workload, on: h100)
        let m = Fixtures.llama3_8b
        let t = 4096.0
        let norms = Double(m.layers * 2 * m.hidden + m.hidden)
        let expected = 2 * (m.layerParameters - norms) * t
            + 4 * Double(m.layers * m.heads * m.headDim) * t * (t + 1) / 2
            + 2 * m.embeddingParameters
        #expect(result.totals.flops >= expected)
        #expect(result.totals.flops <= expected * 1.005)
        #expect(result.totals.bound == .compute)
        #expect(result.totals.time >= expected / Fixtures.h100BF16FlopsPerSecond)
        // Matmuls dominate and run at peak; memory-bound vector ops add a little.
        #expect(result.totals.time <= 1.25 * expected / Fixtures.h100BF16FlopsPerSecond)
    }

    /// Larger batches amortise the weights: decode throughput rises with batch until compute binds.
    @Test func decodeThroughputGrowsWithBatch() throws {
        let h100 = try Fixtures.hardware("nvidia-h100-sxm-80gb")
        var previous = 0.0
        for batch in [1, 4, 16, 64] {
            let workload = try Fixtures.workload("Workloads/llama-3-8b-decode.yaml", ["batch=\(batch)", "context_len=512"])
            let rate = try #require(try engine.analyze(workload, on: h100).totals.tokensPerSecond)
            #expect(rate > previous)
            previous = rate
        }
    }

    /// Llama-3-70B in bf16 needs 2 bytes x 70.55e9 parameters = 141.1 GB: it cannot fit one 80 GB H100.
    @Test func llama3_70bDoesNotFitOneH100() throws {
        let h100 = try Fixtures.hardware("nvidia-h100-sxm-80gb")
        let result = try engine.analyze(try Fixtures.workload("Workloads/llama-3-70b-decode.yaml"), on: h100)
        let m = Fixtures.llama3_70b
        let weights = 2 * (m.layerParameters + 2 * m.embeddingParameters)
        #expect(result.footprint.weightBytes == weights)
        #expect(!result.footprint.fits)
        #expect(result.footprint.shortfallBytes == result.footprint.totalBytes - h100.mainMemory.totalCapacity.value)
        #expect(result.footprint.devicesNeeded == 2)
    }

    /// Mixtral decode at batch 1 reads exactly 2 of 8 experts' weights per layer (top-2 routing).
    @Test func mixtralBatchOneReadsTwoExperts() throws {
        let h100 = try Fixtures.hardware("nvidia-h100-sxm-80gb")
        let workload = try Fixtures.workload("Workloads/mixtral-8x7b-decode.yaml", ["batch=1"])
        let result = try engine.analyze(workload, on: h100)
        let main = h100.mainMemoryIndex
        let gate = try #require(result.ops.first { $0.name == "layers.0.experts_gate" })
        // fp8 weights: 4096 x 14336 bytes per expert, 2 experts touched; plus the 4096 x 2 dispatched bf16 rows.
        let weights: Double = 2 * 4096 * 14336
        let rowsIn: Double = 2 * 4096 * 2
        let rowsOut: Double = 2 * 14336 * 2
        let expected = weights + rowsIn + rowsOut
        #expect(abs(gate.bytesByTier[main] - expected) / expected < 1e-12)
    }
}

/// The IO models change the verdict where the papers say they should.
@Suite struct AttentionAlgorithmVerdictTests {
    /// At 32k context on H100, standard attention moves S and P through HBM (4 N^2 words per
    /// head, intensity about d/2 FLOP/B, far below the ridge of about 295) and is HBM-bound;
    /// FlashAttention-2 keeps them on chip and is compute-bound.
    @Test func longContextPrefillStandardIsMemoryBoundFlashIsComputeBound() throws {
        let h100 = try Fixtures.hardware("nvidia-h100-sxm-80gb")
        let workload = try Fixtures.workload("Workloads/llama-3-8b-prefill.yaml", ["seq_len=32768"])
        let hbm = h100.mainMemoryIndex
        let standard = try RooflineEngine(ioModel: HierarchicalTraffic(attention: .standard)).analyze(workload, on: h100)
        let flash = try RooflineEngine(ioModel: HierarchicalTraffic(attention: .flash2)).analyze(workload, on: h100)
        let a = try #require(standard.ops.first { $0.name == "layers.0.attention" })
        let b = try #require(flash.ops.first { $0.name == "layers.0.attention" })
        #expect(a.bound == .memory(hbm))
        #expect(b.bound == .compute)
        // Standard attention's HBM traffic is at least S and P written and read once per head in bf16.
        let n = 32768.0
        #expect(a.bytesByTier[hbm] >= 32 * 4 * n * n * 2)
        #expect(b.bytesByTier[hbm] < a.bytesByTier[hbm] / 100)
        #expect(a.flops == b.flops)
    }

    /// Decode attention reads the KV cache once per KV head (GQA packed), plus the split-KV
    /// partials: 9 splits = min(ceil(132 SMs / 8 KV heads), ceil(4097 keys / 512)).
    @Test func decodeAttentionReadsTheCacheOnce() throws {
        let h100 = try Fixtures.hardware("nvidia-h100-sxm-80gb")
        let workload = try Fixtures.workload("Workloads/llama-3-8b-decode.yaml")
        let result = try RooflineEngine().analyze(workload, on: h100)
        let op = try #require(result.ops.first { $0.name == "layers.0.attention" })
        let cache = 2.0 * 4097 * 8 * 128 * 2                          // K and V, 8 KV heads, bf16
        let splits = 9.0, rows = 4.0, problems = 8.0                   // 4 query heads stacked per KV head
        let queries = problems * splits * rows * 128 * 2               // stacked Q read by every split
        let output = problems * rows * 128 * 2
        let partials = 2 * problems * splits * rows * 129 * 4          // fp32 partial O and LSE, written and read
        #expect(op.bytesByTier[h100.mainMemoryIndex] == cache + queries + output + partials)
    }
}
