import Foundation
import HeapModule

/// A structural problem in a workload graph: which op (by position in the
/// input) or tensor is wrong, and how.
public struct GraphIssue: Error, Equatable, Sendable {
    public var opIndex: Int?
    public var message: String

    public init(opIndex: Int? = nil, message: String) {
        self.opIndex = opIndex
        self.message = message
    }
}

extension Workload {
    /// Checks shapes, dangling tensors, single producers and cycles, and returns
    /// the ops in a topological order (file order wherever it already is one).
    public static func validatedOrder(tensors: [TensorSpec], ops: [Op]) throws(GraphIssue) -> [Op] {
        var producer = [Int?](repeating: nil, count: tensors.count)
        for (index, op) in ops.enumerated() {
            guard !op.outputs.isEmpty else { throw GraphIssue(opIndex: index, message: "op '\(op.name)' has no outputs; expected at least one") }
            for output in op.outputs {
                if let other = producer[output] {
                    throw GraphIssue(opIndex: index, message:
                        "tensor '\(tensors[output].name)' is written by op '\(ops[other].name)' and again by '\(op.name)'; expected one producer per tensor")
                }
                producer[output] = index
            }
            if let input = op.inputs.first(where: { op.outputs.contains($0) }) {
                throw GraphIssue(opIndex: index, message: "op '\(op.name)' reads and writes '\(tensors[input].name)'; expected a cycle-free graph")
            }
            try checkShapes(op, tensors: tensors, index: index)
        }
        for (index, op) in ops.enumerated() {
            for input in op.inputs where producer[input] == nil && tensors[input].kind == .activation {
                throw GraphIssue(opIndex: index, message:
                    "activation '\(tensors[input].name)' is read by op '\(op.name)' but no op writes it; expected an op that produces it, or kind: input")
            }
        }
        return try topologicalOrder(ops, producer: producer, tensors: tensors)
    }

    /// Kahn's algorithm, always taking the earliest ready op so file order is kept when valid.
    private static func topologicalOrder(_ ops: [Op], producer: [Int?], tensors: [TensorSpec]) throws(GraphIssue) -> [Op] {
        var pending = [Int](repeating: 0, count: ops.count)
        var consumers = [[Int]](repeating: [], count: ops.count)
        for (index, op) in ops.enumerated() {
            let sources = Set(op.inputs.compactMap { producer[$0] })
            pending[index] = sources.count
            for source in sources { consumers[source].append(index) }
        }
        var ready = Heap(pending.indices.filter { pending[$0] == 0 })
        var order: [Op] = []
        order.reserveCapacity(ops.count)
        while let next = ready.popMin() {
            order.append(ops[next])
            for consumer in consumers[next] {
                pending[consumer] -= 1
                if pending[consumer] == 0 { ready.insert(consumer) }
            }
        }
        guard order.count == ops.count else {
            let stuck = pending.indices.filter { pending[$0] > 0 }
            let names = stuck.prefix(5).map { "'\(ops[$0].name)'" }.joined(separator: ", ")
            throw GraphIssue(opIndex: stuck.first, message: "ops \(names) form a cycle; expected an acyclic graph")
        }
        return order
    }

