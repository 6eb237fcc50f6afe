import Testing
@testable import MemwallPlacement

/// The baseline's order and its fallbacks.
@Suite struct GreedyPlacerTests {
    @Test func theDensestTensorGetsTheFastTier() throws {
        // Both 100 B over steps 0...1; hot is read at both steps, cold once; the fast tier holds one.
        let problem = PlacementProblem(name: "density", tiers: Fixtures.twoTiers(fastCapacity: 100), steps: Fixtures.steps([0, 0]),
                                       tensors: [Fixtures.tensor("cold", bytes: 100, birth: 0, death: 1, reads: [1]),
                                                 Fixtures.tensor("hot", bytes: 100, birth: 0, death: 1, reads: [0, 1])])
        let (plan, cost) = try #require(GreedyPlacer.place(problem))
        #expect(plan.copies[1].allSatisfy { $0 == [1, 0] })
        #expect(plan.copies[0].allSatisfy { $0 == [0, 1] })
        // hot: two reads from fast (1 s each); cold: one read from slow at step 1 (10 s): steps 1 s and 10 s.
        #expect(cost.time == 11)
    }

    @Test func aTierBehindASlowLinkRanksBelowItsOwnBandwidth() {
        var problem = PlacementProblem(name: "link", tiers: Fixtures.twoTiers(fastCapacity: 1), links: [PlacementLink(name: "bus", bandwidth: 1)],
                                       steps: Fixtures.steps([0]), tensors: [])
        problem.tiers[0].links = [0] // "fast" is reached through a 1 B/s bus: slower than "slow" at 10 B/s
        #expect(GreedyPlacer.preference(problem) == [1, 0])
        problem.objective = .traffic
        #expect(GreedyPlacer.preference(problem) == [0, 1])
    }

    @Test func nothingFitsMeansNoPlan() {
        var problem = PlacementProblem(name: "full", tiers: Fixtures.twoTiers(fastCapacity: 10), steps: Fixtures.steps([0]),
                                       tensors: [Fixtures.tensor("big", bytes: 50, birth: 0, death: 0, reads: [0])])
        problem.tensors[0].pinnedTier = 0
        #expect(GreedyPlacer.place(problem) == nil)
    }

    @Test func copiesSpillToTheNextTierOneByOne() throws {
        // Five 30 B copies, a 100 B fast tier: three fit, two spill.
        let problem = PlacementProblem(name: "copies", tiers: Fixtures.twoTiers(fastCapacity: 100), steps: Fixtures.steps([0]),
                                       tensors: [Fixtures.tensor("e", bytes: 30, birth: 0, death: 0, reads: [0], count: 5)])
        let (plan, _) = try #require(GreedyPlacer.place(problem))
        #expect(plan.copies[0][0] == [3, 2])
    }
}
