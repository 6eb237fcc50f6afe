import Foundation
/// Places a problem's tensors: greedy baseline, MIP warm-started from it, independent check.
public struct PlacementOptimizer: Sendable {
    public var solver: any PlacementSolver
    public var options: SolveOptions
    /// Column count above which LP-guided fixing applies.
    public var fixingThreshold: Int

    public init(solver: any PlacementSolver = GLPKSolver(), options: SolveOptions = SolveOptions(),
                fixingThreshold: Int = PlacementConstants.fixingColumnThreshold) {
        self.solver = solver
        self.options = options
        self.fixingThreshold = fixingThreshold
    }

    /// Solves `problem`. Throws ``SolverError`` when the backend fails or a number is not finite.
    public func solve(_ problem: PlacementProblem) throws(SolverError) -> PlacementResult {
        let clock = TimeBudget()
        /// Seconds left of the solver's share of the time limit.
        func solveTimeLeft() -> Double { options.timeLimit * PlacementConstants.solveShare - clock.elapsed }
        let greedy = GreedyPlacer.place(problem)
        let model = PlacementModel(problem)
        let program = model.program
        var result = PlacementResult(problem: problem, greedy: greedy, rows: program.rows.count, columns: program.columns.count)
        let large = program.columns.count > fixingThreshold
        // A large model's relaxation runs on a second thread while the local search improves the
        // greedy plan on this one: the two are independent, and each takes seconds at 1,000 tensors.
        let relaxationBudget = max(PlacementConstants.minimumWindowSeconds, options.timeLimit * PlacementConstants.solveShare)
        // Interior point: on the 1,000-tensor random relaxation 0.7 s against the simplex's 6 s. That
        // thread then rounds the relaxation and runs the local search from there too.
        var relaxationOptions = with(options, warm: nil, limit: relaxationBudget, relaxationOnly: true)
        relaxationOptions.interiorPoint = true
        let searchSeconds = options.timeLimit * PlacementConstants.localSearchShare
        let relaxationTask = large ? BackgroundRelaxation(solver: solver, model: model, options: relaxationOptions,
                                                          searchUntil: searchSeconds, clock: clock) : nil
        // Local search from the greedy plan: the first incumbent when it is cheaper.
        var start = greedy
        if let greedy {
            let polished = LocalSearch.polish(problem, greedy.plan, seconds: searchSeconds)
            if let cost = try? PlacementChecker.check(polished, for: problem),
               cost.value(of: problem.objective) < greedy.cost.value(of: problem.objective) * (1 - PlacementConstants.costTolerance) {
                result.polished = (polished, cost)
                start = (polished, cost)
            }
        }
        result.localSearchTime = clock.elapsed

        var outcome: SolverOutcome
        var bound: Double?
        var provenByBranching = false
        if let relaxationTask {
            let background = try relaxationTask.wait()
            let relaxation = background.outcome
            result.relaxationTime = background.solvedAt
            guard relaxation.status == .optimal, let values = relaxation.values else {
                outcome = relaxation
                return finish(result, outcome: outcome, model: model, bound: nil, proven: false, elapsed: clock.elapsed)
            }
            bound = relaxation.bound ?? relaxation.objective
            let integral = model.integralSegments(in: values)
            result.fractionalSegments = model.segments.joined().count - integral.count
            // Incumbents: the greedy plan and the relaxation rounded, each after its local search; the
            // better one starts the search.
            var incumbents: [(plan: PlacementPlan, cost: PlacementCost)] = start.map { [$0] } ?? []
            if let rounded = background.rounded {
                result.rounded = rounded
                result.polishedRounded = background.polishedRounded
                incumbents.append(background.polishedRounded ?? rounded)
            }
            let start = incumbents.min { $0.cost.value(of: problem.objective) < $1.cost.value(of: problem.objective) }
            // Fix the segments the relaxation places wholly in one tier where the incumbent agrees,
            // so the incumbent stays feasible and the search can only improve on it.
            let fixed = integral.filter { item in
                start.map { $0.plan.copies[item.tensor][item.segment][item.tier] == problem.tensors[item.tensor].count } ?? true
            }
            result.fixedSegments = fixed.count
            result.method = "lp-fixing"
            // The fixed columns are substituted out, as in the windows, so GLPK works on the free
            // segments only. With no incumbent the fixed segments take the relaxation's tiers.
            let base = start?.plan ?? {
                var lpPlan = PlacementPlan(copies: model.segments.map { [[Int]](repeating: [Int](repeating: 0, count: problem.tiers.count), count: $0.count) })
                for item in integral { lpPlan.copies[item.tensor][item.segment][item.tier] = problem.tensors[item.tensor].count }
                return lpPlan
            }()
            let (restricted, kept) = model.fixing(fixed.map { ($0.tensor, $0.segment) }, at: base)
            let left = max(PlacementConstants.minimumWindowSeconds, solveTimeLeft())
                * PlacementConstants.restrictedSolveShare
            let baseValues = model.columnValues(for: base)
            outcome = try solver.solve(restricted, options: with(options, warm: start.map { _ in kept.map { baseValues[$0] } }, limit: left))
            if let found = outcome.values {
                // Back to the model's columns, so the plan and the objective read as the whole model's.
                let values = LinearProgram.expanding(found, at: kept, into: baseValues)
                outcome.values = values
                outcome.objective = model.program.objective(at: values)
                outcome.bound = nil // the smaller program's, without the fixed columns' cost
            }
            result.restrictedObjective = outcome.objective.map { $0 * model.objectiveScale + model.objectiveOffset }
            // Decomposition: re-optimise window after window from the best plan so far.
            var incumbent = start
            if let values = outcome.values, let cost = try? PlacementChecker.check(model.plan(from: values), for: problem),
               incumbent.map({ cost.value(of: problem.objective) < $0.cost.value(of: problem.objective) }) ?? true {
                incumbent = (model.plan(from: values), cost)
            }
            // More local search from the best plan so far, with half the time left; the windows get the rest.
            if let current = incumbent {
                let share = solveTimeLeft() * PlacementConstants.incumbentSearchShare
                if share > PlacementConstants.minimumWindowSeconds {
                    let polished = LocalSearch.improve(problem, current.plan, seconds: share)
                    if let cost = try? PlacementChecker.check(polished, for: problem),
                       cost.value(of: problem.objective) < current.cost.value(of: problem.objective) * (1 - PlacementConstants.costTolerance) {
                        incumbent = (polished, cost)
                        result.repolished = (polished, cost)
                    }
                }
            }
            if let current = incumbent {
                let rest = solveTimeLeft()
                if rest > PlacementConstants.minimumWindowSeconds {
                    let found = try WindowSearch(solver: solver, options: options).improve(model, from: current, seconds: rest)
                    result.windowed = (found.plan, found.cost)
                    result.windows = found.windows
                    if found.cost.value(of: problem.objective) < current.cost.value(of: problem.objective) { incumbent = (found.plan, found.cost) }
                }
            }
            // The windows stop when a pass brings nothing. Time left then goes to branch and bound on the
            // whole model from the best plan: its bound can only raise the relaxation's, and it may prove
            // the plan optimal (on a 100-tensor instance as dense as the 1,000-tensor ones: bound 4.4177
            // against the relaxation's 4.3230, the optimum being 4.4430).
            if let current = incumbent {
                let rest = solveTimeLeft()
                if rest > PlacementConstants.minimumWindowSeconds {
                    let whole = try solver.solve(program, options: with(options, warm: model.columnValues(for: current.plan), limit: rest))
                    if let b = whole.bound { bound = max(bound ?? b, b) }
                    if whole.values != nil || whole.status == .optimal {
                        outcome = whole
                        provenByBranching = whole.status == .optimal
                        result.finalBranching = true
                    }
                }
            }
            if outcome.values == nil && start == nil && result.windowed == nil {
                // The fixings may have cut every solution: branch on the whole model with what time is left.
                let rest = max(PlacementConstants.minimumWindowSeconds, solveTimeLeft())
                outcome = try solver.solve(program, options: with(options, warm: nil, limit: rest))
                result.method = "mip"
                provenByBranching = outcome.status == .optimal
                if let b = outcome.bound { bound = max(bound ?? b, b) }
            }
        } else {
            let budget = max(PlacementConstants.minimumWindowSeconds, solveTimeLeft())
            outcome = try solver.solve(program, options: with(options, warm: start.map { model.columnValues(for: $0.plan) }, limit: budget))
            bound = outcome.bound
            provenByBranching = outcome.status == .optimal
            result.method = "mip"
        }
        return finish(result, outcome: outcome, model: model, bound: bound, proven: provenByBranching, elapsed: clock.elapsed)
    }

