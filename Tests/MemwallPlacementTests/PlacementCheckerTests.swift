import Testing
@testable import MemwallPlacement

/// The checker's verdicts and costs against figures derived by hand.
@Suite struct PlacementCheckerTests {
    /// One 100 B tensor read at steps 0 and 2: two segments, [0, 0] and [1, 2].
    static func problem(objective: PlacementObjective = .time, fastCapacity: Double = 1000) -> PlacementProblem {
        PlacementProblem(name: "one", tiers: Fixtures.twoTiers(fastCapacity: fastCapacity), steps: Fixtures.steps([1, 1, 1]),
                         tensors: [Fixtures.tensor("a", bytes: 100, birth: 0, death: 2, reads: [0, 2])], objective: objective)
    }

    @Test func segmentsSplitAtAccessesAndBeforeThePrefetchWindow() {
        let tensor = Fixtures.tensor("w", bytes: 1, birth: 0, death: 9, reads: [5, 6])
        let segments = tensor.segments(prefetchSteps: 1)
        #expect(segments.map { [$0.start, $0.end] } == [[0, 3], [4, 5], [6, 6], [7, 9]])
        #expect(segments.map { $0.access?.step } == [nil, 5, 6, nil])
        #expect(Self.problem().segments[0].map { [$0.start, $0.end] } == [[0, 0], [1, 2]])
    }

    @Test func costOfAPrefetchIsDerivedByHand() throws {
        // Step 0 reads 100 B from slow (10 B/s): 10 s. Step 1 moves 100 B slow -> fast: 10 s on slow.
        // Step 2 reads 100 B from fast (100 B/s): 1 s, equal to its compute. Total 21 s.
        // Slow-tier bytes: 100 read + 100 moved out = 200. Energy: slow 200 B x 10 J/B + fast 200 B x 1 J/B = 2200 J.
        let problem = Self.problem()
        let plan = PlacementPlan(tiers: [[1, 0]], problem: problem)
        let cost = try PlacementChecker.check(plan, for: problem)
        #expect(cost.stepTimes == [10, 10, 1])
        #expect(cost.time == 21)
        #expect(cost.slowTierBytes == 200)
        #expect(cost.energy == 2200)
        #expect(cost.movedBytes == 100)
        #expect(cost.bytesByTier == [200, 200])
    }

    @Test func linksAddTheirOwnBoundAndShareBandwidth() throws {
        // Both accesses of step 0 cross a 5 B/s link: 200 B / 5 = 40 s, above either tier's own time.
        var problem = PlacementProblem(name: "link", tiers: Fixtures.twoTiers(fastCapacity: 1000), links: [PlacementLink(name: "bus", bandwidth: 5)],
                                       steps: Fixtures.steps([1]),
                                       tensors: [Fixtures.tensor("a", bytes: 100, birth: 0, death: 0, reads: [0]),
                                                 Fixtures.tensor("b", bytes: 100, birth: 0, death: 0, reads: [0])])
        problem.tiers[0].links = [0]
        problem.tiers[1].links = [0]
        let cost = try PlacementChecker.check(PlacementPlan(tiers: [[0], [1]], problem: problem), for: problem)
        #expect(cost.time == 40)
    }

