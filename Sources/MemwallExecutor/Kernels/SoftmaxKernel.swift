import Foundation

/// Row softmax as ``RowReductionIO`` counts it: a row that fits in fast memory is loaded,
/// normalised and stored once; a longer row takes an online pass (running max and sum)
/// and a second pass that normalises and stores, chunk by chunk.
public enum SoftmaxKernel {
    /// Softmax of rows `rows` of `input` into the same rows of `output`; `mask(row, column)`
    /// says which entries take part (masked entries become 0).
    public static func run(input: SlowArray, output: SlowArray, rows: Range<Int>, memory: MemoryHierarchy,
                           mask: (Int, Int) -> Bool = { _, _ in true }) throws(ExecutorError) {
        let length = input.cols
        let available = memory.fastCapacityWords - memory.fastWordsInUse
        let chunk = min(length, available)
        guard chunk >= 1 else { throw .capacityExceeded(requested: 1, inUse: memory.fastWordsInUse, capacity: memory.fastCapacityWords) }
        let scope = TileScope(memory)
        defer { scope.releaseAll() }
        let tile = try scope.allocate(rows: 1, cols: chunk)
        for row in rows {
            var maximum = -Double.infinity, sum = 0.0
            if chunk == length {
                memory.load(input, rows: row..<(row + 1), cols: 0..<length, into: tile)
                for c in 0..<length where mask(row, c) { maximum = max(maximum, tile[c]) }
                for c in 0..<length {
                    let value = mask(row, c) && maximum > -.infinity ? exp(tile[c] - maximum) : 0
                    tile[c] = value
                    sum += value
                }
                if sum > 0 { for c in 0..<length { tile[c] /= sum } }
                memory.store(tile, to: output, rows: row..<(row + 1), cols: 0..<length)
                continue
            }
            for start in stride(from: 0, to: length, by: chunk) {                 // pass 1: online max and sum
                let width = min(chunk, length - start)
                memory.load(input, rows: row..<(row + 1), cols: start..<(start + width), into: tile)
                for c in 0..<width where mask(row, start + c) {
                    let x = tile[c]
                    if x > maximum { sum = sum * exp(maximum - x) + 1; maximum = x } else { sum += exp(x - maximum) }
                }
            }
            for start in stride(from: 0, to: length, by: chunk) {                 // pass 2: normalise and store
                let width = min(chunk, length - start)
                memory.load(input, rows: row..<(row + 1), cols: start..<(start + width), into: tile)
                for c in 0..<width {
                    tile[c] = mask(row, start + c) && sum > 0 ? exp(tile[c] - maximum) / sum : 0
                }
                memory.store(tile, to: output, rows: row..<(row + 1), cols: start..<(start + width))
            }
        }
    }
}
