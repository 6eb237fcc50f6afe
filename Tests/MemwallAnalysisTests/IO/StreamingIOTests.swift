import MemwallAnalysis
import Testing

@Suite struct StreamingIOTests {
    /// A row that fits is read once and written once; a longer row takes an online pass and a
    /// normalising pass: 2 reads, 1 write per element.
    @Test func rowReductionPasses() throws {
        let fits = try #require(RowReductionIO(rows: 10, rowLength: 100, elementBytes: 2, extraBytes: 200)
            .traffic(fastMemoryBytes: 1000))
        #expect(fits == Traffic(readBytes: 10 * 100 * 2 + 200, writeBytes: 10 * 100 * 2))
        let spills = try #require(RowReductionIO(rows: 10, rowLength: 100, elementBytes: 2).traffic(fastMemoryBytes: 100))
        #expect(spills == Traffic(readBytes: 2 * 2000, writeBytes: 2000))
    }

    /// Fusing a bias and an activation into the GEMM saves reading and writing C once per epilogue op.
    @Test func fusionSavesTwoPassesOverTheOutputPerEpilogueOp() throws {
        let gemm = GEMMIO(m: 512, k: 256, n: 384, aBytes: 2, bBytes: 2, cBytes: 2, bias: true)
        let words = 1e9   // tiles cover the matrices: the GEMM itself moves its compulsory bytes
        let fused = try #require(FusedGEMMIO(gemm: gemm, epilogueOps: 2, fused: true).traffic(fastMemoryBytes: words))
        let unfused = try #require(FusedGEMMIO(gemm: gemm, epilogueOps: 2, fused: false).traffic(fastMemoryBytes: words))
        let output = 512.0 * 384 * 2
        #expect(unfused.totalBytes - fused.totalBytes == 2 * 2 * output)
        #expect(fused == gemm.compulsory)
    }
}
