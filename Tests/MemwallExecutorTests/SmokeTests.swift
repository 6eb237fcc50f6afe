import MemwallExecutor
import Testing

@Suite struct SmokeTests {
    static func attention(_ variant: KernelCase.Variant, kernel: KernelCase.Kernel = .attention, m: Int, causal: Bool,
                          heads: Int = 2, kvHeads: Int = 1, queries: Int = 48, keys: Int = 48, d: Int = 8, splits: Int = 1) -> KernelCase {
        var c = KernelCase(name: "\(variant)", kernel: kernel, variant: variant, fastMemoryWords: m)
        (c.heads, c.keyValueHeads, c.queries, c.keys, c.headDim, c.causal, c.splits) = (heads, kvHeads, queries, keys, d, causal, splits)
        c.relations = [.equalsModel, .aboveCertifiedBound, .numericsWithin(1e-12)]
        return c
    }

    @Test(arguments: [KernelCase.Variant.standard, .flash1, .flash2, .squareTile])
    func attentionKernels(variant: KernelCase.Variant) throws {
        for causal in [false, true] {
            for m in [40, 100, 300, 3000] where variant != .flash1 && variant != .flash2 || m >= 32 {
                let r = try Verifier.run(Self.attention(variant, m: m, causal: causal))
                #expect(r.passed, "\(variant) M=\(m) causal=\(causal): \(r.violations)")
            }
        }
    }

    @Test func decodeAndGEMMAndSoftmax() throws {
        for splits in [1, 3] {
            let r = try Verifier.run(Self.attention(.splitKV, kernel: .decodeAttention, m: 2000, causal: true, heads: 4, kvHeads: 2,
                                                    queries: 2, keys: 100, d: 8, splits: splits))
            #expect(r.passed, "\(r.violations)")
        }
        var g = KernelCase(name: "gemm", kernel: .gemm, variant: .tiled, fastMemoryWords: 150)
        (g.m, g.k, g.n) = (37, 23, 41)
        g.relations = [.equalsModel, .aboveCertifiedBound, .numericsWithin(1e-12)]
        let rg = try Verifier.run(g)
        #expect(rg.passed, "\(rg.violations)")
        var s = KernelCase(name: "softmax", kernel: .softmax, variant: .rowReduction, fastMemoryWords: 30)
        (s.rows, s.rowLength) = (5, 70)
        s.relations = [.equalsModel, .numericsWithin(1e-12)]
        let rs = try Verifier.run(s)
        #expect(rs.passed, "\(rs.violations)")
    }
}
