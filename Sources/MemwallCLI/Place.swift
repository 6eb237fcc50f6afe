import ArgumentParser
import Foundation
import MemwallModel
import MemwallPlacement
import MemwallReport

extension PlacementObjective: ExpressibleByArgument {}

struct Place: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Place every tensor of a workload in a memory tier (and move it between uses) with a MIP solved by GLPK.",
        discussion: """
        Tensors get a tier per lifetime segment; a move between uses costs its bytes on both tiers and on the links
        they are reached through. The MIP (capacity wherever lifetimes overlap, objective per step the max of compute
        and each tier's and link's transfer time, or slow-tier traffic, or energy) starts from a greedy plan, and an
        independent checker re-verifies the answer. Prints the plan, occupancy per tier, answer, greedy, bound, gap.
        A scenario file (Workloads/placement/) gives hardware, workload, tiers, links, pins and forbidden tiers.
        Exits 1 when no placement exists (naming the step and tier that cannot be met) or none was found in time.

        Examples:
          memwall place --scenario Workloads/placement/flexgen-llama-3-8b-decode.yaml
          memwall place --hardware sambanova-sn40l --workload Workloads/mixtral-8x7b-decode.yaml --objective traffic
        """)

    @Option(name: .long, help: ArgumentHelp("Placement scenario file (YAML); the options below override it.", valueName: "file"))
    var scenario: String?

    @Option(name: .long, help: ArgumentHelp("Hardware file or shipped name.", valueName: "file"))
    var hardware: String?

    @Option(name: .long, help: ArgumentHelp("Workload file.", valueName: "file"))
    var workload: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a workload parameter, e.g. --set batch=8.", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .long, help: "What to minimise: time, traffic (bytes at every tier but the fastest) or energy.")
    var objective: PlacementObjective?

    @Option(name: .customLong("time-limit"), help: ArgumentHelp("Solver time limit in seconds (default 10).", valueName: "s"))
    var timeLimit: Double?

    @Option(name: .long, help: ArgumentHelp("Relative gap at which the search stops (default 0.0001).", valueName: "g"))
    var gap: Double?

    @Option(name: .customLong("node-limit"), help: ArgumentHelp("Stop branching after this many subproblems (reproducible, unlike the time limit).", valueName: "n"))
    var nodeLimit: Int?

    @OptionGroup var outputOptions: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Write an SVG of each tier's occupancy over the schedule.", valueName: "plot.svg"))
    var timeline: String?

    @Flag(name: .long, help: "Show GLPK's log (on standard error).")
    var verbose = false

    @Flag(name: .customLong("omit-solve-time"), help: "Leave the solve time out of the result (for reproducible reports).")
    var omitSolveTime = false

    func validate() throws {
        if let timeLimit, !(timeLimit > 0 && timeLimit <= 3600) { throw ValidationError("--time-limit must be in (0, 3600] seconds") }
        if let gap, !(gap >= 0 && gap <= 1) { throw ValidationError("--gap must be in [0, 1]") }
        if let nodeLimit, nodeLimit < 1 { throw ValidationError("--node-limit must be at least 1") }
        if scenario == nil && (hardware == nil || workload == nil) {
            throw ValidationError("give --scenario FILE, or both --hardware and --workload")
        }
    }

    func run() throws {
        let loaded = try failing { try scenario.map { path throws(SpecError) in try PlacementScenario(contentsOf: path) } }
        var settings = loaded?.settings ?? PlacementSettings()
        if let objective { settings.objective = objective }
        let hardwareArgument = hardware ?? loaded!.hardware
        let workloadArgument = workload ?? loaded!.workload
        let hw = try failing { try HardwareLocator.load(hardwareArgument, clock: nil) }
        let graph = try failing {
            var parsed = workload == nil ? loaded?.overrides ?? [] : []
            for text in overrides { parsed.append(try ParameterOverride(parsing: text)) }
            return try WorkloadLoader.load(contentsOf: workloadArgument, overrides: parsed)
        }
        let built = Result { () throws(PlacementInputError) in try ProblemBuilder.build(workload: graph, hardware: hw, settings: settings) }
        let problem: PlacementProblem
        switch built {
        case let .success(value): problem = value
        case let .failure(error): throw CommandFailure.badInput(loaded.map { $0.located(error).description } ?? error.description)
        }
        var options = SolveOptions(timeLimit: timeLimit ?? loaded?.timeLimit ?? PlacementConstants.defaultTimeLimit,
                                   relativeGap: gap ?? loaded?.gap ?? PlacementConstants.defaultRelativeGap)
        options.verbose = verbose
        options.nodeLimit = nodeLimit
        let solved = Result { () throws(SolverError) in try PlacementOptimizer(options: options).solve(problem) }
        let result: PlacementResult
        switch solved {
        case let .success(value): result = value
        case let .failure(.nonFinite(what)): throw CommandFailure.badInput(SolverError.nonFinite(what).description)
        case let .failure(error): throw CommandFailure(message: "error: \(error.description)", status: CommandFailure.infeasible)
        }
        if verbose && !result.solverLog.isEmpty { Console.error(result.solverLog.trimmingCharacters(in: .newlines)) }
        let name = loaded?.name ?? graph.name
        var titled = result
        titled.problem.name = name
        let report = PlacementReport(result: titled, hardwareName: hw.name, includeSolveTime: !omitSolveTime)
        try Console.write(try report.render(outputOptions.format), to: outputOptions.output)
        if let timeline, result.plan != nil {
            try Console.write(PlacementTimeline.render(titled, title: "\(name): tier occupancy (\(settings.objective.rawValue) objective, \(result.status.rawValue))"),
                              to: timeline, option: "--timeline")
        }
        switch result.status {
        case .optimal, .feasibleWithGap:
            return
        case .infeasible:
            throw CommandFailure.infeasible(result.infeasibility?.description ?? "infeasible: no placement satisfies the capacities")
        case .noSolution:
            throw CommandFailure.infeasible("no placement found within the time limit of \(QuantityFormatter.number(options.timeLimit, 4)) s and the greedy baseline found none; expected more time (--time-limit)")
        }
    }
}
