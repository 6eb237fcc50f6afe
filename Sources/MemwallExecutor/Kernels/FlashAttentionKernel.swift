import Foundation
import MemwallAnalysis

/// FlashAttention forward on the instrumented hierarchy, with the published block sizes
/// (``FlashAttentionIO/blocks(fastMemoryWords:)`` for a block-sizing memory of `M` words):
/// - version 1 (Algorithm 1 of arXiv 2205.14135): K/V blocks outer; O, l, m initialised
///   in slow memory and read, updated and written back for every (K/V block, Q block) pair;
/// - version 2 (arXiv 2307.08691): Q blocks outer with O, m, l resident; O and the
///   log-sum-exp written once.
/// Fully masked block pairs are skipped. The tiles allocated are exactly
/// ``FlashAttentionIO/workingSetWords(fastMemoryWords:)``, so the hierarchy must hold that much.
public enum FlashAttentionKernel {
    public static func run(_ operands: AttentionOperands, version: FlashAttentionIO.Version, blockMemoryWords: Int,
                           memory: MemoryHierarchy) throws(ExecutorError) {
        let model = FlashAttentionIO(shape: operands.shape, version: version)
        guard blockMemoryWords >= 4 * operands.d else {
            throw .invalidShape("block-sizing memory \(blockMemoryWords) words is below 4d = \(4 * operands.d); expected at least one row of Q, K, V and O")
        }
        let (bcD, brD) = model.blocks(fastMemoryWords: Double(blockMemoryWords))
        let bc = Int(bcD), br = Int(brD), d = operands.d
        let scope = TileScope(memory)
        defer { scope.releaseAll() }
        let qTile = try scope.allocate(rows: br, cols: d), oTile = try scope.allocate(rows: br, cols: d)
        let kTile = try scope.allocate(rows: bc, cols: d), vTile = try scope.allocate(rows: bc, cols: d)
        let sTile = try scope.allocate(rows: br, cols: bc)
        let mTile = try scope.allocate(rows: br, cols: 1), lTile = try scope.allocate(rows: br, cols: 1)

        let rows = operands.rowsPerProblem
        let statistics = memory.slowArray(rows: operands.problems * rows, cols: 2)   // FA1: l, m; FA2: L
        for problem in 0..<operands.problems {
            let kvBase = operands.keyBase(problem: problem)
            func loadKV(_ first: Int, _ width: Int) {
                memory.load(operands.k, rows: (kvBase + first)..<(kvBase + first + width), cols: 0..<d, into: kTile)
                memory.load(operands.v, rows: (kvBase + first)..<(kvBase + first + width), cols: 0..<d, into: vTile)
            }
            func position(_ r: Int) -> Int { operands.queryRow(problem: problem, row: r).position }
            func lastVisibleKey(rowBlockEnd end: Int) -> Int { operands.shape.causal ? position(end - 1) + operands.offset : operands.keys - 1 }

            switch version {
            case .flash1:
                // O = 0, l = 0, m = -inf in slow memory, written from fast tiles.
                oTile.fill(0)
                lTile.fill(0)
                mTile.fill(-.infinity)
                for start in stride(from: 0, to: rows, by: br) {
                    let count = min(br, rows - start)
                    let statRows = (problem * rows + start)..<(problem * rows + start + count)
                    operands.storeRows(oTile, to: operands.o, problem: problem, rows: start..<(start + count), memory: memory)
                    memory.store(lTile, to: statistics, rows: statRows, cols: 0..<1)
                    memory.store(mTile, to: statistics, rows: statRows, cols: 1..<2)
                }
                for first in stride(from: 0, to: operands.keys, by: bc) {
                    let width = min(bc, operands.keys - first)
                    loadKV(first, width)
                    for start in stride(from: 0, to: rows, by: br) {
                        let count = min(br, rows - start)
                        guard first <= lastVisibleKey(rowBlockEnd: start + count) else { continue }
                        let statRows = (problem * rows + start)..<(problem * rows + start + count)
                        operands.loadRows(operands.q, problem: problem, rows: start..<(start + count), into: qTile, memory: memory)
                        operands.loadRows(operands.o, problem: problem, rows: start..<(start + count), into: oTile, memory: memory)
                        memory.load(statistics, rows: statRows, cols: 0..<1, into: lTile)
                        memory.load(statistics, rows: statRows, cols: 1..<2, into: mTile)
                        OnlineSoftmax.scores(sTile, q: qTile, k: kTile, rows: count, cols: width, d: d) { r, c in
                            operands.visible(position: position(start + r), key: first + c)
                        }
                        for r in 0..<count {
                            // Algorithm 1 keeps O normalised: O = (l_old e^{m_old-m} O + P V) / l_new.
                            let oldL = lTile[r]
                            let factor = OnlineSoftmax.update(row: r, scores: sTile, cols: width, m: &mTile.storage[r], l: &lTile.storage[r])
                            let scale = oldL * factor
                            OnlineSoftmax.accumulate(row: r, o: oTile, factor: scale, p: sTile, cols: width, v: vTile, d: d)
                            if lTile[r] > 0 { for x in 0..<d { oTile[r * d + x] /= lTile[r] } }
                        }
                        operands.storeRows(oTile, to: operands.o, problem: problem, rows: start..<(start + count), memory: memory)
                        memory.store(lTile, to: statistics, rows: statRows, cols: 0..<1)
                        memory.store(mTile, to: statistics, rows: statRows, cols: 1..<2)
                    }
                }
            case .flash2:
                for start in stride(from: 0, to: rows, by: br) {
                    let count = min(br, rows - start)
                    operands.loadRows(operands.q, problem: problem, rows: start..<(start + count), into: qTile, memory: memory)
                    oTile.fill(0)
                    for r in 0..<count { mTile[r] = -.infinity; lTile[r] = 0 }
                    let last = lastVisibleKey(rowBlockEnd: start + count)
                    for first in stride(from: 0, to: operands.keys, by: bc) where first <= last {
                        let width = min(bc, operands.keys - first)
                        loadKV(first, width)
                        OnlineSoftmax.foldKeyBlock(rows: count, cols: width, d: d, q: qTile, k: kTile, v: vTile, scores: sTile,
                                                   m: mTile, l: lTile, o: oTile) { r, c in
                            operands.visible(position: position(start + r), key: first + c)
                        }
                    }
                    OnlineSoftmax.finish(rows: count, d: d, o: oTile, m: mTile, l: lTile)   // l becomes the log-sum-exp L
                    operands.storeRows(oTile, to: operands.o, problem: problem, rows: start..<(start + count), memory: memory)
                    memory.store(lTile, to: statistics, rows: (problem * rows + start)..<(problem * rows + start + count), cols: 0..<1)
                }
            }
        }
    }
}
