import MemwallAnalysis
import MemwallReport
import Testing

@Suite struct AnalysisCSVTests {
    @Test func oneRowPerOpWithTheHeaderWidth() throws {
        let result = try ReportFixtures.result()
        let lines = AnalysisCSV.render(result).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == result.ops.count + 1)
        let header = lines.first!.split(separator: ",").map(String.init)
        // name kind engine dtype flops, bytes per tier, compute + per tier + latency, overhead time bound intensity energy
        #expect(header.count == 5 + result.tierNames.count + (2 + result.tierNames.count) + 5)
        #expect(header.contains("bytes_by_tier.hbm") && header.contains("time_by_bound_s.compute"))
        for line in lines.dropFirst() { #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == header.count) }
        // The time column sums to the total time.
        let timeColumn = header.firstIndex(of: "time_s")!
        let sum = lines.dropFirst().reduce(0.0) { $0 + Double($1.split(separator: ",", omittingEmptySubsequences: false)[timeColumn])! }
        #expect(abs(sum - result.totals.time) <= 1e-12 * result.totals.time)
    }

    @Test(arguments: [("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\"")])
    func quotingFollowsRFC4180(raw: String, quoted: String) {
        #expect(AnalysisCSV.field(raw) == quoted)
    }

    @Test(arguments: [0.0, 1.0, 123456789.0, 0.1, 1e-9, 3.0e20, 1.0 / 3.0])
    func numbersRoundTrip(value: Double) {
        #expect(Double(AnalysisCSV.number(value)) == value)
    }
}
