import MemwallAnalysis
import MemwallModel
import Testing

/// Causal FlashAttention computes whole Br x Bc blocks: those wholly above the diagonal are skipped,
/// those crossing it computed in full. Counts written here block by block, not through the closed
/// loop bounds of `OpCost.executedAttentionPairs`.
@Suite struct CausalBlockWorkTests {
    /// Brute force: a Br x Bc tile is computed when any of its (row, key) pairs is visible, queries aligned to
    /// the end of the keys (row r sees keys up to r + skv - sq, the last `window` of them); every computed
    /// tile counts its real rows x real keys.
    static func bruteForce(sq: Int, skv: Int, br: Int, bc: Int, window: Int?) -> Double {
        let offset = skv - sq
        var total = 0.0
        for rowStart in stride(from: 0, to: sq, by: br) {
            let rows = rowStart..<min(rowStart + br, sq)
            for keyStart in stride(from: 0, to: skv, by: bc) {
                let keys = keyStart..<min(keyStart + bc, skv)
                let visible = rows.contains { r in
                    keys.contains { k in k <= r + offset && (window.map { k > r + offset - $0 } ?? true) }
                }
                if visible { total += Double(rows.count * keys.count) }
            }
        }
        return total
    }

    /// sq = skv = 4 Br, square blocks: block row i runs key blocks 0...i, 1 + 2 + 3 + 4 = 10 of the 16.
    @Test func fourBlockRowsRunTenOfSixteenBlocks() {
        let br = 128, n = 4 * br
        #expect(OpCost.executedAttentionPairs(queries: n, keys: n, causal: true, window: nil, blockRows: br, blockKeys: br)
                == 10 * Double(br * br))
        // Bc = Br / 2 (FlashAttention-2's 128 x 64 for d = 128) covers the same area: the diagonal block in two halves.
        #expect(OpCost.executedAttentionPairs(queries: n, keys: n, causal: true, window: nil, blockRows: br, blockKeys: br / 2)
                == 10 * Double(br * br))
        // The masked count is n (n + 1) / 2 = 8.03 blocks' worth: the kernel runs 24% more.
        #expect(OpCost.attentionPairs(queries: n, keys: n, causal: true, window: nil) == Double(n * (n + 1) / 2))
    }

    /// Without a mask the executed and useful counts are the same, sq x skv.
    @Test(arguments: [(512, 512), (300, 1000), (1, 4096)])
    func nonCausalIsUnchanged(_ sq: Int, _ skv: Int) {
        let pairs = OpCost.executedAttentionPairs(queries: sq, keys: skv, causal: false, window: nil, blockRows: 128, blockKeys: 64)
        #expect(pairs == Double(sq * skv))
        #expect(pairs == OpCost.attentionPairs(queries: sq, keys: skv, causal: false, window: nil))
    }

    /// Ragged shapes, a KV prefix (skv > sq), a sliding window, Bc not dividing Br, one decode query.
    @Test(arguments: [(512, 512, 128, 64, nil), (300, 1000, 128, 64, nil), (1000, 1000, 128, 80, nil),
                      (1000, 1000, 192, 128, nil), (700, 900, 128, 64, 200), (513, 513, 64, 64, 64), (1, 105, 128, 64, nil)]
                      as [(Int, Int, Int, Int, Int?)])
    func matchesTheBlockByBlockCount(_ sq: Int, _ skv: Int, _ br: Int, _ bc: Int, _ window: Int?) {
        let executed = OpCost.executedAttentionPairs(queries: sq, keys: skv, causal: true, window: window, blockRows: br, blockKeys: bc)
        #expect(executed == Self.bruteForce(sq: sq, skv: skv, br: br, bc: bc, window: window))
        #expect(executed >= OpCost.attentionPairs(queries: sq, keys: skv, causal: true, window: window))
    }

    /// The calibrated engine times the executed work; the reported FLOPs stay the useful (masked) count, and
    /// the pure roofline (no calibration) keeps the useful count for its time too.
    @Test func calibratedEngineTimesTheExecutedBlocks() throws {
        let (b, hq, n, d) = (1, 2, 512, 64)
        let workload = SpecialFunctionTests.attention(b: b, hq: hq, sq: n, skv: n, d: d, causal: true)
        let calibration = Calibration(parallelUnits: 8, tile: .init(m: 128, n: 128, splitKMin: 256, attentionKeys: 128),
                                      compute: [.init(engine: "tc", family: .attention, efficiency: 0.5)],
                                      launchOverhead: Seconds(0), source: "t")
        let useful = Double(b * hq * n * (n + 1) / 2) * 4 * Double(d)
        let executed = Double(b * hq * 10 * 128 * 128) * 4 * Double(d)
        let op = try RooflineEngine().analyze(workload, on: SpecialFunctionTests.hardware(special: nil, calibration: calibration)).ops[0]
        // 2 heads x 4 row blocks = 8 blocks on 8 units, each block row i running i + 1 key blocks: the
        // longest takes 4, so the units are busy 2 x (1 + 2 + 3 + 4) = 20 of 8 x 4 = 32 block-times.
        let u = 20.0 / 32
        #expect(abs(op.computeTime - executed / (SpecialFunctionTests.peak * 0.5 * u)) <= 1e-15 * op.computeTime)
        #expect(op.flops == useful)
        let pure = try RooflineEngine().analyze(workload, on: SpecialFunctionTests.hardware(special: nil)).ops[0]
        #expect(abs(pure.computeTime - useful / SpecialFunctionTests.peak) <= 1e-15 * pure.computeTime)
        // With a special-function rate the floor counts the executed exponentials too.
        let withRate = try RooflineEngine().analyze(workload, on: SpecialFunctionTests.hardware(special: SpecialFunctionTests.specialRate,
                                                                                              calibration: calibration)).ops[0]
        let floor = executed / SpecialFunctionTests.peak + executed / (4 * Double(d)) / SpecialFunctionTests.specialRate
        #expect(abs(withRate.computeTime - max(executed / (SpecialFunctionTests.peak * 0.5 * u), floor)) <= 1e-15 * withRate.computeTime)
    }

    /// Blocks resident per unit (`attention_blocks_per_unit`) multiply the slots: without a mask the
    /// blocks are equal and fill waves over units x occupancy; under a causal mask they are scheduled
    /// one by one (the naive scheduler of ``BlockScheduleTests``). The standard (untiled) kernel keeps
    /// its wave over the units.
    @Test(arguments: [(1, false), (2, false), (3, false), (1, true), (2, true), (3, true)])
    func occupancyMultipliesTheSlots(_ occupancy: Int, _ causal: Bool) throws {
        let (b, hq, n, d) = (3, 4, 1024, 64)
        let calibration = Calibration(parallelUnits: 8, tile: .init(m: 128, n: 128, splitKMin: 256, attentionKeys: 128,
                                                                    attentionBlocksPerUnit: occupancy),
                                      compute: [.init(engine: "tc", family: .attention, efficiency: 0.5)],
                                      launchOverhead: Seconds(0), source: "t")
        let hardware = SpecialFunctionTests.hardware(special: nil, calibration: calibration)
        let workload = SpecialFunctionTests.attention(b: b, hq: hq, sq: n, skv: n, d: d, causal: causal)
        let op = try RooflineEngine().analyze(workload, on: hardware).ops[0]
        // 8 query blocks of 128 per (batch, head); block row i runs i + 1 key blocks when causal, 8 otherwise.
        let row = (1...8).map { causal ? Double($0) : 8 }
        let grid = Array(repeating: row, count: b * hq).flatMap { $0 }
        let slots = 8 * occupancy
        let u = grid.reduce(0, +) / (BlockScheduleTests.naiveMakespan(grid, slots: slots) * Double(slots))
        let executed = grid.reduce(0, +) * 128 * 128 * 4 * Double(d)
        #expect(abs(op.computeTime - executed / (SpecialFunctionTests.peak * 0.5 * u)) <= 1e-12 * op.computeTime,
                "occupancy \(occupancy), causal \(causal): u = \(u)")
        if !causal {   // 96 equal blocks: 96 / 8 = 12 whole waves at occupancy 1, 96 / 24 = 4 at 3, 96 / 16 = 6 at 2.
            #expect(u == 1)
        }
        let standard = try RooflineEngine(ioModel: HierarchicalTraffic(attention: .standard)).analyze(workload, on: hardware).ops[0]
        let useful = OpCost.attentionPairs(queries: n, keys: n, causal: causal, window: nil) * Double(b * hq) * 4 * Double(d)
        #expect(abs(standard.computeTime - useful / (SpecialFunctionTests.peak * 0.5)) <= 1e-12 * standard.computeTime)
    }
}
