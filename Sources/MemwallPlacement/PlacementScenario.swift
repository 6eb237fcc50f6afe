import Foundation
import MemwallModel

/// A placement scenario file: hardware, workload, objective and constraints in one YAML file.
///
/// ```yaml
/// schema_version: 1
/// name: FlexGen-like decode
/// hardware: ../../HardwareSpecs/systems/h100-host-nvme.yaml   # path relative to this file, or a shipped name
/// workload: ../llama-3-70b-decode.yaml                        # path relative to this file
/// set: { batch: 8 }                                           # workload parameter overrides
/// objective: time                                             # time | traffic | energy
/// tiers: [hbm, host-dram, nvme]                               # fastest first
/// capacity: { hbm: 40 GB }                                    # overrides
/// bandwidth: { sram: 100 TB/s }                               # for tiers the hardware file gives none
/// links: { host-dram: [pcie5-x16], nvme: [pcie5-x16] }         # links each tier is reached through
/// pin: { "*embed_tokens*": hbm }                              # tensor-name pattern -> tier
/// forbid: { "*kv*": [nvme] }                                  # tensor-name pattern -> tiers
/// home: nvme                        # weights, KV cache, inputs start here and pay the move out (default: free first placement)
/// time_limit: 10 s
/// gap: 0.0001
/// ```
public struct PlacementScenario: Sendable {
    public var name: String
    public var description: String?
    /// The hardware argument: a path resolved against the scenario's folder when it exists, else as written (a shipped name).
    public var hardware: String
    public var workload: String
    public var overrides: [ParameterOverride]
    public var settings: PlacementSettings
    public var timeLimit: Double?
    public var gap: Double?
    /// Where each settings key was written, for locating errors found once hardware and workload are loaded.
    private var locations: [String: SpecValue] = [:]
    private var file: String

    public static let keys = ["schema_version", "name", "description", "hardware", "workload", "set", "objective", "tiers",
                              "capacity", "bandwidth", "links", "pin", "forbid", "time_limit", "gap", "merge_identical", "prefetch_steps", "home"]

    public init(contentsOf path: String) throws(SpecError) {
        let document = try SpecDocument(contentsOf: path)
        let top = try document.root.mapping()
        try top.allowOnly(Self.keys)
        file = path
        if let version = top.optional("schema_version") {
            let number = try version.int()
            guard number == 1 else { throw version.error("unsupported schema_version \(number); expected 1") }
        }
        name = try top.required("name").name()
        description = try top.optional("description")?.string()
        let folder = (path as NSString).deletingLastPathComponent
        func relative(_ text: String) -> String {
            if text.hasPrefix("/") { return text }
            let joined = folder.isEmpty ? text : "\(folder)/\(text)"
            return FileManager.default.fileExists(atPath: joined) ? joined : text
        }
        let hardwareValue = try top.required("hardware")
        hardware = relative(try hardwareValue.name())
        let workloadValue = try top.required("workload")
        workload = relative(try workloadValue.name())
        guard FileManager.default.fileExists(atPath: workload) else {
            throw workloadValue.error("no such file '\(try workloadValue.string())' (relative to \(folder.isEmpty ? "." : folder)); expected a workload file")
        }
        overrides = []
        if let set = top.optional("set") {
            for (key, value) in try set.mapping().entries {
                var parsed = try ParameterOverride(parsing: "\(key)=0")
                parsed.value = value
                overrides.append(parsed)
            }
        }
        settings = PlacementSettings()
        if let objective = top.optional("objective") {
            settings.objective = try objective.oneOf(PlacementObjective.self)
            locations["objective"] = objective
        }
        if let tiers = top.optional("tiers") {
            settings.tiers = try tiers.sequence().map { value throws(SpecError) in try value.name() }
            locations["tiers"] = tiers
        }
        if let capacity = top.optional("capacity") {
            for (tier, value) in try capacity.mapping().entries {
                settings.capacities[tier] = try value.positiveQuantity(Bytes.self).value
                locations["capacity"] = value
            }
        }
        if let bandwidth = top.optional("bandwidth") {
            for (tier, value) in try bandwidth.mapping().entries {
                settings.bandwidths[tier] = try value.positiveQuantity(BytesPerSecond.self).value
                locations["bandwidth"] = value
            }
        }
        if let links = top.optional("links") {
            for (tier, value) in try links.mapping().entries {
                settings.tierLinks[tier] = try value.sequence().map { item throws(SpecError) in try item.name() }
                locations["links"] = value
                locations["links.\(tier)"] = value
            }
        }
        if let pin = top.optional("pin") {
            for (pattern, value) in try pin.mapping().entries {
                settings.pins.append((pattern, try value.name()))
                locations["pin.\(pattern)"] = value
            }
        }
        if let forbid = top.optional("forbid") {
            for (pattern, value) in try forbid.mapping().entries {
                settings.forbids.append((pattern, try value.sequence().map { item throws(SpecError) in try item.name() }))
                locations["forbid.\(pattern)"] = value
            }
        }
        if let home = top.optional("home") {
            settings.home = try home.name()
            locations["home"] = home
        }
        if let merge = top.optional("merge_identical") { settings.mergeIdentical = try merge.bool() }
        if let prefetch = top.optional("prefetch_steps") { settings.prefetchSteps = try prefetch.int(in: 0...1_000) }
        if let limit = top.optional("time_limit") {
            let seconds = try limit.positiveQuantity(Seconds.self).value
            guard seconds <= 3600 else { throw limit.error("\(seconds) s is too long; expected at most 3600 s") }
            timeLimit = seconds
        }
        if let gap = top.optional("gap") { self.gap = try gap.double(in: 0...1) }
    }

    /// `error` located at the key it is about when the scenario file wrote that key.
    public func located(_ error: PlacementInputError) -> SpecError {
        if let value = locations[error.keyPath] { return value.error(error.message) }
        return SpecError(file: file, keyPath: error.keyPath, message: error.message)
    }
}
