import Foundation
import MemwallAnalysis

/// Saha and Ye's square tiling for fast memories below d^2, as ``SquareTiledAttentionIO``
/// counts it: `B x B` score blocks with the head dimension streamed in chunks of B; per
/// query block the row max and sum stay resident; O chunks are read (after the first key
/// block), updated and written; a last pass divides O by the row sums.
/// Fast memory: `3B^2 + 2B` words (score block, two chunk tiles, m and l).
public enum SquareTiledAttentionKernel {
    public static func run(_ operands: AttentionOperands, memory: MemoryHierarchy) throws(ExecutorError) {
        let words = memory.fastCapacityWords - memory.fastWordsInUse
        guard words >= 16 else { throw .capacityExceeded(requested: 16, inUse: memory.fastWordsInUse, capacity: memory.fastCapacityWords) }
        let b = Int(SquareTiledAttentionIO.block(fastMemoryWords: Double(words)))
        let d = operands.d, rows = operands.rowsPerProblem, keys = operands.keys
        let scope = TileScope(memory)
        defer { scope.releaseAll() }
        let sTile = try scope.allocate(rows: b, cols: b)
        let aTile = try scope.allocate(rows: b, cols: b), bTile = try scope.allocate(rows: b, cols: b)
        let mTile = try scope.allocate(rows: b, cols: 1), lTile = try scope.allocate(rows: b, cols: 1)
        // Per-row rescale factors of one block step: transient scalars, like m and l updates in registers.
        var factors = [Double](repeating: 1, count: b)

        for problem in 0..<operands.problems {
            let kvBase = operands.keyBase(problem: problem)
            func position(_ r: Int) -> Int { operands.queryRow(problem: problem, row: r).position }
            for start in stride(from: 0, to: rows, by: b) {
                let count = min(b, rows - start)
                mTile.fill(-.infinity)
                lTile.fill(0)
                let last = operands.shape.causal ? position(start + count - 1) + operands.offset : keys - 1
                var firstBlock = true
                for first in stride(from: 0, to: keys, by: b) where first <= last {
                    let width = min(b, keys - first)
                    sTile.fill(0)
                    for chunk in stride(from: 0, to: d, by: b) {                     // S = Q K^T, chunk by chunk
                        let cw = min(b, d - chunk)
                        operands.loadRows(operands.q, problem: problem, rows: start..<(start + count), memory: memory,
                                          cols: chunk..<(chunk + cw), into: aTile)
                        memory.load(operands.k, rows: (kvBase + first)..<(kvBase + first + width), cols: chunk..<(chunk + cw), into: bTile)
                        for r in 0..<count {
                            for c in 0..<width {
                                var dot = 0.0
                                for x in 0..<cw { dot += aTile[r * cw + x] * bTile[c * cw + x] }
                                sTile[r * width + c] += dot
                            }
                        }
                    }
                    for r in 0..<count {
                        for c in 0..<width where !operands.visible(position: position(start + r), key: first + c) {
                            sTile[r * width + c] = -.infinity
                        }
                        factors[r] = OnlineSoftmax.update(row: r, scores: sTile, cols: width, m: &mTile.storage[r], l: &lTile.storage[r])
                    }
                    for chunk in stride(from: 0, to: d, by: b) {                     // O = O * factor + P V, chunk by chunk
                        let cw = min(b, d - chunk)
                        if firstBlock {
                            aTile.fill(0)
                        } else {
                            operands.loadRows(operands.o, problem: problem, rows: start..<(start + count), memory: memory,
                                              cols: chunk..<(chunk + cw), into: aTile)
                        }
                        memory.load(operands.v, rows: (kvBase + first)..<(kvBase + first + width), cols: chunk..<(chunk + cw), into: bTile)
                        for r in 0..<count {
                            OnlineSoftmax.accumulate(row: r, o: aTile, factor: factors[r], p: sTile, cols: width, v: bTile, d: cw)
                        }
                        operands.storeRows(aTile, to: operands.o, problem: problem, rows: start..<(start + count), memory: memory,
                                           cols: chunk..<(chunk + cw))
                    }
                    firstBlock = false
                }
                for chunk in stride(from: 0, to: d, by: b) {                         // normalise by the row sums
                    let cw = min(b, d - chunk)
                    operands.loadRows(operands.o, problem: problem, rows: start..<(start + count), memory: memory,
                                      cols: chunk..<(chunk + cw), into: aTile)
                    for r in 0..<count where lTile[r] > 0 { for x in 0..<cw { aTile[r * cw + x] /= lTile[r] } }
                    operands.storeRows(aTile, to: operands.o, problem: problem, rows: start..<(start + count), memory: memory,
                                       cols: chunk..<(chunk + cw))
                }
            }
        }
    }
}
