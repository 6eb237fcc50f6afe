/// Expands a ``ModelConfig`` into the op graph of one prefill or decode step
/// of a Llama-style decoder: embedding, per layer (RMSNorm, Q/K/V projections,
/// RoPE, KV-cache write, attention with GQA and causal masking, output
/// projection, residual, RMSNorm, SwiGLU MLP or a routed mixture of experts,
/// residual), final RMSNorm and the LM head.
///
/// Tensors use the BSHD layout. New keys and values are copied into the cache
/// (`kv_cache` tensors of `seq_len` tokens); earlier tokens are read from
/// `kv_cache` tensors of `context_len` tokens (capped at the sliding window).
/// MoE layers dispatch each token's row to its experts (a copy), run the expert
/// projections over the dispatched rows, and combine with the router weights.
public struct TransformerGraphBuilder: Sendable {
    public var config: ModelConfig
    public var parameters: WorkloadParameters
    public var modelName: String
    /// Expert parallelism: the devices a mixture of experts is spread over. The graph is then one
    /// device's share: `experts / expertShards` experts and the `tokens x k / expertShards` rows
    /// routed to them on average. 1 builds the whole model.
    public var expertShards: Int

    public init(config: ModelConfig, parameters: WorkloadParameters, modelName: String, expertShards: Int = 1) {
        self.config = config
        self.parameters = parameters
        self.modelName = modelName
        self.expertShards = expertShards
    }

