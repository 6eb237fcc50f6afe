/// Decomposition into time windows: the segments that start in one stretch of the schedule are
/// re-optimised by the MIP with every other segment fixed where the incumbent has it, window
/// after window, for as long as time allows. Each window's MIP starts from the incumbent, so a
/// window can only keep or improve the plan; the full relaxation still gives the bound.
public struct WindowSearch: Sendable {
    public var solver: any PlacementSolver
    public var options: SolveOptions
    /// Free segments per window.
    public var windowSegments: Int

    public init(solver: any PlacementSolver, options: SolveOptions, windowSegments: Int = PlacementConstants.windowSegments) {
        self.solver = solver
        self.options = options
        self.windowSegments = windowSegments
    }

    /// The best plan found from `incumbent` within `seconds`, with the number of windows solved.
    public func improve(_ model: PlacementModel, from incumbent: (plan: PlacementPlan, cost: PlacementCost),
                        seconds: Double) throws(SolverError) -> (plan: PlacementPlan, cost: PlacementCost, windows: Int) {
        let budget = TimeBudget(seconds: seconds)
        let problem = model.problem, objective = problem.objective
        var slots: [(t: Int, s: Int, start: Int)] = []
        for (t, list) in model.segments.enumerated() { for (s, segment) in list.enumerated() { slots.append((t, s, segment.start)) } }
        slots.sort { ($0.start, $0.t, $0.s) < ($1.start, $1.t, $1.s) }
        let windows = stride(from: 0, to: slots.count, by: max(1, windowSegments)).map { Array(slots[$0..<min(slots.count, $0 + windowSegments)]) }
        var best = incumbent, solved = 0, improvedInPass = true
        while improvedInPass && budget.left > PlacementConstants.minimumWindowSeconds {
            improvedInPass = false
            for window in windows where budget.left > PlacementConstants.minimumWindowSeconds {
                var free = Set<[Int]>()
                for slot in window { free.insert([slot.t, slot.s]) }
                // Every segment outside the window is fixed where the incumbent has it and substituted
                // out, so GLPK branches on a program of the window's size.
                let outside = slots.filter { !free.contains([$0.t, $0.s]) }.map { (tensor: $0.t, segment: $0.s) }
                let (program, kept) = model.fixing(outside, at: best.plan)
                let full = model.columnValues(for: best.plan)
                var windowOptions = options
                windowOptions.warmStart = kept.map { full[$0] }
                windowOptions.timeLimit = min(budget.left, max(PlacementConstants.minimumWindowSeconds, seconds / Double(max(1, windows.count))))
                windowOptions.relaxationOnly = false
                let outcome = try solver.solve(program, options: windowOptions)
                solved += 1
                guard let found = outcome.values else { continue }
                let plan = model.plan(from: LinearProgram.expanding(found, at: kept, into: full))
                guard let cost = try? PlacementChecker.check(plan, for: problem) else { continue }
                if cost.value(of: objective) < best.cost.value(of: objective) * (1 - PlacementConstants.costTolerance) {
                    best = (plan, cost)
                    improvedInPass = true
                }
            }
        }
        return (best.plan, best.cost, solved)
    }
}
