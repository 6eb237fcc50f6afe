import ArgumentParser
import MemwallAnalysis
import MemwallModel
import MemwallPlanning
import MemwallReport

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the cheapest hardware, device count, parallelism and batch that meet latency and throughput targets.",
        discussion: """
        Tries every hardware given (default: every shipped device file with a price), every power-of-two tensor,
        pipeline and expert split within --max-devices, the largest batch that fits and meets the TPOT target, and
        as many replicas as the throughput target needs. Prints the cheapest by dollars per hour, what binds it,
        and the alternatives. Exits 1 when nothing meets the targets, naming the closest miss.

        Examples:
          memwall plan --workload Workloads/llama-3-70b-decode.yaml --slo ttft=1s,tpot=50ms,throughput=5000
          memwall plan --workload Workloads/models/mixtral-8x7b.config.json --slo tpot=30ms \\
              --hardware nvidia-h100-sxm-80gb amd-mi300x --max-devices 16 --format csv
        """)

    @Option(name: .long, help: ArgumentHelp("Model workload file or Hugging Face config.json.", valueName: "file"))
    var workload: String

    @Option(name: .long, help: ArgumentHelp("Targets: ttft=<time>, tpot=<time>, throughput=<tokens/s>, comma-separated.", valueName: "targets"))
    var slo: String

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Hardware files or shipped names to consider.", valueName: "file"))
    var hardware: [String] = []

    @Option(name: .customLong("max-devices"), help: "Most devices the deployment may use, over all replicas.")
    var maxDevices: Int = 8

    @Option(name: .customLong("prompt-len"), help: "Tokens per prompt (default: the workload's).")
    var promptLength: Int?

    @Option(name: .customLong("context-len"), help: "Tokens cached per sequence at the decode step (default: the workload's).")
    var contextLength: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a workload parameter (e.g. kv_dtype=fp8).", valueName: "key=value"))
    var overrides: [String] = []

    @OptionGroup var priceOptions: PriceOptions
    @OptionGroup var engineOptions: EngineOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard (1...65_536).contains(maxDevices) else { throw ValidationError("--max-devices must be in 1...65536") }
    }

    func run() throws {
        let targets = try failing { try ServiceLevel(parsing: slo) }
        let model = try failing {
            let parsed = try overrides.map { text throws(SpecError) in try ParameterOverride(parsing: text) }
            return try WorkloadLoader.loadModel(contentsOf: workload, overrides: parsed)
        }
        let names = hardware.isEmpty ? HardwareLocator.files(in: HardwareLocator.shippedDirectory).filter { !$0.contains("/systems/") } : hardware
        let devices = try failing { () throws(SpecError) -> [Hardware] in
            try names.map { name throws(SpecError) in try HardwareLocator.load(name, clock: nil) }
        }
        let defaults = ServingRequest(model.parameters)
        let planner = Planner(model: model, hardware: devices, engine: engineOptions.engine, price: try priceOptions.resolved(),
                              maxDevices: maxDevices, promptLength: promptLength ?? defaults.promptLength,
                              contextLength: contextLength ?? defaults.contextLength)
        let result = try failing { try planner.plan(targets) }
        let text = switch outputOptions.format {
        case .table: PlanReport.table(result, targets: targets, model: model.name)
        case .csv: PlanReport.csv(result)
        case .json: PlanReport.json(result, targets: targets, model: model.name)
        }
        try Console.write(text, to: outputOptions.output)
        guard !result.feasible.isEmpty else {
            guard let closest = result.closest else {
                let needs = devices.compactMap { device -> String? in
                    let serving = ServingModel(config: model.config, modelName: model.name, hardware: CompiledHardware(device))
                    return serving.smallestFit(for: planner.request(batch: 1, Parallelism())).map { "\($0.devices) x \(device.id) (\($0.request.parallelism))" }
                }
                throw CommandFailure.infeasible("no configuration fits \(model.name) within \(maxDevices) device\(maxDevices == 1 ? "" : "s") of \(devices.map(\.id).joined(separator: ", "))"
                    + (needs.isEmpty ? "; expected a narrower weight_dtype" : "; at batch 1 it needs \(needs.joined(separator: " or ")); expected a larger --max-devices"))
            }
            throw CommandFailure.infeasible(
                "no configuration meets \(targets) within \(maxDevices) device\(maxDevices == 1 ? "" : "s"); closest: \(PlanReport.describe(closest)) misses by \(QuantityFormatter.number((closest.shortfall - 1) * 100, 3))%: \(closest.binding)")
        }
    }
}
