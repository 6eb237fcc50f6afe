import MemwallExecutor
import Testing

/// The instrumented hierarchy: what it counts, what it refuses, and that data survives the trip.
@Suite struct MemoryHierarchyTests {
    /// A 5 x 7 array holding 0, 1, ..., 34 row-major: element (r, c) is 7r + c.
    static func numbered(_ memory: MemoryHierarchy) -> SlowArray {
        memory.slowArray(rows: 5, cols: 7, values: (0..<35).map(Double.init))
    }

    @Test func loadCountsRowsTimesColumnsAndCopiesTheBlock() throws {
        let memory = MemoryHierarchy(fastCapacityWords: 64)
        let a = Self.numbered(memory)
        let tile = try memory.allocate(rows: 4, cols: 4)
        // Rows 1...3, columns 2...5: 3 x 4 = 12 words, packed row-major from element 0.
        memory.load(a, rows: 1..<4, cols: 2..<6, into: tile)
        #expect(memory.wordsLoaded == 12)
        #expect(memory.wordsStored == 0)
        #expect(Array(tile.storage[0..<12]) == [9, 10, 11, 12, 16, 17, 18, 19, 23, 24, 25, 26])
        #expect(Array(tile.storage[12..<16]) == [0, 0, 0, 0])
        // One row, one column at offset 13: 1 more word (element (4, 6) = 34).
        memory.load(a, rows: 4..<5, cols: 6..<7, into: tile, at: 13)
        #expect(memory.wordsLoaded == 13)
        #expect(tile[13] == 34)
        #expect(tile[3, 1] == 34)
        // An empty range moves nothing.
        memory.load(a, rows: 2..<2, cols: 0..<7, into: tile)
        #expect(memory.wordsLoaded == 13)
        #expect(memory.wordsMoved == 13)
    }

    @Test func storeCountsRowsTimesColumnsAndWritesOnlyThoseElements() throws {
        let memory = MemoryHierarchy(fastCapacityWords: 12)
        let target = memory.slowArray(rows: 4, cols: 5)
        let tile = try memory.allocate(rows: 3, cols: 4)
        for i in 0..<12 { tile[i] = Double(100 + i) }
        // Tile elements 2...7 into rows 1...2, columns 1...3 (2 x 3 = 6 words).
        memory.store(tile, at: 2, to: target, rows: 1..<3, cols: 1..<4)
        #expect(memory.wordsStored == 6)
        #expect(memory.wordsLoaded == 0)
        #expect(memory.wordsMoved == 6)
        var expected = [Double](repeating: 0, count: 20)
        (expected[6], expected[7], expected[8]) = (102, 103, 104)       // row 1: elements 5 + 1 ... 5 + 3
        (expected[11], expected[12], expected[13]) = (105, 106, 107)    // row 2: elements 10 + 1 ... 10 + 3
        #expect(memory.contents(of: target) == expected)
    }

    @Test func contentsRoundTripThroughFastMemory() throws {
        let memory = MemoryHierarchy(fastCapacityWords: 35)
        let values = Fixture.values(35, seed: 3)
        let source = memory.slowArray(rows: 5, cols: 7, values: values)
        #expect(memory.contents(of: source) == values)
        #expect(memory.contents(of: memory.slowArray(rows: 2, cols: 3)) == [0, 0, 0, 0, 0, 0])

        // Row by row through a 1 x 7 tile, then the whole array through a 5 x 7 tile.
        let copy = memory.slowArray(rows: 5, cols: 7)
        let row = try memory.allocate(rows: 1, cols: 7)
        for r in 0..<5 {
            memory.load(source, rows: r..<(r + 1), cols: 0..<7, into: row)
            memory.store(row, to: copy, rows: r..<(r + 1), cols: 0..<7)
        }
        memory.release(row)
        #expect(memory.contents(of: copy) == values)
        let whole = try memory.allocate(rows: 5, cols: 7)
        let second = memory.slowArray(rows: 5, cols: 7)
        memory.load(copy, rows: 0..<5, cols: 0..<7, into: whole)
        memory.store(whole, to: second, rows: 0..<5, cols: 0..<7)
        #expect(memory.contents(of: second) == values)
        #expect(memory.contents(of: source) == values)      // reading never disturbs the source
        #expect(memory.wordsLoaded == 70)
        #expect(memory.wordsStored == 70)
    }

    @Test func allocatingPastCapacityThrowsAndReleaseGivesWordsBack() throws {
        let memory = MemoryHierarchy(fastCapacityWords: 100)
        let a = try memory.allocate(rows: 10, cols: 5)      // 50
        let b = try memory.allocate(rows: 7, cols: 7)       // 49
        #expect(memory.fastWordsInUse == 99)
        #expect(throws: ExecutorError.capacityExceeded(requested: 2, inUse: 99, capacity: 100)) {
            try memory.allocate(rows: 1, cols: 2)
        }
        #expect(memory.fastWordsInUse == 99)                 // a refused allocation takes nothing
        let c = try memory.allocate(rows: 1, cols: 1)        // exactly full is allowed
        #expect(memory.fastWordsInUse == 100)
        #expect(throws: ExecutorError.capacityExceeded(requested: 1, inUse: 100, capacity: 100)) {
            try memory.allocate(rows: 1, cols: 1)
        }
        memory.release(b)
        #expect(memory.fastWordsInUse == 51)
        let d = try memory.allocate(rows: 7, cols: 7)        // the 49 words came back
        #expect(memory.fastWordsInUse == 100)
        for tile in [a, c, d] { memory.release(tile) }
        #expect(memory.fastWordsInUse == 0)
        #expect(throws: ExecutorError.capacityExceeded(requested: 101, inUse: 0, capacity: 100)) {
            try memory.allocate(rows: 101, cols: 1)
        }
    }

    @Test func peakFastWordsIsTheLargestSimultaneousAllocation() throws {
        let memory = MemoryHierarchy(fastCapacityWords: 1000)
        #expect(memory.peakFastWords == 0)
        let a = try memory.allocate(rows: 3, cols: 10)       // 30
        let b = try memory.allocate(rows: 4, cols: 5)        // 50 in use
        memory.release(a)                                    // 20
        let c = try memory.allocate(rows: 2, cols: 10)       // 40
        #expect(memory.peakFastWords == 50)
        memory.release(b)
        memory.release(c)
        let d = try memory.allocate(rows: 6, cols: 10)       // 60: a new peak
        memory.release(d)
        #expect(memory.peakFastWords == 60)
        #expect(memory.fastWordsInUse == 0)
        // Moving data does not count towards the peak.
        let source = memory.slowArray(rows: 1, cols: 4, values: [1, 2, 3, 4])
        let e = try memory.allocate(rows: 1, cols: 4)
        memory.load(source, rows: 0..<1, cols: 0..<4, into: e)
        #expect(memory.peakFastWords == 60)
    }

    @Test func tilesStartZeroedAndIndexRowMajor() throws {
        let memory = MemoryHierarchy(fastCapacityWords: 6)
        let tile = try memory.allocate(rows: 2, cols: 3)
        #expect(tile.count == 6)
        #expect(Array(tile.storage) == [0, 0, 0, 0, 0, 0])
        tile[1, 2] = 5
        #expect(tile[5] == 5)
        tile.fill(-1.5)
        #expect(Array(tile.storage) == [Double](repeating: -1.5, count: 6))
    }
}
