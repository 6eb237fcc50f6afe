import ArgumentParser
import MemwallAnalysis
import MemwallModel
import MemwallReport

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One workload on several hardware descriptions: time, bound, tokens/s, energy and $ per million tokens.",
        discussion: """
        Examples:
          memwall compare --workload Workloads/llama-3-8b-decode.yaml --hardware nvidia-h100-sxm-80gb nvidia-a100-sxm4-80gb
          memwall compare --workload Workloads/llama-3-8b-decode.yaml --hardware nvidia-h100-sxm-80gb amd-mi300x \\
              --set batch=32 --format csv --plot compare.svg
        """)

    @Option(name: .long, help: ArgumentHelp("Workload file (graph, model workload or config.json).", valueName: "file"))
    var workload: String

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Hardware files or shipped names.", valueName: "file"))
    var hardware: [String]

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a workload parameter, e.g. --set batch=8.", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .long, help: ArgumentHelp("Clock for derived (FPGA) peaks, applied to the hardware that has them.", valueName: "frequency"))
    var clock: String?

    @OptionGroup var engineOptions: EngineOptions
    @OptionGroup var outputOptions: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Write an SVG bar chart here.", valueName: "file"))
    var plot: String?

    func validate() throws {
        guard !hardware.isEmpty else { throw ValidationError("--hardware needs at least one file or name") }
    }

    func run() throws {
        let parsed = try failing { try overrides.map { text throws(SpecError) in try ParameterOverride(parsing: text) } }
        let graph = try failing { try WorkloadLoader.load(contentsOf: workload, overrides: parsed) }
        var rows: [ComparisonReport.Row] = []
        for name in hardware {
            var hw = try failing { try Hardware.load(contentsOf: HardwareLocator.resolve(name)) }
            if let clock, hw.compute.contains(where: { $0.derivedClock != nil }) {
                hw = try failing { try HardwareLocator.load(name, clock: clock) }
            }
            let result = try failing { try engineOptions.engine.analyze(graph, on: hw) }
            rows.append(ComparisonReport.Row(hardware: hw.id, hardwareName: hw.name, result: result))
        }
        let report = ComparisonReport(workload: graph.name, rows: rows)
        let text: String
        switch outputOptions.format {
        case .table: text = report.table()
        case .csv: text = report.csv()
        case .json: text = try report.json()
        }
        try Console.write(text, to: outputOptions.output)
        if let plot { try Console.write(report.barChart(), to: plot, option: "--plot") }
    }
}
