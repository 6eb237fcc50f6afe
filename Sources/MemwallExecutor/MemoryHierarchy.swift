/// A two-level memory: a fast tier of `fastCapacityWords` words in front of a slow
/// tier holding real `Double` arrays.
///
/// Kernels compute only on ``FastTile``s, which live in the fast tier; the only way
/// data moves is ``load(_:rows:cols:into:at:)`` and ``store(_:at:to:rows:cols:)``,
/// which count every word. Allocating past the capacity throws, so a kernel cannot
/// hide extra fast memory and the counts cannot flatter the algorithm.
public final class MemoryHierarchy {
    public let fastCapacityWords: Int
    /// Words moved slow -> fast and fast -> slow.
    public private(set) var wordsLoaded = 0
    public private(set) var wordsStored = 0
    /// Fast words allocated now, and the most ever allocated at once.
    public private(set) var fastWordsInUse = 0
    public private(set) var peakFastWords = 0

    private var slow: [[Double]] = []
    private var shapes: [(rows: Int, cols: Int)] = []

    public init(fastCapacityWords: Int) {
        self.fastCapacityWords = fastCapacityWords
    }

    public var wordsMoved: Int { wordsLoaded + wordsStored }

    // MARK: Slow tier (setting up and reading back results is not counted)

    /// Places a row-major `rows x cols` array in slow memory (zeros when `values` is nil).
    public func slowArray(rows: Int, cols: Int, values: [Double]? = nil) -> SlowArray {
        precondition(values == nil || values!.count == rows * cols, "values do not match the shape")
        slow.append(values ?? [Double](repeating: 0, count: rows * cols))
        shapes.append((rows, cols))
        return SlowArray(id: slow.count - 1, rows: rows, cols: cols)
    }

    /// The contents of a slow array, for checking results after a run.
    public func contents(of array: SlowArray) -> [Double] { slow[array.id] }

    // MARK: Fast tier

    /// Reserves `words` of fast memory as a tile of `rows x cols`.
    public func allocate(rows: Int, cols: Int) throws(ExecutorError) -> FastTile {
        let words = rows * cols
        guard fastWordsInUse + words <= fastCapacityWords else {
            throw .capacityExceeded(requested: words, inUse: fastWordsInUse, capacity: fastCapacityWords)
        }
        fastWordsInUse += words
        peakFastWords = max(peakFastWords, fastWordsInUse)
        return FastTile(rows: rows, cols: cols)
    }

    /// Gives a tile's words back.
    public func release(_ tile: FastTile) {
        fastWordsInUse -= tile.rows * tile.cols
    }

    /// Copies `array[rows, cols]` into `tile` starting at element `offset` (row-major, packed),
    /// counting `rows.count * cols.count` words.
    public func load(_ array: SlowArray, rows: Range<Int>, cols: Range<Int>, into tile: FastTile, at offset: Int = 0) {
        let width = cols.count
        precondition(offset + rows.count * width <= tile.count, "load overruns the tile")
        let stride = shapes[array.id].cols
        slow[array.id].withUnsafeBufferPointer { source in
            var to = offset
            for row in rows {
                let from = row * stride + cols.lowerBound
                for column in 0..<width { tile.storage[to + column] = source[from + column] }
                to += width
            }
        }
        wordsLoaded += rows.count * width
    }

    /// Copies `rows.count * cols.count` elements of `tile` from `offset` into `array[rows, cols]`, counting them.
    public func store(_ tile: FastTile, at offset: Int = 0, to array: SlowArray, rows: Range<Int>, cols: Range<Int>) {
        let width = cols.count
        precondition(offset + rows.count * width <= tile.count, "store overruns the tile")
        let stride = shapes[array.id].cols
        slow[array.id].withUnsafeMutableBufferPointer { target in
            var from = offset
            for row in rows {
                let to = row * stride + cols.lowerBound
                for column in 0..<width { target[to + column] = tile.storage[from + column] }
                from += width
            }
        }
        wordsStored += rows.count * width
    }
}

/// An array in the slow tier; kernels cannot read its elements, only load them.
public struct SlowArray: Sendable, Hashable {
    let id: Int
    public let rows: Int
    public let cols: Int
}

/// A block of fast memory, allocated from a ``MemoryHierarchy``; the only place kernels compute.
public final class FastTile {
    public let rows: Int
    public let cols: Int
    /// Element storage (row-major), allocated once per tile.
    public let storage: UnsafeMutableBufferPointer<Double>

    init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        storage = .allocate(capacity: max(1, rows * cols))
        storage.initialize(repeating: 0)
    }

    deinit { storage.deallocate() }

    public var count: Int { rows * cols }

    @inline(__always) public subscript(index: Int) -> Double {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    @inline(__always) public subscript(row: Int, column: Int) -> Double {
        get { storage[row * cols + column] }
        set { storage[row * cols + column] = newValue }
    }

    public func fill(_ value: Double) { storage.update(repeating: value) }
}

/// Why a kernel cannot run as asked.
public enum ExecutorError: Error, Equatable, Sendable, CustomStringConvertible {
    case capacityExceeded(requested: Int, inUse: Int, capacity: Int)
    case invalidShape(String)

    public var description: String {
        switch self {
        case let .capacityExceeded(requested, inUse, capacity):
            return "fast memory exceeded: \(requested) more words requested with \(inUse) of \(capacity) in use; expected a tiling that fits"
        case let .invalidShape(message):
            return message
        }
    }
}

/// Owns the tiles a kernel allocates and gives them all back when the kernel ends,
/// including when an allocation part-way through fails.
public final class TileScope {
    private let memory: MemoryHierarchy
    private var tiles: [FastTile] = []

    public init(_ memory: MemoryHierarchy) { self.memory = memory }

    deinit { releaseAll() }

    public func allocate(rows: Int, cols: Int) throws(ExecutorError) -> FastTile {
        let tile = try memory.allocate(rows: rows, cols: cols)
        tiles.append(tile)
        return tile
    }

    public func releaseAll() {
        for tile in tiles { memory.release(tile) }
        tiles = []
    }
}
