import Foundation
import MemwallAnalysis
import MemwallExecutor
import MemwallNumerics
import Testing

/// Every kernel's output against a direct Double computation, on odd shapes that no block
/// size divides. Doubles summing at most a few hundred products of values in [-1, 1] agree
/// to about 1e-14; 1e-12 (relative, or absolute below 1) is the stated tolerance.
@Suite struct KernelNumericsTests {
    static let tolerance = 1e-12

    // MARK: The reference itself, on cases small enough to do by hand

    @Test func naiveReferenceMatchesHandComputedAttention() {
        // One query, two keys, d = 1: scores 0 and ln 3, weights 1/4 and 3/4, output 4/4 + 3*8/4 = 7.
        let out = NaiveReference.attention(q: [1], k: [0, log(3.0)], v: [4, 8], batch: 1, queryHeads: 1, keyValueHeads: 1,
                                           queries: 1, keys: 2, d: 1, causal: false)
        #expect(abs(out[0] - 7) < 1e-14)
        // Causal, two queries, two keys: query 0 sees key 0 only (output v0); query 1 both.
        let causal = NaiveReference.attention(q: [1, 1], k: [0, log(3.0)], v: [4, 8], batch: 1, queryHeads: 1,
                                              keyValueHeads: 1, queries: 2, keys: 2, d: 1, causal: true)
        #expect(abs(causal[0] - 4) < 1e-14)
        #expect(abs(causal[1] - 7) < 1e-14)
        // matmul: [[1, 2], [3, 4]] [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
        #expect(NaiveReference.matmul([1, 2, 3, 4], [5, 6, 7, 8], m: 2, k: 2, n: 2) == [19, 22, 43, 50])
    }

    // MARK: GEMM

    static let gemmShapes: [(Int, Int, Int)] = [(37, 23, 41), (1, 100, 3), (64, 1, 64), (13, 17, 1), (1, 1, 1), (29, 31, 7)]

    @Test(arguments: gemmShapes)
    func tiledGEMMMatchesNaiveAndGSL(shape: (Int, Int, Int)) throws {
        let (m, k, n) = shape
        let a = Fixture.values(m * k, seed: UInt64(m * 1000 + k)), b = Fixture.values(k * n, seed: UInt64(n * 7 + 5))
        let naive = NaiveReference.matmul(a, b, m: m, k: k, n: n)
        let blas = try GSL.dgemm(a, b, m: m, k: k, n: n)
        #expect(Fixture.relativeError(naive, blas) <= Self.tolerance)
        // From a 1 x 1 tile (3 words) to one tile holding all of C.
        for words in [3, 10, 47, 150, 1000, 50_000] {
            let memory = MemoryHierarchy(fastCapacityWords: words)
            let (aArray, bArray) = (memory.slowArray(rows: m, cols: k, values: a), memory.slowArray(rows: k, cols: n, values: b))
            let c = memory.slowArray(rows: m, cols: n)
            try TiledGEMMKernel.run(a: MatrixOperand(aArray), b: MatrixOperand(bArray), c: c, m: m, k: k, n: n, memory: memory)
            let out = memory.contents(of: c)
            #expect(Fixture.relativeError(out, blas) <= Self.tolerance, "M=\(words) vs GSL dgemm")
            #expect(Fixture.relativeError(out, naive) <= Self.tolerance, "M=\(words) vs naive")
            #expect(memory.peakFastWords <= words)
            #expect(memory.fastWordsInUse == 0)
        }
    }

    /// Transposed operands and row offsets (standard attention reads K transposed, per-head slices).
    @Test func tiledGEMMReadsTransposedOperandsAtRowOffsets() throws {
        let (m, k, n) = (11, 6, 9)
        let a = Fixture.values(m * k, seed: 21), b = Fixture.values(k * n, seed: 22)
        let expected = NaiveReference.matmul(a, b, m: m, k: k, n: n)
        // A stored transposed (k x m) below 3 junk rows; B stored as B^T (n x k) below 2 junk rows.
        let aT = Fixture.values(3 * m, seed: 23) + Fixture.transpose(a, rows: m, cols: k)
        let bT = Fixture.values(2 * k, seed: 24) + Fixture.transpose(b, rows: k, cols: n)
        for words in [3, 20, 200] {
            let memory = MemoryHierarchy(fastCapacityWords: words)
            let aArray = memory.slowArray(rows: 3 + k, cols: m, values: aT)
            let bArray = memory.slowArray(rows: 2 + n, cols: k, values: bT)
            let c = memory.slowArray(rows: m + 4, cols: n)
            try TiledGEMMKernel.run(a: MatrixOperand(aArray, rowOffset: 3, transposed: true),
                                    b: MatrixOperand(bArray, rowOffset: 2, transposed: true),
                                    c: c, cRowOffset: 4, m: m, k: k, n: n, memory: memory)
            let out = memory.contents(of: c)
            #expect(out[0..<(4 * n)].allSatisfy { $0 == 0 }, "rows above the offset untouched")
            #expect(Fixture.relativeError(Array(out[(4 * n)...]), expected) <= Self.tolerance, "M=\(words)")
            // Transposition changes which words are read, not how many.
            let model = try #require(GEMMIO(m: m, k: k, n: n).traffic(fastMemoryBytes: Double(words)))
            #expect(Double(memory.wordsMoved) == model.totalBytes)
        }
    }