    private static func checkShapes(_ op: Op, tensors: [TensorSpec], index: Int) throws(GraphIssue) {
        func fail(_ message: String) -> GraphIssue { GraphIssue(opIndex: index, message: "op '\(op.name)' (\(op.kind.rawValue)): \(message)") }
        func arity(_ allowed: [Int]) throws(GraphIssue) {
            guard allowed.contains(op.inputs.count) else {
                throw fail("has \(op.inputs.count) inputs; expected \(allowed.map(String.init).joined(separator: " or "))")
            }
        }
        let ins = op.inputs.map { tensors[$0] }
        let outElements = op.outputs.reduce(0.0) { $0 + tensors[$1].elementCount }
        func shape(_ t: TensorSpec) -> String { "'\(t.name)' \(t.shape)" }
        func expectOutput(_ expected: Double) throws(GraphIssue) {
            guard outElements == expected else {
                throw fail("outputs hold \(countText(outElements)) elements; expected \(countText(expected)) from the input shapes")
            }
        }

        switch op.kind {
        case .matmul:
            try arity([2, 3])
            let (a, b) = (ins[0], ins[1])
            guard let k = a.shape.last, b.shape.count == 2 else { throw fail("expected a [..., k] and b [k, n], got \(shape(a)) and \(shape(b))") }
            let (bk, bn) = op.transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
            guard bk == k else {
                throw fail("inner dimensions differ: \(shape(a)) x \(shape(b))\(op.transposeB ? " (transposed)" : ""); expected a's last dimension to equal b's \(op.transposeB ? "last" : "first")")
            }
            try expectOutput(a.elementCount / Double(k) * Double(bn))
        case .batchedMatmul:
            try arity([2])
            let (a, b) = (ins[0], ins[1])
            guard a.shape.count >= 3, a.shape.count == b.shape.count, a.shape.dropLast(2) == b.shape.dropLast(2) else {
                throw fail("expected [b..., m, k] and [b..., k, n] with equal batch dimensions, got \(shape(a)) and \(shape(b))")
            }
            guard a.shape[a.shape.count - 1] == b.shape[b.shape.count - 2] else {
                throw fail("inner dimensions differ: \(shape(a)) x \(shape(b))")
            }
            try expectOutput(a.elementCount / Double(a.shape.last!) * Double(b.shape.last!))
        case .expertMatmul:
            try arity([2])
            let (x, w) = (ins[0], ins[1])
            guard w.shape.count == 3, let k = x.shape.last, w.shape[1] == k else {
                throw fail("expected tokens [..., k] and experts [E, k, n], got \(shape(x)) and \(shape(w))")
            }
            guard let top = op.expertsPerToken, top >= 1, top <= w.shape[0] else {
                throw fail("experts_per_token must be in 1...\(w.shape[0])")
            }
            let rows = x.elementCount / Double(k)
            guard rows.truncatingRemainder(dividingBy: Double(top)) == 0 else {
                throw fail("\(countText(rows)) dispatched rows are not a multiple of experts_per_token \(top)")
            }
            try expectOutput(rows * Double(w.shape[2]))
        case .attention:
            try arity([3, 5])
            let (q, k, v) = (ins[0], ins[1], ins[2])
            guard q.shape.count == 4, k.shape.count == 4, v.shape == k.shape else {
                throw fail("expected q [B, Sq, Hq, d] and k, v [B, Skv, Hkv, d], got \(shape(q)), \(shape(k)), \(shape(v))")
            }
            guard q.shape[0] == k.shape[0], q.shape[3] == k.shape[3] else {
                throw fail("q and k differ in batch or head dimension: \(shape(q)), \(shape(k))")
            }
            guard q.shape[2] % k.shape[2] == 0 else {
                throw fail("\(q.shape[2]) query heads are not a multiple of \(k.shape[2]) key/value heads")
            }
            if ins.count == 5 {
                let (kc, vc) = (ins[3], ins[4])
                guard kc.shape.count == 4, vc.shape == kc.shape, kc.shape[0] == k.shape[0], kc.shape[2] == k.shape[2],
                      kc.shape[3] == k.shape[3] else {
                    throw fail("expected caches [B, Sc, Hkv, d] matching k, got \(shape(kc)), \(shape(vc))")
                }
            }
            if let window = op.window, window < 1 { throw fail("window must be at least 1") }
            try expectOutput(q.elementCount)
        case .softmax, .rmsnorm, .layernorm:
            try arity([1, 2, 3])
            try expectOutput(ins[0].elementCount)
        case .elementwise:
            guard !ins.isEmpty else { throw fail("has no inputs; expected at least one") }
        case .embedding:
            try arity([2])
            let (ids, table) = (ins[0], ins[1])
            guard table.shape.count == 2 else { throw fail("expected a table [V, h], got \(shape(table))") }
            try expectOutput(ids.elementCount * Double(table.shape[1]))
        case .slice:
            try arity([1])
            guard outElements <= ins[0].elementCount else {
                throw fail("outputs hold more elements than the input \(shape(ins[0]))")
            }
        }
    }
}

/// An element count for messages: exact below 2^53, scientific above (never traps).
func countText(_ value: Double) -> String {
    value < 9_007_199_254_740_992 ? String(Int64(value)) : String(format: "%.4g", value)
}
