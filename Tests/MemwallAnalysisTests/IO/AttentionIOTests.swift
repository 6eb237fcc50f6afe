import MemwallAnalysis
import Testing

/// Independent simulations of the published loop nests, counting words (all element sizes 1).
/// Masking is decided element by element: a block pair is processed if any of its
/// (query position, key) pairs is visible, i.e. key <= position + keys - queries.
enum AttentionLoops {
    struct Shape {
        var queries: Int, keys: Int, d: Int, causal: Bool
        func visible(rows: Range<Int>, keys block: Range<Int>) -> Bool {
            guard causal else { return true }
            return block.lowerBound <= rows.upperBound - 1 + keys - queries
        }
    }

    static func blocks(_ count: Int, _ size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
    }

    /// FlashAttention-1 forward (Algorithm 1): Bc keys outer, Br rows inner.
    static func flash1Forward(_ s: Shape, bc: Int, br: Int) -> (Int, Int) {
        var reads = 0, writes = s.queries * s.d + 2 * s.queries         // O, l, m initialised
        for kb in blocks(s.keys, bc) {
            reads += 2 * kb.count * s.d
            for rb in blocks(s.queries, br) where s.visible(rows: rb, keys: kb) {
                reads += rb.count * (2 * s.d + 2)                          // Q_i, O_i, l_i, m_i
                writes += rb.count * (s.d + 2)                             // O_i, l_i, m_i
            }
        }
        return (reads, writes)
    }

    /// FlashAttention-2 forward: Br rows outer, Bc keys inner; O and L written once.
    static func flash2Forward(_ s: Shape, bc: Int, br: Int) -> (Int, Int) {
        var reads = 0, writes = 0
        for rb in blocks(s.queries, br) {
            reads += rb.count * s.d
            for kb in blocks(s.keys, bc) where s.visible(rows: rb, keys: kb) { reads += 2 * kb.count * s.d }
            writes += rb.count * (s.d + 1)
        }
        return (reads, writes)
    }

    /// Backward passes: K/V outer. FA1 (Algorithm 4) reads Q, O, dO, dQ, l, m per row;
    /// FA2 (Algorithm 2) precomputes D and reads Q, dO, dQ, L, D.
    static func backward(_ s: Shape, bc: Int, br: Int, flash2: Bool) -> (Int, Int) {
        var reads = 0, writes = 0
        if flash2 {
            reads += 2 * s.queries * s.d; writes += s.queries               // D = rowsum(dO * O)
            writes += s.queries * s.d                                      // dQ = 0
        } else {
            writes += s.queries * s.d + 2 * s.keys * s.d                   // dQ, dK, dV = 0
        }
        for kb in blocks(s.keys, bc) {
            reads += 2 * kb.count * s.d
            for rb in blocks(s.queries, br) where s.visible(rows: rb, keys: kb) {
                reads += rb.count * ((flash2 ? 3 : 4) * s.d + 2)
                writes += rb.count * s.d
            }
            writes += 2 * kb.count * s.d
        }
        return (reads, writes)
    }

    /// Saha and Ye's square tiling for M < d^2: B x B blocks, d streamed in chunks of B.
    static func squareTile(_ s: Shape, b: Int) -> (Int, Int) {
        var reads = 0, writes = 0
        for rb in blocks(s.queries, b) {
            var first = true
            for kb in blocks(s.keys, b) where s.visible(rows: rb, keys: kb) {
                reads += rb.count * s.d + kb.count * s.d                   // Q_I and K_J, chunk by chunk
                reads += kb.count * s.d                                    // V_J
                if !first { reads += rb.count * s.d }                      // O_I read back
                writes += rb.count * s.d                                   // O_I written
                first = false
            }
            reads += rb.count * s.d; writes += rb.count * s.d              // final normalisation
        }
        return (reads, writes)
    }
}

@Suite struct AttentionIOTests {
    static let shapes: [(Int, Int, Int, Bool)] = [
        (256, 256, 32, false), (256, 256, 32, true), (300, 300, 16, true), (100, 357, 24, true), (64, 1000, 8, false),
    ]
    static let memories: [Double] = [512, 2048, 8192, 100_000]

    func shape(_ q: Int, _ k: Int, _ d: Int, _ causal: Bool) -> AttentionShape {
        AttentionShape(queries: q, keys: k, headDim: d, causal: causal)
    }

