import Foundation
import Testing
@testable import MemwallPlacement

/// GLPK driven through the C shim: answers, statuses, bad numbers, internal errors, threads.
@Suite struct GLPKSolverTests {
    /// max 5a + 4b + 3c s.t. 2a + 3b + c <= 5, 4a + b + 2c <= 11, 3a + 4b + 2c <= 8, integer:
    /// enumerating a, b, c in 0...5 by hand gives the optimum a = 2, b = 0, c = 1 with value 13.
    static func knapsack() -> LinearProgram {
        var lp = LinearProgram()
        let a = lp.addColumn(.init(name: "a", upper: 5, isInteger: true, cost: -5))
        let b = lp.addColumn(.init(name: "b", upper: 5, isInteger: true, cost: -4))
        let c = lp.addColumn(.init(name: "c", upper: 5, isInteger: true, cost: -3))
        lp.addRow("r1", .atMost(5), [(a, 2), (b, 3), (c, 1)])
        lp.addRow("r2", .atMost(11), [(a, 4), (b, 1), (c, 2)])
        lp.addRow("r3", .atMost(8), [(a, 3), (b, 4), (c, 2)])
        return lp
    }

    @Test func solvesASmallIntegerProgramToItsEnumeratedOptimum() throws {
        var best = 0.0
        for a in 0...5 { for b in 0...5 { for c in 0...5 where 2*a + 3*b + c <= 5 && 4*a + b + 2*c <= 11 && 3*a + 4*b + 2*c <= 8 {
            best = max(best, Double(5*a + 4*b + 3*c))
        } } }
        let outcome = try GLPKSolver().solve(Self.knapsack(), options: SolveOptions(timeLimit: 5))
        #expect(outcome.status == .optimal)
        #expect(outcome.objective == -best)
        #expect(outcome.values == [2, 0, 1])
    }

    @Test func relaxationGivesTheLPBound() throws {
        // The relaxation drops integrality, so its optimum is at least the integer optimum (13).
        let outcome = try GLPKSolver().solve(Self.knapsack(), options: SolveOptions(timeLimit: 5, relaxationOnly: true))
        #expect(outcome.status == .optimal)
        #expect(try #require(outcome.objective) <= -13 + 1e-9)
    }

