import MemwallAnalysis
import MemwallExecutor
import MemwallNumerics
import Testing

/// FlashAttention's IO is Θ(N^2 d^2 / M): log-log least-squares fits (GSL) of the words the
/// kernels actually move recover the exponents 2 in N and -1 in M. Regime: d = 16, where the
/// N d terms are a few percent of the N^2 term and shrink as N grows.
@Suite struct ScalingFitTests {
    /// Words FlashAttention moves for one head of `n` queries and keys, d = 16, block-sizing memory `words`.
    static func countedWords(_ version: FlashAttentionIO.Version, n: Int, blockMemoryWords words: Int) throws -> Double {
        let spec = AttentionSpec(queries: n, keys: n, d: 16)
        let model = FlashAttentionIO(shape: spec.shape, version: version)
        let capacity = Int(model.workingSetWords(fastMemoryWords: Double(words)))
        let memory = MemoryHierarchy(fastCapacityWords: capacity)
        let operands = AttentionOperands(shape: spec.shape, in: memory, q: Fixture.values(n * 16, seed: 1),
                                         k: Fixture.values(n * 16, seed: 2), v: Fixture.values(n * 16, seed: 3))
        try FlashAttentionKernel.run(operands, version: version, blockMemoryWords: words, memory: memory)
        return Double(memory.wordsMoved)
    }

    @Test(arguments: [FlashAttentionIO.Version.flash2, .flash1])
    func ioGrowsAsNSquared(version: FlashAttentionIO.Version) throws {
        // M = 512 words: Br = ceil(512 / 64) = 8 (and Bc = 8).
        let ns = [256, 512, 1024, 2048]
        let words = try ns.map { try Self.countedWords(version, n: $0, blockMemoryWords: 512) }
        let fit = try GSL.powerLawFit(x: ns.map(Double.init), y: words)
        #expect(abs(fit.slope - 2) <= 0.05, "\(version): exponent \(fit.slope)")
        #expect(fit.rSquared > 0.999)
        // The N d terms only add traffic, so the exponent comes from below, and doubling N at most quadruples it.
        #expect(fit.slope < 2)
        for (small, large) in zip(words, words.dropFirst()) { #expect(large / small <= 4 && large / small > 3.8) }
    }

    @Test(arguments: [FlashAttentionIO.Version.flash2, .flash1])
    func ioFallsAsOneOverM(version: FlashAttentionIO.Version) throws {
        // Multiples of 4d = 64: blocks of 4, 8, 16 rows (FA1: keys), all at most d, so traffic ~ 1/M exactly in the N^2 term.
        let sizes = [256, 512, 1024]
        let words = try sizes.map { try Self.countedWords(version, n: 1024, blockMemoryWords: $0) }
        let fit = try GSL.powerLawFit(x: sizes.map(Double.init), y: words)
        #expect(abs(fit.slope + 1) <= 0.05, "\(version): exponent \(fit.slope)")
        #expect(fit.rSquared > 0.999)
        #expect(fit.slope > -1)
    }

    /// FA1 re-reads and re-writes O, l, m for every K/V block: (3d + 4) words per row and block
    /// against FA2's 2d (about 12 N^2 d^2 / M against 8 N^2 d^2 / M, docs/io-models.md).
    @Test func flashAttention1AgainstFlashAttention2AtTheSameBlocks() throws {
        let fa1 = try Self.countedWords(.flash1, n: 1024, blockMemoryWords: 512)
        let fa2 = try Self.countedWords(.flash2, n: 1024, blockMemoryWords: 512)
        // Exact at these sizes: FA2 2 N^2 d / 8 + 2 N d + N; FA1 (N / 8) N (3 d + 4) + 2 N d + N (d + 2).
        #expect(fa2 == Double(2 * 1024 * 1024 * 16 / 8 + 2 * 1024 * 16 + 1024))
        #expect(fa1 == Double(1024 / 8 * 1024 * (3 * 16 + 4) + 2 * 1024 * 16 + 1024 * 18))
        #expect(fa1 > 1.5 * fa2)
    }

    /// Records throughput without asserting a time: only that the clock measured the run.
    @Test func flashAttention2ReportsWordsPerSecond() throws {
        let spec = AttentionSpec(heads: 2, queries: 512, keys: 512, d: 32, causal: true)
        var c = spec.kernelCase(.flash2, fastMemoryWords: 2048)
        c.relations = [.equalsModel, .numericsWithin(1e-12)]
        let r = try Verifier.run(c)
        #expect(r.passed, "\(r.violations)")
        #expect(r.seconds > 0)
        #expect(r.wordsPerSecond > 0)
        #expect(r.wordsPerSecond == Double(r.countedWords) / r.seconds)
    }
}
