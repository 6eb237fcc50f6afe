/// Local search on a plan: one copy of one tensor entry at a time is taken out and put back on
/// its cheapest path through the tiers, segment by segment, with every other copy where it is.
///
/// The path is found exactly by dynamic programming over (segment, tier): a transition from
/// tier a in segment s-1 to tier b in segment s pays the move bytes at the first step of s and
/// the access bytes at its last step, both computed from the entry's copy counts (the other
/// copies plus this one), so merged entries pay exactly what the checker charges. For the time
/// objective a step's cost is its time, max(compute, each tier's and link's bytes over bandwidth),
/// with every other tensor's bytes at that step in place; for traffic and energy it is the bytes
/// times their price. A copy may enter a tier in a segment only where the tier has room at every
/// step of it. A move is kept only when it lowers the plan's cost, so the search never makes a
/// plan worse; the optimizer re-checks the result with ``PlacementChecker`` anyway.
public enum LocalSearch {
    /// The plan improved from `plan` until a pass over every copy brings nothing or `seconds` run out.
    public static func improve(_ problem: PlacementProblem, _ plan: PlacementPlan, seconds: Double, pairs: Bool = true) -> PlacementPlan {
        let clock = ContinuousClock(), started = clock.now
        func left() -> Double {
            let d = clock.now - started
            return seconds - (Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        var state = State(problem, plan)
        let movable = problem.tensors.indices.filter { problem.tensors[$0].pinnedTier == nil }
        // Entries whose lifetimes overlap: the pairs that compete for a tier.
        let byBirth = movable.sorted { problem.tensors[$0].birth < problem.tensors[$1].birth }
        var improved = true
        while improved && left() > 0 {
            improved = false
            for t in movable where left() > 0 {
                for copy in 0..<problem.tensors[t].count where state.relocate(t, copy: copy) { improved = true }
            }
            if improved || !pairs { continue }
            for (i, t) in byBirth.enumerated() where left() > 0 {
                for u in byBirth[(i + 1)...] where left() > 0 {
                    if problem.tensors[u].birth > problem.tensors[t].death { break }
                    // Two entries in the same tiers throughout have nothing to trade.
                    if state.tiersUsed(t) == state.tiersUsed(u) { continue }
                    if state.relocatePair(t, u) { improved = true }
                }
            }
        }
        return state.plan
    }

    struct State {
        let problem: PlacementProblem
        let segments: [[PlacementSegment]]
        var plan: PlacementPlan
        /// Bytes held per tier and step.
        var held: [[Double]]
        /// Bytes read or written per step and tier (time objective only).
        var load: [[Double]]
        /// Price of a byte at each tier (traffic and energy).
        let price: [Double]
        let tierCount: Int

        init(_ problem: PlacementProblem, _ plan: PlacementPlan) {
            self.problem = problem
            segments = problem.segments
            self.plan = plan
            tierCount = problem.tiers.count
            held = PlacementChecker.occupancy(of: plan, problem)
            load = [[Double]](repeating: [Double](repeating: 0, count: problem.tiers.count), count: problem.steps.count)
            switch problem.objective {
            case .traffic: price = problem.tiers.indices.map { $0 == 0 ? 0 : 1 }
            case .energy:
                price = problem.tiers.map { tier in
                    (tier.energyPerByte ?? 0) + tier.links.reduce(0.0) { $0 + (problem.links[$1].energyPerByte ?? 0) }
                }
            case .time: price = []
            }
            if problem.objective == .time {
                for t in problem.tensors.indices { add(t, plan.copies[t], sign: 1) }
            }
        }

        /// Bytes per tier at the first step of segment s (moves) and at its last (access) for copy counts `before` → `here`.
        func moveBytes(_ t: Int, before: [Int]?, here: [Int]) -> [Double] {
            guard let before else { return [Double](repeating: 0, count: tierCount) }
            let size = problem.tensors[t].bytes
            return (0..<tierCount).map { Double(abs(here[$0] - before[$0])) * size }
        }

        func before(_ t: Int, _ s: Int, _ counts: [[Int]]) -> [Int]? {
            if s > 0 { return counts[s - 1] }
            guard let home = problem.tensors[t].homeTier else { return nil }
            var row = [Int](repeating: 0, count: tierCount)
            row[home] = problem.tensors[t].count
            return row
        }

        /// Adds (sign 1) or removes (-1) entry t's bytes per step and tier under `counts` (time objective).
        mutating func add(_ t: Int, _ counts: [[Int]], sign: Double) {
            for (s, segment) in segments[t].enumerated() {
                let moved = moveBytes(t, before: before(t, s, counts), here: counts[s])
                for m in 0..<tierCount { load[segment.start][m] += sign * moved[m] }
                if let access = segment.access {
                    for m in 0..<tierCount { load[access.step][m] += sign * access.bytes * Double(counts[s][m]) }
                }
            }
        }

        /// Cost of a step with `extra` bytes per tier on top of what is there.
        func stepCost(_ step: Int, _ extra: [Double]) -> Double {
            guard problem.objective == .time else { return zip(extra, price).reduce(0) { $0 + $1.0 * $1.1 } }
            var time = problem.steps[step].computeTime
            var links = [Double](repeating: 0, count: problem.links.count)
            for (m, tier) in problem.tiers.enumerated() {
                let bytes = load[step][m] + extra[m]
                time = max(time, bytes / tier.bandwidth)
                for link in tier.links { links[link] += bytes }
            }
            for (l, bytes) in links.enumerated() { time = max(time, bytes / problem.links[l].bandwidth) }
            return time - baseTime(step)
        }

        /// The step's time with only what is there.
        func baseTime(_ step: Int) -> Double {
            var time = problem.steps[step].computeTime
            var links = [Double](repeating: 0, count: problem.links.count)
            for (m, tier) in problem.tiers.enumerated() {
                time = max(time, load[step][m] / tier.bandwidth)
                for link in tier.links { links[link] += load[step][m] }
            }
            for (l, bytes) in links.enumerated() { time = max(time, bytes / problem.links[l].bandwidth) }
            return time
        }

        /// The tiers of copy `copy` of entry t, segment by segment: where the cumulative count first exceeds `copy`.
        func path(_ t: Int, copy: Int) -> [Int] {
            plan.copies[t].map { row -> Int in
                var sum = 0
                for m in 0..<tierCount { sum += row[m]; if sum > copy { return m } }
                return tierCount - 1
            }
        }

        /// Takes the copy on `path` out of entry t's counts, occupancy and loads.
        mutating func remove(_ t: Int, _ path: [Int]) {
            let bytes = problem.tensors[t].bytes
            if problem.objective == .time { add(t, plan.copies[t], sign: -1) }
            for (s, m) in path.enumerated() {
                plan.copies[t][s][m] -= 1
                for step in segments[t][s].start...segments[t][s].end { held[m][step] -= bytes }
            }
            if problem.objective == .time { add(t, plan.copies[t], sign: 1) }
        }

        /// Puts a copy on `path` into entry t's counts, occupancy and loads.
        mutating func insert(_ t: Int, _ path: [Int]) {
            let bytes = problem.tensors[t].bytes
            if problem.objective == .time { add(t, plan.copies[t], sign: -1) }
            for (s, m) in path.enumerated() {
                plan.copies[t][s][m] += 1
                for step in segments[t][s].start...segments[t][s].end { held[m][step] += bytes }
            }
            if problem.objective == .time { add(t, plan.copies[t], sign: 1) }
        }

        /// Cost of adding one copy of entry t on tier b in segment s after tier a in segment s-1
        /// (moves at the segment's first step, the access at its last), to the state as it is.
        func transition(_ t: Int, _ s: Int, from a: Int?, to b: Int) -> Double {
            let segment = segments[t][s], rest = plan.copies[t]
            var here = rest[s]; here[b] += 1
            var previous: [Int]?
            if s > 0 { var row = rest[s - 1]; row[a!] += 1; previous = row } else { previous = before(t, 0, rest) }
            var moved = moveBytes(t, before: previous, here: here)
            var restMoved = moveBytes(t, before: s > 0 ? rest[s - 1] : before(t, 0, rest), here: rest[s])
            if problem.objective == .time {
                // The loads hold the other copies' bytes already: add only the difference.
                for m in 0..<tierCount { moved[m] -= restMoved[m] }
                restMoved = []
            }
            var accessed = [Double](repeating: 0, count: tierCount)
            if let access = segment.access {
                accessed[b] = access.bytes
                if problem.objective != .time { for m in 0..<tierCount { accessed[m] += access.bytes * Double(rest[s][m]) } }
            }
            if problem.objective != .time {
                // Linear prices: only what this copy changes matters; subtract the other copies' own bytes.
                var restAccessed = [Double](repeating: 0, count: tierCount)
                if let access = segment.access { for m in 0..<tierCount { restAccessed[m] = access.bytes * Double(rest[s][m]) } }
                return stepCost(segment.start, zip(moved, restMoved).map { $0 - $1 }) + stepCost(segment.end, zip(accessed, restAccessed).map { $0 - $1 })
            }
            if segment.access == nil { return stepCost(segment.start, moved) }
            if segment.start == segment.end { return stepCost(segment.start, zip(moved, accessed).map { $0 + $1 }) }
            return stepCost(segment.start, moved) + stepCost(segment.end, accessed)
        }

        /// Cost of adding a copy of entry t on `path`.
        func cost(_ t: Int, _ path: [Int]) -> Double {
            path.indices.reduce(0.0) { $0 + transition(t, $1, from: $1 > 0 ? path[$1 - 1] : nil, to: path[$1]) }
        }

        /// The cheapest path for one more copy of entry t where every tier it uses has room, and its cost.
        func best(_ t: Int) -> (path: [Int], cost: Double)? {
            let tensor = problem.tensors[t], list = segments[t]
            let fits: [[Bool]] = list.map { segment in
                (0..<tierCount).map { m in
                    guard tensor.allows(m) else { return false }
                    let limit = problem.tiers[m].capacity + PlacementConstants.capacitySlackBytes - tensor.bytes
                    for step in segment.start...segment.end where held[m][step] > limit { return false }
                    return true
                }
            }
            var value = [[Double]](repeating: [Double](repeating: .infinity, count: tierCount), count: list.count)
            var parent = [[Int]](repeating: [Int](repeating: -1, count: tierCount), count: list.count)
            for s in list.indices {
                for b in 0..<tierCount where fits[s][b] {
                    if s == 0 { value[0][b] = transition(t, 0, from: nil, to: b); continue }
                    for a in 0..<tierCount where value[s - 1][a] < .infinity {
                        let v = value[s - 1][a] + transition(t, s, from: a, to: b)
                        if v < value[s][b] { value[s][b] = v; parent[s][b] = a }
                    }
                }
            }
            guard let last = list.indices.last, let end = (0..<tierCount).min(by: { value[last][$0] < value[last][$1] }),
                  value[last][end] < .infinity else { return nil }
            var chosen = [Int](repeating: 0, count: list.count), m = end
            for s in list.indices.reversed() { chosen[s] = m; m = parent[s][m] }
            return (chosen, value[last][end])
        }

        /// The tiers entry t occupies in some segment.
        func tiersUsed(_ t: Int) -> Set<Int> {
            var used = Set<Int>()
            for row in plan.copies[t] { for (m, n) in row.enumerated() where n > 0 { used.insert(m) } }
            return used
        }

        static func better(_ new: Double, than old: Double) -> Bool { new < old - 1e-9 * max(abs(old), 1e-300) }

        /// Moves copy `copy` of entry t to its cheapest path; true when that lowered the cost.
        mutating func relocate(_ t: Int, copy: Int) -> Bool {
            let old = path(t, copy: copy)
            remove(t, old)
            let current = cost(t, old)
            if let found = best(t), Self.better(found.cost, than: current), found.path != old {
                insert(t, found.path)
                return true
            }
            insert(t, old)
            return false
        }

        /// Takes copy 0 of entries t and u out together and puts them back, each on its cheapest
        /// path, in whichever order is cheaper; true when that lowered the cost.
        mutating func relocatePair(_ t: Int, _ u: Int) -> Bool {
            let saved = self
            let oldT = path(t, copy: 0)
            remove(t, oldT)
            let oldU = path(u, copy: 0)
            remove(u, oldU)
            let base = self
            let before = cost(t, oldT) + { var s = base; s.insert(t, oldT); return s.cost(u, oldU) }()
            var bestState: State?, bestCost = before
            for (first, second) in [(t, u), (u, t)] {
                var trial = base
                guard let a = trial.best(first) else { continue }
                trial.insert(first, a.path)
                guard let b = trial.best(second) else { continue }
                trial.insert(second, b.path)
                if Self.better(a.cost + b.cost, than: bestCost) { bestCost = a.cost + b.cost; bestState = trial }
            }
            if let bestState { self = bestState; return true }
            self = saved
            return false
        }
    }
}