    @Test func infeasibleProgramsSaySo() throws {
        var lp = LinearProgram()
        let a = lp.addColumn(.init(name: "a", upper: 1, isInteger: true))
        lp.addRow("needs two", .atLeast(2), [(a, 1)])
        #expect(try GLPKSolver().solve(lp, options: SolveOptions(timeLimit: 5)).status == .infeasible)
        // Fractionally feasible, integrally not: 2a = 1.
        var half = LinearProgram()
        let h = half.addColumn(.init(name: "h", upper: 1, isInteger: true))
        half.addRow("half", .fixed(1), [(h, 2)])
        #expect(try GLPKSolver().solve(half, options: SolveOptions(timeLimit: 5)).status == .infeasible)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteNumbersAreRejectedBeforeGLPK(_ bad: Double) {
        var coefficient = Self.knapsack()
        coefficient.entries[4].value = bad
        var bound = Self.knapsack()
        bound.rows[1] = .atMost(bad)
        var cost = Self.knapsack()
        cost.columns[2].cost = bad
        var upper = Self.knapsack()
        upper.columns[0].upper = bad
        for program in [coefficient, bound, cost, upper] {
            #expect(throws: SolverError.self) { try GLPKSolver().solve(program, options: SolveOptions(timeLimit: 5)) }
        }
        #expect(throws: SolverError.self) { try GLPKSolver().solve(Self.knapsack(), options: SolveOptions(timeLimit: bad)) }
        #expect(throws: SolverError.self) {
            try GLPKSolver().solve(Self.knapsack(), options: SolveOptions(timeLimit: 5, warmStart: [1, bad, 0]))
        }
    }

    @Test func anInternalGLPKErrorIsThrownWithGLPKsMessageAndTheNextSolveWorks() throws {
        var broken = Self.knapsack()
        broken.entries.append(.init(row: 0, column: 0, value: 1)) // a duplicate (row, column): glp_load_matrix aborts
        let result = Result { () throws(SolverError) in try GLPKSolver().solve(broken, options: SolveOptions(timeLimit: 5)) }
        guard case let .failure(.backend(solver, message)) = result else {
            Issue.record("expected a backend error, got \(result)")
            return
        }
        #expect(solver == "glpk")
        #expect(message.contains("duplicate indices"), "\(message)")
        let outcome = try GLPKSolver().solve(Self.knapsack(), options: SolveOptions(timeLimit: 5))
        #expect(outcome.objective == -13)
    }

    @Test func concurrentSolvesOnSeveralThreadsAgree() async throws {
        let results = try await withThrowingTaskGroup(of: Double?.self) { group in
            for index in 0..<8 {
                group.addTask {
                    // Every other task first trips an internal error, freeing its thread's GLPK environment.
                    if index % 2 == 0 {
                        var broken = Self.knapsack()
                        broken.entries.append(.init(row: 0, column: 0, value: 1))
                        _ = try? GLPKSolver().solve(broken, options: SolveOptions(timeLimit: 5))
                    }
                    return try GLPKSolver().solve(Self.knapsack(), options: SolveOptions(timeLimit: 5)).objective
                }
            }
            var all: [Double?] = []
            for try await value in group { all.append(value) }
            return all
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0 == -13 })
    }

    @Test func theWarmStartIsAcceptedAndTheAnswerIsNoWorse() throws {
        let outcome = try GLPKSolver().solve(Self.knapsack(), options: SolveOptions(timeLimit: 5, warmStart: [1, 1, 0]))
        #expect(outcome.objective == -13)
    }

    @Test(arguments: [PlacementObjective.energy, .time])
    func theInteriorPointRelaxationAgreesWithTheSimplex(_ objective: PlacementObjective) throws {
        // Two methods, one LP: the interior point's value and its multipliers' bound lie within
        // interiorPointGap of the simplex optimum, and the bound is below it.
        for seed in UInt64(1)...2 {
            let model = PlacementModel(InstanceGenerator(tensors: 150, tiers: 4, seed: seed, objective: objective).make())
            let simplex = try GLPKSolver().solve(model.program, options: SolveOptions(timeLimit: 20, relaxationOnly: true))
            let interior = try GLPKSolver().solve(model.program, options: SolveOptions(timeLimit: 20, relaxationOnly: true, verbose: true,
                                                                                      interiorPoint: true))
            let optimum = try #require(simplex.objective)
            // The interior point's own log, not the simplex's after a fallback.
            #expect(interior.log.contains("Optimization begins"), "\(interior.log.suffix(300))")
            #expect(!interior.log.contains("Simplex"))
            #expect(interior.status == .optimal)
            let value = try #require(interior.objective), bound = try #require(interior.bound)
            let scale = max(1, abs(optimum))
            #expect(bound <= optimum + 1e-9 * scale, "seed \(seed): bound \(bound) above the optimum \(optimum)")
            #expect(optimum - bound <= 2 * PlacementConstants.interiorPointGap * scale, "seed \(seed): bound \(bound), optimum \(optimum)")
            #expect(abs(value - optimum) <= 2 * PlacementConstants.interiorPointGap * scale)
        }
    }

    @Test func anInteriorPointSolvePastItsTimeLimitStopsAndTheNextSolveWorks() throws {
        // GLPK's interior point has no time limit of its own: the shim leaves it from its output
        // once the deadline (at least 1 ms) has passed, frees its state, and reports no solution.
        let model = PlacementModel(InstanceGenerator(tensors: 1_000, tiers: 4, seed: 1, objective: .energy).make())
        let outcome = try GLPKSolver().solve(model.program, options: SolveOptions(timeLimit: 1e-3, relaxationOnly: true, verbose: true,
                                                                                  interiorPoint: true))
        #expect(outcome.status == .noSolution)
        // Stopped inside the interior point (its start-up lines), not by the simplex's own limit.
        #expect(outcome.log.contains("Original LP has") && !outcome.log.contains("Optimization begins"), "\(outcome.log.suffix(300))")
        #expect(try GLPKSolver().solve(Self.knapsack(), options: SolveOptions(timeLimit: 5)).objective == -13)
    }

    @Test func anInfeasibleRelaxationIsDeclaredByTheSimplexAfterTheInteriorPoint() throws {
        // GLPK's interior point infers infeasibility from its residuals growing (an unbounded
        // program does that too), so the simplex has the last word.
        var lp = LinearProgram()
        let a = lp.addColumn(.init(name: "a", upper: 1, cost: 1))
        lp.addRow("needs two", .atLeast(2), [(a, 1)])
        let outcome = try GLPKSolver().solve(lp, options: SolveOptions(timeLimit: 5, relaxationOnly: true, verbose: true, interiorPoint: true))
        #expect(outcome.status == .infeasible)
        // The outcome is the simplex's: its log has none of the interior point's lines.
        #expect(!outcome.log.contains("Original LP has"), "\(outcome.log)")
    }

    @Test func anInteriorPointIsTakenOnlyWhenFeasibleAndAtItsBound() {
        // Chvátal's LP: optimum −13 at (2, 0, 1) with multipliers (−1, 0, −1) (see LinearProgramDualBoundTests).
        let lp = Self.knapsack()
        func outcome(_ values: [Double]?, _ duals: [Double]?, _ status: SolverOutcome.Status = .feasible) -> SolverOutcome {
            SolverOutcome(status: status, objective: values.map { lp.objective(at: $0) }, values: values, rowDuals: duals)
        }
        let taken = GLPKSolver.accepting(outcome([2, 0, 1], [-1, 0, -1]), of: lp)
        #expect(taken?.status == .optimal && taken?.objective == -13 && taken?.bound == -13)
        // 1e-8 short of the optimum, within the 1e-6 tolerance: taken, with the rigorous bound −13.
        let near = GLPKSolver.accepting(outcome([2, 0, 1 - 1e-8], [-1, 0, -1]), of: lp)
        #expect(near?.bound == -13 && abs((near?.objective ?? 0) + 13 - 3e-8) < 1e-12)
        // Row r1 (2a + 3b + c ≤ 5) exceeded by 0.1: refused.
        #expect(GLPKSolver.accepting(outcome([2, 0, 1.1], [-1, 0, -1]), of: lp) == nil)
        // Multipliers whose bound is −21: the point is 8 above it, refused.
        #expect(GLPKSolver.accepting(outcome([2, 0, 1], [-2, -1, 0]), of: lp) == nil)
        #expect(GLPKSolver.accepting(outcome([2, 0, 1], nil), of: lp) == nil)
        #expect(GLPKSolver.accepting(outcome([2, 0, .nan], [-1, 0, -1]), of: lp) == nil)
        #expect(GLPKSolver.accepting(outcome(nil, nil, .noSolution), of: lp) == nil)
    }
}
