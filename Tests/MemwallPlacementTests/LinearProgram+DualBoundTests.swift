import Foundation
import Testing
import MemwallNumerics
@testable import MemwallPlacement

/// The Lagrangian bound of row multipliers against hand-derived values and against feasible points.
@Suite struct LinearProgramDualBoundTests {
    /// Chvátal's example (Linear Programming, 1983, ch. 2) as a minimisation: its LP optimum is
    /// −13 at (2, 0, 1), and its dual optimum y = (1, 0, 1) on the ≤ rows, signed −1, 0, −1 here.
    @Test func theOptimalMultipliersGiveTheOptimumAndOthersLess() throws {
        let lp = GLPKSolverTests.knapsack()
        #expect(lp.dualBound(rowDuals: [-1, 0, -1]) == -13)
        // y = (−2, −1, 0): constant −2·5 − 1·11 = −21; reduced costs 3, 3, 1 are positive, so each
        // column sits at its lower bound 0, and the bound is −21.
        #expect(lp.dualBound(rowDuals: [-2, -1, 0]) == -21)
        // Multipliers of the wrong sign count as 0: every column at the end of its box that
        // lowers the cost, −(5 + 4 + 3)·5.
        #expect(lp.dualBound(rowDuals: [1, 0, 2]) == -60)
        #expect(lp.dualBound(rowDuals: [-1, 0]) == nil)
        #expect(lp.dualBound(rowDuals: [-1, .nan, -1]) == nil)
    }

    @Test func aColumnWithNoUpperBoundGivesABoundOnlyWhenItsReducedCostIsNotNegative() {
        // min −x s.t. x ≤ 4, x unbounded above as a column: y = −1 gives d = 0 and the bound −4;
        // y = −0.5 leaves d = −0.5 on a column that can grow without end.
        var lp = LinearProgram()
        let x = lp.addColumn(.init(name: "x", cost: -1))
        lp.addRow("cap", .atMost(4), [(x, 1)])
        #expect(lp.dualBound(rowDuals: [-1]) == -4)
        #expect(lp.dualBound(rowDuals: [-0.5]) == nil)
    }

    @Test func everyBoundIsBelowEveryFeasiblePoint() {
        // Random programs built around a known feasible point x0, with rows of every kind, and random
        // multipliers of either sign: weak duality says the bound never exceeds c·x0.
        var random = SplitMix64(seed: 42)
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        for trial in 0..<200 {
            var lp = LinearProgram()
            let n = 2 + trial % 6, m = 1 + trial % 5
            var point: [Double] = []
            for j in 0..<n {
                let lower = uniform() < 0.5 ? 0 : -uniform() * 3, upper = lower + uniform() * 5
                lp.addColumn(.init(name: "c\(j)", lower: lower, upper: upper, cost: uniform() * 4 - 2))
                point.append(lower + uniform() * (upper - lower))
            }
            for i in 0..<m {
                let terms = (0..<n).map { (column: $0, value: uniform() * 4 - 2) }
                let activity = terms.reduce(0.0) { $0 + $1.value * point[$1.column] }
                let slack = uniform()
                let bounds: LinearProgram.Bounds = switch i % 5 {
                case 0: .atLeast(activity - slack)
                case 1: .atMost(activity + slack)
                case 2: .between(activity - slack, activity + slack)
                case 3: .fixed(activity)
                default: .free
                }
                lp.addRow("r\(i)", bounds, terms)
            }
            let value = lp.objective(at: point)
            for _ in 0..<20 {
                let duals = (0..<m).map { _ in uniform() * 6 - 3 }
                let bound = lp.dualBound(rowDuals: duals)
                #expect(bound != nil)
                #expect(bound! <= value + 1e-9 * max(1, abs(value)), "trial \(trial): bound \(bound!) above \(value)")
            }
        }
    }

    @Test func theSimplexMultipliersOfAPlacementRelaxationGiveItsOptimum() throws {
        // At an optimal basis strong duality holds, so GLPK's own multipliers reproduce the LP value:
        // the sign convention here is GLPK's.
        let problem = InstanceGenerator(tensors: 120, tiers: 3, seed: 5, objective: .energy).make()
        let model = PlacementModel(problem)
        let outcome = try GLPKSolver().solve(model.program, options: SolveOptions(timeLimit: 20, relaxationOnly: true))
        #expect(outcome.status == .optimal)
        let objective = try #require(outcome.objective)
        let duals = try #require(outcome.rowDuals)
        let bound = try #require(model.program.dualBound(rowDuals: duals))
        #expect(abs(bound - objective) <= 1e-7 * max(1, abs(objective)), "bound \(bound), LP \(objective)")
    }
}