    // MARK: Softmax

    /// Softmax of each row over the entries `keep` allows, zeros elsewhere, computed directly.
    static func softmax(_ x: [Double], rows: Int, length: Int, keep: (Int, Int) -> Bool) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        for r in 0..<rows {
            let kept = (0..<length).filter { keep(r, $0) }
            guard let top = kept.map({ x[r * length + $0] }).max() else { continue }
            let total = kept.reduce(0.0) { $0 + exp(x[r * length + $1] - top) }
            for c in kept { out[r * length + c] = exp(x[r * length + c] - top) / total }
        }
        return out
    }

    @Test(arguments: [(5, 70), (3, 1), (4, 33), (1, 257)])
    func softmaxMatchesDirectComputationInOneAndTwoPasses(shape: (Int, Int)) throws {
        let (rows, length) = shape
        let x = Fixture.values(rows * length, seed: UInt64(rows * 31 + length)).map { $0 * 8 }
        let masks: [(Int, Int) -> Bool] = [{ _, _ in true }, { r, c in (r + 2 * c) % 3 != 0 }, { r, c in r != 1 && c <= r + 2 }]
        for (index, mask) in masks.enumerated() {
            let expected = Self.softmax(x, rows: rows, length: length, keep: mask)
            // Chunks of 1 word, an odd chunk, one short of a row (two passes), exactly a row (one pass).
            for words in [1, 7, max(1, length - 1), length, length + 5] {
                let memory = MemoryHierarchy(fastCapacityWords: words)
                let input = memory.slowArray(rows: rows, cols: length, values: x)
                let output = memory.slowArray(rows: rows, cols: length)
                try SoftmaxKernel.run(input: input, output: output, rows: 0..<rows, memory: memory, mask: mask)
                #expect(Fixture.relativeError(memory.contents(of: output), expected) <= Self.tolerance,
                        "\(rows)x\(length) mask \(index) M=\(words)")
            }
        }
    }

    // MARK: Attention

    static let attentionShapes: [AttentionSpec] = [
        AttentionSpec(queries: 37, keys: 53, d: 7),
        AttentionSpec(queries: 37, keys: 53, d: 7, causal: true),
        AttentionSpec(queries: 19, keys: 18, d: 5, causal: true),           // query 0 sees no key
        AttentionSpec(batch: 2, heads: 4, kvHeads: 2, queries: 13, keys: 29, d: 6),
        AttentionSpec(batch: 2, heads: 4, kvHeads: 2, queries: 13, keys: 29, d: 6, causal: true),
        AttentionSpec(queries: 1, keys: 41, d: 9, causal: true),
        AttentionSpec(queries: 23, keys: 23, d: 16, causal: true),
    ]

    @Test(arguments: [KernelCase.Variant.standard, .flash1, .flash2, .squareTile], attentionShapes)
    func attentionMatchesNaiveReference(variant: KernelCase.Variant, spec: AttentionSpec) throws {
        // Fast memories from the smallest each algorithm accepts to one block covering a problem.
        let sizes: [Int] = switch variant {
        case .flash1, .flash2: [4 * spec.d, 4 * spec.d + 3, 157, 1001]
        case .squareTile: [16, 27, 130, 600]
        default: [3, 29, 400, 5000]
        }
        for words in sizes {
            let r = try Verifier.run(spec.kernelCase(variant, fastMemoryWords: words, seed: UInt64(words)))
            #expect(r.maxRelativeError <= Self.tolerance, "\(variant.rawValue) \(spec) M=\(words)")
            #expect(r.passed, "\(r.name): \(r.violations)")
        }
    }

    /// Packed GQA (the group's heads stacked into one problem) computes the same attention.
    @Test(arguments: [KernelCase.Variant.flash2, .flash1, .squareTile], [false, true])
    func packedGQAMatchesNaiveReference(variant: KernelCase.Variant, causal: Bool) throws {
        let spec = AttentionSpec(batch: 2, heads: 6, kvHeads: 2, queries: 11, keys: 17, d: 5, causal: causal, packGQA: true)
        for words in variant == .squareTile ? [16, 90] : [20, 77, 400] {
            let r = try Verifier.run(spec.kernelCase(variant, fastMemoryWords: words))
            #expect(r.maxRelativeError <= Self.tolerance, "\(r.name)")
        }
    }

    @Test(arguments: [1, 2, 5])
    func splitKVDecodeMatchesNaiveReference(splits: Int) throws {
        for queries in [1, 3] {
            for causal in [false, true] {
                let spec = AttentionSpec(batch: 2, heads: 4, kvHeads: 2, queries: queries, keys: 37, d: 7, causal: causal)
                for words in [200, 3000] {
                    let r = try Verifier.run(spec.kernelCase(.splitKV, fastMemoryWords: words, splits: splits))
                    #expect(r.maxRelativeError <= Self.tolerance, "\(r.name) splits=\(splits)")
                }
            }
        }
    }

    /// With K = 0 every visible score is equal, so each output row is the mean of the V rows
    /// its query sees: a check that needs no softmax reference at all.
    @Test(arguments: [KernelCase.Variant.standard, .flash1, .flash2, .squareTile, .splitKV])
    func zeroKeysAverageTheVisibleValues(variant: KernelCase.Variant) throws {
        let (queries, keys, d) = variant == .splitKV ? (3, 26, 4) : (21, 26, 4)
        for causal in [false, true] {
            let spec = AttentionSpec(queries: queries, keys: keys, d: d, causal: causal, packGQA: variant == .splitKV)
            // Small fast memories, so that every kernel takes several blocks.
            let capacity = switch variant {
            case .standard: 30
            case .squareTile: 40                        // B = 3
            case .splitKV: 60                           // 2 keys per block beside 3 stacked queries
            default: 10_000                             // FlashAttention sizes its 4-row blocks from 50 words
            }
            let memory = MemoryHierarchy(fastCapacityWords: capacity)
            let v = Fixture.values(keys * d, seed: 5)
            let operands = AttentionOperands(shape: spec.shape, in: memory, q: Fixture.values(queries * d, seed: 4),
                                             k: [Double](repeating: 0, count: keys * d), v: v)
            switch variant {
            case .standard: try StandardAttentionKernel.run(operands, memory: memory)
            case .flash1: try FlashAttentionKernel.run(operands, version: .flash1, blockMemoryWords: 50, memory: memory)
            case .flash2: try FlashAttentionKernel.run(operands, version: .flash2, blockMemoryWords: 50, memory: memory)
            case .squareTile: try SquareTiledAttentionKernel.run(operands, memory: memory)
            default: try DecodeAttentionKernel.run(operands, splits: 3, memory: memory)
            }
            let out = memory.contents(of: operands.o)
            for i in 0..<queries {
                let seen = causal ? i + keys - queries + 1 : keys
                for x in 0..<d {
                    let mean = (0..<seen).reduce(0.0) { $0 + v[$1 * d + x] } / Double(seen)
                    #expect(abs(out[i * d + x] - mean) <= 1e-14, "\(variant.rawValue) causal=\(causal) row \(i)")
                }
            }
        }
    }
}

