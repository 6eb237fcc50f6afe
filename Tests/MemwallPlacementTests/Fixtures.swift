@testable import MemwallPlacement

/// Small hand-made problems.
enum Fixtures {
    /// Two tiers: fast (1 GB/s... scaled to round numbers) and slow, capacities in bytes.
    static func twoTiers(fastCapacity: Double, slowCapacity: Double = 1e12) -> [PlacementTier] {
        [PlacementTier(name: "fast", capacity: fastCapacity, bandwidth: 100, energyPerByte: 1),
         PlacementTier(name: "slow", capacity: slowCapacity, bandwidth: 10, energyPerByte: 10)]
    }

    static func steps(_ computeTimes: [Double]) -> [PlacementStep] {
        computeTimes.enumerated().map { PlacementStep(name: "op\($0)", computeTime: $1) }
    }

    static func tensor(_ name: String, bytes: Double, birth: Int, death: Int, reads: [Int], count: Int = 1) -> PlacementTensor {
        PlacementTensor(name: name, bytes: bytes, birth: birth, death: death,
                        accesses: reads.map { PlacementAccess(step: $0, bytes: bytes) }, count: count)
    }

    /// Every plan of single-copy tensors, by enumeration: each segment in each allowed tier.
    static func allPlans(_ problem: PlacementProblem) -> [PlacementPlan] {
        let segments = problem.segments
        var slots: [(Int, Int)] = []
        for (t, list) in segments.enumerated() { for s in list.indices { slots.append((t, s)) } }
        let tierCount = problem.tiers.count
        var plans: [PlacementPlan] = []
        var choice = [Int](repeating: 0, count: slots.count)
        while true {
            var tiers = segments.map { [Int](repeating: 0, count: $0.count) }
            for (index, slot) in slots.enumerated() { tiers[slot.0][slot.1] = choice[index] }
            if slots.indices.allSatisfy({ problem.tensors[slots[$0].0].allows(choice[$0]) }) {
                plans.append(PlacementPlan(tiers: tiers, problem: problem))
            }
            var position = 0
            while position < choice.count && choice[position] == tierCount - 1 { choice[position] = 0; position += 1 }
            if position == choice.count { break }
            choice[position] += 1
        }
        return plans
    }
}
