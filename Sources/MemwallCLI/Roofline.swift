import ArgumentParser
import MemwallAnalysis
import MemwallReport

struct Roofline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the roofline of a hardware as SVG with the workload's ops placed on it.",
        discussion: """
        One roof per engine peak the ops use and one slope per tier bandwidth; each op role (q_proj, attention, ...)
        is a point at its arithmetic intensity and achieved FLOP/s, coloured by its binding bound.

        Example:
          memwall roofline --hardware nvidia-h100-sxm-80gb --workload Workloads/llama-3-8b-prefill.yaml --output roofline.svg
        """)

    @OptionGroup var inputs: AnalysisInputs
    @OptionGroup var engineOptions: EngineOptions

    @Option(name: .long, help: ArgumentHelp("SVG file to write (standard output when omitted).", valueName: "file"))
    var output: String?

    func run() throws {
        let hardware = try inputs.loadHardware()
        let workload = try inputs.loadWorkload()
        let result = try failing { try engineOptions.engine.analyze(workload, on: hardware) }
        try Console.write(RooflinePlot.render(result, hardware: hardware), to: output)
    }
}
