import MemwallAnalysis
import MemwallModel

/// One microbatch's decode graph, kept so that a new context length re-evaluates only the ops
/// that read the KV cache.
///
/// The cached length appears in a decode graph only as dimension 1 of the cached K/V tensors.
/// The template checks that by building the graph at two lengths and comparing: the tensors
/// that differ must differ in that dimension only. The other ops' results are summed once;
/// each context then analyses just the ops that touch those tensors. When the check fails (a
/// graph builder that uses the length elsewhere) there is no template and every step is built
/// in full. A test holds template and full evaluation equal over random requests.
final class DecodeTemplate: Sendable {
    /// A workload of the ops that read or write them, with the tensors re-indexed.
    let contextOps: Workload
    /// Where each varying tensor sits in `contextOps.tensors`.
    let varyingInContextOps: [Int]
    /// Sums over everything else.
    let fixed: ServingModel.Step

    /// Nil when the graph does not have the expected shape (see above).
    init?(_ model: ServingModel, batch: Int, _ request: ServingRequest) throws(PlanningError) {
        let one = try model.graph(.decode, batch: batch, seqLen: 1, context: 1, request)
        let two = try model.graph(.decode, batch: batch, seqLen: 1, context: 2, request)
        guard one.tensors.count == two.tensors.count, one.ops == two.ops else { return nil }
        var varying: [Int] = []
        for (index, (a, b)) in zip(one.tensors, two.tensors).enumerated() where a != b {
            guard a.shape.count == b.shape.count, a.shape.count > 1, a.shape[1] == 1, b.shape[1] == 2,
                  Array(a.shape.dropFirst(2)) == Array(b.shape.dropFirst(2)), a.shape[0] == b.shape[0] else { return nil }
            varying.append(index)
        }
        guard !varying.isEmpty else { return nil }
        let varyingSet = Set(varying)
        let touching = one.ops.indices.filter { index in
            let op = one.ops[index]
            return op.inputs.contains(where: varyingSet.contains) || op.outputs.contains(where: varyingSet.contains)
        }
        let result = try model.analyze(one)
        var fixed = ServingModel.Step(shard: request.parallelism.deviceConfig(model.config))
        let touchingSet = Set(touching)
        fixed.add(one, result, ops: one.ops.indices.filter { !touchingSet.contains($0) },
                  tensors: one.tensors.indices.filter { !varyingSet.contains($0) })
        fixed.addEnds(one, result)

        // The touching ops over only the tensors they use.
        var remap: [Int: Int] = [:]
        var tensors: [TensorSpec] = []
        func local(_ index: Int) -> Int {
            if let known = remap[index] { return known }
            tensors.append(one.tensors[index])
            remap[index] = tensors.count - 1
            return tensors.count - 1
        }
        let ops = touching.map { index -> Op in
            var op = one.ops[index]
            op.inputs = op.inputs.map(local)
            op.outputs = op.outputs.map(local)
            return op
        }
        self.contextOps = Workload(name: one.name, tensors: tensors, ops: ops, tokens: one.tokens)
        self.varyingInContextOps = varying.map { remap[$0] ?? -1 }
        self.fixed = fixed
        guard !varyingInContextOps.contains(-1) else { return nil }
    }

    /// The step at `cachedTokens` tokens in the cache.
    func step(cachedTokens: Int, _ model: ServingModel) throws(PlanningError) -> ServingModel.Step {
        var graph = contextOps
        for index in varyingInContextOps {
            let old = graph.tensors[index]
            var shape = old.shape
            shape[1] = cachedTokens
            graph.tensors[index] = TensorSpec(name: old.name, shape: shape, dtype: old.dtype, kind: old.kind)
        }
        var step = fixed
        step.add(graph, try model.analyze(graph), ops: graph.ops.indices, tensors: varyingInContextOps)
        return step
    }
}
