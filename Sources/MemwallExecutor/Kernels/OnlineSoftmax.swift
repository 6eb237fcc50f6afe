import Foundation

/// The shared inner step of the FlashAttention-style kernels: scores of a row block
/// against a key block, masked, then the online-softmax update of the running max `m`,
/// sum `l` and unnormalised output `o`.
enum OnlineSoftmax {
    /// `scores[r, c] = q[r, :] . k[c, :]` (d columns), or -inf where `visible(r, c)` is false.
    static func scores(_ scores: FastTile, q: FastTile, k: FastTile, rows: Int, cols: Int, d: Int,
                       visible: (Int, Int) -> Bool) {
        for r in 0..<rows {
            for c in 0..<cols {
                guard visible(r, c) else { scores[r * cols + c] = -.infinity; continue }
                var dot = 0.0
                let qBase = r * d, kBase = c * d
                for x in 0..<d { dot += q.storage[qBase + x] * k.storage[kBase + x] }
                scores[r * cols + c] = dot
            }
        }
    }

    /// Folds a block of scores into row `r`'s state: returns the factor the old output and
    /// sum are scaled by, turns the scores into exp(s - m_new) in place, updates m and l.
    /// Rows that have seen no visible key keep m = -inf, l = 0 and a factor of 1.
    @inline(__always)
    static func update(row r: Int, scores: FastTile, cols: Int, m: inout Double, l: inout Double) -> Double {
        var blockMax = -Double.infinity
        for c in 0..<cols { blockMax = max(blockMax, scores[r * cols + c]) }
        let newMax = max(m, blockMax)
        guard newMax > -.infinity else {
            for c in 0..<cols { scores[r * cols + c] = 0 }
            return 1
        }
        let factor = m > -.infinity ? exp(m - newMax) : 0
        var sum = 0.0
        for c in 0..<cols {
            let p = exp(scores[r * cols + c] - newMax)
            scores[r * cols + c] = p
            sum += p
        }
        l = l * factor + sum
        m = newMax
        return factor
    }

    /// `o[r, :] = o[r, :] * factor + sum_c p[r, c] v[c, :]`.
    @inline(__always)
    static func accumulate(row r: Int, o: FastTile, oOffset: Int = 0, factor: Double, p: FastTile, cols: Int, v: FastTile,
                           d: Int, vOffset: Int = 0, vStride: Int? = nil) {
        let base = oOffset + r * d
        for x in 0..<d { o.storage[base + x] *= factor }
        let stride = vStride ?? d
        for c in 0..<cols {
            let weight = p[r * cols + c]
            guard weight != 0 else { continue }
            let vBase = vOffset + c * stride
            for x in 0..<d { o.storage[base + x] += weight * v.storage[vBase + x] }
        }
    }

    /// Folds one key block into a row block's running state (FlashAttention-2 style, O unnormalised):
    /// scores, masked by `visible(row, column)`, then the online update of m, l and O.
    static func foldKeyBlock(rows: Int, cols: Int, d: Int, q: FastTile, k: FastTile, v: FastTile, scores: FastTile,
                             m: FastTile, l: FastTile, o: FastTile, visible: (Int, Int) -> Bool) {
        self.scores(scores, q: q, k: k, rows: rows, cols: cols, d: d, visible: visible)
        for r in 0..<rows {
            let factor = update(row: r, scores: scores, cols: cols, m: &m.storage[r], l: &l.storage[r])
            accumulate(row: r, o: o, factor: factor, p: scores, cols: cols, v: v, d: d)
        }
    }

    /// Divides each row of O by its sum and turns `l` into the log-sum-exp `m + log l`
    /// (-inf for rows that saw no key, whose output stays 0).
    static func finish(rows: Int, d: Int, o: FastTile, m: FastTile, l: FastTile) {
        for r in 0..<rows {
            let sum = l[r]
            if sum > 0 { for x in 0..<d { o[r * d + x] /= sum } }
            l[r] = sum > 0 ? m[r] + log(sum) : -.infinity
        }
    }
}
