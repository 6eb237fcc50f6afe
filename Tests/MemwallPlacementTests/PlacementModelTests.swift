import Foundation
import Testing
import _TestSupport
@testable import MemwallPlacement

/// The program against the checker: any plan, written as columns, satisfies every row, and the
/// program's objective there equals the checker's cost of the plan (the two are written apart).
@Suite struct PlacementModelTests {
    static func rowsHold(_ program: LinearProgram, _ values: [Double]) -> [String] {
        var activity = [Double](repeating: 0, count: program.rows.count)
        for entry in program.entries { activity[entry.row] += entry.value * values[entry.column] }
        var broken: [String] = []
        let tolerance = 1e-7
        for (row, bounds) in program.rows.enumerated() {
            let a = activity[row]
            let ok: Bool = switch bounds {
            case .free: true
            case let .atLeast(lower): a >= lower - tolerance * max(1, abs(lower))
            case let .atMost(upper): a <= upper + tolerance * max(1, abs(upper))
            case let .between(lower, upper): a >= lower - tolerance && a <= upper + tolerance
            case let .fixed(value): abs(a - value) <= tolerance * max(1, abs(value))
            }
            if !ok { broken.append("\(program.rowNames[row]): \(a) vs \(bounds)") }
        }
        for (index, column) in program.columns.enumerated() {
            if values[index] < column.lower - 1e-9 || (column.upper.map { values[index] > $0 + 1e-7 * max(1, $0) } ?? false) {
                broken.append("column \(column.name) = \(values[index])")
            }
        }
        return broken
    }

    @Test(arguments: PlacementObjective.allCases)
    func greedyPlansAreFeasibleColumnsAndTheObjectivesAgree(_ objective: PlacementObjective) throws {
        for seed in UInt64(1)...4 {
            var problem = InstanceGenerator(tensors: 60, tiers: 3, steps: 30, seed: seed, objective: objective, maxLifetime: 12).make()
            // Some tensors start in the slowest tier and pay their way in.
            for t in problem.tensors.indices where t % 3 == 0 { problem.tensors[t].homeTier = 2 }
            let (plan, cost) = try #require(GreedyPlacer.place(problem))
            let model = PlacementModel(problem)
            let values = model.columnValues(for: plan)
            let broken = Self.rowsHold(model.program, values)
            #expect(broken.isEmpty, "seed \(seed): \(broken.prefix(3))")
            let programValue = model.program.objective(at: values) * model.objectiveScale + model.objectiveOffset
            let checked = cost.value(of: objective)
            #expect(abs(programValue - checked) <= 1e-9 * max(1, checked), "seed \(seed): program \(programValue), checker \(checked)")
            #expect(model.plan(from: values) == plan)
        }
    }

