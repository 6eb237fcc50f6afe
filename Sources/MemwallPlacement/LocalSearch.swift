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
    /// The plan improved from `plan` pass after pass (every copy relocated, then moved in by
    /// ejection, then pairs traded, then longer ejection chains, up to `deepEjectionLimit`, for the
    /// entries whose chains `ejectionLimit` cut short) until a pass brings nothing, `maxPasses`
    /// passes are done, or `seconds` run out. Without the time running out the result depends only
    /// on the input. The long chains come last, so a converged search only adds to where the other
    /// moves end; `longChainsFirst` tries them before the every-pair trades instead, which take
    /// several times longer, for a search that must converge within a short time.
    public static func improve(_ problem: PlacementProblem, _ plan: PlacementPlan, seconds: Double,
                               maxPasses: Int = PlacementConstants.localSearchPasses, pairs: Bool = true,
                               ejectionLimit: Int = PlacementConstants.ejectionLimit,
                               deepEjectionLimit: Int = PlacementConstants.deepEjectionLimit,
                               longChainsFirst: Bool = false) -> PlacementPlan {
        let budget = TimeBudget(seconds: seconds)
        var state = State(problem, plan)
        let movable = state.movable, byBirth = state.byBirth
        var improved = true, passes = 0
        while improved && passes < maxPasses && budget.left > 0 {
            improved = false
            passes += 1
            for t in movable where budget.left > 0 {
                for copy in 0..<problem.tensors[t].count where state.relocate(t, copy: copy) { improved = true }
            }
            var cutShort: [Int] = []
            if ejectionLimit > 0 {
                for t in movable where budget.left > 0 {
                    for copy in 0..<problem.tensors[t].count {
                        state.chainCutShort = false
                        if state.eject(t, copy: copy, ejectionLimit: ejectionLimit) { improved = true }
                        if state.chainCutShort && cutShort.last != t { cutShort.append(t) }
                    }
                }
            }
            /// Long chains, once the moves before them bring nothing, for the entries whose chains
            /// ran out of length in this pass: a large entry (a 1 GB weight where 117 MB ones fill
            /// the tier) needs many copies out of its way at once.
            func longChains() {
                guard deepEjectionLimit > ejectionLimit else { return }
                for t in cutShort where budget.left > 0 {
                    for copy in 0..<problem.tensors[t].count
                    where state.eject(t, copy: copy, ejectionLimit: deepEjectionLimit) { improved = true }
                }
            }
            if improved || !pairs { continue }
            // Pairs: an entry that would be cheaper in a full tier, with each copy in its way there.
            for t in movable where budget.left > 0 {
                for partner in state.partners(t) where budget.left > 0 {
                    if state.relocatePair(t, partner) { improved = true; break }
                }
            }
            if improved { continue }
            if longChainsFirst {
                // A stream of tiny gains from the long chains must not keep the every-pair trades
                // from ever running: below the minimum gain the pass goes on to them.
                let before = state.objective()
                longChains()
                if improved && before - state.objective() >= PlacementConstants.minimumStageGain * before { continue }
            }
            // Every pair of overlapping entries that sit in different tiers (by birth, so the inner
            // loop ends at the first entry born after t dies).
            for (i, t) in byBirth.enumerated() where budget.left > 0 {
                for u in byBirth[(i + 1)...] where budget.left > 0 {
                    if problem.tensors[u].birth > problem.tensors[t].death { break }
                    if state.tiersUsed(t) == state.tiersUsed(u) { continue }
                    if state.relocatePair(t, u) { improved = true }
                }
            }
            if !improved && !longChainsFirst { longChains() }
        }
        return state.plan
    }

    struct State {
        let problem: PlacementProblem
        let segments: [[PlacementSegment]]
        var plan: PlacementPlan
        /// Bytes held per tier and step, at `m * stepCount + step` (one flat array: no per-row uniqueness checks).
        var held: [Double]
        let stepCount: Int
        /// Entries the search may move (not pinned), and the same by birth step: entries whose
        /// lifetimes overlap, the ones that compete for a tier, are then neighbours.
        let movable: [Int], byBirth: [Int]
        /// Bytes accessed per byte held per step of lifetime: who gives way first in an ejection.
        let density: [Double]
        /// Per step, tier and link, copied out of the problem for the inner loops.
        let computeTime: [Double], bandwidth: [Double], linkBandwidth: [Double]
        /// The tiers behind each link.
        let linkTiers: [[Int]]
        /// Bytes read or written per step and tier (time objective only).
        var load: [Double]
        /// Price of a byte at each tier (traffic and energy).
        let price: [Double]
        let tierCount: Int
        /// Set when an ejection chain needed more copies out than its limit allowed.
        var chainCutShort = false

        init(_ problem: PlacementProblem, _ plan: PlacementPlan) {
            self.problem = problem
            segments = problem.segments
            self.plan = plan
            tierCount = problem.tiers.count
            stepCount = problem.steps.count
            movable = problem.tensors.indices.filter { problem.tensors[$0].pinnedTier == nil }
            byBirth = movable.sorted { (problem.tensors[$0].birth, $0) < (problem.tensors[$1].birth, $1) }
            density = problem.tensors.map { tensor in
                tensor.accesses.reduce(0.0) { $0 + $1.bytes } / (max(tensor.bytes, 1) * Double(max(1, tensor.death - tensor.birth + 1)))
            }
            computeTime = problem.steps.map(\.computeTime)
            bandwidth = problem.tiers.map(\.bandwidth)
            linkBandwidth = problem.links.map(\.bandwidth)
            linkTiers = problem.links.indices.map { l in problem.tiers.indices.filter { problem.tiers[$0].links.contains(l) } }
            held = Array(PlacementChecker.occupancy(of: plan, problem).joined())
            load = [Double](repeating: 0, count: problem.tiers.count * problem.steps.count)
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

        /// Adds (sign 1) or removes (-1) entry t's bytes per step and tier under `counts` (time objective).
        mutating func add(_ t: Int, _ counts: [[Int]], sign: Double) {
            // Moves at the first step of each segment, |here - before| copies per tier (before the
            // first segment: the home tier's copies, or none); accesses at its last. No arrays are
            // made: this runs twice for every trial of the search.
            let tensor = problem.tensors[t], size = tensor.bytes
            for (s, segment) in segments[t].enumerated() {
                let here = counts[s], base = segment.start * tierCount
                if s > 0 {
                    let previous = counts[s - 1]
                    for m in 0..<tierCount where here[m] != previous[m] {
                        load[base + m] += sign * Double(abs(here[m] - previous[m])) * size
                    }
                } else if let home = tensor.homeTier {
                    for m in 0..<tierCount {
                        let previous = m == home ? tensor.count : 0
                        if here[m] != previous { load[base + m] += sign * Double(abs(here[m] - previous)) * size }
                    }
                }
                if let access = segment.access {
                    for m in 0..<tierCount where here[m] != 0 { load[access.step * tierCount + m] += sign * access.bytes * Double(here[m]) }
                }
            }
        }

        /// The time objective's cost of a step with `extra` bytes on at most two tiers.
        func stepCost(_ step: Int, _ extra: SparseBytes) -> Double {
            let base = step * tierCount
            var with = computeTime[step], without = computeTime[step]
            for m in 0..<tierCount {
                let bytes = load[base + m]
                with = max(with, (bytes + extra[m]) / bandwidth[m])
                without = max(without, bytes / bandwidth[m])
            }
            for (l, tiers) in linkTiers.enumerated() {
                var bytes = 0.0, added = 0.0
                for m in tiers { bytes += load[base + m]; added += load[base + m] + extra[m] }
                with = max(with, added / linkBandwidth[l])
                without = max(without, bytes / linkBandwidth[l])
            }
            return with - without
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
                for step in segments[t][s].start...segments[t][s].end { held[m * stepCount + step] -= bytes }
            }
            if problem.objective == .time { add(t, plan.copies[t], sign: 1) }
        }

        /// Puts a copy on `path` into entry t's counts, occupancy and loads.
        mutating func insert(_ t: Int, _ path: [Int]) {
            let bytes = problem.tensors[t].bytes
            if problem.objective == .time { add(t, plan.copies[t], sign: -1) }
            for (s, m) in path.enumerated() {
                plan.copies[t][s][m] += 1
                for step in segments[t][s].start...segments[t][s].end { held[m * stepCount + step] += bytes }
            }
            if problem.objective == .time { add(t, plan.copies[t], sign: 1) }
        }

        /// Cost of adding one copy of entry t on tier b in segment s after tier a in segment s-1
        /// (moves at the segment's first step, the access at its last), to the state as it is.
        func transition(_ t: Int, _ s: Int, from a: Int?, to b: Int) -> Double {
            let segment = segments[t][s], rest = plan.copies[t]
            if problem.objective != .time {
                // Linear prices: only the tiers this copy leaves and enters change; no arrays needed.
                let size = problem.tensors[t].bytes
                var total = segment.access.map { price[b] * $0.bytes } ?? 0
                let here = rest[s]
                if s > 0, let a {
                    guard a != b else { return total }
                    let previous = rest[s - 1]
                    total += price[b] * size * Double(abs(here[b] + 1 - previous[b]) - abs(here[b] - previous[b]))
                    total += price[a] * size * Double(abs(here[a] - previous[a] - 1) - abs(here[a] - previous[a]))
                } else if s == 0, let home = problem.tensors[t].homeTier {
                    let previous = problem.tensors[t].count * (b == home ? 1 : 0)
                    total += price[b] * size * Double(abs(here[b] + 1 - previous) - abs(here[b] - previous))
                }
                return total
            }
            // Time: only tiers a and b change, by this copy's move and access bytes; the loads hold
            // the other copies' bytes already, so each step is priced with the difference alone.
            let size = problem.tensors[t].bytes, here = rest[s]
            var moved = SparseBytes()
            if s > 0, let a {
                if a != b {
                    let previous = rest[s - 1]
                    moved.add(b, size * Double(abs(here[b] + 1 - previous[b]) - abs(here[b] - previous[b])))
                    moved.add(a, size * Double(abs(here[a] - previous[a] - 1) - abs(here[a] - previous[a])))
                }
            } else if s == 0, let home = problem.tensors[t].homeTier {
                let previous = problem.tensors[t].count * (b == home ? 1 : 0)
                moved.add(b, size * Double(abs(here[b] + 1 - previous) - abs(here[b] - previous)))
            }
            guard let access = segment.access else { return stepCost(segment.start, moved) }
            var accessed = SparseBytes()
            accessed.add(b, access.bytes)
            if segment.start == segment.end {
                moved.add(b, access.bytes)
                return stepCost(segment.start, moved)
            }
            return stepCost(segment.start, moved) + stepCost(segment.end, accessed)
        }

        /// Cost of adding a copy of entry t on `path`.
        func cost(_ t: Int, _ path: [Int]) -> Double {
            path.indices.reduce(0.0) { $0 + transition(t, $1, from: $1 > 0 ? path[$1 - 1] : nil, to: path[$1]) }
        }

        /// The cheapest path for one more copy of entry t where every tier it uses has room, and its cost.
        func best(_ t: Int, ignoringCapacityOf ignored: Int? = nil) -> (path: [Int], cost: Double)? {
            // Flat arrays at `s * tierCount + m`: this runs for every trial, and nested arrays cost
            // an allocation per segment.
            let tensor = problem.tensors[t], list = segments[t], n = tierCount
            var fits = [Bool](repeating: false, count: list.count * n)
            for (s, segment) in list.enumerated() {
                for m in 0..<n where tensor.allows(m) {
                    if m == ignored { fits[s * n + m] = true; continue }
                    let limit = problem.tiers[m].capacity + PlacementConstants.capacitySlackBytes - tensor.bytes
                    var room = true
                    for step in segment.start...segment.end where held[m * stepCount + step] > limit { room = false; break }
                    fits[s * n + m] = room
                }
            }
            var value = [Double](repeating: .infinity, count: list.count * n)
            var parent = [Int](repeating: -1, count: list.count * n)
            for s in list.indices {
                for b in 0..<n where fits[s * n + b] {
                    if s == 0 { value[b] = transition(t, 0, from: nil, to: b); continue }
                    for a in 0..<n where value[(s - 1) * n + a] < .infinity {
                        let v = value[(s - 1) * n + a] + transition(t, s, from: a, to: b)
                        if v < value[s * n + b] { value[s * n + b] = v; parent[s * n + b] = a }
                    }
                }
            }
            guard let last = list.indices.last, let end = (0..<n).min(by: { value[last * n + $0] < value[last * n + $1] }),
                  value[last * n + end] < .infinity else { return nil }
            var chosen = [Int](repeating: 0, count: list.count), m = end
            for s in list.indices.reversed() { chosen[s] = m; m = parent[s * n + m] }
            return (chosen, value[last * n + end])
        }

        /// The tiers entry t occupies in some segment.
        func tiersUsed(_ t: Int) -> UInt64 {
            var used: UInt64 = 0
            for row in plan.copies[t] { for (m, n) in row.enumerated() where n > 0 { used |= 1 << UInt64(min(m, 63)) } }
            return used
        }

        /// The plan's objective, recomputed by the checker (a few milliseconds at 1,000 tensors; once per pass).
        func objective() -> Double {
            (try? PlacementChecker.check(plan, for: problem).value(of: problem.objective)) ?? .infinity
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
        /// path, in whichever order is cheaper; true when that lowered the cost. Works in place:
        /// every trial is undone by taking out what it put in.
        mutating func relocatePair(_ t: Int, _ u: Int) -> Bool {
            let oldT = path(t, copy: 0)
            remove(t, oldT)
            let oldU = path(u, copy: 0)
            remove(u, oldU)
            let costT = cost(t, oldT)
            insert(t, oldT)
            let before = costT + cost(u, oldU)
            remove(t, oldT)
            var chosen: (first: Int, a: [Int], second: Int, b: [Int])?, bestCost = before
            for (first, second) in [(t, u), (u, t)] {
                guard let a = best(first) else { continue }
                insert(first, a.path)
                if let b = best(second), Self.better(a.cost + b.cost, than: bestCost) {
                    bestCost = a.cost + b.cost
                    chosen = (first, a.path, second, b.path)
                }
                remove(first, a.path)
            }
            if let chosen {
                insert(chosen.first, chosen.a)
                insert(chosen.second, chosen.b)
                return true
            }
            insert(t, oldT)
            insert(u, oldU)
            return false
        }
    }
}

/// Bytes added to at most two tiers of a step (a copy's move leaves one tier and enters another),
/// kept without an array so the time objective's inner loop does not allocate.
struct SparseBytes {
    private var tiers = (-1, -1)
    private var bytes = (0.0, 0.0)

    mutating func add(_ tier: Int, _ value: Double) {
        if tiers.0 == tier || tiers.0 < 0 { tiers.0 = tier; bytes.0 += value }
        else if tiers.1 == tier || tiers.1 < 0 { tiers.1 = tier; bytes.1 += value }
    }

    subscript(tier: Int) -> Double {
        (tiers.0 == tier ? bytes.0 : 0) + (tiers.1 == tier ? bytes.1 : 0)
    }
}
