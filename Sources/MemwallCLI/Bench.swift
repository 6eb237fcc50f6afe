import ArgumentParser
import Foundation
import MemwallAnalysis
import MemwallPlanning
import MemwallModel
import MemwallReport

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure analysis speed: op evaluations per second on one core.",
        discussion: """
        Analyses the workload repeatedly on one thread for at least --seconds and reports graphs and op evaluations
        per second (target: at least 1,000,000 op evaluations per second per core on the Llama-3-70B graph).
        Build with -c release for representative figures.

        With --sweep FILE it instead runs that sweep on --threads threads, rendering every CSV row and discarding it,
        and reports points per second and the peak resident memory after 10%, 50% and 100% of the points (flat
        memory: the three agree). Target: Workloads/sweeps/bench-1m.yaml (1,000,000 points) in under 10 s on 2 cores.

        Examples:
          swift run -c release memwall bench
          swift run -c release memwall bench --sweep Workloads/sweeps/bench-1m.yaml
        """)

    @Option(name: .long, help: ArgumentHelp("Hardware file or shipped name.", valueName: "file"))
    var hardware = "nvidia-h100-sxm-80gb"

    @Option(name: .long, help: ArgumentHelp("Workload file.", valueName: "file"))
    var workload = "Workloads/llama-3-70b-decode.yaml"

    @Option(name: .long, help: "Minimum measuring time in seconds.")
    var seconds: Double = 2

    @Option(name: .long, help: ArgumentHelp("Benchmark a sweep file instead of one graph.", valueName: "file"))
    var sweep: String?

    @Option(name: .long, help: "Worker threads for --sweep (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be in (0, 600]") }
    }

    func run() throws {
        if let sweep { return try runSweep(sweep) }
        let hw = try failing { try Hardware.load(contentsOf: HardwareLocator.resolve(hardware)) }
        let graph = try failing { try WorkloadLoader.load(contentsOf: workload) }
        let compiled = CompiledHardware(hw)
        let engine = RooflineEngine()
        let clock = ContinuousClock()
        var graphs = 0
        var checksum = 0.0
        let start = clock.now
        let limit = Duration.milliseconds(Int64(seconds * 1000))
        while clock.now - start < limit {
            let result = try failing { try engine.analyze(graph, on: compiled) }
            checksum += result.totals.time
            graphs += 1
        }
        let elapsed = clock.now - start
        let secondsElapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let opsPerSecond = Double(graphs * graph.ops.count) / secondsElapsed
        #if DEBUG
        let build = "debug (use -c release for representative figures)"
        #else
        let build = "release"
        #endif
        Console.output("""
        workload          \(graph.name) (\(graph.ops.count) ops)
        hardware          \(hw.name)
        build             \(build)
        graphs analysed   \(graphs) in \(QuantityFormatter.number(secondsElapsed, 4)) s on 1 thread
        per graph         \(QuantityFormatter.format(secondsElapsed / Double(graphs), .seconds))
        op evaluations/s  \(QuantityFormatter.number(opsPerSecond, 4))
        check             \(QuantityFormatter.format(checksum / Double(graphs), .seconds)) per graph

        """)
    }

    #if DEBUG
    static let build = "debug (use -c release for representative figures)"
    #else
    static let build = "release"
    #endif

    func runSweep(_ path: String) throws {
        let spec = try HardwareLocator.loadSweep(path)
        let runner = SweepRunner(spec: spec)
        let writer = SweepOutput(format: .csv, columnKeys: spec.columns, name: spec.name, pointCount: spec.pointCount)
        let total = spec.pointCount
        var marks: [(Int, Double)] = []
        var nextMark = 0
        let fractions = [0.1, 0.5, 1.0]
        var bytes = 0
        let clock = ContinuousClock()
        let start = clock.now
        do {
                try runner.run(0..<total, threads: max(1, threads), render: { point, estimate in
                    writer.row(point, estimate, first: point == 0).utf8.count
                }, write: { rows in bytes += rows.reduce(0, +) }, progress: { done in
                    while nextMark < fractions.count, Double(done) >= fractions[nextMark] * Double(total) {
                        marks.append((done, Self.peakResidentBytes()))
                        nextMark += 1
                    }
                })
        } catch let error as PlanningError {
            throw CommandFailure.badInput(error.description)
        }
        let elapsed = (clock.now - start) / .seconds(1)
        var lines = [
            "sweep             \(spec.name) (\(total) points)",
            "build             \(Self.build)",
            "threads           \(max(1, threads))",
            "time              \(QuantityFormatter.number(elapsed, 4)) s",
            "points/s          \(QuantityFormatter.number(Double(total) / elapsed, 4))",
            "CSV rendered      \(QuantityFormatter.format(Double(bytes), .bytes)) (discarded)",
        ]
        for (done, rss) in marks {
            lines.append("peak memory       \(QuantityFormatter.format(rss, .bytes)) after \(done) points")
        }
        Console.output(lines.joined(separator: "\n") + "\n")
    }

    /// Peak resident set of this process so far (getrusage: kilobytes on Linux).
    static func peakResidentBytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) * 1024
    }
}
