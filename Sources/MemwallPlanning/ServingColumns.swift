import MemwallModel

/// The columns every serving output shares (`memwall serve`, `sweep`, `plan`): keys in
/// snake case with SI base units in the name, numbers in Swift's shortest round-trip form.
public enum ServingColumns {
    public struct Column: Sendable {
        public let key: String
        public let value: @Sendable (ServingEstimate) -> Value
    }

    /// A cell: text, or a number (nil for "no value", written empty in CSV and null in JSON).
    public enum Value: Sendable, Equatable {
        case text(String)
        case number(Double?)
        case flag(Bool)

        public var number: Double? {
            switch self {
            case .number(let value): value
            case .flag(let flag): flag ? 1 : 0
            case .text(let text): Double(text)
            }
        }
    }

    public static let all: [Column] = [
        Column(key: "hardware") { .text($0.hardwareID) },
        Column(key: "devices") { .number(Double($0.devices)) },
        Column(key: "tp") { .number(Double($0.request.parallelism.tensor)) },
        Column(key: "pp") { .number(Double($0.request.parallelism.pipeline)) },
        Column(key: "ep") { .number(Double($0.request.parallelism.expert)) },
        Column(key: "batch") { .number(Double($0.request.batch)) },
        Column(key: "prompt_len") { .number(Double($0.request.promptLength)) },
        Column(key: "context_len") { .number(Double($0.request.contextLength)) },
        Column(key: "weight_dtype") { .text($0.request.weightDType.rawValue) },
        Column(key: "activation_dtype") { .text($0.request.activationDType.rawValue) },
        Column(key: "kv_dtype") { .text($0.request.kvDType.rawValue) },
        Column(key: "fits") { .flag($0.fits) },
        Column(key: "kv_bytes_per_token") { .number($0.kvBytesPerToken) },
        Column(key: "weight_bytes_per_device") { .number($0.weightBytesPerDevice) },
        Column(key: "kv_cache_bytes_per_device") { .number($0.kvCacheBytesPerDevice) },
        Column(key: "activation_bytes_per_device") { .number($0.activationBytesPerDevice) },
        Column(key: "capacity_bytes_per_device") { .number($0.capacityBytesPerDevice) },
        Column(key: "max_batch") { .number(Double($0.maxBatch)) },
        Column(key: "max_context") { .number($0.maxContext.map(Double.init)) },
        Column(key: "ttft_s") { .number($0.timeToFirstToken) },
        Column(key: "tpot_s") { .number($0.timePerOutputToken) },
        Column(key: "communication_s") { .number($0.communicationPerToken) },
        Column(key: "throughput_tokens_per_s") { .number($0.throughput) },
        Column(key: "decode_bound") { .text($0.decodeBound) },
        Column(key: "energy_per_token_j") { .number($0.energyPerToken) },
        Column(key: "energy_per_token_at_tdp_j") { .number($0.energyPerTokenAtTDP) },
        Column(key: "dollars_per_hour") { .number($0.dollarsPerHour) },
        Column(key: "dollars_per_million_tokens") { .number($0.costPerMillionTokens) },
    ]

    public static var keys: [String] { all.map(\.key) }

    public static func column(_ key: String) -> Column? { all.first { $0.key == key } }
}