    @Test func bothCapacityEncodingsGiveTheEnumeratedOptimum() throws {
        // One row per maximal overlap set, or the occupancy chain: the same optimum as enumeration.
        for seed in UInt64(21)...24 {
            let problem = PlacementOptimizerTests.tiny(seed: seed, objective: .energy, tiers: 2)
            let best = try #require(PlacementOptimizerTests.bruteForce(problem))
            for limit in [0, 1_000] {
                let model = PlacementModel(problem, cliqueRowsPerSegment: limit)
                #expect(model.usesCliqueRows == (limit > 0))
                let outcome = try GLPKSolver().solve(model.program, options: SolveOptions(timeLimit: 10, relativeGap: 0))
                let plan = model.plan(from: try #require(outcome.values))
                let cost = try PlacementChecker.check(plan, for: problem).value(of: .energy)
                #expect(abs(cost - best) <= 1e-9 * best, "seed \(seed), limit \(limit): \(cost) vs \(best)")
            }
        }
    }

    @Test func tiersThatHoldEverythingGetNoCapacityRows() {
        let problem = PlacementProblem(name: "roomy", tiers: Fixtures.twoTiers(fastCapacity: 1e9), steps: Fixtures.steps([1, 1]),
                                       tensors: [Fixtures.tensor("a", bytes: 10, birth: 0, death: 1, reads: [0, 1])])
        let names = PlacementModel(problem).program.rowNames
        #expect(!names.contains { $0.hasPrefix("capacity") || $0.hasPrefix("occupancy") })
    }

    @Test(arguments: PlacementObjective.allCases)
    func everyColumnHasAFiniteBox(_ objective: PlacementObjective) {
        // The Lagrangian bound of an interior point needs it: a column open above would make it −∞.
        for encoding in [0, 1_000] {
            var problem = InstanceGenerator(tensors: 80, tiers: 3, steps: 30, seed: 3, objective: objective, maxLifetime: 12).make()
            for t in problem.tensors.indices where t % 4 == 0 { problem.tensors[t].homeTier = 2 }
            let program = PlacementModel(problem, cliqueRowsPerSegment: encoding).program
            let open = program.columns.filter { !($0.upper?.isFinite ?? false) || !$0.lower.isFinite }.map(\.name)
            #expect(open.isEmpty, "encoding \(encoding): \(open.prefix(3))")
        }
    }

    @Test func theStepTimeBoundsHoldForEveryPlan() throws {
        // T[k]'s upper bound claims to be at least step k's time in every plan, so it cuts no
        // optimum: checked against the checker's step times of every feasible plan, enumerated.
        for seed in UInt64(1)...6 {
            var problem = PlacementOptimizerTests.tiny(seed: seed, objective: .time, tiers: 3)
            problem.tensors[0].homeTier = 2
            let model = PlacementModel(problem)
            let uppers = model.stepTime.map { model.program.columns[$0].upper }
            var checked = 0
            for plan in Fixtures.allPlans(problem) {
                guard let cost = try? PlacementChecker.check(plan, for: problem) else { continue }
                checked += 1
                for (step, time) in cost.stepTimes.enumerated() {
                    let upper = try #require(uppers[step]) * model.objectiveScale
                    #expect(time <= upper * (1 + 1e-12), "seed \(seed), step \(step): \(time) s above \(upper) s")
                }
            }
            #expect(checked > 1)
        }
    }

    @Test func theAccessRowsCutNoPlan() throws {
        // T[k] is set to the largest right-hand side of its rows, access rows included, so the
        // program's time equals the checker's at every plan only if no access row claims more than
        // the step really takes: checked at every feasible plan, enumerated, with a link in the way.
        for seed in UInt64(1)...6 {
            var problem = PlacementOptimizerTests.tiny(seed: seed, objective: .time, tiers: 3)
            problem.links = [PlacementLink(name: "bus", bandwidth: 0.5)]
            problem.tiers[2].links = [0]
            let model = PlacementModel(problem)
            #expect(model.program.rowNames.contains { $0.hasPrefix("access[") }, "seed \(seed)")
            var checked = 0
            for plan in Fixtures.allPlans(problem) {
                guard let cost = try? PlacementChecker.check(plan, for: problem) else { continue }
                checked += 1
                let time = model.program.objective(at: model.columnValues(for: plan)) * model.objectiveScale
                #expect(abs(time - cost.time) <= 1e-9 * max(cost.time, 1e-12), "seed \(seed): program \(time) s, checker \(cost.time) s")
            }
            #expect(checked > 1)
        }
    }

    @Test(arguments: [1, 2])
    func aTensorSplitOverTwoEqualTiersIsPricedWhole(copies: Int) throws {
        // One tensor (or two merged copies), read once from either of two tiers of equal speed.
        // Whole copies take 1e6 B / 1e9 B/s = 1 ms however they are placed; the tier rows alone
        // would let the relaxation read half of one copy from each tier in 0.5 ms. With the access
        // rows the relaxation is the integral optimum; were the per-copy average left out, two
        // copies would be priced at 2 ms, above it.
        let tiers = ["a", "b"].map { PlacementTier(name: $0, capacity: 1e12, bandwidth: 1e9) }
        let problem = PlacementProblem(name: "split", tiers: tiers, steps: Fixtures.steps([0]),
                                       tensors: [Fixtures.tensor("w", bytes: 1e6, birth: 0, death: 0, reads: [0], count: copies)])
        let model = PlacementModel(problem)
        let outcome = try GLPKSolver().solve(model.program, options: SolveOptions(timeLimit: 10, relaxationOnly: true))
        let relaxation = try #require(outcome.objective) * model.objectiveScale
        #expect(abs(relaxation - 1e-3) <= 1e-12, "relaxation \(relaxation) s")
    }

    @Test func fixingSegmentsAtAPlanLeavesTheRestToTheSolver() throws {
        // Fix every segment but those of one tensor where the enumerated optimum has them: the
        // smaller program's optimum, written back over the model's columns, is that optimum again.
        // Fix none: the smaller program is the whole one.
        for seed in UInt64(31)...34 {
            let problem = PlacementOptimizerTests.tiny(seed: seed, objective: .energy, tiers: 3)
            let plans = Fixtures.allPlans(problem).compactMap { plan in (try? PlacementChecker.check(plan, for: problem)).map { (plan, $0.energy) } }
            let (bestPlan, best) = try #require(plans.min { $0.1 < $1.1 })
            let model = PlacementModel(problem)
            let greedy = try #require(GreedyPlacer.place(problem)).plan
            for freeTensor in [0, -1] {
                var fixed: [(tensor: Int, segment: Int)] = []
                for (t, list) in model.segments.enumerated() where t != freeTensor && freeTensor >= 0 { for s in list.indices { fixed.append((t, s)) } }
                let (program, kept) = model.fixing(fixed, at: bestPlan)
                #expect(program.columns.count < model.program.columns.count || fixed.isEmpty)
                let outcome = try GLPKSolver().solve(program, options: SolveOptions(timeLimit: 10, relativeGap: 0))
                let found = try #require(outcome.values)
                // The base plan only supplies the fixed columns; greedy's free columns are overwritten.
                let base = fixed.isEmpty ? greedy : bestPlan
                let plan = model.plan(from: LinearProgram.expanding(found, at: kept, into: model.columnValues(for: base)))
                let cost = try PlacementChecker.check(plan, for: problem).energy
                #expect(abs(cost - best) <= 1e-9 * best, "seed \(seed), free tensor \(freeTensor): \(cost) vs \(best)")
            }
        }
    }
}
