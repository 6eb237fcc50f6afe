import Foundation

/// Direct Double implementations that the kernels' outputs are compared with.
public enum NaiveReference {
    /// Row-major `A (m x k) B (k x n)`.
    public static func matmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for p in 0..<k { let x = a[i * k + p]; for j in 0..<n { c[i * n + j] += x * b[p * n + j] } } }
        return c
    }

    /// softmax(Q K^T) V per (batch, query head), with K/V of head `h / group`, queries aligned
    /// to the end of the keys under a causal mask. Layout as ``AttentionOperands``.
    public static func attention(q: [Double], k: [Double], v: [Double], batch: Int, queryHeads: Int, keyValueHeads: Int,
                                 queries: Int, keys: Int, d: Int, causal: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: q.count)
        let group = queryHeads / keyValueHeads
        var scores = [Double](repeating: 0, count: keys)
        for b in 0..<batch {
            for h in 0..<queryHeads {
                let kvBase = (b * keyValueHeads + h / group) * keys
                for i in 0..<queries {
                    let qRow = (b * queryHeads + h) * queries + i
                    let visible = causal ? max(0, min(keys, i + keys - queries + 1)) : keys
                    guard visible > 0 else { continue }                      // sees no key: output stays 0
                    var maximum = -Double.infinity
                    for j in 0..<visible {
                        var dot = 0.0
                        for x in 0..<d { dot += q[qRow * d + x] * k[(kvBase + j) * d + x] }
                        scores[j] = dot
                        maximum = max(maximum, dot)
                    }
                    var sum = 0.0
                    for j in 0..<visible { scores[j] = exp(scores[j] - maximum); sum += scores[j] }
                    for j in 0..<visible {
                        let w = scores[j] / sum
                        for x in 0..<d { out[qRow * d + x] += w * v[(kvBase + j) * d + x] }
                    }
                }
            }
        }
        return out
    }

    /// Largest |a - b| / max(1, |b|).
    public static func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1) / max(1, abs($1.1))) }
    }
}
