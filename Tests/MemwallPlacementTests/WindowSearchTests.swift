import Testing
@testable import MemwallPlacement

/// The window decomposition keeps or improves its starting plan.
@Suite struct WindowSearchTests {
    /// Everything in the slowest tier: feasible (it holds all) and usually far from optimal.
    static func allSlow(_ problem: PlacementProblem) throws -> (plan: PlacementPlan, cost: PlacementCost) {
        let slow = problem.tiers.count - 1
        let plan = PlacementPlan(tiers: problem.segments.map { $0.map { _ in slow } }, problem: problem)
        return (plan, try PlacementChecker.check(plan, for: problem))
    }

    @Test func oneWindowOverEverythingReachesTheEnumeratedOptimum() throws {
        for seed in UInt64(31)...34 {
            let problem = PlacementOptimizerTests.tiny(seed: seed, objective: .time, tiers: 2)
            let best = try #require(PlacementOptimizerTests.bruteForce(problem))
            let search = WindowSearch(solver: GLPKSolver(), options: SolveOptions(timeLimit: 10, relativeGap: 0), windowSegments: 1_000)
            let found = try search.improve(PlacementModel(problem), from: try Self.allSlow(problem), seconds: 10)
            #expect(abs(found.cost.value(of: .time) - best) <= 1e-9 * best, "seed \(seed)")
        }
    }

    @Test func smallWindowsNeverMakeThePlanWorse() throws {
        for seed in UInt64(41)...44 {
            let problem = PlacementOptimizerTests.tiny(seed: seed, objective: .energy, tiers: 3)
            let start = try Self.allSlow(problem)
            let search = WindowSearch(solver: GLPKSolver(), options: SolveOptions(timeLimit: 10), windowSegments: 2)
            let found = try search.improve(PlacementModel(problem), from: start, seconds: 10)
            #expect(found.cost.value(of: .energy) <= start.cost.value(of: .energy))
            #expect(found.windows >= 1)
            #expect((try? PlacementChecker.check(found.plan, for: problem)) == found.cost)
        }
    }
}
