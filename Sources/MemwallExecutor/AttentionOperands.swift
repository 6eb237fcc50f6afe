import MemwallAnalysis

/// Attention inputs and output in slow memory, and how problem rows map to them.
///
/// Q and O are `(batch * queryHeads * queries) x d`, K and V `(batch * kvHeads * keys) x d`,
/// row-major. A problem is one (batch, query head), or with GQA packing one (batch, kv
/// head) whose rows stack the group's heads position by position (row r is position
/// r / g of head r % g in the group), matching ``AttentionShape``.
public struct AttentionOperands {
    public let shape: AttentionShape
    public let q: SlowArray, k: SlowArray, v: SlowArray, o: SlowArray

    public init(shape: AttentionShape, in memory: MemoryHierarchy, q: [Double], k: [Double], v: [Double]) {
        self.shape = shape
        let d = Int(shape.headDim)
        self.q = memory.slowArray(rows: q.count / d, cols: d, values: q)
        self.k = memory.slowArray(rows: k.count / d, cols: d, values: k)
        self.v = memory.slowArray(rows: v.count / d, cols: d, values: v)
        self.o = memory.slowArray(rows: q.count / d, cols: d)
    }

    var d: Int { Int(shape.headDim) }
    var queries: Int { Int(shape.queries) }
    var keys: Int { Int(shape.keys) }
    var group: Int { Int(shape.group) }
    var problems: Int { Int(shape.problems) }
    var rowsPerProblem: Int { Int(shape.rowsPerProblem) }
    var offset: Int { keys - queries }

    /// Slow row of Q/O for problem `p`, row `r`, and the row's position.
    func queryRow(problem p: Int, row r: Int) -> (slowRow: Int, position: Int) {
        guard shape.packGQA else { return (p * queries + r, r) }
        let batch = p / Int(shape.keyValueHeads), kvHead = p % Int(shape.keyValueHeads)
        let head = kvHead * group + r % group
        return ((batch * Int(shape.queryHeads) + head) * queries + r / group, r / group)
    }

    /// First slow row of K/V for problem `p`.
    func keyBase(problem p: Int) -> Int {
        if shape.packGQA { return p * keys }
        let batch = p / Int(shape.queryHeads), head = p % Int(shape.queryHeads)
        return (batch * Int(shape.keyValueHeads) + head / group) * keys
    }

    /// Whether `key` is visible from query `position`.
    @inline(__always) func visible(position: Int, key: Int) -> Bool {
        !shape.causal || key <= position + offset
    }

    /// Loads columns `cols` (all by default) of rows `rows` of problem `p` from `array` (Q or O
    /// layout) into `tile`, packed, one row at a time.
    func loadRows(_ array: SlowArray, problem p: Int, rows: Range<Int>, memory: MemoryHierarchy,
                  cols: Range<Int>? = nil, into tile: FastTile) {
        let columns = cols ?? 0..<d
        for (index, r) in rows.enumerated() {
            let slowRow = queryRow(problem: p, row: r).slowRow
            memory.load(array, rows: slowRow..<(slowRow + 1), cols: columns, into: tile, at: index * columns.count)
        }
    }

    func loadRows(_ array: SlowArray, problem p: Int, rows: Range<Int>, into tile: FastTile, memory: MemoryHierarchy) {
        loadRows(array, problem: p, rows: rows, memory: memory, into: tile)
    }

    func storeRows(_ tile: FastTile, to array: SlowArray, problem p: Int, rows: Range<Int>, memory: MemoryHierarchy,
                   cols: Range<Int>? = nil, tileOffset: Int = 0) {
        let columns = cols ?? 0..<d
        for (index, r) in rows.enumerated() {
            let slowRow = queryRow(problem: p, row: r).slowRow
            memory.store(tile, at: tileOffset + index * columns.count, to: array, rows: slowRow..<(slowRow + 1), cols: columns)
        }
    }
}
