import Foundation
import Testing

/// The documented JSON output of `memwall analyze --format json`, decoded by the tests'
/// own types (not memwall's), so a renamed or missing key fails decoding.
struct AnalysisDocument: Decodable {
    struct HardwareInfo: Decodable {
        var name: String
        var id: String
        var tiers: [String]
        var main_memory: String
    }

    struct WorkloadInfo: Decodable {
        var name: String
        var parameters: [String: String]
    }

    struct OpEntry: Decodable {
        var name: String
        var kind: String
        var flops: Double
        var bytes_by_tier: [String: Double]
        var time_by_bound_s: [String: Double]
        var time_s: Double
        var bound: String
    }

    struct Totals: Decodable {
        var flops: Double
        var bytes_by_tier: [String: Double]
        var time_s: Double
    }

    struct Footprint: Decodable {
        var tier: String
        var weights_bytes: Double
        var kv_cache_bytes: Double
        var activations_bytes: Double
        var total_bytes: Double
        var capacity_bytes: Double
        var fits: Bool
        var shortfall_bytes: Double
    }

    var schema_version: Int
    var hardware: HardwareInfo
    var workload: WorkloadInfo
    var ops: [OpEntry]
    var totals: Totals
    var footprint: Footprint
    var warnings: [String]

    static let topLevelKeys: Set<String> = ["schema_version", "hardware", "workload", "ops", "totals", "footprint", "warnings"]

    static func decode(_ text: String) throws -> AnalysisDocument {
        try JSONDecoder().decode(AnalysisDocument.self, from: Data(text.utf8))
    }

    /// `layers.12.q_proj` -> `q_proj`: the op's role, as the report groups repeated layers.
    static func role(of name: String) -> String {
        let parts = name.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "layers", !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber) {
            return String(parts[2])
        }
        return name
    }
}

/// A dense Llama-style decoder's shapes, from its published config.json, and the closed forms
/// the tests derive from them.
struct DenseModel: Sendable {
    var hidden, intermediate, layers, heads, kvHeads, vocab: Int
    var headDim: Int { hidden / heads }

    /// Every parameter: per layer Q, K, V, O projections, the SwiGLU MLP (gate, up, down) and two
    /// RMSNorm weights; the final norm; an untied embedding table and LM head.
    var parameters: Int {
        let attention = hidden * heads * headDim + 2 * hidden * kvHeads * headDim + heads * headDim * hidden
        let mlp = 3 * hidden * intermediate
        return layers * (attention + mlp + 2 * hidden) + hidden + 2 * vocab * hidden
    }

    var embeddingParameters: Int { vocab * hidden }

    /// K and V for every layer, sequence and token in the cache after the step (cached + new).
    func kvCacheBytes(batch: Int, cachedTokens: Int, newTokens: Int = 1, bytesPerElement: Int = 2) -> Int {
        2 * layers * batch * (cachedTokens + newTokens) * kvHeads * headDim * bytesPerElement
    }

    /// meta-llama/Meta-Llama-3-8B config.json.
    static let llama3_8b = DenseModel(hidden: 4096, intermediate: 14336, layers: 32, heads: 32, kvHeads: 8, vocab: 128_256)
    /// meta-llama/Meta-Llama-3-70B config.json.
    static let llama3_70b = DenseModel(hidden: 8192, intermediate: 28672, layers: 80, heads: 64, kvHeads: 8, vocab: 128_256)
}

/// The fields of a Hugging Face config.json the closed forms use, decoded by the tests.
struct ConfigFields: Decodable {
    var hidden_size: Int
    var intermediate_size: Int
    var num_hidden_layers: Int
    var num_attention_heads: Int
    var num_key_value_heads: Int
    var vocab_size: Int
    var tie_word_embeddings: Bool

    var model: DenseModel {
        DenseModel(hidden: hidden_size, intermediate: intermediate_size, layers: num_hidden_layers,
                   heads: num_attention_heads, kvHeads: num_key_value_heads, vocab: vocab_size)
    }
}

/// NVIDIA H100 SXM5 80GB: HBM3 at 3.35 TB/s (datasheet), 80 GiB of HBM as the shipped file models it.
enum H100 {
    static let hbmBytesPerSecond = 3.35e12
    static let hbmCapacityBytes = 80.0 * 1024 * 1024 * 1024
}

func relativeDifference(_ a: Double, _ b: Double) -> Double {
    a == b ? 0 : abs(a - b) / max(abs(a), abs(b))
}
