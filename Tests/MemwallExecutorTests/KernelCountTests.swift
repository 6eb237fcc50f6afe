import MemwallAnalysis
import MemwallExecutor
import Testing

/// The words each kernel moves on the instrumented hierarchy, against the IO model of
/// `Sources/MemwallAnalysis/IO` (exactly) and the certified lower bound (never below), over
/// grids of shapes and fast memories; and against closed forms derived by hand.
@Suite struct KernelCountTests {
    /// Checks one run's counts; returns it for further checks.
    @discardableResult
    static func check(_ c: KernelCase, sourceLocation: SourceLocation = #_sourceLocation) throws -> CaseResult {
        let r = try Verifier.run(c)
        let predicted = try #require(r.predictedWords, "\(c.name): the model has no count", sourceLocation: sourceLocation)
        #expect(Double(r.countedWords) == predicted, "\(c.name): counted \(r.countedWords), model \(predicted)",
                sourceLocation: sourceLocation)
        #expect(Double(r.countedWords) >= r.certifiedBoundWords,
                "\(c.name): counted \(r.countedWords) below certified \(r.certifiedBoundWords)", sourceLocation: sourceLocation)
        #expect(r.peakFastWords <= r.capacityWords, "\(c.name)", sourceLocation: sourceLocation)
        #expect(r.passed, "\(c.name): \(r.violations)", sourceLocation: sourceLocation)
        return r
    }

    // MARK: Model grids

    @Test(arguments: [(37, 23, 41), (1, 100, 3), (64, 1, 64), (16, 16, 16), (5, 9, 2), (100, 7, 1)])
    func tiledGEMMCountsEqualModel(shape: (Int, Int, Int)) throws {
        for words in [3, 8, 20, 47, 150, 1000, 5000] {
            var c = KernelCase(name: "gemm \(shape) M=\(words)", kernel: .gemm, variant: .tiled, fastMemoryWords: words)
            (c.m, c.k, c.n) = shape
            c.relations = [.equalsModel, .aboveCertifiedBound, .numericsWithin(1e-12)]
            let r = try Self.check(c)
            #expect(try #require(r.gslRelativeError) <= 1e-12)
        }
    }

    @Test(arguments: [(5, 70), (3, 1), (4, 33), (2, 100)])
    func softmaxCountsEqualModelInOneAndTwoPasses(shape: (Int, Int)) throws {
        let (rows, length) = shape
        for words in [1, 7, 32, 33, 34, 99, 100, 1000] {
            var c = KernelCase(name: "softmax \(shape) M=\(words)", kernel: .softmax, variant: .rowReduction, fastMemoryWords: words)
            (c.rows, c.rowLength) = shape
            c.relations = [.equalsModel, .aboveCertifiedBound, .numericsWithin(1e-12)]
            let r = try Self.check(c)
            // One pass when a row fits (read and write once), else two reads and one write.
            #expect(r.wordsLoaded == (length <= words ? 1 : 2) * rows * length)
            #expect(r.wordsStored == rows * length)
        }
    }

    static let prefillShapes: [AttentionSpec] = [
        AttentionSpec(queries: 32, keys: 32, d: 8),
        AttentionSpec(queries: 37, keys: 53, d: 7),
        AttentionSpec(queries: 20, keys: 20, d: 16),
        AttentionSpec(queries: 19, keys: 18, d: 5),
        AttentionSpec(batch: 2, heads: 2, queries: 9, keys: 9, d: 4),
        AttentionSpec(heads: 4, kvHeads: 2, queries: 24, keys: 24, d: 8),         // GQA, per head
        AttentionSpec(batch: 2, heads: 4, kvHeads: 2, queries: 13, keys: 29, d: 6),
    ]

    static func withCausal(_ shapes: [AttentionSpec]) -> [AttentionSpec] {
        shapes.flatMap { spec -> [AttentionSpec] in
            var causal = spec
            causal.causal = true
            return [spec, causal]
        }
    }

    @Test(arguments: [KernelCase.Variant.flash1, .flash2], withCausal(prefillShapes))
    func flashAttentionCountsEqualModel(variant: KernelCase.Variant, spec: AttentionSpec) throws {
        // 4d (one row per block), odd sizes, Br or Bc clipped at d (M > 4d^2), and one block for everything.
        for words in [4 * spec.d, 4 * spec.d + 1, 100, 4 * spec.d * spec.d + 7, 3001] {
            try Self.check(spec.kernelCase(variant, fastMemoryWords: words))
        }
    }

    @Test(arguments: [KernelCase.Variant.flash2, .flash1], [false, true])
    func packedGQAFlashAttentionCountsEqualModel(variant: KernelCase.Variant, causal: Bool) throws {
        for spec in [AttentionSpec(heads: 4, kvHeads: 2, queries: 24, keys: 24, d: 8, causal: causal, packGQA: true),
                     AttentionSpec(batch: 2, heads: 6, kvHeads: 2, queries: 11, keys: 17, d: 5, causal: causal, packGQA: true)] {
            for words in [4 * spec.d, 4 * spec.d + 1, 100, 301, 3001] {
                try Self.check(spec.kernelCase(variant, fastMemoryWords: words))
            }
        }
    }

    @Test(arguments: withCausal(prefillShapes))
    func standardAttentionCountsEqualModel(spec: AttentionSpec) throws {
        for words in [3, 10, 40, 300, 3000] {
            try Self.check(spec.kernelCase(.standard, fastMemoryWords: words))
        }
    }

    /// Square tiling is the algorithm for M < d^2: every size here is below d^2.
    @Test(arguments: withCausal([
        AttentionSpec(queries: 32, keys: 32, d: 16),
        AttentionSpec(queries: 37, keys: 53, d: 13),
        AttentionSpec(heads: 4, kvHeads: 2, queries: 20, keys: 20, d: 16),
        AttentionSpec(batch: 2, heads: 4, kvHeads: 2, queries: 9, keys: 14, d: 12, packGQA: true),
    ]))
    func squareTiledAttentionCountsEqualModel(spec: AttentionSpec) throws {
        for words in [16, 35, 64, 100, 143] where words < spec.d * spec.d {
            try Self.check(spec.kernelCase(.squareTile, fastMemoryWords: words))
        }
    }

    @Test(arguments: [1, 2, 5])
    func splitKVDecodeCountsEqualModel(splits: Int) throws {
        for queries in [1, 2, 3] {
            for causal in [false, true] {
                for keys in [37, 100] {
                    let spec = AttentionSpec(batch: 2, heads: 4, kvHeads: 2, queries: queries, keys: keys, d: 8, causal: causal)
                    // The smallest memory the kernel runs in (2 q g d + 3 q g + 2d: one key per block), and larger.
                    let rows = queries * 2
                    for words in [2 * rows * 8 + 3 * rows + 16, 150, 2000] {
                        try Self.check(spec.kernelCase(.splitKV, fastMemoryWords: words, splits: splits))
                    }
                }
            }
        }
    }

    // MARK: Closed forms derived by hand (independent of the models' loops)

    @Test func gemmCountsMatchHandDerivedTraffic() throws {
        // m, k, n = 4, 3, 5. One tile covers C (4*5 + 4 + 5 = 29 <= 100): A, B read once, C written once.
        var c = KernelCase(name: "gemm one tile", kernel: .gemm, variant: .tiled, fastMemoryWords: 100)
        (c.m, c.k, c.n) = (4, 3, 5)
        var r = try Verifier.run(c)
        #expect(r.wordsLoaded == 12 + 15)
        #expect(r.wordsStored == 20)
        #expect(r.peakFastWords == 29)
        // Three words: 1 x 1 tiles, so each of the 20 outputs streams a row of A and a column of B: 2 * 20 * 3.
        c.fastMemoryWords = 3
        r = try Verifier.run(c)
        #expect(r.wordsLoaded == 120)
        #expect(r.wordsStored == 20)
        #expect(r.peakFastWords == 3)
    }

    @Test func standardAttentionCountMatchesThreeNdPlusFourNSquaredPlusNd() throws {
        // With every tile covering its matrix: Q, K (2Nd), S, P read once each (2N^2), V (Nd);
        // S, P written (2N^2) and O (Nd). Per head: 4Nd + 4N^2.
        for (n, d) in [(16, 4), (12, 7)] {
            let spec = AttentionSpec(heads: 3, queries: n, keys: n, d: d)
            let r = try Verifier.run(spec.kernelCase(.standard, fastMemoryWords: 10_000))
            #expect(r.wordsLoaded == 3 * (3 * n * d + 2 * n * n))
            #expect(r.wordsStored == 3 * (2 * n * n + n * d))
        }
    }

    @Test func flashAttention2NonCausalCountMatchesClosedForm() throws {
        // Q read once, O and L written once; each of ceil(rows/Br) row blocks streams all of K and V:
        // reads = rows d + ceil(rows/Br) 2 keys d, writes = rows d + rows, per problem. Br = ceil(M/4d).
        for (spec, words) in [(AttentionSpec(queries: 64, keys: 64, d: 8), 64),
                              (AttentionSpec(queries: 37, keys: 53, d: 7), 100),
                              (AttentionSpec(batch: 2, heads: 3, queries: 30, keys: 11, d: 4), 70)] {
            let br = (words + 4 * spec.d - 1) / (4 * spec.d)
            let problems = spec.batch * spec.heads, rows = spec.queries
            let blocks = (rows + br - 1) / br
            let r = try Verifier.run(spec.kernelCase(.flash2, fastMemoryWords: words))
            #expect(r.wordsLoaded == problems * (rows * spec.d + blocks * 2 * spec.keys * spec.d), "\(spec)")
            #expect(r.wordsStored == problems * (rows * spec.d + rows), "\(spec)")
        }
        // The first case by hand: Br = 2, 32 blocks; reads 512 + 32 * 1024, writes 512 + 64.
        let r = try Verifier.run(AttentionSpec(queries: 64, keys: 64, d: 8).kernelCase(.flash2, fastMemoryWords: 64))
        #expect(r.countedWords == 33_856)
    }

    @Test func flashAttention2CausalCountMatchesTriangle() throws {
        // N = 64, d = 16, M = 512: Br = Bc = 8, T = 8 blocks a side. Row block i (from 1) reads i K/V
        // blocks: reads = N d + 2 * 8 d * T(T+1)/2 = 1024 + 9216; writes = N d + N = 1088.
        let r = try Verifier.run(AttentionSpec(queries: 64, keys: 64, d: 16, causal: true).kernelCase(.flash2, fastMemoryWords: 512))
        #expect(r.wordsLoaded == 10_240)
        #expect(r.wordsStored == 1_088)
    }

    @Test func flashAttention1NonCausalCountMatchesClosedForm() throws {
        // K, V read once (2 keys d); O, l, m initialised (rows (d + 2)); for each of ceil(keys/Bc) K/V
        // blocks every row reads Q, O, l, m (2d + 2) and writes O, l, m (d + 2). Bc = ceil(M/4d).
        for (spec, words) in [(AttentionSpec(queries: 64, keys: 64, d: 8), 64),
                              (AttentionSpec(queries: 37, keys: 53, d: 7), 100),
                              (AttentionSpec(batch: 2, heads: 3, queries: 30, keys: 11, d: 4), 70)] {
            let bc = (words + 4 * spec.d - 1) / (4 * spec.d)
            let problems = spec.batch * spec.heads, rows = spec.queries, d = spec.d
            let blocks = (spec.keys + bc - 1) / bc
            let r = try Verifier.run(spec.kernelCase(.flash1, fastMemoryWords: words))
            #expect(r.wordsLoaded == problems * (2 * spec.keys * d + blocks * rows * (2 * d + 2)), "\(spec)")
            #expect(r.wordsStored == problems * (rows * (d + 2) + blocks * rows * (d + 2)), "\(spec)")
        }
    }

    @Test func squareTiledCountMatchesFiveNSquaredDOverB() throws {
        // N = 32, d = 16, M = 64: B = 4 divides N and d. Per query block: Q and O chunks per key
        // block (N d each, less the first O read), K and V once (2 N d), a final O read: 4 N d reads;
        // writes N d + B d. Over N/B blocks: reads 4 N^2 d / B, writes N^2 d / B + N d.
        let r = try Verifier.run(AttentionSpec(queries: 32, keys: 32, d: 16).kernelCase(.squareTile, fastMemoryWords: 64))
        #expect(r.wordsLoaded == 4 * 32 * 32 * 16 / 4)
        #expect(r.wordsStored == 32 * 32 * 16 / 4 + 32 * 16)
        #expect(r.peakFastWords == 3 * 16 + 2 * 4)
    }

    @Test(arguments: [1, 2, 5])
    func decodeCountMatchesDocumentedFormula(splits: Int) throws {
        // Per (batch, kv head) with q = g * queries stacked rows: reads 2 N_k d + S q d (+ S q (d + 1) partials
        // when S > 1), writes q d (+ S q (d + 1)).
        let (batch, kvHeads, g, queries, keys, d) = (2, 2, 3, 2, 45, 8)
        let spec = AttentionSpec(batch: batch, heads: g * kvHeads, kvHeads: kvHeads, queries: queries, keys: keys, d: d)
        let r = try Verifier.run(spec.kernelCase(.splitKV, fastMemoryWords: 300, splits: splits))
        let q = g * queries, partials = splits > 1 ? splits * q * (d + 1) : 0
        #expect(r.wordsLoaded == batch * kvHeads * (2 * keys * d + splits * q * d + partials))
        #expect(r.wordsStored == batch * kvHeads * (q * d + partials))
    }
}
