import MemwallAnalysis
import Testing

@Suite struct GEMMIOTests {
    /// Counts the output-stationary loop nest element by element: for every bm x bn tile of C,
    /// stream k, loading one column of A's rows and one row of B's columns per step.
    static func naive(m: Int, k: Int, n: Int, bm: Int, bn: Int) -> (reads: Double, writes: Double) {
        var reads = 0, writes = 0
        for i in stride(from: 0, to: m, by: bm) {
            for j in stride(from: 0, to: n, by: bn) {
                let rows = min(bm, m - i), cols = min(bn, n - j)
                for _ in 0..<k { reads += rows + cols }
                writes += rows * cols
            }
        }
        return (Double(reads), Double(writes))
    }

    @Test(arguments: [(64, 48, 80, 300.0), (100, 7, 33, 120.0), (1, 4096, 4096, 9000.0), (513, 129, 257, 5000.0),
                      (8, 8, 8, 1e6)])
    func countMatchesTheLoopNestAndTheTileFits(m: Int, k: Int, n: Int, words: Double) throws {
        let model = GEMMIO(m: m, k: k, n: n)
        let (bm, bn) = try #require(model.tile(fastMemoryBytes: words))
        #expect(bm * bn + bm + bn <= words)                     // C tile + a column of A + a row of B
        let traffic = try #require(model.traffic(fastMemoryBytes: words))
        let expected = Self.naive(m: m, k: k, n: n, bm: Int(bm), bn: Int(bn))
        #expect(traffic.readBytes == expected.reads)
        #expect(traffic.writeBytes == expected.writes)
    }

    /// The closed-form tile choice against a brute-force search over every feasible tile.
    @Test(arguments: [(200, 64, 300, 1000.0), (97, 31, 61, 250.0), (1000, 100, 40, 3000.0), (256, 16, 256, 16384.0),
                      (300, 8, 500, 5000.0)])
    func tileChoiceIsNearTheBestFeasibleTile(m: Int, k: Int, n: Int, words: Double) throws {
        var best = Double.infinity
        for bm in 1...m {
            let maxBn = Int((words - Double(bm)) / Double(bm + 1))
            guard maxBn >= 1 else { break }
            let bn = min(n, maxBn)
            let c = Self.naive(m: m, k: k, n: n, bm: bm, bn: bn)
            best = min(best, c.reads + c.writes)
        }
        let chosen = try #require(GEMMIO(m: m, k: k, n: n).traffic(fastMemoryBytes: words)).totalBytes
        #expect(chosen >= best)
        #expect(chosen <= 1.10 * best)
    }

    /// Reads are at least Smith et al.'s 2mnk/sqrt(M), writes are mn, and everything is above
    /// the certified bound; the ratio to the leading term approaches 1 as k grows.
    @Test func boundsHoldAndTheLeadingTermIsApproached() throws {
        for (m, k, n, words) in [(512, 512, 512, 4096.0), (256, 65536, 256, 16384.0), (64, 64, 64, 100.0)] {
            let model = GEMMIO(m: m, k: k, n: n)
            let traffic = try #require(model.traffic(fastMemoryBytes: words))
            let bound = model.lowerBound(fastMemoryBytes: words)
            let (mf, kf, nf) = (Double(m), Double(k), Double(n))
            #expect(traffic.readBytes >= 2 * mf * nf * kf / words.squareRoot())
            #expect(traffic.totalBytes >= bound.certifiedBytes)
            #expect(traffic.totalBytes >= bound.leadingBytes)
        }
        // 128 x 128 tiles fit exactly in 128^2 + 2*128 words and divide 256: 2 x 2 tiles.
        let long = GEMMIO(m: 256, k: 1 << 20, n: 256)
        let ratio = try #require(long.traffic(fastMemoryBytes: 16640)).totalBytes / long.lowerBound(fastMemoryBytes: 16640).leadingBytes
        #expect(ratio < 1.02)
    }

    /// Bigger fast memory, bigger tiles: traffic falls like 1/sqrt(M) once inputs are re-read.
    @Test func quadruplingFastMemoryHalvesTheStreamedTraffic() throws {
        let model = GEMMIO(m: 4096, k: 4096, n: 4096)
        let small = try #require(model.traffic(fastMemoryBytes: 16_641)).readBytes    // 127^2 + 2*127 + ...
        let large = try #require(model.traffic(fastMemoryBytes: 66_049)).readBytes    // 4x
        #expect(abs(small / large - 2) < 0.03)
    }

    @Test func mixedElementSizesAndBias() throws {
        // fp8 weights, bf16 activations and output; tile large enough to cover the matrices.
        let model = GEMMIO(m: 16, k: 256, n: 512, aBytes: 2, bBytes: 1, cBytes: 2, bias: true)
        let traffic = try #require(model.traffic(fastMemoryBytes: 1e9))
        let a: Double = 16 * 256 * 2, b: Double = 256 * 512 * 1, bias: Double = 512 * 2
        #expect(traffic.readBytes == a + b + bias)
        #expect(traffic.writeBytes == Double(16 * 512 * 2))
        #expect(model.traffic(fastMemoryBytes: 4) == nil)     // not even a 1 x 1 tile fits
    }
}
