import MemwallModel

/// What one op does, independent of the hardware: FLOPs, the bytes it must
/// read and write at least once, and the dtype and engine class it computes in.
public struct OpCost: Sendable, Hashable {
    public var flops: Double
    /// Bytes of input the op reads (for gathers and MoE, only the rows and experts touched).
    public var bytesRead: Double
    public var bytesWritten: Double
    public var computeDType: DType
    public var opClass: OpClass
    /// Special-function evaluations (attention's exponentials), charged at the engine's
    /// `special_functions` rate when the hardware file gives one; 0 for every other op.
    public var specialFunctionOps: Double = 0

    public var compulsoryBytes: Double { bytesRead + bytesWritten }

    public init(flops: Double, bytesRead: Double, bytesWritten: Double, computeDType: DType, opClass: OpClass) {
        self.flops = flops
        self.bytesRead = bytesRead
        self.bytesWritten = bytesWritten
        self.computeDType = computeDType
        self.opClass = opClass
    }

    /// The cost of `op` over `tensors`. Matmul-like FLOPs count 2 per multiply-add;
    /// other ops use ``OpCostConventions``.
    public init(_ op: Op, tensors: [TensorSpec]) {
        let inputs = op.inputs, outputs = op.outputs
        let written = outputs.reduce(0.0) { $0 + tensors[$1].bytes }
        var read = inputs.reduce(0.0) { $0 + tensors[$1].bytes }
        var flops = 0.0
        var exponentials = 0.0
        var dtype = tensors[inputs[0]].dtype
        let outElements = outputs.reduce(0.0) { $0 + tensors[$1].elementCount }

        switch op.kind {
        case .matmul:
            let a = tensors[inputs[0]], b = tensors[inputs[1]]
            let k = Double(a.shape[a.shape.count - 1])
            let n = Double(op.transposeB ? b.shape[0] : b.shape[1])
            let m = a.elementCount / k
            flops = 2 * m * k * n + (inputs.count > 2 ? m * n : 0)
        case .batchedMatmul:
            let a = tensors[inputs[0]], b = tensors[inputs[1]]
            let k = Double(a.shape[a.shape.count - 1])
            flops = 2 * (a.elementCount / k) * k * Double(b.shape[b.shape.count - 1])
        case .expertMatmul:
            let x = tensors[inputs[0]], w = tensors[inputs[1]]
            let k = Double(w.shape[1]), n = Double(w.shape[2]), experts = Double(w.shape[0])
            let rows = x.elementCount / k
            flops = 2 * rows * k * n
            let tokens = rows / Double(op.expertsPerToken ?? 1)
            let touched = Self.expectedExpertsTouched(experts: experts, perToken: Double(op.expertsPerToken ?? 1), tokens: tokens)
            read = x.bytes + w.bytes * touched / experts
        case .attention:
            let q = tensors[inputs[0]]
            let batch = Double(q.shape[0]), queries = q.shape[1], heads = Double(q.shape[2]), headDim = Double(q.shape[3])
            let keys = Self.attentionKeys(of: op, tensors: tensors)
            let pairs = Self.attentionPairs(queries: queries, keys: keys, causal: op.causal, window: op.window)
            flops = 4 * batch * heads * headDim * pairs
            exponentials = OpCostConventions.attentionExponentialsPerScore * batch * heads * pairs
        case .softmax:
            flops = (op.flopsPerElement ?? OpCostConventions.softmaxFlopsPerElement) * outElements
        case .rmsnorm:
            flops = (op.flopsPerElement ?? OpCostConventions.rmsnormFlopsPerElement) * outElements
        case .layernorm:
            flops = (op.flopsPerElement ?? OpCostConventions.layernormFlopsPerElement) * outElements
        case .elementwise:
            let widest = max(outElements, inputs.reduce(0.0) { max($0, tensors[$1].elementCount) })
            flops = (op.flopsPerElement ?? OpCostConventions.elementwiseFlopsPerElement) * widest
        case .embedding:
            let ids = tensors[inputs[0]], table = tensors[inputs[1]]
            read = ids.bytes + ids.elementCount * Double(table.shape[1]) * table.dtype.bytes
            dtype = table.dtype
        case .slice:
            read = written
        }
        self.init(flops: flops, bytesRead: read, bytesWritten: written, computeDType: dtype, opClass: op.kind.opClass)
        specialFunctionOps = exponentials
    }

    /// Query-key pairs scored by attention with `queries` queries aligned to the
    /// end of `keys` keys: all pairs, or under a causal mask each query sees the keys
    /// up to its own position, at most `window` of them.
    ///
    /// Query i (0-based) sees min(keys - queries + 1 + i, window) keys when causal.
    public static func attentionPairs(queries: Int, keys: Int, causal: Bool, window: Int?) -> Double {
        let sq = Double(queries), kt = Double(keys)
        let cap = Double(window ?? Int.max)
        guard causal else { return sq * min(kt, cap) }
        let first = kt - sq + 1                          // keys seen by the first query
        let uncapped = max(0, min(sq, cap - first + 1))  // queries whose count is below the window
        return uncapped * first + uncapped * (uncapped - 1) / 2 + (sq - uncapped) * cap
    }

