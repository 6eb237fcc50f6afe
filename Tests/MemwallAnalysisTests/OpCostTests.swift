import MemwallAnalysis
import MemwallModel
import Testing
import _TestSupport

@Suite struct OpCostTests {
    /// The closed form for attention pairs against a loop over every query.
    @Test(arguments: [
        (1, 1, true, nil), (4, 4, true, nil), (1, 4097, true, nil), (7, 20, true, nil),
        (16, 16, true, 5), (3, 100, true, 10), (8, 8, false, nil), (5, 9, false, 4), (10, 10, true, 1),
    ] as [(Int, Int, Bool, Int?)])
    func attentionPairsMatchNaiveCount(queries: Int, keys: Int, causal: Bool, window: Int?) {
        var naive = 0
        for i in 0..<queries {
            let visible = causal ? keys - queries + 1 + i : keys
            naive += min(visible, window ?? Int.max)
        }
        #expect(OpCost.attentionPairs(queries: queries, keys: keys, causal: causal, window: window) == Double(naive))
    }

    /// E(1 - (1 - k/E)^T) against a seeded Monte Carlo of uniform top-k routing.
    @Test(arguments: [(8, 2, 1), (8, 2, 4), (8, 2, 16), (64, 6, 10)])
    func expectedExpertsTouchedMatchesSimulation(experts: Int, perToken: Int, tokens: Int) {
        var generator = SplitMix64(seed: 42)
        let trials = 20_000
        var touchedSum = 0
        for _ in 0..<trials {
            var used = Set<Int>()
            for _ in 0..<tokens {
                var chosen = Set<Int>()
                while chosen.count < perToken { chosen.insert(Int(generator.next() % UInt64(experts))) }
                used.formUnion(chosen)
            }
            touchedSum += used.count
        }
        let simulated = Double(touchedSum) / Double(trials)
        let formula = OpCost.expectedExpertsTouched(experts: Double(experts), perToken: Double(perToken), tokens: Double(tokens))
        #expect(abs(formula - simulated) / simulated < 0.02)
    }

    /// Matmul FLOPs are 2mkn; the gathered embedding reads only the looked-up rows.
    @Test func matmulAndEmbeddingCosts() {
        let tensors = [
            TensorSpec(name: "a", shape: [3, 5, 7], dtype: .bf16, kind: .activation),
            TensorSpec(name: "w", shape: [7, 11], dtype: .bf16, kind: .weight),
            TensorSpec(name: "c", shape: [3, 5, 11], dtype: .bf16, kind: .activation),
            TensorSpec(name: "ids", shape: [2, 3], dtype: .int32, kind: .input),
            TensorSpec(name: "table", shape: [1000, 16], dtype: .fp16, kind: .weight),
            TensorSpec(name: "e", shape: [2, 3, 16], dtype: .fp16, kind: .activation),
        ]
        let matmul = OpCost(Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2]), tensors: tensors)
        #expect(matmul.flops == 2 * 15 * 7 * 11)
        #expect(matmul.bytesRead == 2 * (105 + 77))
        #expect(matmul.bytesWritten == 2 * 165)
        let gather = OpCost(Op(name: "emb", kind: .embedding, inputs: [3, 4], outputs: [5]), tensors: tensors)
        #expect(gather.flops == 0)
        #expect(gather.bytesRead == 6 * 4 + 6 * 16 * 2)
        #expect(gather.bytesWritten == 6 * 16 * 2)
    }
}
