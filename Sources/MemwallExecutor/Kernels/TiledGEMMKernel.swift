import MemwallAnalysis

/// A matrix operand in slow memory: rows `rowOffset ..< rowOffset + r` of `array`,
/// read as is or transposed (B = K^T is K read transposed).
public struct MatrixOperand {
    public var array: SlowArray
    public var rowOffset: Int
    public var transposed: Bool

    public init(_ array: SlowArray, rowOffset: Int = 0, transposed: Bool = false) {
        self.array = array
        self.rowOffset = rowOffset
        self.transposed = transposed
    }
}

/// The output-stationary tiled GEMM that ``GEMMIO`` counts: for each `bm x bn` tile of
/// C, stream k loading one column of A's rows and one row of B's columns per step,
/// then store the tile. Fast memory: exactly `bm*bn + bm + bn` words.
public enum TiledGEMMKernel {
    /// `C[cRowOffset...] = A B` for A `m x k`, B `k x n`, with the tile ``GEMMIO`` picks for the fast tier.
    public static func run(a: MatrixOperand, b: MatrixOperand, c: SlowArray, cRowOffset: Int = 0,
                           m: Int, k: Int, n: Int, memory: MemoryHierarchy) throws(ExecutorError) {
        guard let (bmD, bnD) = GEMMIO(m: m, k: k, n: n).tile(fastMemoryBytes: Double(memory.fastCapacityWords - memory.fastWordsInUse)) else {
            throw .capacityExceeded(requested: 3, inUse: memory.fastWordsInUse, capacity: memory.fastCapacityWords)
        }
        let bm = Int(bmD), bn = Int(bnD)
        let scope = TileScope(memory)
        defer { scope.releaseAll() }
        let cTile = try scope.allocate(rows: bm, cols: bn)
        let aColumn = try scope.allocate(rows: bm, cols: 1)
        let bRow = try scope.allocate(rows: 1, cols: bn)

        for i in stride(from: 0, to: m, by: bm) {
            let rows = min(bm, m - i)
            for j in stride(from: 0, to: n, by: bn) {
                let cols = min(bn, n - j)
                cTile.fill(0)
                for p in 0..<k {
                    if a.transposed {
                        memory.load(a.array, rows: (a.rowOffset + p)..<(a.rowOffset + p + 1), cols: i..<(i + rows), into: aColumn)
                    } else {
                        memory.load(a.array, rows: (a.rowOffset + i)..<(a.rowOffset + i + rows), cols: p..<(p + 1), into: aColumn)
                    }
                    if b.transposed {
                        memory.load(b.array, rows: (b.rowOffset + j)..<(b.rowOffset + j + cols), cols: p..<(p + 1), into: bRow)
                    } else {
                        memory.load(b.array, rows: (b.rowOffset + p)..<(b.rowOffset + p + 1), cols: j..<(j + cols), into: bRow)
                    }
                    for r in 0..<rows {
                        let x = aColumn[r]
                        let base = r * cols
                        for s in 0..<cols { cTile.storage[base + s] += x * bRow[s] }
                    }
                }
                memory.store(cTile, to: c, rows: (cRowOffset + i)..<(cRowOffset + i + rows), cols: j..<(j + cols))
            }
        }
    }
}
