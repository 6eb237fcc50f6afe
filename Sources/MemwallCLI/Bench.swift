import ArgumentParser
import MemwallAnalysis
import MemwallModel
import MemwallReport

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure analysis speed: op evaluations per second on one core.",
        discussion: """
        Analyses the workload repeatedly on one thread for at least --seconds and reports graphs and op evaluations
        per second (target: at least 1,000,000 op evaluations per second per core on the Llama-3-70B graph).
        Build with -c release for representative figures.

        Example:
          swift run -c release memwall bench
        """)

    @Option(name: .long, help: ArgumentHelp("Hardware file or shipped name.", valueName: "file"))
    var hardware = "nvidia-h100-sxm-80gb"

    @Option(name: .long, help: ArgumentHelp("Workload file.", valueName: "file"))
    var workload = "Workloads/llama-3-70b-decode.yaml"

    @Option(name: .long, help: "Minimum measuring time in seconds.")
    var seconds: Double = 2

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be in (0, 600]") }
    }

    func run() throws {
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
}
