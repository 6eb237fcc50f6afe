import MemwallModel

/// One measured kernel run: what ran (kernel, variant, shape, dtype), how long it took, the bytes
/// a profiler saw per memory level when it was asked, and where the figure comes from.
public struct KernelMeasurement: Sendable, Hashable {
    /// The kernels the measurement format knows, with the shape keys each takes.
    public enum Kernel: String, Sendable, CaseIterable, Hashable {
        /// `b` (batch, default 1), `m`, `n`, `k`: `b x (m x k) x (k x n)`.
        case gemm
        /// Prefill attention: `b`, `hq`, `hkv` (default hq), `sq`, `skv` (default sq), `d`, `causal` (0 or 1).
        case attention
        /// One query per sequence against a KV cache of `skv` keys: `b`, `hq`, `hkv`, `skv`, `d`.
        case decodeAttention = "decode_attention"
        /// Device memory copy of `n` elements (reads n, writes n): the bandwidth microbenchmark.
        case copy
        /// One dense (Llama-style) transformer layer, prefill or decode step: `h` hidden, `hq` query
        /// heads, `ffn` MLP width, `seq` new tokens per sequence; `b` (1), `hkv` (hq), `ctx` cached
        /// tokens (0), `d` head dimension (h / hq).
        case layer
        /// One whole-model step of the model builder's dense transformer (embedding, `layers` layers,
        /// final norm, LM head over the last position), prefill or decode: the `layer` keys plus `layers`
        /// and `vocab`, and `tied` (0) for an LM head sharing the embedding table. The keys are a Hugging
        /// Face config's: hidden_size, num_attention_heads, num_key_value_heads, intermediate_size,
        /// num_hidden_layers, vocab_size, tie_word_embeddings.
        case model

        /// Shape keys, required ones first; the rest are optional.
        public var requiredKeys: [String] {
            switch self {
            case .gemm: ["m", "n", "k"]
            case .attention: ["b", "hq", "sq", "d"]
            case .decodeAttention: ["b", "hq", "skv", "d"]
            case .copy: ["n"]
            case .layer: ["h", "hq", "ffn", "seq"]
            case .model: ["h", "hq", "ffn", "layers", "vocab", "seq"]
            }
        }

        public var optionalKeys: [String] {
            switch self {
            case .gemm: ["b"]
            case .attention: ["hkv", "skv", "causal"]
            case .decodeAttention: ["hkv"]
            case .copy: []
            case .layer: ["b", "hkv", "ctx", "d"]
            case .model: ["b", "hkv", "ctx", "d", "tied"]
            }
        }

        /// Variants (the `variant` column): SDPA's flash and math backends for attention.
        public var variants: [String] {
            switch self {
            case .attention: ["flash", "math"]
            case .layer, .model: ["prefill", "decode"]
            default: []
            }
        }
    }

    /// Where a figure comes from.
    public struct Provenance: Sendable, Hashable {
        /// The device as the measurement names it ("NVIDIA H100 80GB HBM3").
        public var device: String
        public var driver: String
        public var library: String
        public var date: String
        /// A URL or paper and table, or "measured" for runs of Scripts/measure.
        public var source: String

        public init(device: String, driver: String = "", library: String = "", date: String = "", source: String) {
            self.device = device
            self.driver = driver
            self.library = library
            self.date = date
            self.source = source
        }
    }

    public var kernel: Kernel
    /// Attention backend (`flash` or `math`); empty when the kernel has none.
    public var variant: String
    /// Shape dimensions by key (see ``Kernel``); optional keys filled with their defaults.
    public var shape: [String: Int]
    public var dtype: DType
    /// Measured time of one run, seconds.
    public var time: Double
    /// Measured bytes per memory level (tier name), when a profiler counted them.
    public var bytesByTier: [String: Double]
    public var provenance: Provenance
    /// `file:line` of the row, for messages.
    public var location: String

    /// Whether the measured work includes a FlashAttention forward kernel (tiled attention, a
    /// layer's or a model's prefill), whose blocks' occupancy a calibration may choose.
    public var runsFlashAttention: Bool {
        switch kernel {
        case .attention: variant != "math"
        case .layer, .model: true
        case .gemm, .decodeAttention, .copy: false
        }
    }

    /// Whether the measured work includes GEMMs (a GEMM, a layer's or a model's projections), whose
    /// tile a calibration may choose.
    public var runsGEMM: Bool {
        switch kernel {
        case .gemm, .layer, .model: true
        case .attention, .decodeAttention, .copy: false
        }
    }

    public init(kernel: Kernel, variant: String = "", shape: [String: Int], dtype: DType, time: Double,
                bytesByTier: [String: Double] = [:], provenance: Provenance, location: String = "") {
        self.kernel = kernel
        self.variant = variant
        self.shape = KernelMeasurement.withDefaults(shape, kernel: kernel)
        self.dtype = dtype
        self.time = time
        self.bytesByTier = bytesByTier
        self.provenance = provenance
        self.location = location
    }

    /// The kernel family errors are summarised by: the kernel, with its variant when it has one.
    public var family: String { variant.isEmpty ? kernel.rawValue : "\(kernel.rawValue)/\(variant)" }

    /// The shape written back as `key=value` pairs in the kernel's key order.
    public var shapeText: String {
        (kernel.requiredKeys + kernel.optionalKeys).compactMap { key in shape[key].map { "\(key)=\($0)" } }
            .joined(separator: " ")
    }

    static func withDefaults(_ shape: [String: Int], kernel: Kernel) -> [String: Int] {
        var filled = shape
        switch kernel {
        case .gemm:
            filled["b"] = shape["b"] ?? 1
        case .attention:
            filled["hkv"] = shape["hkv"] ?? shape["hq"]
            filled["skv"] = shape["skv"] ?? shape["sq"]
            filled["causal"] = shape["causal"] ?? 0
        case .decodeAttention:
            filled["hkv"] = shape["hkv"] ?? shape["hq"]
        case .copy:
            break
        case .layer, .model:
            filled["b"] = shape["b"] ?? 1
            filled["hkv"] = shape["hkv"] ?? shape["hq"]
            filled["ctx"] = shape["ctx"] ?? 0
            if shape["d"] == nil, let h = shape["h"], let hq = shape["hq"], hq > 0 { filled["d"] = h / hq }
            if kernel == .model { filled["tied"] = shape["tied"] ?? 0 }
        }
        return filled
    }
}
