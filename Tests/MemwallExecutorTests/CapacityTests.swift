import MemwallAnalysis
import MemwallExecutor
import Testing

/// Kernels cannot use more fast memory than the hierarchy has, and refuse shapes they cannot run.
@Suite struct CapacityTests {
    static let prefill = AttentionSpec(queries: 32, keys: 32, d: 8)

    /// Working sets by hand, 2 Br d + 2 Bc d + Br Bc + 2 Br with d = 8:
    /// M = 100: ceil(100/32) = 4, so Br = Bc = 4: 64 + 64 + 16 + 8 = 152 for both versions.
    /// M = 300: ceil(300/32) = 10; FA2 Br = 10, Bc = 8: 160 + 128 + 80 + 20 = 388;
    ///          FA1 Bc = 10, Br = 8: 128 + 160 + 80 + 16 = 384.
    static let workingSets: [(FlashAttentionIO.Version, Int, Int, Int)] = [
        // version, block-sizing M, working set, Br (the last tile allocated is l, Br words)
        (.flash2, 100, 152, 4), (.flash1, 100, 152, 4), (.flash2, 300, 388, 10), (.flash1, 300, 384, 8),
    ]

    @Test(arguments: workingSets)
    func flashAttentionRunsInItsWorkingSetAndNotOneWordLess(entry: (FlashAttentionIO.Version, Int, Int, Int)) throws {
        let (version, words, workingSet, br) = entry
        let model = FlashAttentionIO(shape: Self.prefill.shape, version: version)
        #expect(model.workingSetWords(fastMemoryWords: Double(words)) == Double(workingSet))
        for causal in [false, true] {
            var spec = Self.prefill
            spec.causal = causal
            // Exactly the working set: runs, uses all of it, and gives it all back.
            let fits = MemoryHierarchy(fastCapacityWords: workingSet)
            let (operands, reference) = spec.operands(in: fits)
            try FlashAttentionKernel.run(operands, version: version, blockMemoryWords: words, memory: fits)
            #expect(fits.peakFastWords == workingSet)
            #expect(fits.fastWordsInUse == 0)
            #expect(Fixture.relativeError(fits.contents(of: operands.o), reference) <= 1e-12)
            // One word less: the last tile (l, Br words) does not fit, before any word moves.
            let short = MemoryHierarchy(fastCapacityWords: workingSet - 1)
            let (shortOperands, _) = spec.operands(in: short)
            #expect(throws: ExecutorError.capacityExceeded(requested: br, inUse: workingSet - br, capacity: workingSet - 1)) {
                try FlashAttentionKernel.run(shortOperands, version: version, blockMemoryWords: words, memory: short)
            }
            #expect(short.wordsMoved == 0)
        }
    }

    @Test func verifierSizesTheHierarchyToTheFlashAttentionWorkingSet() throws {
        for (version, words, workingSet, _) in Self.workingSets {
            let r = try Verifier.run(Self.prefill.kernelCase(version == .flash1 ? .flash1 : .flash2, fastMemoryWords: words))
            #expect(r.capacityWords == workingSet)
            #expect(r.peakFastWords == workingSet)
            #expect(r.fastMemoryWords == words)
        }
    }

    @Test func flashAttentionRefusesBlockMemoryBelowFourD() throws {
        let memory = MemoryHierarchy(fastCapacityWords: 10_000)
        let (operands, _) = Self.prefill.operands(in: memory)
        #expect {
            try FlashAttentionKernel.run(operands, version: .flash2, blockMemoryWords: 31, memory: memory)
        } throws: { error in
            guard case .invalidShape = error as? ExecutorError else { return false }
            return true
        }
        #expect(memory.wordsMoved == 0)
        #expect(memory.peakFastWords == 0)
        try FlashAttentionKernel.run(operands, version: .flash2, blockMemoryWords: 32, memory: memory)   // 4d runs
    }

    @Test func decodeThrowsWhenTheStackedQueriesAndOneKeyDoNotFit() throws {
        // 2 queries x group 2 = 4 stacked rows, d = 8: Q and O (2 * 4 * 8), m and l (2 * 4), and one key
        // block of 1 key: K, V (2 * 8) and its scores (4): 92 words.
        let spec = AttentionSpec(heads: 4, kvHeads: 2, queries: 2, keys: 30, d: 8, packGQA: true)
        let short = MemoryHierarchy(fastCapacityWords: 91)
        let (shortOperands, _) = spec.operands(in: short)
        #expect(throws: ExecutorError.capacityExceeded(requested: 92, inUse: 0, capacity: 91)) {
            try DecodeAttentionKernel.run(shortOperands, splits: 2, memory: short)
        }
        #expect(short.wordsMoved == 0)
        let fits = MemoryHierarchy(fastCapacityWords: 92)
        let (operands, reference) = spec.operands(in: fits)
        try DecodeAttentionKernel.run(operands, splits: 2, memory: fits)
        #expect(fits.peakFastWords == 92)
        #expect(Fixture.relativeError(fits.contents(of: operands.o), reference) <= 1e-12)
    }

    @Test func kernelsRefuseLayoutsTheyDoNotImplement() throws {
        let memory = MemoryHierarchy(fastCapacityWords: 10_000)
        // Decode stacks GQA groups; standard attention runs per query head.
        let perHead = AttentionSpec(heads: 4, kvHeads: 2, queries: 2, keys: 30, d: 8)
        let (perHeadOperands, _) = perHead.operands(in: memory)
        #expect(throws: ExecutorError.self) { try DecodeAttentionKernel.run(perHeadOperands, splits: 1, memory: memory) }
        var packed = perHead
        packed.packGQA = true
        let (packedOperands, _) = packed.operands(in: memory)
        #expect(throws: ExecutorError.self) { try StandardAttentionKernel.run(packedOperands, memory: memory) }
        #expect(memory.wordsMoved == 0)
    }

    @Test func smallKernelsThrowBelowTheirMinimum() throws {
        // GEMM: a 1 x 1 tile needs c + a + b = 3 words.
        let tiny = MemoryHierarchy(fastCapacityWords: 2)
        let a = tiny.slowArray(rows: 2, cols: 2, values: [1, 2, 3, 4])
        let c = tiny.slowArray(rows: 2, cols: 2)
        #expect(throws: ExecutorError.capacityExceeded(requested: 3, inUse: 0, capacity: 2)) {
            try TiledGEMMKernel.run(a: MatrixOperand(a), b: MatrixOperand(a), c: c, m: 2, k: 2, n: 2, memory: tiny)
        }
        // Softmax: at least one word.
        let none = MemoryHierarchy(fastCapacityWords: 0)
        let x = none.slowArray(rows: 1, cols: 3, values: [1, 2, 3])
        #expect(throws: ExecutorError.capacityExceeded(requested: 1, inUse: 0, capacity: 0)) {
            try SoftmaxKernel.run(input: x, output: x, rows: 0..<1, memory: none)
        }
        // Square tiling: 16 words (B = 2: 3 * 4 + 2 * 2).
        let fifteen = MemoryHierarchy(fastCapacityWords: 15)
        let (operands, _) = AttentionSpec(queries: 8, keys: 8, d: 8).operands(in: fifteen)
        #expect(throws: ExecutorError.capacityExceeded(requested: 16, inUse: 0, capacity: 15)) {
            try SquareTiledAttentionKernel.run(operands, memory: fifteen)
        }
        #expect(tiny.wordsMoved + none.wordsMoved + fifteen.wordsMoved == 0)
    }

    // MARK: KernelCase limits

    @Test func casesAboveTheElementLimitThrowInvalidShapeBeforeRunning() throws {
        var gemm = KernelCase(name: "huge gemm", kernel: .gemm, variant: .tiled, fastMemoryWords: 1000)
        (gemm.m, gemm.k, gemm.n) = (10_000, 10_000, 10_000)
        #expect(gemm.footprintElements == 3e8)
        // Standard attention keeps S and P: 2 N^2 for N = 10^4 alone is the limit; with Q, K, V, O it is over.
        let standard = AttentionSpec(queries: 10_000, keys: 10_000, d: 1).kernelCase(.standard, fastMemoryWords: 1000)
        #expect(standard.footprintElements == 2e8 + 4e4)
        // The same shape under FlashAttention holds no scores: 4 N d.
        #expect(AttentionSpec(queries: 10_000, keys: 10_000, d: 1).kernelCase(.flash2, fastMemoryWords: 1000).footprintElements == 4e4)
        var softmax = KernelCase(name: "huge softmax", kernel: .softmax, variant: .rowReduction, fastMemoryWords: 10)
        (softmax.rows, softmax.rowLength) = (100_001, 1000)
        #expect(softmax.footprintElements == 200_002_000)
        for c in [gemm, standard, softmax] {
            #expect(c.footprintElements > KernelCase.maximumElements)
            #expect {
                try Verifier.run(c)
            } throws: { error in
                guard case .invalidShape(let message) = error as? ExecutorError else { return false }
                return message.contains(c.name)
            }
        }
    }

    @Test func variantsThatDoNotApplyToTheKernelThrowInvalidShape() throws {
        var gemm = KernelCase(name: "gemm as flash", kernel: .gemm, variant: .flash2, fastMemoryWords: 100)
        (gemm.m, gemm.k, gemm.n) = (4, 4, 4)
        var softmax = KernelCase(name: "softmax split", kernel: .softmax, variant: .splitKV, fastMemoryWords: 100)
        (softmax.rows, softmax.rowLength) = (2, 2)
        var attention = Self.prefill.kernelCase(.tiled, fastMemoryWords: 100)
        attention.name = "attention tiled"
        for c in [gemm, softmax, attention] {
            #expect(c.model(c.variant) == nil)
            #expect(throws: ExecutorError.self) { try Verifier.run(c) }
        }
    }
}