    private func with(_ options: SolveOptions, warm: [Double]?, limit: Double, relaxationOnly: Bool = false) -> SolveOptions {
        var copy = options
        copy.warmStart = warm
        copy.timeLimit = limit
        copy.relaxationOnly = relaxationOnly
        return copy
    }

    private func finish(_ partial: PlacementResult, outcome: SolverOutcome, model: PlacementModel, bound: Double?,
                        proven: Bool, elapsed: Double) -> PlacementResult {
        var result = partial
        let problem = model.problem
        result.solverLog = outcome.log
        result.solverStatus = outcome.status
        result.solverObjective = outcome.objective.map { $0 * model.objectiveScale + model.objectiveOffset }
        result.bound = bound.map { $0 * model.objectiveScale + model.objectiveOffset }
        var candidates: [(plan: PlacementPlan, cost: PlacementCost, fromSolver: Bool)] = []
        if let values = outcome.values {
            let plan = model.plan(from: values)
            do {
                candidates.append((plan, try PlacementChecker.check(plan, for: problem), true))
            } catch {
                result.warnings.append("the solver's plan failed the independent check (\(error)); the greedy plan is reported")
            }
        }
        if let greedy = result.greedy { candidates.append((greedy.plan, greedy.cost, false)) }
        if let rounded = result.rounded { candidates.append((rounded.plan, rounded.cost, false)) }
        if let polished = result.polishedRounded { candidates.append((polished.plan, polished.cost, false)) }
        if let polished = result.polished { candidates.append((polished.plan, polished.cost, false)) }
        if let polished = result.repolished { candidates.append((polished.plan, polished.cost, false)) }
        if let windowed = result.windowed { candidates.append((windowed.plan, windowed.cost, true)) }
        let objective = problem.objective
        guard let best = candidates.min(by: { $0.cost.value(of: objective) < $1.cost.value(of: objective) }) else {
            if outcome.status == .infeasible || outcome.status == .optimal {
                result.status = .infeasible
                result.infeasibility = Infeasibility.diagnose(problem)
            } else {
                result.status = .noSolution
            }
            result.solveTime = elapsed
            return result
        }
        result.plan = best.plan
        result.cost = best.cost
        let value = best.cost.value(of: objective)
        if let b = result.bound { result.bound = min(b, value) }
        let gap = result.bound.map { value > 0 ? max(0, (value - $0) / value) : 0 }
        result.gap = gap
        let tiedWithSolver = candidates.contains { $0.fromSolver && $0.cost.value(of: objective) <= value * (1 + PlacementConstants.costTolerance) }
        if (proven && tiedWithSolver) || (gap ?? 1) <= options.relativeGap {
            result.status = .optimal
            if proven && tiedWithSolver && result.bound == nil { result.gap = 0 }
        } else {
            result.status = .feasibleWithGap
        }
        result.solveTime = elapsed
        return result
    }
}

