import ArgumentParser
import MemwallAnalysis
import MemwallModel
import MemwallReport

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Roofline analysis of a workload on a hardware: time, bound, bytes per tier, energy, cost, footprint.",
        discussion: """
        Per op: FLOPs, bytes across every memory tier, time per bound (compute, each tier, latency), the binding
        bound and the arithmetic intensity; then totals and the memory footprint against the main tier's capacity.
        Exits 1, after writing the result, when the workload does not fit in memory.

        Examples:
          memwall analyze --hardware nvidia-h100-sxm-80gb --workload Workloads/llama-3-8b-decode.yaml
          memwall analyze --hardware HardwareSpecs/nvidia-a100-sxm4-80gb.yaml \\
              --workload Workloads/models/llama-3-70b.config.json --set phase=decode --set batch=16 --format json
        """)

    @OptionGroup var inputs: AnalysisInputs
    @OptionGroup var engineOptions: EngineOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let hardware = try inputs.loadHardware()
        let workload = try inputs.loadWorkload()
        let result = try failing { try engineOptions.engine.analyze(workload, on: hardware) }
        let text: String
        switch outputOptions.format {
        case .table: text = AnalysisTable.render(result)
        case .csv: text = AnalysisCSV.render(result)
        case .json: text = try AnalysisJSON.render(result)
        }
        try Console.write(text, to: outputOptions.output)
        try requireFit(result)
    }
}

/// Fails with exit status 1 when the footprint exceeds the main tier, saying by how much.
func requireFit(_ result: AnalysisResult) throws {
    let f = result.footprint
    guard !f.fits else { return }
    func q(_ v: Double) -> String { QuantityFormatter.format(v, .bytes) }
    throw CommandFailure.infeasible(
        "does not fit: \(result.workloadName) needs \(q(f.totalBytes)) in \(f.tierName) (weights \(q(f.weightBytes)), KV cache \(q(f.kvCacheBytes)), activations \(q(f.activationBytes))) but \(result.hardwareName) has \(q(f.capacityBytes)); short by \(q(f.shortfallBytes)), \(f.devicesNeeded < 1_000_000 ? "about \(f.devicesNeeded) devices' worth" : "more than a million devices' worth")")
}