    @Test func brokenPlansAreRejected() {
        let problem = Self.problem(fastCapacity: 50)
        let overfull = PlacementPlan(tiers: [[0, 0]], problem: problem)
        #expect(throws: PlacementChecker.Violation.overCapacity(step: 0, stepName: "op0", tier: "fast", bytes: 100, capacity: 50)) {
            try PlacementChecker.check(overfull, for: problem)
        }
        let missing = PlacementPlan(copies: [[[0, 0], [0, 1]]])
        #expect(throws: PlacementChecker.Violation.copiesDoNotAddUp(tensor: "a", segment: 0, placed: 0, expected: 1)) {
            try PlacementChecker.check(missing, for: problem)
        }
        let doubled = PlacementPlan(copies: [[[1, 1], [0, 1]]])
        #expect(throws: PlacementChecker.Violation.copiesDoNotAddUp(tensor: "a", segment: 0, placed: 2, expected: 1)) {
            try PlacementChecker.check(doubled, for: problem)
        }
        let negative = PlacementPlan(copies: [[[2, -1], [0, 1]]])
        #expect(throws: PlacementChecker.Violation.negativeCopies(tensor: "a", segment: 0)) {
            try PlacementChecker.check(negative, for: problem)
        }
        let short = PlacementPlan(copies: [[[0, 1]]])
        #expect(throws: PlacementChecker.Violation.wrongShape(tensor: "a")) { try PlacementChecker.check(short, for: problem) }
        var pinned = Self.problem()
        pinned.tensors[0].pinnedTier = 1
        #expect(throws: PlacementChecker.Violation.forbiddenTier(tensor: "a", tier: "fast")) {
            try PlacementChecker.check(PlacementPlan(tiers: [[1, 0]], problem: pinned), for: pinned)
        }
    }

    @Test func capacityIsCheckedWhereLifetimesOverlap() {
        // a lives 0...1 and b 1...2, 60 B each, in a 100 B tier: they overlap only at step 1.
        let problem = PlacementProblem(name: "overlap", tiers: Fixtures.twoTiers(fastCapacity: 100), steps: Fixtures.steps([1, 1, 1]),
                                       tensors: [Fixtures.tensor("a", bytes: 60, birth: 0, death: 1, reads: [0, 1]),
                                                 Fixtures.tensor("b", bytes: 60, birth: 1, death: 2, reads: [1, 2])])
        let both = PlacementPlan(tiers: [[0, 0], [0, 0]], problem: problem)
        #expect(throws: PlacementChecker.Violation.overCapacity(step: 1, stepName: "op1", tier: "fast", bytes: 120, capacity: 100)) {
            try PlacementChecker.check(both, for: problem)
        }
        // a leaves the fast tier for its second segment (step 1): fits.
        #expect((try? PlacementChecker.check(PlacementPlan(tiers: [[0, 1], [0, 0]], problem: problem), for: problem)) != nil)
    }
}

/// Tensors that start in a home tier pay the move into their first tier.
@Suite struct HomeTierTests {
    @Test func bringingATensorInFromItsHomeCostsTheMove() throws {
        // w (100 B) lives in slow at home and is read at step 0. Placed fast: the move in at step 0 reads
        // 100 B from slow (10 s) and writes 100 B to fast (1 s), and the read takes 1 s: step 0 = 10 s.
        // Slow-tier traffic: the 100 B moved out. Placed slow: 100 B / 10 B/s = 10 s, 100 B of slow traffic.
        var problem = PlacementProblem(name: "home", tiers: Fixtures.twoTiers(fastCapacity: 100), steps: Fixtures.steps([0]),
                                       tensors: [Fixtures.tensor("w", bytes: 100, birth: 0, death: 0, reads: [0])])
        problem.tensors[0].homeTier = 1
        let fast = try PlacementChecker.check(PlacementPlan(tiers: [[0]], problem: problem), for: problem)
        #expect(fast.stepTimes == [10])
        #expect(fast.bytesByTier == [200, 100])
        #expect(fast.movedBytes == 100)
        let slow = try PlacementChecker.check(PlacementPlan(tiers: [[1]], problem: problem), for: problem)
        #expect(slow.bytesByTier == [0, 100])
        // Traffic objective: staying slow (100 B) ties moving in (100 B); energy: slow 100 x 10 = 1000 J
        // against fast 200 x 1 + slow 100 x 10 = 1200 J, so the MIP keeps it slow.
        problem.objective = .energy
        let result = try PlacementOptimizer().solve(problem)
        #expect(result.objectiveValue == 1000)
        #expect(result.solverObjective == 1000)
    }
}
