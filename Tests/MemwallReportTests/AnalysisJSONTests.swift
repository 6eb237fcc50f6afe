import MemwallAnalysis
import MemwallReport
import Testing

@Suite struct AnalysisJSONTests {
    /// Serialising to JSON and back loses nothing: every number comes back bit-identical.
    @Test func roundTripIsLossless() throws {
        let result = try ReportFixtures.result()
        let document = try AnalysisJSON.decode(try AnalysisJSON.render(result))
        #expect(document.schema_version == reportSchemaVersion)
        #expect(document.ops.count == result.ops.count)
        for (entry, op) in zip(document.ops, result.ops) {
            #expect(entry.name == op.name)
            #expect(entry.flops == op.flops)
            #expect(entry.time_s == op.time)
            #expect(entry.energy_j == op.energy)
            for (tier, name) in result.tierNames.enumerated() {
                #expect(entry.bytes_by_tier[name] == op.bytesByTier[tier])
                #expect(entry.time_by_bound_s[name] == op.memoryTimeByTier[tier])
            }
            #expect(entry.time_by_bound_s["compute"] == op.computeTime)
        }
        #expect(document.totals.time_s == result.totals.time)
        #expect(document.footprint.total_bytes == result.footprint.totalBytes)
        #expect(document.hardware.tiers == result.tierNames)
    }

    @Test func renderingIsDeterministic() throws {
        let first = try AnalysisJSON.render(try ReportFixtures.result())
        let second = try AnalysisJSON.render(try ReportFixtures.result())
        #expect(first == second)
    }
}
