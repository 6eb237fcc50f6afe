import MemwallAnalysis
import MemwallModel
import Testing

@Suite struct FootprintAnalysisTests {
    /// Peak live activation bytes against a naive simulation that, before each op,
    /// sums every non-resident tensor already written (or an input) and still needed.
    @Test func peakLivenessMatchesNaiveSimulation() throws {
        let workload = try Fixtures.workload("Workloads/graphs/gpt2-block.yaml", ["batch=2", "seq_len=64"])
        var naivePeak = 0.0
        for step in workload.ops.indices {
            var live = 0.0
            for (index, tensor) in workload.tensors.enumerated() where !tensor.kind.isResident {
                let producer = workload.ops.firstIndex { $0.outputs.contains(index) }
                let born = producer ?? 0
                let readers = workload.ops.indices.filter { workload.ops[$0].inputs.contains(index) }
                let dies = readers.last ?? workload.ops.count - 1
                if born <= step && step <= dies { live += tensor.bytes }
            }
            naivePeak = max(naivePeak, live)
        }
        #expect(FootprintAnalysis.peakLiveActivationBytes(workload) == naivePeak)
    }

    /// KV cache of a decode step: 2 (K and V) x layers x batch x (cached + new) x KV heads x head dim x bytes.
    @Test(arguments: [(DType.bf16, 2.0), (.fp8, 1.0), (.int4, 0.5)])
    func kvCacheBytes(dtype: DType, bytes: Double) throws {
        let workload = try Fixtures.workload("Workloads/llama-3-8b-decode.yaml", ["batch=3", "context_len=1000", "kv_dtype=\(dtype.rawValue)"])
        let footprint = FootprintAnalysis.footprint(of: workload, in: try Fixtures.hardware("nvidia-h100-sxm-80gb").mainMemory)
        #expect(footprint.kvCacheBytes == 2 * 32 * 3 * 1001 * 8 * 128 * bytes)
    }
}