    /// Keys an attention op scores each query against: the new keys, plus the cached ones when the op
    /// reads a KV cache (inputs q, k, v, k cache, v cache).
    public static func attentionKeys(of op: Op, tensors: [TensorSpec]) -> Int {
        let new = tensors[op.inputs[1]].shape[1]
        return op.inputs.count == 5 ? new + tensors[op.inputs[3]].shape[1] : new
    }

    /// Query-key pairs a FlashAttention-2/3 forward kernel computes with `blockRows` x `blockKeys`
    /// tiles (Br x Bc), where ``attentionPairs`` counts the pairs the mask lets through.
    ///
    /// Without a causal mask the two are the same. Under one, query block i (rows i·Br up to
    /// min((i+1)·Br, sq), queries aligned to the end of the keys, offset = skv - sq) runs key blocks
    /// n_min ..< n_max with n_max = min(ceil(skv / Bc), ceil(((i+1)·Br + offset) / Bc)) and, with a
    /// window w, n_min = max(0, floor((i·Br + offset - (w - 1)) / Bc)), each in full (the masked
    /// part of a block crossing the diagonal is computed, then set to -inf): the loop bounds of
    /// `compute_attn_1rowblock` in FlashAttention-2's `flash_fwd_kernel.h`. Each row of the block
    /// scores min(skv, n_max·Bc) - n_min·Bc keys; a partial last block counts its real rows, as the
    /// non-causal count does. For sq = skv = T·Br and Bc dividing Br that is
    /// Br²·T(T+1)/2 = sq²/2 + sq·Br/2: a fraction 1/2 + Br/(2·sq) of the full square, not 1/2.
    public static func executedAttentionPairs(queries: Int, keys: Int, causal: Bool, window: Int?,
                                              blockRows: Int, blockKeys: Int) -> Double {
        guard causal, queries > 0, keys > 0, blockRows > 0, blockKeys > 0 else {
            return attentionPairs(queries: queries, keys: keys, causal: causal, window: window)
        }
        var total = 0.0
        forEachCausalQueryBlock(queries: queries, keys: keys, window: window, blockRows: blockRows, blockKeys: blockKeys) {
            total += $0
        }
        return total
    }

    /// The pairs each query block of a causal FlashAttention forward kernel computes, in the order of
    /// its grid (`dim3 grid(num_m_block, b, h)`: query block fastest), with the loop bounds of
    /// ``executedAttentionPairs``; a block wholly above the diagonal computes 0. The blocks' unequal
    /// work is what ``BlockSchedule`` schedules.
    public static func executedPairsPerQueryBlock(queries: Int, keys: Int, window: Int?,
                                                  blockRows: Int, blockKeys: Int) -> [Double] {
        guard queries > 0, keys > 0, blockRows > 0, blockKeys > 0 else { return [] }
        var pairs: [Double] = []
        pairs.reserveCapacity((queries + blockRows - 1) / blockRows)
        forEachCausalQueryBlock(queries: queries, keys: keys, window: window, blockRows: blockRows, blockKeys: blockKeys) {
            pairs.append($0)
        }
        return pairs
    }

    /// Calls `body` with the pairs query block 0, 1, ... computes under a causal mask.
    private static func forEachCausalQueryBlock(queries: Int, keys: Int, window: Int?, blockRows: Int, blockKeys: Int,
                                                _ body: (Double) -> Void) {
        let offset = keys - queries
        let keyBlocks = (keys + blockKeys - 1) / blockKeys
        var start = 0
        while start < queries {
            let rows = min(blockRows, queries - start)
            let lastKey = start + blockRows + offset                // one past the block's last visible key
            let maxBlock = min(keyBlocks, lastKey <= 0 ? 0 : (lastKey + blockKeys - 1) / blockKeys)
            var minBlock = 0
            if let window {
                let firstKey = start + offset - (window - 1)
                minBlock = firstKey <= 0 ? 0 : firstKey / blockKeys
            }
            body(maxBlock > minBlock ? Double(rows) * Double(min(keys, maxBlock * blockKeys) - minBlock * blockKeys) : 0)
            start += blockRows
        }
    }

    /// Expected distinct experts used when `tokens` tokens each pick `perToken`
    /// of `experts` experts uniformly at random: E * (1 - (1 - k/E)^T).
    /// Uniform routing touches the most experts for a given load, so weight
    /// traffic is an upper estimate for skewed real routers.
    public static func expectedExpertsTouched(experts: Double, perToken: Double, tokens: Double) -> Double {
        guard experts > perToken else { return experts }
        return experts * (1 - Foundation.pow(1 - perToken / experts, tokens))
    }
}

import Foundation
