import MemwallNumerics

extension LocalSearch {
    /// The local search's whole schedule from a plan: ``improve`` to a local optimum, then
    /// ``ruinAndRecreate`` (``PlacementConstants/ruinIterations`` stretches) to leave it, then
    /// ``improve`` again, all within `seconds`. `longChainsFirst` as in ``improve``.
    public static func polish(_ problem: PlacementProblem, _ plan: PlacementPlan, seconds: Double,
                              longChainsFirst: Bool = false) -> PlacementPlan {
        let budget = TimeBudget(seconds: seconds)
        let local = improve(problem, plan, seconds: budget.left, longChainsFirst: longChainsFirst)
        guard budget.left > 0 else { return local }
        let ruined = ruinAndRecreate(problem, local, iterations: PlacementConstants.ruinIterations, seconds: budget.left)
        guard ruined != local, budget.left > 0 else { return ruined }
        return improve(problem, ruined, seconds: budget.left, longChainsFirst: longChainsFirst)
    }

    /// Ruin and recreate: the entries accessed in a random stretch of the schedule are taken out and put
    /// back one copy at a time on their cheapest paths, in order of access density with noise; the
    /// result is kept only when the plan got cheaper. The seed fixes the stretches, so the result is
    /// a function of the input unless `seconds` run out.
    public static func ruinAndRecreate(_ problem: PlacementProblem, _ plan: PlacementPlan, iterations: Int, seconds: Double,
                                       seed: UInt64 = 1) -> PlacementPlan {
        let budget = TimeBudget(seconds: seconds)
        var state = State(problem, plan)
        var random = SplitMix64(seed: seed)
        let movable = state.movable, density = state.density
        let steps = problem.steps.count
        let width = max(1, steps / PlacementConstants.ruinStretchesPerSchedule)
        for _ in 0..<iterations where budget.left > 0 {
            let start = Int(random.next() % UInt64(max(1, steps)))
            let victims = movable.filter { problem.tensors[$0].accesses.contains { $0.step >= start && $0.step < start + width } }
            guard !victims.isEmpty else { continue }
            let saved = state
            var change = 0.0, failed = false
            for u in victims {
                for copy in (0..<problem.tensors[u].count).reversed() {
                    let old = state.path(u, copy: copy)
                    state.remove(u, old)
                    change -= state.cost(u, old)
                }
            }
            let noisy = victims.map { ($0, density[$0] * (0.75 + 0.5 * Double(random.next() >> 11) / Double(1 << 53))) }
            for (u, _) in noisy.sorted(by: { ($0.1, $0.0) > ($1.1, $1.0) }) {
                for _ in 0..<problem.tensors[u].count {
                    guard let found = state.best(u) else { failed = true; break }
                    state.insert(u, found.path)
                    change += found.cost
                }
                if failed { break }
            }
            if failed || !State.better(change, than: 0) { state = saved }
        }
        return state.plan
    }
}
