import MemwallAnalysis
import MemwallCalibration
import MemwallModel
import Testing
import _TestSupport

/// The `model` kernel (a whole prefill or decode step of the model builder's graph), and the shipped
/// whole-model rows against the published figures they were transcribed from.
@Suite struct ModelMeasurementTests {
    /// A tiny config: h 8, 2 query heads and 1 KV head of d 4, MLP 16, 2 layers, vocab 10; 3 new tokens.
    static let csv = """
    kernel,variant,shape,dtype,time_s,device,source
    model,prefill,h=8 hq=2 hkv=1 ffn=16 layers=2 vocab=10 seq=3,bf16,1e-3,x,y
    model,decode,h=8 hq=2 hkv=1 ffn=16 layers=2 vocab=10 seq=1 b=2 ctx=5 tied=1,bf16,1e-4,x,y
    """

    @Test func aModelRowIsTheBuildersWholeGraph() throws {
        let rows = try MeasurementCSV.parse(Self.csv, file: "m.csv")
        #expect(rows[0].family == "model/prefill" && rows[1].family == "model/decode")
        #expect(rows[0].shape["d"] == 4 && rows[0].shape["b"] == 1 && rows[0].shape["ctx"] == 0 && rows[0].shape["tied"] == 0)
        let workload = try rows[0].workload()
        let names = workload.ops.map(\.name)
        #expect(names.first == "embed_tokens" && names.last == "lm_head")
        #expect(names.filter { $0.hasSuffix(".attention") }.count == 2)
        #expect(workload.ops.filter { $0.kind == .matmul }.count == 2 * 7 + 1)
    }

    /// FLOPs written out op by op for the prefill row (b 1, s 3, causal: 3 x 4 / 2 = 6 scores per head):
    /// per layer rmsnorm 4 b s h twice, projections 2 b s h (hq d + 2 hkv d) and 2 b s hq d h, RoPE 3 b s (hq + hkv) d,
    /// attention 4 b hq d x 6, residual adds b s h twice, gate/up/down 3 x 2 b s h ffn, SwiGLU 4 b s ffn; then the
    /// final norm 4 b h and the head 2 b h vocab on the last position. Weight bytes: every weight tensor once, bf16.
    @Test func tinyConfigFlopsAndWeightBytesMatchAClosedForm() throws {
        let rows = try MeasurementCSV.parse(Self.csv, file: "m.csv")
        let (b, s, h, hq, hkv, d, ffn, layers, vocab) = (1.0, 3.0, 8.0, 2.0, 1.0, 4.0, 16.0, 2.0, 10.0)
        let perLayer = 2 * 4 * b * s * h
            + 2 * b * s * h * (hq * d + 2 * hkv * d) + 2 * b * s * hq * d * h
            + 3 * b * s * (hq + hkv) * d
            + 4 * b * hq * d * 6
            + 2 * b * s * h
            + 3 * 2 * b * s * h * ffn + 4 * b * s * ffn
        let flops = layers * perLayer + 4 * b * h + 2 * b * h * vocab
        let workload = try rows[0].workload()
        let counted = workload.ops.reduce(0.0) { $0 + OpCost($1, tensors: workload.tensors).flops }
        #expect(counted == flops)
        let weights = vocab * h + layers * (2 * h + h * (hq + 2 * hkv) * d + hq * d * h + 3 * h * ffn) + h + h * vocab
        let weightBytes = workload.tensors.filter { $0.kind == .weight }.reduce(0.0) { $0 + $1.bytes }
        #expect(weightBytes == 2 * weights)
        // Tied: the head reads the embedding table, so one vocab x h table fewer.
        let tied = try rows[1].workload()
        #expect(tied.tensors.filter { $0.kind == .weight }.reduce(0.0) { $0 + $1.bytes } == 2 * (weights - h * vocab))
        // The engine's totals carry the same FLOPs.
        let h100 = try Hardware.load(contentsOf: PackageRoot.path("HardwareSpecs/nvidia-h100-sxm-80gb.yaml"))
        #expect(try rows[0].predict(on: CompiledHardware(h100)).totals.flops == flops)
    }

    @Test func badModelShapesAreRefused() {
        let bad = "kernel,variant,shape,dtype,time_s,device,source\nmodel,prefill,h=8 hq=2 ffn=16 layers=2 seq=3,bf16,1,x,y\n"
        #expect(throws: SpecError.self) { try MeasurementCSV.parse(bad, file: "b.csv") }
        let tied = "kernel,variant,shape,dtype,time_s,device,source\nmodel,prefill,h=8 hq=2 ffn=16 layers=2 vocab=3 seq=3 tied=2,bf16,1,x,y\n"
        #expect(throws: SpecError.self) { try MeasurementCSV.parse(tied, file: "b.csv") }
    }

    /// Llama-2-7B's Hugging Face config: hidden 4096, 32 heads (no GQA), intermediate 11008, 32 layers, vocab 32000.
    static func isLlama2_7B(_ r: KernelMeasurement) -> Bool {
        r.kernel == .model && r.shape["h"] == 4096 && r.shape["hq"] == 32 && r.shape["hkv"] == 32 && r.shape["ffn"] == 11008
            && r.shape["layers"] == 32 && r.shape["vocab"] == 32000 && r.shape["tied"] == 0 && r.shape["b"] == 1
    }

    /// TensorRT-LLM's "Low Latency" tables print whole milliseconds; gpt-fast prints tokens per second.
    @Test func timesFollowFromThePublishedFigures() throws {
        let a100 = try ShippedMeasurements.load("a100-model.csv"), h100 = try ShippedMeasurements.load("h100-model.csv")
        #expect(a100.count == 3 && h100.count == 2)
        #expect((a100 + h100).allSatisfy(Self.isLlama2_7B))
        let trt = "https://github.com/NVIDIA/TensorRT-LLM/blob/138f96d45f90b9667426f7c47297d8c06bafac73/docs/source/performance.md"
        for (rows, seq, ms, dtype) in [(a100, 128, 16.0, DType.fp16), (a100, 2048, 133.0, .fp16), (h100, 128, 7.0, .fp8), (h100, 2048, 36.0, .fp8)] {
            let row = try #require(rows.first { $0.variant == "prefill" && $0.shape["seq"] == seq })
            #expect(row.time == ms / 1000 && row.dtype == dtype && row.provenance.source == trt && row.shape["ctx"] == 0)
        }
        let decode = try #require(a100.first { $0.variant == "decode" })
        #expect(abs(decode.time - 1 / 104.9) <= 1e-6 * decode.time)
        #expect(decode.shape["seq"] == 1 && decode.dtype == .bf16 && decode.provenance.device.contains("330 W"))
    }
}
