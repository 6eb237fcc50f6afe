import MemwallModel

/// Applies each op's kernel IO model at every tier boundary of the hardware.
///
/// `bytes[t]` is the traffic tier t serves to the tier nearer the compute. For a tier
/// up to main memory it is the op's algorithm run against the fast memory nearer that
/// boundary as one kernel tile sees it: the tiers at the sharing level of tier t-1 added
/// up (registers + SMEM of one SM when reading L2; the shared L2 when reading HBM).
/// Assumptions, by tier role:
/// - a managed tier (SMEM, NPU buffers) holds exactly the algorithm's blocks;
/// - a cache tier (L2, Infinity Cache) is treated as an ideal managed tier of its
///   capacity: blocked algorithms are cache-oblivious up to constant factors, and
///   real kernels order their tiles (swizzling) to get that reuse; this is optimistic
///   for access patterns a cache serves poorly;
/// - the nearest tier serves at least what enters it (register-level reuse is not modelled);
/// - tiers beyond main memory see no traffic (the workload is resident in main memory).
/// Ops without a tiling model (elementwise, gathers) move their compulsory bytes.
public struct HierarchicalTraffic: IOModel {
    public enum AttentionAlgorithm: String, Sendable, CaseIterable {
        case flash2, flash1, standard
        case squareTile = "square-tile"
    }

    /// Attention algorithm for prefill-like attention (many query rows).
    public var attention: AttentionAlgorithm
    /// Attention with a KV cache and at most this many query positions uses the split-KV decode model.
    public var decodeQueryLimit: Int

    /// Queries per sequence up to which cached attention is treated as decode (speculative
    /// decoding verifies a handful of tokens per step; chunked prefill uses far more).
    public static let defaultDecodeQueryLimit = 16

    public init(attention: AttentionAlgorithm = .flash2, decodeQueryLimit: Int = HierarchicalTraffic.defaultDecodeQueryLimit) {
        self.attention = attention
        self.decodeQueryLimit = decodeQueryLimit
    }

    public var name: String { "hierarchical (attention: \(attention.rawValue))" }

    public func bytesMoved(by op: Op, cost: OpCost, workload: Workload, hardware: CompiledHardware,
                           into bytes: inout UnsafeMutableBufferPointer<Double>) {
        let main = hardware.mainMemoryIndex
        guard main > 0, let model = kernelModel(for: op, cost: cost, tensors: workload.tensors, hardware: hardware) else {
            for tier in 0...main { bytes[tier] = cost.compulsoryBytes }
            return
        }
        let floor = cost.compulsoryBytes
        for tier in 1...main {
            let fast = hardware.fastCapacity[tier]
            bytes[tier] = max(floor, model.traffic(fastMemoryBytes: fast)?.totalBytes ?? floor)
        }
        bytes[0] = bytes[1]
    }

    /// The kernel IO model for one op, or nil when its compulsory traffic is the whole story.
    public func kernelModel(for op: Op, cost: OpCost, tensors: [TensorSpec], hardware: CompiledHardware) -> (any KernelIOModel)? {
        let inputs = op.inputs.map { tensors[$0] }
        let output = tensors[op.outputs[0]]
        switch op.kind {
        case .matmul:
            let a = inputs[0], b = inputs[1]
            let k = Double(a.shape[a.shape.count - 1])
            let n = Double(op.transposeB ? b.shape[0] : b.shape[1])
            return GEMMIO(m: a.elementCount / k, k: k, n: n, aBytes: a.dtype.bytes, bBytes: b.dtype.bytes,
                          cBytes: output.dtype.bytes, bias: inputs.count > 2)
        case .batchedMatmul:
            let a = inputs[0], b = inputs[1]
            let m = Double(a.shape[a.shape.count - 2]), k = Double(a.shape[a.shape.count - 1])
            let n = Double(b.shape[b.shape.count - 1])
            return GEMMIO(m: m, k: k, n: n, batch: a.elementCount / (m * k), aBytes: a.dtype.bytes,
                          bBytes: b.dtype.bytes, cBytes: output.dtype.bytes)
        case .expertMatmul:
            let x = inputs[0], w = inputs[1]
            let experts = Double(w.shape[0]), k = Double(w.shape[1]), n = Double(w.shape[2])
            let rows = x.elementCount / k
            let perToken = Double(op.expertsPerToken ?? 1)
            let touched = OpCost.expectedExpertsTouched(experts: experts, perToken: perToken, tokens: rows / perToken)
            return GEMMIO(m: rows / touched, k: k, n: n, batch: touched, aBytes: x.dtype.bytes, bBytes: w.dtype.bytes,
                          cBytes: output.dtype.bytes)
        case .attention:
            return attentionModel(op, inputs: inputs, hardware: hardware)
        case .softmax, .rmsnorm, .layernorm:
            let x = inputs[0]
            let length = Double(x.shape[x.shape.count - 1])
            let extra = inputs.dropFirst().reduce(0.0) { $0 + $1.bytes }
            return RowReductionIO(rows: x.elementCount / length, rowLength: length, elementBytes: x.dtype.bytes,
                                  extraBytes: extra)
        case .elementwise, .embedding, .slice:
            return nil
        }
    }

    private func attentionModel(_ op: Op, inputs: [TensorSpec], hardware: CompiledHardware) -> any KernelIOModel {
        let q = inputs[0], k = inputs[1]
        let cached = inputs.count == 5 ? inputs[3].shape[1] : 0
        let kvDType = inputs.count == 5 ? inputs[3].dtype : k.dtype
        let queries = q.shape[1]
        var shape = AttentionShape(batch: q.shape[0], queryHeads: q.shape[2], keyValueHeads: k.shape[2],
                                   queries: queries, keys: k.shape[1] + cached, headDim: q.shape[3], causal: op.causal,
                                   queryBytes: q.dtype.bytes, keyValueBytes: kvDType.bytes,
                                   statisticBytes: AttentionShape.flashStatisticBytes)
        if cached > 0 && queries <= decodeQueryLimit {
            shape.packGQA = true
            let splits = DecodeAttentionIO.defaultSplits(shape: shape, parallelUnits: Double(hardware.instances[0]))
            return DecodeAttentionIO(shape: shape, splits: splits)
        }
        switch attention {
        case .flash2: return FlashAttentionIO(shape: shape, version: .flash2)
        case .flash1: return FlashAttentionIO(shape: shape, version: .flash1)
        case .standard: return StandardAttentionIO(shape: shape)
        case .squareTile: return SquareTiledAttentionIO(shape: shape)
        }
    }
}
