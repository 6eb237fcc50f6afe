extension LocalSearch.State {
    /// Moves copy `copy` of entry t to the path it would take if tiers had room, making room by
    /// taking out the copies of other entries in its way (least accessed per byte first, at most
    /// `ejectionLimit`) and putting them back on their cheapest paths; true when the whole chain
    /// lowered the cost. Every cost is the marginal one against the state at that moment, so
    /// their sum is the plan's change exactly.
    mutating func eject(_ t: Int, copy: Int, ejectionLimit: Int) -> Bool {
        let saved = self
        let old = path(t, copy: copy)
        remove(t, old)
        let current = cost(t, old)
        let base = self
        var cutShort = chainCutShort
        for target in 0..<tierCount {
            // The cheapest path if tier `target` had room, and the copies in its way.
            guard let ideal = base.best(t, ignoringCapacityOf: target), Self.better(ideal.cost, than: current), ideal.path != old,
                  let first = base.firstShortfall(t, ideal.path) else { continue }
            let candidates = base.blockers(t, at: first.step, tier: first.tier)
            for start in candidates.prefix(PlacementConstants.ejectionCandidates) {
                var trial = base
                let change = trial.chain(t, ideal: ideal, from: start, current: current, ejectionLimit: ejectionLimit)
                cutShort = cutShort || trial.chainCutShort
                if let change, change < -1e-9 * max(abs(current), 1e-300) {
                    self = trial
                    return true
                }
            }
        }
        self = saved
        chainCutShort = cutShort
        return false
    }

    /// Entries in the way of copy 0 of entry t on a cheaper path through a tier that is full,
    /// least dense first, at most ``PlacementConstants/ejectionCandidates`` per tier.
    func partners(_ t: Int) -> [Int] {
        var trial = self
        let old = path(t, copy: 0)
        trial.remove(t, old)
        let current = trial.cost(t, old)
        var found: [Int] = []
        for target in 0..<tierCount {
            guard let ideal = trial.best(t, ignoringCapacityOf: target), Self.better(ideal.cost, than: current), ideal.path != old,
                  let first = trial.firstShortfall(t, ideal.path) else { continue }
            let list = trial.blockers(t, at: first.step, tier: first.tier)
            for item in list.prefix(PlacementConstants.ejectionCandidates) where !found.contains(item.u) { found.append(item.u) }
        }
        return found
    }

    /// The first step and tier on `path` where entry t's copy does not fit.
    func firstShortfall(_ t: Int, _ path: [Int]) -> (step: Int, tier: Int)? {
        let bytes = problem.tensors[t].bytes
        for (s, m) in path.enumerated() {
            let limit = problem.tiers[m].capacity + PlacementConstants.capacitySlackBytes - bytes
            for step in segments[t][s].start...segments[t][s].end where held[m * stepCount + step] > limit { return (step, m) }
        }
        return nil
    }

    /// Copies of other movable entries held in `tier` at `step`: (entry, copy index), least dense first.
    func blockers(_ t: Int, at step: Int, tier m: Int) -> [(u: Int, copy: Int)] {
        var found: [(u: Int, copy: Int)] = []
        for u in byBirth {
            if problem.tensors[u].birth > step { break }
            if u == t || problem.tensors[u].death < step { continue }
            guard let k = segments[u].firstIndex(where: { $0.start <= step && step <= $0.end }), plan.copies[u][k][m] > 0 else { continue }
            var below = 0
            for tier in 0..<m { below += plan.copies[u][k][tier] }
            found.append((u, below))
        }
        return found.sorted { (density[$0.u], $0.u) < (density[$1.u], $1.u) }
    }

    /// Takes `start` out, then the least dense copy in the way until entry t fits on `ideal`,
    /// puts t there and the evicted back on their cheapest paths: the cost change, or nil.
    mutating func chain(_ t: Int, ideal: (path: [Int], cost: Double), from start: (u: Int, copy: Int), current: Double,
                        ejectionLimit: Int) -> Double? {
        // t's own cost is taken after the evictions, when it goes in: for the time objective a
        // step's cost depends on what else is there, so `ideal.cost` (priced with them) is not it.
        var change = -current
        var evicted: [Int] = []
        var next: (u: Int, copy: Int)? = start
        while let victim = next {
            guard evicted.count < ejectionLimit else { chainCutShort = true; return nil }
            let out = path(victim.u, copy: victim.copy)
            remove(victim.u, out)
            change -= cost(victim.u, out)
            evicted.append(victim.u)
            guard let short = firstShortfall(t, ideal.path) else { next = nil; break }
            next = blockers(t, at: short.step, tier: short.tier).first
            if next == nil { return nil }
        }
        change += cost(t, ideal.path)
        insert(t, ideal.path)
        for u in evicted.sorted(by: { (problem.tensors[$0].bytes, $0) > (problem.tensors[$1].bytes, $1) }) {
            guard let found = best(u) else { return nil }
            insert(u, found.path)
            change += found.cost
        }
        return change
    }
}
