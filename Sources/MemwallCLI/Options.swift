import ArgumentParser
import Foundation
import MemwallAnalysis
import MemwallModel
import MemwallReport

extension ReportFormat: ExpressibleByArgument {}

/// `--hardware` and `--workload` with `--set` overrides: the inputs of an analysis.
struct AnalysisInputs: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Hardware file (YAML/JSON), or the name of a file in HardwareSpecs/ (e.g. nvidia-h100-sxm-80gb).",
        valueName: "file"))
    var hardware: String

    @Option(name: .long, help: ArgumentHelp(
        "Workload: a graph file, a model workload file, or a Hugging Face config.json.", valueName: "file"))
    var workload: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a workload parameter, e.g. --set batch=8 --set context_len=32768. Model workloads take phase, batch, seq_len, context_len, weight_dtype, activation_dtype, kv_dtype, logits; graph files take their own parameters.",
        valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Clock for engines whose peak is derived (FPGA DSPs): peak = units x ops per cycle x this clock, e.g. --clock 300MHz.",
        valueName: "frequency"))
    var clock: String?

    func loadHardware() throws -> Hardware {
        try failing { try HardwareLocator.load(hardware, clock: clock) }
    }

    func loadWorkload() throws -> Workload {
        try failing {
            let parsed = try overrides.map { text throws(SpecError) in try ParameterOverride(parsing: text) }
            return try WorkloadLoader.load(contentsOf: workload, overrides: parsed)
        }
    }
}

extension HierarchicalTraffic.AttentionAlgorithm: ExpressibleByArgument {}

/// How bytes per tier are counted: the choice of IO model and attention algorithm.
struct EngineOptions: ParsableArguments {
    enum Model: String, CaseIterable, ExpressibleByArgument { case hierarchical, compulsory }

    @Option(name: .customLong("io-model"), help: ArgumentHelp(
        "hierarchical: each kernel's tiled algorithm at every tier boundary; compulsory: every operand byte crosses each tier once (a lower bound).",
        valueName: "model"))
    var ioModel: Model = .hierarchical

    @Option(name: .long, help: ArgumentHelp(
        "Attention algorithm for prefill: flash2, flash1, standard (S and P through memory) or square-tile (for fast memories below d^2). Decode steps use split-KV.",
        valueName: "algorithm"))
    var attention: HierarchicalTraffic.AttentionAlgorithm = .flash2

    var engine: RooflineEngine {
        switch ioModel {
        case .hierarchical: RooflineEngine(ioModel: HierarchicalTraffic(attention: attention))
        case .compulsory: RooflineEngine(ioModel: CompulsoryTraffic())
        }
    }
}

/// `--format` and `--output`, shared by every result-producing command.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: ReportFormat = .table

    @Option(name: .long, help: ArgumentHelp("Write the result to this file instead of standard output.", valueName: "file"))
    var output: String?
}

/// Finds a hardware file from a path or a shipped name.
enum HardwareLocator {
    static let shippedDirectory = "HardwareSpecs"

    /// Loads a hardware file or shipped name, re-clocking derived peaks when `clock` is given.
    static func load(_ argument: String, clock: String?) throws(SpecError) -> Hardware {
        let hardware = try Hardware.load(contentsOf: resolve(argument))
        guard let clock else { return hardware }
        let value = SpecValue.commandLine(clock, option: "--clock \(clock)")
        let frequency = try value.positiveQuantity(Hertz.self)
        guard let reclocked = hardware.reclocked(to: frequency) else {
            throw SpecError(file: "--clock \(clock)", message: "\(hardware.name) has no engine with a derived_peak; expected an FPGA-style file whose peak comes from units x ops per cycle x clock")
        }
        return reclocked
    }

    /// The `.yaml` files of a folder and its `systems/` subfolder, sorted.
    static func files(in folder: String) -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        for sub in [folder, folder + "/systems"] {
            let names = (try? manager.contentsOfDirectory(atPath: sub)) ?? []
            found += names.filter { $0.hasSuffix(".yaml") }.sorted().map { "\(sub)/\($0)" }
        }
        return found
    }

    static func resolve(_ argument: String) throws(SpecError) -> String {
        let manager = FileManager.default
        if manager.fileExists(atPath: argument) { return argument }
        for candidate in ["\(shippedDirectory)/\(argument).yaml", "\(shippedDirectory)/\(argument).json",
                          "\(shippedDirectory)/systems/\(argument).yaml"]
        where manager.fileExists(atPath: candidate) {
            return candidate
        }
        let shipped = ((try? manager.contentsOfDirectory(atPath: shippedDirectory)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        let hint = didYouMean(argument, in: shipped)
        throw SpecError(file: argument, message: "no such file, and no \(shippedDirectory)/\(argument).yaml\(hint); expected a hardware file path or one of: \(shipped.joined(separator: ", "))")
    }
}
