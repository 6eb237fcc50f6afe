/// A plan read off the LP relaxation: every segment goes where the relaxation puts most of
/// it, most confident segments first, and copies that no longer fit go to the next tier in
/// the objective's preference order. Used as a second incumbent beside the greedy plan.
public enum LPRounding {
    public static func plan(_ model: PlacementModel, values: [Double]) -> PlacementPlan? {
        let problem = model.problem
        let segments = problem.segments
        let order = GreedyPlacer.preference(problem)
        let tierCount = problem.tiers.count
        var free = problem.tiers.map { [Double](repeating: $0.capacity, count: problem.steps.count) }
        var copies = segments.map { [[Int]](repeating: [Int](repeating: 0, count: tierCount), count: $0.count) }
        var items: [(t: Int, s: Int, share: [Double], confidence: Double)] = []
        for t in segments.indices {
            let count = Double(problem.tensors[t].count)
            for s in segments[t].indices {
                let share = (0..<tierCount).map { m in model.x[t][s][m] >= 0 ? max(0, values[model.x[t][s][m]]) : 0 }
                items.append((t, s, share, (share.max() ?? 0) / max(count, 1)))
            }
        }
        items.sort { ($0.confidence, -$0.t, -$0.s) > ($1.confidence, -$1.t, -$1.s) }
        for item in items {
            let tensor = problem.tensors[item.t], segment = segments[item.t][item.s]
            // Whole copies where the relaxation puts whole copies, the rest by largest fraction.
            var wanted = item.share.map { Int($0.rounded(.down)) }
            var left = tensor.count - wanted.reduce(0, +)
            for m in (0..<tierCount).sorted(by: { item.share[$0] - item.share[$0].rounded(.down) > item.share[$1] - item.share[$1].rounded(.down) })
            where left > 0 && tensor.allows(m) {
                wanted[m] += 1
                left -= 1
            }
            var overflow = left
            for m in 0..<tierCount where wanted[m] > 0 {
                let fits = fitting(wanted[m], tensor.bytes, free[m], segment)
                place(fits, m, item.t, item.s, tensor.bytes, segment, &free, &copies)
                overflow += wanted[m] - fits
            }
            for m in order where overflow > 0 && tensor.allows(m) {
                let fits = fitting(overflow, tensor.bytes, free[m], segment)
                place(fits, m, item.t, item.s, tensor.bytes, segment, &free, &copies)
                overflow -= fits
            }
            if overflow > 0 { return nil }
        }
        return PlacementPlan(copies: copies)
    }

    private static func fitting(_ wanted: Int, _ bytes: Double, _ free: [Double], _ segment: PlacementSegment) -> Int {
        guard bytes > 0 else { return wanted }
        var room = Double.infinity
        for step in segment.start...segment.end { room = min(room, free[step]) }
        return max(0, min(wanted, Int((room + PlacementConstants.capacitySlackBytes) / bytes)))
    }

    private static func place(_ n: Int, _ m: Int, _ t: Int, _ s: Int, _ bytes: Double, _ segment: PlacementSegment,
                              _ free: inout [[Double]], _ copies: inout [[[Int]]]) {
        guard n > 0 else { return }
        for step in segment.start...segment.end { free[m][step] -= Double(n) * bytes }
        copies[t][s][m] += n
    }
}
