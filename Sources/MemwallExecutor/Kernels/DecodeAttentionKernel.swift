import Foundation
import MemwallAnalysis

/// Split-KV decode attention as ``DecodeAttentionIO`` counts it: per (batch, kv head),
/// the group's query rows are stacked; each of `splits` key chunks loads the stacked
/// queries and its K/V (in blocks that fit beside them), and writes a partial output
/// and log-sum-exp; a reduction combines the partials row by row. One split writes O directly.
public enum DecodeAttentionKernel {
    public static func run(_ operands: AttentionOperands, splits: Int, memory: MemoryHierarchy) throws(ExecutorError) {
        guard operands.shape.packGQA else { throw .invalidShape("decode attention stacks GQA groups; expected packGQA on") }
        let d = operands.d, rows = operands.rowsPerProblem, keys = operands.keys
        let splitCount = max(1, min(splits, keys))
        let free = memory.fastCapacityWords - memory.fastWordsInUse
        let blockKeys = (free - 2 * rows * d - 2 * rows) / (2 * d + rows)
        guard blockKeys >= 1 else {
            throw .capacityExceeded(requested: 2 * rows * d + 2 * rows + 2 * d + rows, inUse: memory.fastWordsInUse,
                                    capacity: memory.fastCapacityWords)
        }
        let scope = TileScope(memory)
        defer { scope.releaseAll() }
        let qTile = try scope.allocate(rows: rows, cols: d), oTile = try scope.allocate(rows: rows, cols: d)
        let mTile = try scope.allocate(rows: rows, cols: 1), lTile = try scope.allocate(rows: rows, cols: 1)
        let kTile = try scope.allocate(rows: blockKeys, cols: d), vTile = try scope.allocate(rows: blockKeys, cols: d)
        let sTile = try scope.allocate(rows: rows, cols: blockKeys)

        let partialO = memory.slowArray(rows: operands.problems * splitCount * rows, cols: d)
        let partialL = memory.slowArray(rows: operands.problems * splitCount * rows, cols: 1)
        for problem in 0..<operands.problems {
            let kvBase = operands.keyBase(problem: problem)
            for split in 0..<splitCount {
                let lower = split * keys / splitCount, upper = (split + 1) * keys / splitCount
                operands.loadRows(operands.q, problem: problem, rows: 0..<rows, into: qTile, memory: memory)
                oTile.fill(0)
                mTile.fill(-.infinity)
                lTile.fill(0)
                for first in stride(from: lower, to: upper, by: blockKeys) {
                    let width = min(blockKeys, upper - first)
                    memory.load(operands.k, rows: (kvBase + first)..<(kvBase + first + width), cols: 0..<d, into: kTile)
                    memory.load(operands.v, rows: (kvBase + first)..<(kvBase + first + width), cols: 0..<d, into: vTile)
                    OnlineSoftmax.foldKeyBlock(rows: rows, cols: width, d: d, q: qTile, k: kTile, v: vTile, scores: sTile,
                                               m: mTile, l: lTile, o: oTile) { r, c in
                        operands.visible(position: operands.queryRow(problem: problem, row: r).position, key: first + c)
                    }
                }
                OnlineSoftmax.finish(rows: rows, d: d, o: oTile, m: mTile, l: lTile)
                if splitCount == 1 {
                    operands.storeRows(oTile, to: operands.o, problem: problem, rows: 0..<rows, memory: memory)
                } else {
                    let base = (problem * splitCount + split) * rows
                    memory.store(oTile, to: partialO, rows: base..<(base + rows), cols: 0..<d)
                    memory.store(lTile, to: partialL, rows: base..<(base + rows), cols: 0..<1)
                }
            }
        }
        guard splitCount > 1 else { return }
        // Reduction, streaming: per row, fold one split's partial at a time into a running
        // log-sum-exp (2d + 2 words), so it runs wherever the split phase ran.
        scope.releaseAll()
        let part = try scope.allocate(rows: 1, cols: d), lse = try scope.allocate(rows: 1, cols: 1)
        let out = try scope.allocate(rows: 1, cols: d), running = try scope.allocate(rows: 1, cols: 1)
        for problem in 0..<operands.problems {
            for r in 0..<rows {
                out.fill(0)
                var maximum = -Double.infinity, total = 0.0
                for split in 0..<splitCount {
                    let row = (problem * splitCount + split) * rows + r
                    memory.load(partialO, rows: row..<(row + 1), cols: 0..<d, into: part)
                    memory.load(partialL, rows: row..<(row + 1), cols: 0..<1, into: lse)
                    let l = lse[0]
                    guard l > -.infinity else { continue }
                    let newMax = max(maximum, l)
                    let scale = maximum > -.infinity ? exp(maximum - newMax) : 0
                    let weight = exp(l - newMax)
                    for x in 0..<d { out[x] = out[x] * scale + weight * part[x] }
                    total = total * scale + weight
                    maximum = newMax
                }
                running[0] = total
                if total > 0 { for x in 0..<d { out[x] /= total } }
                operands.storeRows(out, to: operands.o, problem: problem, rows: r..<(r + 1), memory: memory)
            }
        }
    }
}
