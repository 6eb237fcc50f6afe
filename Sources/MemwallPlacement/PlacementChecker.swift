/// Re-verifies a plan from the problem alone and recomputes its cost from scratch.
///
/// Written apart from the MIP's model on purpose: it walks every step and every tensor
/// instead of reading the solver's variables, so a modelling slip in one shows up as a
/// disagreement with the other.
public enum PlacementChecker {
    /// Every way a plan can be wrong.
    public enum Violation: Error, Sendable, Hashable, CustomStringConvertible {
        case wrongShape(tensor: String)
        case copiesDoNotAddUp(tensor: String, segment: Int, placed: Int, expected: Int)
        case negativeCopies(tensor: String, segment: Int)
        case forbiddenTier(tensor: String, tier: String)
        case overCapacity(step: Int, stepName: String, tier: String, bytes: Double, capacity: Double)

        public var description: String {
            switch self {
            case let .wrongShape(tensor): "tensor \(tensor): the plan does not give every segment a placement over every tier"
            case let .copiesDoNotAddUp(tensor, segment, placed, expected):
                "tensor \(tensor) segment \(segment): \(placed) copies placed, expected \(expected)"
            case let .negativeCopies(tensor, segment): "tensor \(tensor) segment \(segment): a negative number of copies"
            case let .forbiddenTier(tensor, tier): "tensor \(tensor) is placed in tier \(tier), which it may not occupy"
            case let .overCapacity(step, name, tier, bytes, capacity):
                "step \(step) (\(name)): tier \(tier) holds \(bytes) B, over its capacity of \(capacity) B by \(bytes - capacity) B"
            }
        }
    }

    /// Checks `plan` against `problem` and returns its cost; throws the first violation found.
    public static func check(_ plan: PlacementPlan, for problem: PlacementProblem) throws(Violation) -> PlacementCost {
        try checkPlacement(plan, problem)
        try checkCapacity(plan, problem)
        return cost(of: plan, problem)
    }

    private static func checkPlacement(_ plan: PlacementPlan, _ problem: PlacementProblem) throws(Violation) {
        let tierCount = problem.tiers.count
        guard plan.copies.count == problem.tensors.count else { throw .wrongShape(tensor: "(count)") }
        for (t, tensor) in problem.tensors.enumerated() {
            let segments = tensor.segments(prefetchSteps: problem.prefetchSteps)
            guard plan.copies[t].count == segments.count, plan.copies[t].allSatisfy({ $0.count == tierCount }) else {
                throw .wrongShape(tensor: tensor.name)
            }
            for (s, row) in plan.copies[t].enumerated() {
                if row.contains(where: { $0 < 0 }) { throw .negativeCopies(tensor: tensor.name, segment: s) }
                let placed = row.reduce(0, +)
                if placed != tensor.count {
                    throw .copiesDoNotAddUp(tensor: tensor.name, segment: s, placed: placed, expected: tensor.count)
                }
                for tier in 0..<tierCount where row[tier] > 0 && !tensor.allows(tier) {
                    throw .forbiddenTier(tensor: tensor.name, tier: problem.tiers[tier].name)
                }
            }
        }
    }

    /// Occupancy of every tier at every step, summed directly over the live segments.
    public static func occupancy(of plan: PlacementPlan, _ problem: PlacementProblem) -> [[Double]] {
        var bytes = [[Double]](repeating: [Double](repeating: 0, count: problem.steps.count), count: problem.tiers.count)
        for (t, tensor) in problem.tensors.enumerated() {
            for (s, segment) in tensor.segments(prefetchSteps: problem.prefetchSteps).enumerated() {
                for tier in problem.tiers.indices where plan.copies[t][s][tier] > 0 {
                    let held = Double(plan.copies[t][s][tier]) * tensor.bytes
                    for step in max(0, segment.start)...min(problem.steps.count - 1, segment.end) {
                        bytes[tier][step] += held
                    }
                }
            }
        }
        return bytes
    }

    private static func checkCapacity(_ plan: PlacementPlan, _ problem: PlacementProblem) throws(Violation) {
        guard !problem.steps.isEmpty else { return }
        let held = occupancy(of: plan, problem)
        for (tier, perStep) in held.enumerated() {
            let capacity = problem.tiers[tier].capacity
            for (step, bytes) in perStep.enumerated()
            where bytes > capacity + PlacementConstants.capacitySlackBytes + capacity * PlacementConstants.costTolerance {
                throw .overCapacity(step: step, stepName: problem.steps[step].name, tier: problem.tiers[tier].name,
                                    bytes: bytes, capacity: capacity)
            }
        }
    }

    /// Bytes at every tier and link per step: each access read or written in the tier its
    /// copies occupy, each move read from the tier left and written to the tier entered at
    /// the first step of the segment entered.
    private static func cost(of plan: PlacementPlan, _ problem: PlacementProblem) -> PlacementCost {
        let stepCount = problem.steps.count, tierCount = problem.tiers.count
        var tierBytes = [[Double]](repeating: [Double](repeating: 0, count: tierCount), count: stepCount)
        var moved = 0.0
        for (t, tensor) in problem.tensors.enumerated() {
            let segments = tensor.segments(prefetchSteps: problem.prefetchSteps)
            for (s, segment) in segments.enumerated() {
                let here = plan.copies[t][s]
                if let access = segment.access {
                    for tier in 0..<tierCount where here[tier] > 0 {
                        tierBytes[access.step][tier] += Double(here[tier]) * access.bytes
                    }
                }
                guard let before = tensor.copiesBefore(segment: s, in: plan, tensor: t, tiers: tierCount) else { continue }
                for tier in 0..<tierCount where here[tier] != before[tier] {
                    let changed = Double(abs(here[tier] - before[tier])) * tensor.bytes
                    tierBytes[segment.start][tier] += changed
                    if here[tier] > before[tier] { moved += changed }
                }
            }
        }
        var stepTimes = [Double](repeating: 0, count: stepCount)
        var byTier = [Double](repeating: 0, count: tierCount)
        var energy = 0.0
        for step in 0..<stepCount {
            var time = problem.steps[step].computeTime
            var linkBytes = [Double](repeating: 0, count: problem.links.count)
            for tier in 0..<tierCount {
                let bytes = tierBytes[step][tier]
                byTier[tier] += bytes
                time = max(time, bytes / problem.tiers[tier].bandwidth)
                energy += bytes * (problem.tiers[tier].energyPerByte ?? 0)
                for link in problem.tiers[tier].links { linkBytes[link] += bytes }
            }
            for (link, bytes) in linkBytes.enumerated() {
                time = max(time, bytes / problem.links[link].bandwidth)
                energy += bytes * (problem.links[link].energyPerByte ?? 0)
            }
            stepTimes[step] = time
        }
        return PlacementCost(time: stepTimes.reduce(0, +), slowTierBytes: byTier.dropFirst().reduce(0, +), energy: energy,
                             bytesByTier: byTier, movedBytes: moved, stepTimes: stepTimes)
    }
}