/// The outcome of placing one problem.
public struct PlacementResult: Sendable {
    public enum Status: String, Sendable, Hashable {
        /// Proven optimal (within the requested relative gap).
        case optimal
        /// A plan, with the gap to the best bound stated.
        case feasibleWithGap = "feasible_with_gap"
        /// No plan exists (see ``PlacementResult/infeasibility``).
        case infeasible
        /// The time limit came before any plan, and the greedy baseline found none.
        case noSolution = "no_solution"
    }

    public var problem: PlacementProblem
    public var status: Status = .noSolution
    /// The reported plan: the MIP's unless the greedy plan is cheaper, checked either way.
    public var plan: PlacementPlan?
    public var cost: PlacementCost?
    public var greedy: (plan: PlacementPlan, cost: PlacementCost)?
    /// The best plan of the window decomposition, and how many windows were solved.
    public var windowed: (plan: PlacementPlan, cost: PlacementCost)?
    public var windows = 0
    /// The greedy plan after ``LocalSearch``, when that is cheaper than greedy.
    public var polished: (plan: PlacementPlan, cost: PlacementCost)?
    /// After LP-guided fixing: the plan of the second search, from the best plan after the restricted
    /// MIP, when that is cheaper than where it started.
    public var repolished: (plan: PlacementPlan, cost: PlacementCost)?
    /// Seconds from the start until greedy and the local search were done.
    public var localSearchTime = 0.0
    /// The LP relaxation rounded to a plan (LP-guided fixing only).
    public var rounded: (plan: PlacementPlan, cost: PlacementCost)?
    /// The rounded relaxation after ``LocalSearch``, when that is cheaper than the rounding.
    public var polishedRounded: (plan: PlacementPlan, cost: PlacementCost)?
    /// Lower bound on the objective (SI units), when known.
    public var bound: Double?
    /// (answer - bound) / answer.
    public var gap: Double?
    public var infeasibility: Infeasibility?
    public var rows: Int
    public var columns: Int
    /// "mip" (the whole model) or "lp-fixing" (segments fixed from the relaxation, branching on the rest).
    public var method = "mip"
    /// After LP-guided fixing: whether branch and bound on the whole model, from the best plan, used
    /// the time the windows left.
    public var finalBranching = false
    public var fixedSegments = 0
    /// Segments the relaxation does not place wholly in one tier (LP-guided fixing only).
    public var fractionalSegments = 0
    /// Seconds from the start until the relaxation was solved, on its own thread (LP-guided fixing only).
    public var relaxationTime: Double?
    /// Objective of the restricted MIP after fixing (SI units), when it found a plan.
    public var restrictedObjective: Double?
    public var solveTime = 0.0
    public var solverStatus: SolverOutcome.Status = .noSolution
    /// The program's own objective at the solver's solution (SI units); the reported cost is the checker's.
    public var solverObjective: Double?
    public var solverLog = ""
    public var warnings: [String] = []

    public init(problem: PlacementProblem, greedy: (plan: PlacementPlan, cost: PlacementCost)?, rows: Int, columns: Int) {
        self.problem = problem
        self.greedy = greedy
        self.rows = rows
        self.columns = columns
    }

    /// Objective of the answer and of greedy, and the gain of the answer over greedy (fraction).
    public var objectiveValue: Double? { cost?.value(of: problem.objective) }
    public var greedyValue: Double? { greedy?.cost.value(of: problem.objective) }
    public var gainOverGreedy: Double? {
        guard let answer = objectiveValue, let base = greedyValue, base > 0 else { return nil }
        return (base - answer) / base
    }
}