    /// Builds the graph. Shapes are checked by ``Workload/validatedOrder(tensors:ops:)``.
    public func build() throws(GraphIssue) -> Workload {
        try checkSize()
        var graph = GraphAccumulator()
        let c = config, p = parameters
        let (b, s, h) = (p.batch, p.seqLen, c.hiddenSize)
        let (hq, hkv, d) = (c.attentionHeads, c.keyValueHeads, c.headDim)
        let cached = min(p.contextLen, c.slidingWindow ?? Int.max)
        let (w, a, kv) = (p.weightDType, p.activationDType, p.kvDType)

        let ids = graph.tensor("input_ids", [b, s], .int32, .input)
        let embedTable = graph.tensor("embed_tokens.weight", [c.vocabSize, h], w, .weight)
        var hidden = graph.tensor("hidden.0", [b, s, h], a, .activation)
        graph.op("embed_tokens", .embedding, [ids, embedTable], [hidden])

        for layer in 0..<c.layers {
            let n = Self.layerPrefix + "\(layer)."
            func act(_ name: String, _ shape: [Int]) -> Int { graph.tensor(n + name, shape, a, .activation) }
            func weight(_ name: String, _ shape: [Int]) -> Int { graph.tensor(n + name, shape, w, .weight) }

            // Attention block.
            let xNorm = act("attn_norm.out", [b, s, h])
            graph.op(n + "attn_norm", .rmsnorm, [hidden, weight("attn_norm.weight", [h])], [xNorm])
            let q = act("q", [b, s, hq, d]), k = act("k", [b, s, hkv, d]), v = act("v", [b, s, hkv, d])
            graph.op(n + "q_proj", .matmul, [xNorm, weight("q_proj.weight", [h, hq * d])], [q])
            graph.op(n + "k_proj", .matmul, [xNorm, weight("k_proj.weight", [h, hkv * d])], [k])
            graph.op(n + "v_proj", .matmul, [xNorm, weight("v_proj.weight", [h, hkv * d])], [v])
            let qRot = act("q_rot", [b, s, hq, d]), kRot = act("k_rot", [b, s, hkv, d])
            graph.op(n + "rope", .elementwise, [q, k], [qRot, kRot], flopsPerElement: OpCostConventions.ropeFlopsPerElement)
            let kNew = graph.tensor(n + "k_cache.new", [b, s, hkv, d], kv, .kvCache)
            let vNew = graph.tensor(n + "v_cache.new", [b, s, hkv, d], kv, .kvCache)
            graph.op(n + "k_cache_write", .elementwise, [kRot], [kNew], flopsPerElement: OpCostConventions.copyFlopsPerElement)
            graph.op(n + "v_cache_write", .elementwise, [v], [vNew], flopsPerElement: OpCostConventions.copyFlopsPerElement)
            var attentionInputs = [qRot, kRot, v]
            if cached > 0 {
                attentionInputs.append(graph.tensor(n + "k_cache", [b, cached, hkv, d], kv, .kvCache))
                attentionInputs.append(graph.tensor(n + "v_cache", [b, cached, hkv, d], kv, .kvCache))
            }
            let attention = act("attn.out", [b, s, hq * d])
            graph.op(n + "attention", .attention, attentionInputs, [attention], causal: true, window: c.slidingWindow)
            let projected = act("o_proj.out", [b, s, h])
            graph.op(n + "o_proj", .matmul, [attention, weight("o_proj.weight", [hq * d, h])], [projected])
            let residual = act("residual.attn", [b, s, h])
            graph.op(n + "residual_attn", .elementwise, [hidden, projected], [residual],
                     flopsPerElement: OpCostConventions.residualAddFlopsPerElement)

            // MLP block.
            let mNorm = act("mlp_norm.out", [b, s, h])
            graph.op(n + "mlp_norm", .rmsnorm, [residual, weight("mlp_norm.weight", [h])], [mNorm])
            let mlpOut = act("mlp.out", [b, s, h])
            let i = c.intermediateSize
            if let allExperts = c.localExperts, let top = c.expertsPerToken, allExperts > 1 {
                let logits = act("router.logits", [b, s, allExperts])
                graph.op(n + "router", .matmul, [mNorm, weight("router.weight", [h, allExperts])], [logits])
                let probs = act("router.probs", [b, s, allExperts])
                graph.op(n + "router_softmax", .softmax, [logits], [probs])
                let shards = max(1, expertShards)
                let experts = allExperts / shards
                // Each expert op sees whole tokens: round the device's share of rows up to a multiple of
                // the experts a token uses here (exact when the shares divide evenly).
                let perToken = min(top, experts)
                let share = (b * s * top + shards - 1) / shards
                let rows = (share + perToken - 1) / perToken * perToken
                let dispatched = act("experts.dispatched", [rows, h])
                graph.op(n + "experts_dispatch", .elementwise, [mNorm, probs], [dispatched],
                         flopsPerElement: OpCostConventions.copyFlopsPerElement)
                let gate = act("experts.gate", [rows, i]), up = act("experts.up", [rows, i])
                graph.op(n + "experts_gate", .expertMatmul, [dispatched, weight("experts.gate.weight", [experts, h, i])], [gate],
                         expertsPerToken: min(top, experts))
                graph.op(n + "experts_up", .expertMatmul, [dispatched, weight("experts.up.weight", [experts, h, i])], [up],
                         expertsPerToken: min(top, experts))
                let activated = act("experts.act", [rows, i])
                graph.op(n + "experts_act", .elementwise, [gate, up], [activated],
                         flopsPerElement: OpCostConventions.siluGateFlopsPerElement)
                let down = act("experts.down", [rows, h])
                graph.op(n + "experts_down", .expertMatmul, [activated, weight("experts.down.weight", [experts, i, h])], [down],
                         expertsPerToken: min(top, experts))
                graph.op(n + "experts_combine", .elementwise, [down, probs], [mlpOut],
                         flopsPerElement: OpCostConventions.expertCombineFlopsPerElement)
            } else {
                let gate = act("mlp.gate", [b, s, i]), up = act("mlp.up", [b, s, i])
                graph.op(n + "gate_proj", .matmul, [mNorm, weight("gate_proj.weight", [h, i])], [gate])
                graph.op(n + "up_proj", .matmul, [mNorm, weight("up_proj.weight", [h, i])], [up])
                let activated = act("mlp.act", [b, s, i])
                graph.op(n + "mlp_act", .elementwise, [gate, up], [activated],
                         flopsPerElement: OpCostConventions.siluGateFlopsPerElement)
                graph.op(n + "down_proj", .matmul, [activated, weight("down_proj.weight", [i, h])], [mlpOut])
            }
            let next = graph.tensor("hidden.\(layer + 1)", [b, s, h], a, .activation)
            graph.op(n + "residual_mlp", .elementwise, [residual, mlpOut], [next],
                     flopsPerElement: OpCostConventions.residualAddFlopsPerElement)
            hidden = next
        }

        // Head: logits for the last position (serving) or for every position.
        let positions = p.logits == .last ? 1 : s
        if positions < s {
            let last = graph.tensor("hidden.last", [b, 1, h], a, .activation)
            graph.op("select_last", .slice, [hidden], [last])
            hidden = last
        }
        let finalNorm = graph.tensor("norm.out", [b, positions, h], a, .activation)
        graph.op("norm", .rmsnorm, [hidden, graph.tensor("norm.weight", [h], w, .weight)], [finalNorm])
        let logits = graph.tensor("logits", [b, positions, c.vocabSize], a, .activation)
        if c.tieWordEmbeddings {
            graph.op("lm_head", .matmul, [finalNorm, embedTable], [logits], transposeB: true)
        } else {
            graph.op("lm_head", .matmul, [finalNorm, graph.tensor("lm_head.weight", [h, c.vocabSize], w, .weight)], [logits])
        }

        let ordered = try Workload.validatedOrder(tensors: graph.tensors, ops: graph.ops)
        return Workload(
            name: "\(modelName) \(p.phase.rawValue)",
            description: "\(modelName), \(p.phase.rawValue), batch \(b), \(s) new tokens, \(p.contextLen) cached",
            tensors: graph.tensors, ops: ordered, tokens: p.tokens,
            parameters: p.reportEntries)
    }
}

