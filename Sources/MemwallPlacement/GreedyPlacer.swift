/// The baseline: fill the preferred tiers with the most-accessed bytes first.
///
/// Two orders are tried and the cheaper plan kept: segment by segment by access density
/// (bytes accessed per byte held per step), and whole tensors by the same density over
/// their lifetime (no moves). Copies that do not fit a tier over their whole segment go
/// to the next tier in preference order.
public enum GreedyPlacer {
    /// The cheaper of the two greedy plans, or nil when neither fits.
    public static func place(_ problem: PlacementProblem) -> (plan: PlacementPlan, cost: PlacementCost)? {
        let candidates = [placeSegments(problem, wholeTensors: false), placeSegments(problem, wholeTensors: true)]
        var best: (plan: PlacementPlan, cost: PlacementCost)?
        for case let plan? in candidates {
            guard let cost = try? PlacementChecker.check(plan, for: problem) else { continue }
            if best == nil || cost.value(of: problem.objective) < best!.cost.value(of: problem.objective) {
                best = (plan, cost)
            }
        }
        return best
    }

    /// Tiers in the order the objective prefers them.
    public static func preference(_ problem: PlacementProblem) -> [Int] {
        let tiers = Array(problem.tiers.indices)
        switch problem.objective {
        case .traffic:
            return tiers
        case .energy:
            return tiers.sorted { (problem.tiers[$0].energyPerByte ?? 0, $0) < (problem.tiers[$1].energyPerByte ?? 0, $1) }
        case .time:
            let effective = tiers.map { m in
                problem.tiers[m].links.reduce(problem.tiers[m].bandwidth) { min($0, problem.links[$1].bandwidth) }
            }
            return tiers.sorted { (-effective[$0], $0) < (-effective[$1], $1) }
        }
    }

    private static func placeSegments(_ problem: PlacementProblem, wholeTensors: Bool) -> PlacementPlan? {
        let segments = problem.segments
        let order = preference(problem)
        var free = problem.tiers.map { [Double](repeating: $0.capacity, count: problem.steps.count) }
        var copies = segments.enumerated().map { t, list in
            [[Int]](repeating: [Int](repeating: 0, count: problem.tiers.count), count: list.count)
        }
        // Items: (tensor, segments taken together, density); pinned tensors first.
        var items: [(tensor: Int, segments: [Int], density: Double, pinned: Bool)] = []
        for (t, tensor) in problem.tensors.enumerated() {
            let list = segments[t]
            let groups: [[Int]] = wholeTensors ? [Array(list.indices)] : list.indices.map { [$0] }
            for group in groups {
                let accessed = group.reduce(0.0) { $0 + (list[$1].access?.bytes ?? 0) }
                let steps = group.reduce(0) { $0 + list[$1].end - list[$1].start + 1 }
                items.append((t, group, accessed / (max(tensor.bytes, 1) * Double(max(steps, 1))), tensor.pinnedTier != nil))
            }
        }
        items.sort { ($0.pinned ? 0 : 1, -$0.density, $0.tensor, $0.segments[0]) < ($1.pinned ? 0 : 1, -$1.density, $1.tensor, $1.segments[0]) }
        for item in items {
            let tensor = problem.tensors[item.tensor]
            var left = tensor.count
            for m in order where tensor.allows(m) && left > 0 {
                var room = Double.infinity
                for s in item.segments {
                    let segment = segments[item.tensor][s]
                    for step in segment.start...segment.end { room = min(room, free[m][step]) }
                }
                let fits = tensor.bytes > 0 ? min(left, Int(min(Double(left), (room + PlacementConstants.capacitySlackBytes) / tensor.bytes))) : left
                guard fits > 0 else { continue }
                for s in item.segments {
                    let segment = segments[item.tensor][s]
                    for step in segment.start...segment.end { free[m][step] -= Double(fits) * tensor.bytes }
                    copies[item.tensor][s][m] += fits
                }
                left -= fits
            }
            if left > 0 { return nil }
        }
        return PlacementPlan(copies: copies)
    }
}
