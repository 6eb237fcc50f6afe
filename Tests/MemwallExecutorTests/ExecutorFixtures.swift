import MemwallAnalysis
import MemwallExecutor
import _TestSupport

/// Shared inputs for the executor tests: seeded values and attention shapes.
enum Fixture {
    /// `count` values uniform in [-1, 1), reproducible from `seed`.
    static func values(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in Double(generator.next() >> 11) / Double(1 << 53) * 2 - 1 }
    }

    /// Largest |a - b| / max(1, |b|), computed here rather than trusting the executor's helper.
    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "compared arrays differ in length")
        var worst = 0.0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / max(1, abs(y))) }
        return worst
    }

    /// Row-major transpose of a `rows x cols` matrix.
    static func transpose(_ a: [Double], rows: Int, cols: Int) -> [Double] {
        var t = [Double](repeating: 0, count: a.count)
        for r in 0..<rows { for c in 0..<cols { t[c * rows + r] = a[r * cols + c] } }
        return t
    }
}

/// An attention problem (every element one word), for parameterised tests.
struct AttentionSpec: Sendable, CustomStringConvertible {
    var batch = 1
    var heads = 1
    var kvHeads = 1
    var queries: Int
    var keys: Int
    var d: Int
    var causal = false, packGQA = false

    var description: String {
        "b\(batch) h\(heads)/\(kvHeads) q\(queries) k\(keys) d\(d)\(causal ? " causal" : "")\(packGQA ? " packed" : "")"
    }

    var shape: AttentionShape {
        AttentionShape(batch: batch, queryHeads: heads, keyValueHeads: kvHeads, queries: queries, keys: keys, headDim: d,
                       causal: causal, packGQA: packGQA, queryBytes: 1, keyValueBytes: 1, statisticBytes: 1)
    }

    /// Rows of Q (and O) and of K (and V).
    var queryRows: Int { batch * heads * queries }
    var keyRows: Int { batch * kvHeads * keys }

    func kernelCase(_ variant: KernelCase.Variant, fastMemoryWords: Int, splits: Int = 1, seed: UInt64 = 7) -> KernelCase {
        let kernel: KernelCase.Kernel = variant == .splitKV ? .decodeAttention : .attention
        var c = KernelCase(name: "\(variant.rawValue) \(self) M=\(fastMemoryWords)", kernel: kernel, variant: variant,
                           fastMemoryWords: fastMemoryWords)
        (c.batch, c.heads, c.keyValueHeads, c.queries, c.keys, c.headDim) = (batch, heads, kvHeads, queries, keys, d)
        (c.causal, c.packGQA, c.splits, c.seed) = (causal, packGQA, splits, seed)
        c.relations = [.equalsModel, .aboveCertifiedBound, .numericsWithin(1e-12)]
        return c
    }

    /// Q, K, V from `seed`, operands placed in `memory`, and the naive reference output.
    func operands(in memory: MemoryHierarchy, seed: UInt64 = 11) -> (AttentionOperands, reference: [Double]) {
        let q = Fixture.values(queryRows * d, seed: seed)
        let k = Fixture.values(keyRows * d, seed: seed &+ 1)
        let v = Fixture.values(keyRows * d, seed: seed &+ 2)
        let operands = AttentionOperands(shape: shape, in: memory, q: q, k: k, v: v)
        let reference = NaiveReference.attention(q: q, k: k, v: v, batch: batch, queryHeads: heads, keyValueHeads: kvHeads,
                                                 queries: queries, keys: keys, d: d, causal: causal)
        return (operands, reference)
    }
}