extension TransformerGraphBuilder {
    /// How every per-layer op and tensor name starts (`layers.3.q_proj`); the rest are the
    /// embedding, the final norm and the head.
    public static let layerPrefix = "layers."

    /// Largest element count any built tensor may have: shapes stay exact in Int and Double.
    public static let maximumElements = 1 << 53

    /// Refuses parameter and config combinations whose tensors would overflow, before any
    /// shape arithmetic runs, naming the tensor and the limit.
    public func checkSize() throws(GraphIssue) {
        let c = config, p = parameters
        let (keys, keysOverflow) = p.contextLen.addingReportingOverflow(p.seqLen)
        guard !keysOverflow else {
            throw GraphIssue(message: "context_len + seq_len overflows, so the KV cache tensor would hold more than 2^53 elements; expected a smaller context")
        }
        let candidates: [(String, [Int])] = [
            ("activations", [p.batch, p.seqLen, max(1, c.expertsPerToken ?? 1),
                             max(c.hiddenSize, c.intermediateSize, c.vocabSize, c.localExperts ?? 1)]),
            ("attention", [p.batch, p.seqLen, c.attentionHeads, c.headDim]),
            ("KV cache", [p.batch, keys, c.keyValueHeads, c.headDim]),
            ("expert weights", [c.localExperts ?? 1, c.hiddenSize, c.intermediateSize]),
            ("embedding table", [c.vocabSize, c.hiddenSize]),
        ]
        for (name, factors) in candidates {
            var product = 1
            for factor in factors {
                let (next, overflow) = product.multipliedReportingOverflow(by: factor)
                guard !overflow, next <= Self.maximumElements else {
                    throw GraphIssue(message: "the \(name) tensor would hold more than 2^53 elements (\(factors.map(String.init).joined(separator: " x "))); expected smaller batch, seq_len or context_len")
                }
                product = next
            }
        }
    }
}

/// Collects tensors and ops while a builder runs.
struct GraphAccumulator {
    var tensors: [TensorSpec] = []
    var ops: [Op] = []

    mutating func tensor(_ name: String, _ shape: [Int], _ dtype: DType, _ kind: TensorKind) -> Int {
        tensors.append(TensorSpec(name: name, shape: shape, dtype: dtype, kind: kind))
        return tensors.count - 1
    }

    mutating func op(_ name: String, _ kind: OpKind, _ inputs: [Int], _ outputs: [Int], causal: Bool = false,
                     window: Int? = nil, flopsPerElement: Double? = nil, expertsPerToken: Int? = nil,
                     transposeB: Bool = false) {
        ops.append(Op(name: name, kind: kind, inputs: inputs, outputs: outputs, causal: causal, window: window,
                      flopsPerElement: flopsPerElement, expertsPerToken: expertsPerToken, transposeB: transposeB))
    }
}