/// Causal attention with fewer keys than queries (NaiveReference used to trap on these; see
/// DefectRegressionTests), against a reference written here: rows that see no key are zero,
/// the others match a direct computation, and the counts are the models'.
@Suite struct QueriesThatSeeNoKeyTests {
    /// softmax(q k^T) v over keys 0 ... i + keys - queries for one head, zero when that is empty.
    static func causalAttention(q: [Double], k: [Double], v: [Double], queries: Int, keys: Int, d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: queries * d)
        for i in 0..<queries {
            let last = i + keys - queries
            guard last >= 0 else { continue }
            let scores = (0...last).map { j in (0..<d).reduce(0.0) { $0 + q[i * d + $1] * k[j * d + $1] } }
            let top = scores.max()!
            let weights = scores.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            for j in 0...last { for x in 0..<d { out[i * d + x] += weights[j] / total * v[j * d + x] } }
        }
        return out
    }

    @Test(arguments: [KernelCase.Variant.standard, .flash1, .flash2, .squareTile])
    func rowsWithoutKeysAreZeroAndCountsMatchTheModel(variant: KernelCase.Variant) throws {
        let spec = AttentionSpec(queries: 21, keys: 6, d: 5, causal: true)      // queries 0 ... 14 see nothing
        let q = Fixture.values(21 * 5, seed: 8), k = Fixture.values(6 * 5, seed: 9), v = Fixture.values(6 * 5, seed: 10)
        let expected = Self.causalAttention(q: q, k: k, v: v, queries: 21, keys: 6, d: 5)
        #expect(expected[0..<(15 * 5)].allSatisfy { $0 == 0 })
        for words in [20, 33, 200] {
            let c = spec.kernelCase(variant, fastMemoryWords: words)
            let memory = MemoryHierarchy(fastCapacityWords: c.capacityWords)
            let operands = AttentionOperands(shape: spec.shape, in: memory, q: q, k: k, v: v)
            switch variant {
            case .standard: try StandardAttentionKernel.run(operands, memory: memory)
            case .flash1: try FlashAttentionKernel.run(operands, version: .flash1, blockMemoryWords: words, memory: memory)
            case .flash2: try FlashAttentionKernel.run(operands, version: .flash2, blockMemoryWords: words, memory: memory)
            default: try SquareTiledAttentionKernel.run(operands, memory: memory)
            }
            let out = memory.contents(of: operands.o)
            #expect(Fixture.relativeError(out, expected) <= 1e-12, "\(variant.rawValue) M=\(words)")
            let model = try #require(c.model(variant)?.traffic(fastMemoryBytes: Double(words)))
            #expect(Double(memory.wordsMoved) == model.totalBytes, "\(variant.rawValue) M=\(words)")
        }
    }
}
