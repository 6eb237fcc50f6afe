/// The fields of a Hugging Face style `config.json` that shape a decoder-only
/// transformer (Llama, Mistral, Mixtral and relatives). Other fields are ignored:
/// hub configs carry dozens that do not change the graph.
public struct ModelConfig: Sendable, Hashable {
    public var modelType: String
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layers: Int
    public var attentionHeads: Int
    /// Key/value heads (GQA when fewer than `attentionHeads`, MQA when 1).
    public var keyValueHeads: Int
    public var headDim: Int
    public var vocabSize: Int
    public var tieWordEmbeddings: Bool
    /// Mixture of experts: experts per layer and experts each token uses (nil for dense).
    public var localExperts: Int?
    public var expertsPerToken: Int?
    /// Sliding-window attention span in tokens, nil for full attention.
    public var slidingWindow: Int?
    public var maxPositionEmbeddings: Int?

    public var isMixtureOfExperts: Bool { (localExperts ?? 1) > 1 }

    public init(modelType: String = "llama", hiddenSize: Int, intermediateSize: Int, layers: Int, attentionHeads: Int,
                keyValueHeads: Int? = nil, headDim: Int? = nil, vocabSize: Int, tieWordEmbeddings: Bool = false,
                localExperts: Int? = nil, expertsPerToken: Int? = nil, slidingWindow: Int? = nil,
                maxPositionEmbeddings: Int? = nil) {
        self.modelType = modelType
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layers = layers
        self.attentionHeads = attentionHeads
        self.keyValueHeads = keyValueHeads ?? attentionHeads
        self.headDim = headDim ?? hiddenSize / max(1, attentionHeads)
        self.vocabSize = vocabSize
        self.tieWordEmbeddings = tieWordEmbeddings
        self.localExperts = localExperts
        self.expertsPerToken = expertsPerToken
        self.slidingWindow = slidingWindow
        self.maxPositionEmbeddings = maxPositionEmbeddings
    }

    /// The key that identifies a document as a model config; the others are then required.
    static let signatureKey = "hidden_size"

    /// Accepted ranges of the config fields: far beyond any published model, small enough that the
    /// graph (one op list per layer) and its sizes stay bounded for any accepted file.
    public static let sizeRange = 1...1_048_576
    public static let layerRange = 1...100_000
    public static let headRange = 1...65_536
    public static let vocabRange = 1...100_000_000

    /// Reads the config fields; `value` is the document root.
    public init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        let sizes = Self.sizeRange
        hiddenSize = try map.required("hidden_size").int(in: sizes)
        intermediateSize = try map.required("intermediate_size").int(in: sizes)
        layers = try map.required("num_hidden_layers").int(in: Self.layerRange)
        attentionHeads = try map.required("num_attention_heads").int(in: Self.headRange)
        vocabSize = try map.required("vocab_size").int(in: Self.vocabRange)
        modelType = try map.optional("model_type")?.string() ?? "llama"
        keyValueHeads = try map.optional("num_key_value_heads")?.int(in: Self.headRange) ?? attentionHeads
        tieWordEmbeddings = try map.optional("tie_word_embeddings")?.bool() ?? false
        maxPositionEmbeddings = try map.optional("max_position_embeddings")?.int(in: 1...Int.max)
        slidingWindow = try map.optional("sliding_window")?.int(in: 1...Int.max)

        if let headValue = map.optional("head_dim") {
            headDim = try headValue.int(in: 1...65_536)
        } else {
            guard hiddenSize % attentionHeads == 0 else {
                throw try map.required("num_attention_heads").error(
                    "hidden_size \(hiddenSize) is not divisible by \(attentionHeads) heads; expected a divisor, or give head_dim")
            }
            headDim = hiddenSize / attentionHeads
        }
        guard attentionHeads % keyValueHeads == 0 else {
            throw try map.required("num_key_value_heads").error(
                "\(attentionHeads) attention heads are not a multiple of \(keyValueHeads) key/value heads; expected a divisor")
        }
        localExperts = try map.optional("num_local_experts")?.int(in: 1...65_536)
        expertsPerToken = try map.optional("num_experts_per_tok")?.int(in: 1...65_536)
        if let experts = localExperts, experts > 1 {
            guard let top = expertsPerToken else {
                throw map.owner.error("num_local_experts is \(experts) but num_experts_per_tok is missing; expected both for a mixture of experts")
            }
            guard top <= experts else {
                throw try map.required("num_experts_per_tok").error("\(top) experts per token exceeds \(experts) experts; expected at most \(experts)")
            }
        }
    }
}
