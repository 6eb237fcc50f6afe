import ArgumentParser
import MemwallAnalysis
import MemwallModel
import MemwallPlanning
import MemwallReport

/// `--tp`, `--pp`, `--ep`: how a model is split over devices.
struct ParallelismOptions: ParsableArguments {
    @Option(name: .long, help: "Tensor parallelism: devices each layer is split over.")
    var tp: Int = 1
    @Option(name: .long, help: "Pipeline parallelism: consecutive stages of layers on different devices.")
    var pp: Int = 1
    @Option(name: .long, help: "Expert parallelism (mixtures of experts): devices of the tensor group the experts are spread over.")
    var ep: Int = 1

    var parallelism: Parallelism { Parallelism(tensor: tp, pipeline: pp, expert: ep) }
}

/// `--price`, or `--purchase` with `--lifetime` and `--electricity`: what the devices cost.
struct PriceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Rent per device per hour, replacing the hardware file's price, e.g. '$2.50/h'.", valueName: "rate"))
    var price: String?
    @Option(name: .long, help: ArgumentHelp("Purchase price per device, e.g. '$30000' (with --lifetime; --electricity is charged at the file's TDP).", valueName: "dollars"))
    var purchase: String?
    @Option(name: .long, help: ArgumentHelp("Write-off period for --purchase, e.g. '4 years'.", valueName: "duration"))
    var lifetime: String?
    @Option(name: .long, help: ArgumentHelp("Electricity rate for --purchase, e.g. '$0.12/kWh'.", valueName: "rate"))
    var electricity: String?

    /// The price these options give, nil when none is given.
    func resolved() throws -> Price? {
        try failing { () throws(SpecError) -> Price? in
            if let price {
                guard purchase == nil else { throw SpecError(file: "--price", message: "--price and --purchase both given; expected one way to pay") }
                let rate = try SpecValue.commandLine(price, option: "--price \(price)").positiveQuantity(DollarsPerHour.self)
                return Price(basis: .hourly(rate), source: "--price \(price)")
            }
            guard let purchase else {
                if lifetime != nil || electricity != nil {
                    throw SpecError(file: "--lifetime", message: "--lifetime and --electricity need --purchase; expected a purchase price")
                }
                return nil
            }
            guard let lifetime else { throw SpecError(file: "--purchase", message: "--purchase needs --lifetime; expected e.g. --lifetime '4 years'") }
            let dollars = try SpecValue.commandLine(purchase, option: "--purchase \(purchase)").positiveQuantity(Dollars.self)
            let years = try SpecValue.commandLine(lifetime, option: "--lifetime \(lifetime)").positiveQuantity(Seconds.self)
            let rate = try electricity.map { text throws(SpecError) in
                try SpecValue.commandLine(text, option: "--electricity \(text)").quantity(DollarsPerKilowattHour.self)
            }
            return Price(basis: .purchase(dollars, lifetime: years, electricity: rate), source: "--purchase \(purchase)")
        }
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serving estimate for a model: KV cache per token, max batch and context, TTFT, TPOT, throughput, energy and $ per million tokens.",
        discussion: """
        The workload is a model workload file or a Hugging Face config.json. Its batch, dtypes and lengths are the
        request; --set, --batch, --prompt-len and --context-len change them. Devices: --tp x --pp, joined by the
        hardware's link with 'role: peer'. Exits 1, after writing the estimate, when it does not fit in memory.

        Examples:
          memwall serve --hardware nvidia-h100-sxm-80gb --workload Workloads/llama-3-70b-decode.yaml --tp 4
          memwall serve --hardware amd-mi300x --workload Workloads/models/mixtral-8x7b.config.json --batch 64 \\
              --context-len 8192 --set kv_dtype=fp8 --purchase '$15000' --lifetime '4 years' --electricity '$0.12/kWh'
        """)

    @OptionGroup var inputs: AnalysisInputs
    @OptionGroup var split: ParallelismOptions
    @Option(name: .long, help: "Sequences decoding together (default: the workload's batch).")
    var batch: Int?
    @Option(name: .customLong("prompt-len"), help: "Tokens per prompt, for the time to first token.")
    var promptLength: Int?
    @Option(name: .customLong("context-len"), help: "Tokens cached per sequence at the decode step.")
    var contextLength: Int?
    @OptionGroup var priceOptions: PriceOptions
    @OptionGroup var engineOptions: EngineOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let hardware = try inputs.loadHardware()
        let model = try inputs.loadModel()
        var request = ServingRequest(model.parameters, parallelism: split.parallelism)
        if let batch { request.batch = batch }
        if let promptLength { request.promptLength = promptLength }
        if let contextLength { request.contextLength = contextLength }
        let serving = ServingModel(config: model.config, modelName: model.name, hardware: CompiledHardware(hardware),
                                   engine: engineOptions.engine, price: try priceOptions.resolved())
        let estimate = try failing { try serving.estimate(request) }
        let text = switch outputOptions.format {
        case .table: ServingReport.table(estimate, model: model.name)
        case .csv: ServingReport.csv([estimate])
        case .json: ServingReport.json(estimate, model: model.name)
        }
        try Console.write(text, to: outputOptions.output)
        guard estimate.fits else {
            func q(_ v: Double) -> String { QuantityFormatter.format(v, .bytes) }
            let budget = serving.deviceBudget(1024)
            let needs = serving.smallestFit(for: request).map { "it needs \($0.devices) devices (\($0.request.parallelism))" }
                ?? "no split of up to \(budget) device\(budget == 1 ? "" : "s") holds it"
            throw CommandFailure.infeasible(
                "does not fit: \(model.name) at \(request.parallelism) needs \(q(estimate.totalBytesPerDevice)) per device in \(estimate.memoryTier) but \(hardware.name) has \(q(estimate.capacityBytesPerDevice)) per device; short by \(q(estimate.totalBytesPerDevice - estimate.capacityBytesPerDevice)); at batch \(request.batch) and context \(request.contextLength) \(needs) (max batch here: \(estimate.maxBatch))")
        }
    }
}

extension AnalysisInputs {
    func loadModel() throws -> WorkloadLoader.ModelDescription {
        try failing {
            let parsed = try overrides.map { text throws(SpecError) in try ParameterOverride(parsing: text) }
            return try WorkloadLoader.loadModel(contentsOf: workload, overrides: parsed)
        }
    }
}
