import ArgumentParser
import Foundation
import MemwallAnalysis
import MemwallModel
import MemwallPlanning
import MemwallReport

extension SweepOutput.Format: ExpressibleByArgument {}

extension HardwareLocator {
    /// Loads a sweep file, resolving hardware names that are not paths next to it as `--hardware` does.
    static func loadSweep(_ path: String) throws -> SweepSpec {
        try failing { try SweepSpec.load(contentsOf: path) { name throws(SpecError) in try load(name, clock: nil) } }
    }
}

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a sweep file: serving estimates over hardware and parameter ranges, in parallel, to CSV or JSON.",
        discussion: """
        A sweep file names a model workload, hardware, and axes (cartesian and zipped; see README). Every point is
        a serving estimate (the columns of memwall serve). Points run on all cores; output streams in point order,
        so it is byte-identical for any --threads and shard split. A progress bar shows on a terminal.

        Batch clusters: --shard i/n evaluates the i-th of n contiguous slices (from 0); inside a Slurm job array it
        is read from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT. memwall merge joins the shard files into
        exactly the unsharded output.

        Examples:
          memwall sweep Workloads/sweeps/llama-3-70b-serving.yaml --output serving.csv --plot tpot.svg
          memwall sweep Workloads/sweeps/kv-cache-wall.yaml --shard 3/16 --format json --output shard-3.json
        """)

    @Argument(help: ArgumentHelp("Sweep file (YAML).", valueName: "file"))
    var file: String

    @Option(name: .long, help: "Output format: csv or json.")
    var format: SweepOutput.Format = .csv

    @Option(name: .long, help: ArgumentHelp("Write the points to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Draw the sweep file's plot (x, y, series) to this SVG file.", valueName: "file"))
    var plot: String?

    @Option(name: .long, help: ArgumentHelp("Evaluate only shard i of n (0-based), e.g. 0/8.", valueName: "i/n"))
    var shard: String?

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var engineOptions: EngineOptions

    func validate() throws {
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be in 1...1024") }
    }

    func run() throws {
        let spec = try HardwareLocator.loadSweep(file)
        let slice = try failing { () throws(PlanningError) -> Shard in
            if let shard { return try Shard(parsing: shard) }
            guard let fromSlurm = try Shard.fromSlurm(ProcessInfo.processInfo.environment) else { return .whole }
            Console.error("memwall: shard \(fromSlurm) of \(file), from the Slurm job array (SLURM_ARRAY_TASK_ID)")
            return fromSlurm
        }
        var sweepPlot: SweepPlot?
        if let plot {
            guard let plotSpec = spec.plot else {
                throw CommandFailure.badInput("--plot \(plot): \(file) has no 'plot' key; expected plot: {x: ..., y: ..., series: ...}")
            }
            guard slice == .whole else {
                throw CommandFailure.badInput("--plot draws the whole sweep; expected no --shard (or Slurm array) with --plot")
            }
            guard spec.pointCount <= SweepPlot.maximumPoints else {
                throw CommandFailure.badInput("--plot: the sweep has \(spec.pointCount) points; expected at most \(SweepPlot.maximumPoints) for a plot")
            }
            sweepPlot = SweepPlot(plotSpec, title: spec.name)
        }

        let runner = SweepRunner(spec: spec, engine: engineOptions.engine)
        let writer = SweepOutput(format: format, columnKeys: spec.columns, name: spec.name, pointCount: spec.pointCount)
        let range = slice.range(of: spec.pointCount)
        let stream = try Console.Stream(path: output)
        let progress = ProgressBar(label: "sweep", total: range.count, enabled: Console.stderrIsTerminal)
        let first = range.lowerBound
        do {
            stream.write(writer.header(shard: slice.index, of: slice.count))
            if let plotter = sweepPlot {
                try runner.run(range, threads: threads, render: { point, estimate in
                    (writer.row(point, estimate, first: point == first), plotter.sample(estimate))
                }, write: { rows in
                    for (text, sample) in rows {
                        stream.write(text)
                        sweepPlot?.add(sample)
                    }
                }, progress: progress.update)
            } else {
                try runner.run(range, threads: threads, render: { point, estimate in
                    writer.row(point, estimate, first: point == first)
                }, write: { rows in stream.write(rows.joined()) }, progress: progress.update)
            }
            stream.write(writer.footer(shard: slice.index, of: slice.count))
            progress.finish()
            try stream.finish()
        } catch {
            progress.finish()
            stream.abandon()
            if let error = error as? PlanningError { throw CommandFailure.badInput(error.description) }
            throw error
        }
        if let plot, let sweepPlot {
            try Console.write(sweepPlot.render(), to: plot, option: "--plot")
        }
    }
}

/// A one-line progress bar on stderr (terminals only): done/total, elapsed, estimated time left.
final class ProgressBar {
    let label: String
    let total: Int
    let enabled: Bool
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    static let width = 30

    init(label: String, total: Int, enabled: Bool) {
        self.label = label
        self.total = total
        self.enabled = enabled
        start = clock.now
    }

    func update(_ done: Int) {
        guard enabled, total > 0 else { return }
        let elapsed = (clock.now - start) / .seconds(1)
        let fraction = Double(done) / Double(total)
        let filled = Int(fraction * Double(Self.width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: Self.width - filled)
        let left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        Console.progress("\(label) [\(bar)] \(Int(fraction * 100))% \(done)/\(total) points, \(QuantityFormatter.number(elapsed, 3)) s, \(QuantityFormatter.number(left, 3)) s left")
    }

    func finish() { if enabled { Console.progress(nil) } }
}
