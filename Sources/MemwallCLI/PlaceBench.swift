import ArgumentParser
import Foundation
import MemwallModel
import MemwallPlacement
import MemwallReport

struct PlaceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place-bench",
        abstract: "Measure the placement MIP at scale: tensors, rows, columns, time, gap, gain over greedy.",
        discussion: """
        Instances: the shipped scenarios in Workloads/placement/, seeded random instances of 1,000 tensors on 4 tiers
        (random lifetimes and sizes, see InstanceGenerator), and one of 5,000 tensors. Targets (issue 9, 2 cores):
        the 1,000-tensor 4-tier real workload within 1% of the bound in 10 s, random 1,000-tensor instances within 2%
        in 10 s, 5,000 tensors at least as good as greedy within 60 s. Build with -c release for representative figures.

        Example:
          swift run -c release memwall place-bench
        """)

    @Option(name: .long, help: ArgumentHelp("Seeds of the random 1,000-tensor instances.", valueName: "n"))
    var seeds: [UInt64] = [1, 2, 3]

    @Option(name: .long, help: "Tensors of the random instances.")
    var tensors: Int = 1_000

    @Option(name: .customLong("time-limit"), help: "Time limit for the 1,000-tensor instances, seconds.")
    var timeLimit: Double = 10

    @Option(name: .customLong("large-time-limit"), help: "Time limit for the 5,000-tensor instance, seconds.")
    var largeTimeLimit: Double = 60

    @Option(name: .long, help: "Objective of the random instances: energy (bytes at each tier priced per byte, the additive objective of shared/reference/c-libraries.md's straightforward model), traffic or time.")
    var objective: PlacementObjective = .energy

    @Flag(name: .long, help: "Skip the 5,000-tensor instance.")
    var skipLarge = false

    @Flag(name: .long, help: "Skip the random instances (run only the scenarios).")
    var skipRandom = false

    @Flag(name: .long, help: "Skip the shipped scenarios (run only the random instances).")
    var skipScenarios = false

    @Flag(name: .long, help: "Print GLPK's log of each instance's last solve to stderr.")
    var verbose = false

    @Flag(name: .long, help: "Also print each phase: greedy (and after the local search), rounded relaxation (and after the local search), restricted MIP, the second local search and window search costs, relaxation time and fractional segments.")
    var detail = false

    @Option(name: .long, help: ArgumentHelp("Scenario files to include (default: every file in Workloads/placement/).", valueName: "file"))
    var scenario: [String] = []

    func validate() throws {
        guard timeLimit > 0, timeLimit <= 600, largeTimeLimit > 0, largeTimeLimit <= 600 else {
            throw ValidationError("time limits must be in (0, 600] seconds")
        }
        if skipScenarios && !scenario.isEmpty {
            throw ValidationError("--skip-scenarios and --scenario contradict each other; give one")
        }
        if skipScenarios && skipRandom {
            throw ValidationError("--skip-scenarios with --skip-random leaves nothing to run")
        }
        guard (1...100_000).contains(tensors) else {
            throw ValidationError("--tensors must be in 1...100000 (got \(tensors))")
        }
    }

    func run() throws {
        var instances: [(String, PlacementProblem, Double)] = []
        let files = skipScenarios ? [] : scenario.isEmpty
            ? ((try? FileManager.default.contentsOfDirectory(atPath: "Workloads/placement")) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
                .map { "Workloads/placement/\($0)" }
            : scenario
        for file in files {
            let loaded = try failing { try PlacementScenario(contentsOf: file) }
            let hw = try failing { try HardwareLocator.load(loaded.hardware, clock: nil) }
            let graph = try failing { try WorkloadLoader.load(contentsOf: loaded.workload, overrides: loaded.overrides) }
            switch Result(catching: { () throws(PlacementInputError) in try ProblemBuilder.build(workload: graph, hardware: hw, settings: loaded.settings) }) {
            case let .success(problem): instances.append((loaded.name, problem, timeLimit))
            case let .failure(error): throw CommandFailure.badInput(loaded.located(error).description)
            }
        }
        for seed in seeds where !skipRandom {
            instances.append(("random \(tensors) seed \(seed) (\(objective.rawValue))", InstanceGenerator(tensors: tensors, tiers: 4, seed: seed, objective: objective).make(), timeLimit))
        }
        if !skipLarge && !skipRandom {
            instances.append(("random 5,000 seed 1 (\(objective.rawValue))", InstanceGenerator(tensors: 5_000, tiers: 4, seed: 1, objective: objective).make(), largeTimeLimit))
        }
        #if DEBUG
        let build = "debug (use -c release for representative figures)"
        #else
        let build = "release"
        #endif
        var table = TextTable(header: ["instance", "tensors", "tiers", "rows", "columns", "method", "time", "status", "gap", "gain over greedy"],
                              rightAligned: [1, 2, 3, 4, 6, 8, 9])
        var details: [String] = []
        for (name, problem, limit) in instances {
            Console.progress("placing \(name)")
            let result: PlacementResult
            switch Result(catching: { () throws(SolverError) in try PlacementOptimizer(options: SolveOptions(timeLimit: limit, verbose: verbose)).solve(problem) }) {
            case let .success(value): result = value
            case let .failure(error): throw CommandFailure(message: "error: \(name): \(error)", status: CommandFailure.infeasible)
            }
            func pct(_ v: Double?) -> String { v.map { QuantityFormatter.number($0 * 100, 3) + " %" } ?? "-" }
            table.append([name, "\(problem.tensorCount)", "\(problem.tiers.count)", "\(result.rows)", "\(result.columns)", result.method + (result.windows > 0 ? " + \(result.windows) windows" : "") + (result.finalBranching ? " + mip" : ""),
                          QuantityFormatter.number(result.solveTime, 3) + " s", result.status.rawValue, pct(result.gap), pct(result.gainOverGreedy)])
            if verbose { FileHandle.standardError.write(Data("\(name):\n\(result.solverLog)\n".utf8)) }
            if detail {
                func num(_ v: Double?) -> String { v.map { QuantityFormatter.number($0, 6) } ?? "-" }
                details.append("\(name): greedy \(num(result.greedyValue)), local search \(num(result.polished?.cost.value(of: problem.objective))) at \(num(result.localSearchTime)) s, rounded \(num(result.rounded?.cost.value(of: problem.objective))), "
                    + "rounded after local search \(num(result.polishedRounded?.cost.value(of: problem.objective))), "
                    + "restricted MIP \(num(result.restrictedObjective)), "
                    + "local search from the best so far \(num(result.repolished?.cost.value(of: problem.objective))), windows \(num(result.windowed?.cost.value(of: problem.objective))), "
                    + "answer \(num(result.objectiveValue)), bound \(num(result.bound)); relaxation solved at \(num(result.relaxationTime)) s, "
                    + "\(result.fractionalSegments) fractional and \(result.fixedSegments) fixed of \(problem.segments.joined().count) segments")
            }
        }
        Console.progress(nil)
        Console.output("build: \(build)\n" + table.render() + details.map { "\n" + $0 }.joined())
    }
}
