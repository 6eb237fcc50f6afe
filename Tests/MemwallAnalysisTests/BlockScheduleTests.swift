import MemwallAnalysis
import MemwallModel
import MemwallNumerics
import Testing

/// List scheduling of unequal thread blocks, checked against a naive scheduler written here (scan every
/// slot for the earliest free one), against the wave formula for equal blocks, and against hand cases.
@Suite struct BlockScheduleTests {
    /// Each block, in grid order, to the slot that frees first (the lowest index on a tie): O(blocks x slots).
    static func naiveMakespan(_ blocks: [Double], slots: Int) -> Double {
        var free = [Double](repeating: 0, count: slots)
        for work in blocks {
            let slot = free.indices.min { free[$0] < free[$1] }!
            free[slot] += work
        }
        return free.max() ?? 0
    }

    /// Blocks 1, 2, 3, 4 on 2 slots: 1 and 2 start; 3 follows 1 (ends 4), 4 follows 2 (ends 6).
    /// Busy 10 of 2 x 6 = 12 slot-units.
    @Test func handCase() {
        #expect(BlockSchedule.makespan(pattern: [1, 2, 3, 4], groups: 1, slots: 2) == 6)
        #expect(BlockSchedule.utilisation(pattern: [1, 2, 3, 4], groups: 1, slots: 2) == 10.0 / 12)
        // Two groups, 1 2 3 4 1 2 3 4: after the first group A frees at 4, B at 6; then 1 on A (5), 2 on A (7),
        // 3 on B (9), 4 on A (11).
        #expect(BlockSchedule.makespan(pattern: [1, 2, 3, 4], groups: 2, slots: 2) == 11)
        // Fewer blocks than slots: the longest block.
        #expect(BlockSchedule.makespan(pattern: [1, 2, 3, 4], groups: 1, slots: 8) == 4)
        #expect(BlockSchedule.utilisation(pattern: [1, 2, 3, 4], groups: 1, slots: 8) == 10.0 / 32)
    }

    @Test func noWorkIsFullyUsed() {
        #expect(BlockSchedule.utilisation(pattern: [], groups: 4, slots: 8) == 1)
        #expect(BlockSchedule.utilisation(pattern: [0, 0], groups: 4, slots: 8) == 1)
        #expect(BlockSchedule.utilisation(pattern: [1], groups: 0, slots: 8) == 1)
        #expect(BlockSchedule.makespan(pattern: [1], groups: 0, slots: 8) == 0)
    }

    /// Equal blocks fill whole waves: exactly the wave formula.
    @Test(arguments: [(1, 8), (7, 8), (8, 8), (9, 8), (133, 132), (1000, 108), (4096, 216)])
    func equalBlocksAreTheWaveFormula(_ blocks: Int, _ slots: Int) {
        let u = BlockSchedule.utilisation(pattern: [3], groups: blocks, slots: slots)
        #expect(abs(u - WaveQuantization.utilisation(items: Double(blocks), units: Double(slots))) < 1e-12)
    }

    /// Seeded random patterns and slot counts: the heap schedule equals the naive one exactly.
    @Test func matchesTheNaiveScheduler() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let length = 1 + Int(rng.next() % 24)
            let pattern = (0..<length).map { _ in Double(1 + rng.next() % 100) }
            let groups = 1 + Int(rng.next() % 12)
            let slots = 1 + Int(rng.next() % 40)
            let grid = Array((0..<groups).map { _ in pattern }.joined())
            #expect(BlockSchedule.makespan(pattern: pattern, groups: groups, slots: slots) == Self.naiveMakespan(grid, slots: slots),
                    "pattern \(pattern) x \(groups) on \(slots)")
        }
    }

    /// Above the block limit the tail is carried over: within 0.5% of scheduling every block.
    @Test func extrapolatedTailIsCloseToTheFullSchedule() {
        let pattern = (1...16).map(Double.init)       // a causal row of 16 query blocks
        for (groups, slots) in [(500, 108), (300, 216), (1000, 132)] {
            let full = BlockSchedule.utilisation(pattern: pattern, groups: groups, slots: slots, blockLimit: .max)
            let limited = BlockSchedule.utilisation(pattern: pattern, groups: groups, slots: slots, blockLimit: 1_600)
            #expect(abs(limited / full - 1) < 0.005, "\(groups) groups on \(slots): \(limited) vs \(full)")
        }
    }

    /// The per-block pairs of a causal grid sum to the executed total; sq = skv = 4 Br, Bc = Br: 1, 2, 3, 4 blocks.
    @Test func perQueryBlockPairsSumToTheExecutedTotal() {
        let br = 128
        #expect(OpCost.executedPairsPerQueryBlock(queries: 4 * br, keys: 4 * br, window: nil, blockRows: br, blockKeys: br)
                == [1, 2, 3, 4].map { Double($0 * br * br) })
        for (sq, skv, bc, window) in [(1000, 1000, 64, nil), (300, 1000, 80, nil), (700, 900, 64, 200)] as [(Int, Int, Int, Int?)] {
            let blocks = OpCost.executedPairsPerQueryBlock(queries: sq, keys: skv, window: window, blockRows: br, blockKeys: bc)
            #expect(blocks.count == (sq + br - 1) / br)
            #expect(blocks.reduce(0, +) == OpCost.executedAttentionPairs(queries: sq, keys: skv, causal: true, window: window,
                                                                          blockRows: br, blockKeys: bc))
        }
    }
}
