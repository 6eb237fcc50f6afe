import CGLPKShim
import Foundation

/// The relaxation of a large model, solved on its own thread while the caller searches from the
/// greedy plan, then rounded (``LPRounding``) and improved by ``LocalSearch/polish`` there until
/// `searchUntil` seconds of `clock`. GLPK keeps its state per thread and the model is a value, so
/// the thread shares nothing with the caller's work. On the random 1,000-tensor instances (seeds 1,
/// 2, 3) the search from the rounding ends 0.6 to 1.0 % cheaper than the one from greedy. That
/// search converges within its time there, and it tries the long ejection chains before the
/// every-pair trades (``LocalSearch/improve(_:_:seconds:maxPasses:pairs:ejectionLimit:deepEjectionLimit:longChainsFirst:)``):
/// at 10 s that took seeds 1 to 3 from 1.25721, 1.66681, 1.72551 to 1.24746, 1.65792, 1.71429.
/// For the time objective the trades come first: from the rounding of the 4-tier FlexGen-like
/// scenario they swap the tiers of early and late layers' weights, 5 % in their first pass, and at
/// 10 s the answer is 593.3 ms (1.64 % gap) against 607.1 ms (3.87 %) with the chains first; left to
/// converge, the chains first end at 587.3 ms and the trades first at 589.4 ms (2026-12-04).
final class BackgroundRelaxation: @unchecked Sendable {
    struct Found {
        var outcome: SolverOutcome
        /// Seconds of `clock` when the relaxation was solved.
        var solvedAt: Double
        var rounded: (plan: PlacementPlan, cost: PlacementCost)?
        var polishedRounded: (plan: PlacementPlan, cost: PlacementCost)?
    }

    private let done = DispatchSemaphore(value: 0)
    private var found: Result<Found, SolverError>?

    init(solver: any PlacementSolver, model: PlacementModel, options: SolveOptions, searchUntil: Double, clock: TimeBudget) {
        let thread = Thread { [self] in
            found = Result { () throws(SolverError) in
                let outcome = try solver.solve(model.program, options: options)
                var found = Found(outcome: outcome, solvedAt: clock.elapsed)
                let problem = model.problem
                guard outcome.status == .optimal, let values = outcome.values, let plan = LPRounding.plan(model, values: values),
                      let cost = try? PlacementChecker.check(plan, for: problem) else { return found }
                found.rounded = (plan, cost)
                let left = searchUntil - clock.elapsed
                guard left > 0 else { return found }
                let polished = LocalSearch.polish(problem, plan, seconds: left, longChainsFirst: problem.objective != .time)
                if let better = try? PlacementChecker.check(polished, for: problem),
                   better.value(of: problem.objective) < cost.value(of: problem.objective) * (1 - PlacementConstants.costTolerance) {
                    found.polishedRounded = (polished, better)
                }
                return found
            }
            // The thread ends here: give back the GLPK environment it made (a few KB per solve otherwise).
            mw_glpk_free_thread_env()
            done.signal()
        }
        thread.stackSize = PlacementConstants.solverThreadStackBytes
        thread.start()
    }

    /// Blocks until the thread ends; the semaphore orders the write of its result before this read.
    func wait() throws(SolverError) -> Found {
        done.wait()
        guard let found else { throw SolverError.backend(solver: "background", message: "the background relaxation ended without an outcome") }
        return try found.get()
    }
}
