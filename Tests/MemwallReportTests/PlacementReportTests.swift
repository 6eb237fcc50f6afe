import Foundation
import MemwallPlacement
import Testing
@testable import MemwallReport

/// Placement output: the JSON contract, CSV rows per segment, table lines, the timeline.
@Suite struct PlacementReportTests {
    /// hot (100 B, read at 0 and 1) and cold (100 B, read at 1) for a 100 B fast tier at 100 B/s
    /// and a slow one at 10 B/s: hot fast, cold slow, 1 s + 10 s = 11 s.
    static func result() throws -> PlacementResult {
        let tiers = [PlacementTier(name: "fast", capacity: 100, bandwidth: 100), PlacementTier(name: "slow", capacity: 1000, bandwidth: 10)]
        let tensors = [PlacementTensor(name: "cold", bytes: 100, birth: 0, death: 1, accesses: [PlacementAccess(step: 1, bytes: 100)]),
                       PlacementTensor(name: "hot", bytes: 100, birth: 0, death: 1,
                                       accesses: [PlacementAccess(step: 0, bytes: 100), PlacementAccess(step: 1, bytes: 100)])]
        let problem = PlacementProblem(name: "two", tiers: tiers, steps: [PlacementStep(name: "a", computeTime: 0), PlacementStep(name: "b", computeTime: 0)],
                                       tensors: tensors)
        return try PlacementOptimizer().solve(problem)
    }

    @Test func jsonCarriesUnitsInKeysAndOccupancyPerStep() throws {
        let report = PlacementReport(result: try Self.result(), hardwareName: "test", includeSolveTime: false)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try report.render(.json).utf8)) as? [String: Any])
        #expect(json["schema_version"] as? Int == 1)
        #expect(json["answer_s"] as? Double == 11)
        #expect(json["status"] as? String == "optimal")
        #expect(json["solve_time_s"] == nil)
        let tiers = try #require(json["tiers"] as? [[String: Any]])
        // Both live over steps 0 and 1: hot in fast (100 B), cold in slow (100 B).
        #expect(tiers.map { $0["occupancy_bytes"] as? [Double] } == [[100, 100], [100, 100]])
    }

    @Test func csvHasOneRowPerSegmentAndTheTableListsThePlan() throws {
        let report = PlacementReport(result: try Self.result(), hardwareName: "test")
        let csv = report.csv().split(separator: "\n")
        #expect(csv.first == "tensor,copies,bytes,segment,start_step,end_step,access_bytes,copies_fast,copies_slow")
        #expect(csv.dropFirst().map(String.init) == ["cold,1,100,0,0,1,100,0,1", "hot,1,100,0,0,0,100,1,0", "hot,1,100,1,1,1,100,1,0"])
        let table = report.table()
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("answer ") && $0.hasSuffix(" 11 s") })
        #expect(table.contains("solve time"))
    }

    @Test func theTimelineIsTheSameOnEveryRender() throws {
        let result = try Self.result()
        let first = PlacementTimeline.render(result, title: "t"), second = PlacementTimeline.render(result, title: "t")
        #expect(first == second)
        #expect(first.contains(">fast</text>") && first.contains(">slow</text>"))
    }
}
