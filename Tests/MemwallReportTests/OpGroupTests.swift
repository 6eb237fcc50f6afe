import MemwallAnalysis
import MemwallReport
import Testing

@Suite struct OpGroupTests {
    /// Folding `layers.<n>.x` into `x` keeps every op exactly once: counts, FLOPs and time add up.
    @Test func groupsPartitionTheOps() throws {
        let result = try ReportFixtures.result()
        let groups = OpGroup.groups(of: result)
        #expect(groups.reduce(0) { $0 + $1.count } == result.ops.count)
        let flops = groups.reduce(0.0) { $0 + $1.flops }
        #expect(abs(flops - result.totals.flops) <= 1e-12 * result.totals.flops)
        let time = groups.reduce(0.0) { $0 + $1.time }
        #expect(abs(time - result.totals.time) <= 1e-12 * result.totals.time)
        let qProj = try #require(groups.first { $0.name == "q_proj" })
        #expect(qProj.count == 32)   // Llama-3-8B has 32 layers
        #expect(groups.contains { $0.name == "lm_head" && $0.count == 1 })
    }
}
