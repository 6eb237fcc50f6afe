import Foundation
import MemwallAnalysis
import MemwallExecutor
import Testing

/// Defects found while writing the executor tests, each pinned by the test that failed on it.
@Suite struct DefectRegressionTests {
    /// A kernel that throws part-way through allocating its tiles must give back the ones it got:
    /// FA2 with d = 8, M = 300 needs 388 words; in 387 it gets Q, O, K, V, S and m (378 words)
    /// before l fails. Those 378 words used to stay "in use".
    @Test func failedAllocationGivesItsTilesBack() throws {
        let short = MemoryHierarchy(fastCapacityWords: 387)
        let (operands, _) = AttentionSpec(queries: 32, keys: 32, d: 8).operands(in: short)
        #expect(throws: ExecutorError.capacityExceeded(requested: 10, inUse: 378, capacity: 387)) {
            try FlashAttentionKernel.run(operands, version: .flash2, blockMemoryWords: 300, memory: short)
        }
        #expect(short.fastWordsInUse == 0)
        #expect(short.peakFastWords == 378)
        // The same hierarchy then runs a smaller tiling: nothing is held over.
        try FlashAttentionKernel.run(operands, version: .flash2, blockMemoryWords: 100, memory: short)
        #expect(short.fastWordsInUse == 0)
    }

    /// Split-KV decode's reduction must run wherever the split phase ran: it used to hold every
    /// split's partial row at once (S (d + 1) + d words, 98 for 10 splits of d = 8) and threw in the
    /// 92 words the split phase needs (4 stacked rows, one key per block), though DecodeAttentionIO
    /// prices the case.
    @Test func splitKVReductionRunsWhereTheSplitPhaseRuns() throws {
        let spec = AttentionSpec(heads: 4, kvHeads: 2, queries: 2, keys: 30, d: 8, packGQA: true)
        for splits in [10, 30] {
            let r = try Verifier.run(spec.kernelCase(.splitKV, fastMemoryWords: 92, splits: splits))
            #expect(Double(r.countedWords) == r.predictedWords, "splits=\(splits)")
            #expect(r.peakFastWords <= 92)
            #expect(r.maxRelativeError <= 1e-12)
            // By hand, per kv head (q = 4 rows): reads 2 * 30 * 8 + S q d + S q (d + 1), writes q d + S q (d + 1).
            #expect(r.countedWords == 2 * (480 + splits * 32 + splits * 36 + 32 + splits * 36))
        }
    }

    /// More splits than keys: the kernel runs one split per key (3 here); the model used to count the
    /// 5 asked for (648 words against 440). Per kv head (q g = 2 rows, d = 8), by hand: reads
    /// 2 * 3 * 8 + 3 * 16 + 3 * 18 = 150, writes 16 + 54 = 70.
    @Test func splitKVWithMoreSplitsThanKeysMatchesTheModel() throws {
        let c = AttentionSpec(heads: 4, kvHeads: 2, queries: 1, keys: 3, d: 8).kernelCase(.splitKV, fastMemoryWords: 500, splits: 5)
        let r = try Verifier.run(c)
        #expect(r.countedWords == 2 * (150 + 70))
        #expect(Double(r.countedWords) == r.predictedWords)
        #expect(r.maxRelativeError <= 1e-12)
        #expect(r.passed, "\(r.violations)")
    }

    /// Causal attention with fewer keys than queries: a query at position p with p + keys - queries < 0
    /// sees no key. NaiveReference computed `visible = i + keys - queries + 1` and trapped on
    /// `0..<visible` when it was negative, crashing Verifier (and `memwall verify`) on such a case.
    /// Run in a child process so that a trap fails this test and not the whole run.
    @Test func naiveReferenceSurvivesQueriesThatSeeNoKey() async {
        await #expect(processExitsWith: .success) {
            // d = 1, 8 queries, 4 keys with equal scores: positions 0 ... 3 see nothing (output 0);
            // position 4 + j sees keys 0 ... j, so its output is the mean of v[0...j].
            let out = NaiveReference.attention(q: [Double](repeating: 1, count: 8), k: [1, 1, 1, 1], v: [1, 2, 3, 4], batch: 1,
                                               queryHeads: 1, keyValueHeads: 1, queries: 8, keys: 4, d: 1, causal: true)
            let expected: [Double] = [0, 0, 0, 0, 1, 1.5, 2, 2.5]
            guard zip(out, expected).allSatisfy({ abs($0 - $1) < 1e-14 }) else { exit(1) }
        }
    }

    /// The same shapes through Verifier: every relation holds for every attention kernel.
    @Test(arguments: [KernelCase.Variant.standard, .flash1, .flash2, .squareTile])
    func verifierRunsCausalCasesWithFewerKeysThanQueries(variant: KernelCase.Variant) throws {
        let r = try Verifier.run(AttentionSpec(heads: 2, queries: 21, keys: 6, d: 5, causal: true)
            .kernelCase(variant, fastMemoryWords: 33))
        #expect(r.passed, "\(r.name): \(r.violations)")
    }
}