    @Test(arguments: shapes)
    func flashForwardMatchesTheLoopNests(queries: Int, keys: Int, d: Int, causal: Bool) throws {
        let loops = AttentionLoops.Shape(queries: queries, keys: keys, d: d, causal: causal)
        for words in Self.memories where words >= Double(4 * d) {
            let large = Int((words / Double(4 * d)).rounded(.up)), small = min(large, d)
            let fa1 = try #require(FlashAttentionIO(shape: shape(queries, keys, d, causal), version: .flash1)
                .traffic(fastMemoryBytes: words))
            let (r1, w1) = AttentionLoops.flash1Forward(loops, bc: large, br: small)
            #expect(fa1.readBytes == Double(r1) && fa1.writeBytes == Double(w1), "M=\(words)")
            let fa2 = try #require(FlashAttentionIO(shape: shape(queries, keys, d, causal), version: .flash2)
                .traffic(fastMemoryBytes: words))
            let (r2, w2) = AttentionLoops.flash2Forward(loops, bc: small, br: large)
            #expect(fa2.readBytes == Double(r2) && fa2.writeBytes == Double(w2), "M=\(words)")
        }
    }

    @Test(arguments: shapes)
    func flashBackwardMatchesTheLoopNests(queries: Int, keys: Int, d: Int, causal: Bool) throws {
        let loops = AttentionLoops.Shape(queries: queries, keys: keys, d: d, causal: causal)
        for words in Self.memories where words >= Double(4 * d) {
            let large = Int((words / Double(4 * d)).rounded(.up)), small = min(large, d)
            for version in FlashAttentionIO.Version.allCases {
                let model = FlashAttentionIO(shape: shape(queries, keys, d, causal), version: version, pass: .backward)
                let traffic = try #require(model.traffic(fastMemoryBytes: words))
                let (r, w) = AttentionLoops.backward(loops, bc: large, br: small, flash2: version == .flash2)
                #expect(traffic.readBytes == Double(r) && traffic.writeBytes == Double(w), "\(version) M=\(words)")
                #expect(traffic.totalBytes >= model.compulsory.totalBytes)
            }
        }
    }

    @Test(arguments: shapes)
    func squareTileMatchesItsLoopNest(queries: Int, keys: Int, d: Int, causal: Bool) throws {
        let loops = AttentionLoops.Shape(queries: queries, keys: keys, d: d, causal: causal)
        for words in [16.0, 100, 400, 4096] {
            let b = Int((words / 4).squareRoot())
            #expect(3 * b * b + 2 * b <= Int(words))                          // fits: S block, two chunks, m and l
            let traffic = try #require(SquareTiledAttentionIO(shape: shape(queries, keys, d, causal))
                .traffic(fastMemoryBytes: words))
            let (r, w) = AttentionLoops.squareTile(loops, b: b)
            #expect(traffic.readBytes == Double(r) && traffic.writeBytes == Double(w), "M=\(words)")
        }
    }

    /// Standard attention with fast memory large enough that every matmul tile covers its
    /// matrix: Q, K read; S written, read by softmax, P written, read with V; O written.
    @Test func standardAttentionIsNdPlusNSquared() throws {
        let (n, d) = (128, 16)
        let model = StandardAttentionIO(shape: shape(n, n, d, false))
        let traffic = try #require(model.traffic(fastMemoryBytes: 1e7))
        #expect(traffic.readBytes == Double(3 * n * d + 2 * n * n))
        #expect(traffic.writeBytes == Double(2 * n * n + n * d))
    }

    /// Standard > FlashAttention-1 > FlashAttention-2 > the Saha-Ye leading term, for
    /// fast memories between 8 d^2 and N d (FlashAttention's regime, Theorem 2).
    @Test func orderingStandardThenFlash1ThenFlash2ThenBound() throws {
        let (n, d) = (4096, 64)
        let s = shape(n, n, d, false)
        for words in stride(from: 8.0 * Double(d * d), through: Double(n * d), by: 8.0 * Double(d * d)) {
            let standard = try #require(StandardAttentionIO(shape: s).traffic(fastMemoryBytes: words)).totalBytes
            let fa1 = try #require(FlashAttentionIO(shape: s, version: .flash1).traffic(fastMemoryBytes: words)).totalBytes
            let fa2 = try #require(FlashAttentionIO(shape: s, version: .flash2).traffic(fastMemoryBytes: words)).totalBytes
            let bound = FlashAttentionIO(shape: s).lowerBound(fastMemoryBytes: words)
            #expect(standard > fa1 && fa1 > fa2 && fa2 > bound.leadingBytes && bound.leadingBytes >= bound.certifiedBytes,
                    "M=\(words)")
        }
    }

    /// Theorem 2's scaling, on the exact counts: doubling N quadruples FlashAttention's
    /// traffic, doubling M halves it (to within the lower-order Nd terms).
    @Test(arguments: FlashAttentionIO.Version.allCases)
    func scalingWithSequenceAndFastMemory(version: FlashAttentionIO.Version) throws {
        let d = 64
        func io(_ n: Int, _ words: Double) throws -> Double {
            try #require(FlashAttentionIO(shape: shape(n, n, d, false), version: version).traffic(fastMemoryBytes: words)).totalBytes
        }
        let words = Double(16 * d * d)   // 64 row/key blocks at N = 16384: Nd terms are small
        #expect(abs(try io(32768, words) / io(16384, words) - 4) < 0.2)      // within 5%
        #expect(abs(try io(16384, words) / io(16384, 2 * words) - 2) < 0.1)  // within 5%
    }

    /// Below d^2 FlashAttention's blocks shrink to a few rows and the square tiling wins,
    /// as Saha and Ye show; above d^2 FlashAttention wins. The bound's regime follows.
    @Test func smallFastMemoryRegime() throws {
        let (n, d) = (2048, 256)
        let s = shape(n, n, d, false)
        let small = 4096.0                                                     // < d^2 = 65536
        let square = try #require(SquareTiledAttentionIO(shape: s).traffic(fastMemoryBytes: small)).totalBytes
        let fa2 = try #require(FlashAttentionIO(shape: s).traffic(fastMemoryBytes: small)).totalBytes
        #expect(square < fa2)
        let bound = SquareTiledAttentionIO(shape: s).lowerBound(fastMemoryBytes: small)
        #expect(bound.regime.contains("M < d^2"))
        // Leading term N^2 d / sqrt(M); square tiling is 10 N^2 d / sqrt(M) to leading order.
        let leading = Double(n * n * d) / small.squareRoot()
        #expect(bound.leadingBytes == leading)
        #expect(abs(square / leading - 10) < 0.5)
        let large = 16.0 * Double(d * d)
        let squareLarge = try #require(SquareTiledAttentionIO(shape: s).traffic(fastMemoryBytes: large)).totalBytes
        let fa2Large = try #require(FlashAttentionIO(shape: s).traffic(fastMemoryBytes: large)).totalBytes
        #expect(fa2Large < squareLarge)
        #expect(FlashAttentionIO(shape: s).lowerBound(fastMemoryBytes: large).regime.contains("M >= d^2"))
    }

    /// A causal mask skips about half of FlashAttention-2's K/V loads. Packing a GQA group
    /// changes nothing for prefill (g times the row blocks, g times fewer problems) but
    /// divides K/V traffic by g when the stacked rows fit one block, as in decode.
    @Test func causalHalvesAndGQAPackingDividesKVTraffic() throws {
        let (n, d) = (8192, 64)
        let words = Double(16 * d * d)
        let full = try #require(FlashAttentionIO(shape: shape(n, n, d, false)).traffic(fastMemoryBytes: words))
        let causal = try #require(FlashAttentionIO(shape: shape(n, n, d, true)).traffic(fastMemoryBytes: words))
        let qBytes = Double(n * d)
        let ratio = (causal.readBytes - qBytes) / (full.readBytes - qBytes)
        #expect(ratio > 0.5 && ratio < 0.52)

        for (queries, factor) in [(2048, 1.0), (4, 4.0)] {                    // prefill; a 4-token verify step
            let perHead = AttentionShape(queryHeads: 8, keyValueHeads: 2, queries: queries, keys: 2048, headDim: d)
            var packed = perHead
            packed.packGQA = true
            let a = try #require(FlashAttentionIO(shape: perHead).traffic(fastMemoryBytes: words))
            let b = try #require(FlashAttentionIO(shape: packed).traffic(fastMemoryBytes: words))
            let q = Double(8 * queries * d)
            #expect((a.readBytes - q) / (b.readBytes - q) == factor, "queries \(queries)")   // group of 4
        }
    }

    /// Decode: one split reads Q, K, V once and writes O; S splits add S-1 reads of the
    /// stacked queries and the fp32 partials (written and read once).
    @Test func decodeCountsAreExact() throws {
        let (keys, d, groupHeads, kvHeads) = (4096, 128, 8, 2)
        let s = AttentionShape(batch: 3, queryHeads: groupHeads, keyValueHeads: kvHeads, queries: 1, keys: keys,
                               headDim: d, queryBytes: 2, statisticBytes: 4)
        let one = try #require(DecodeAttentionIO(shape: s).traffic(fastMemoryBytes: 232_448))
        let problems = 3.0 * 2, rows = 4.0
        #expect(one.readBytes == problems * (2 * Double(keys * d) * 2 + rows * Double(d) * 2))
        #expect(one.writeBytes == problems * rows * Double(d) * 2)
        #expect(one == s.compulsory)
        let splits = 8.0
        let many = try #require(DecodeAttentionIO(shape: s, splits: splits).traffic(fastMemoryBytes: 232_448))
        let partials = problems * splits * rows * Double(d + 1) * 4
        #expect(many.readBytes == one.readBytes + problems * (splits - 1) * rows * Double(d) * 2 + partials)
        #expect(many.writeBytes == one.writeBytes + partials)
    }

    /// Every algorithm stays above the certified bound over a grid of shapes and sizes.
    @Test func nothingBeatsTheCertifiedBound() throws {
        for (q, k, d, causal) in Self.shapes {
            let s = shape(q, k, d, causal)
            for words in [16.0, 256, 4096, 65536, 1e6] {
                let models: [any KernelIOModel] = [StandardAttentionIO(shape: s), FlashAttentionIO(shape: s, version: .flash1),
                                                   FlashAttentionIO(shape: s, version: .flash2), SquareTiledAttentionIO(shape: s)]
                for model in models {
                    guard let traffic = model.traffic(fastMemoryBytes: words) else { continue }
                    #expect(traffic.totalBytes >= model.lowerBound(fastMemoryBytes: words).certifiedBytes,
                            "\(model.algorithm) M=\(words)")
                    #expect(traffic.totalBytes >= model.compulsory.totalBytes)
                }
            }
        }
    }
}
