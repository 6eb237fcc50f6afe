import Testing
@testable import MemwallModel

struct ModelConfigTests {
    static func config(file name: String) throws -> ModelConfig {
        try ModelConfig(SpecDocument(contentsOf: packagePath("Workloads/models/\(name)")).root)
    }

    static func config(json: String) throws -> ModelConfig {
        try ModelConfig(SpecDocument(text: json, file: "config.json").root)
    }

    /// A small Llama-shaped config with `extra` JSON members appended and `drop` removed.
    static func json(_ extra: String = "", drop: String? = nil) -> String {
        var members = [
            "\"hidden_size\": 4096", "\"intermediate_size\": 14336", "\"num_hidden_layers\": 2",
            "\"num_attention_heads\": 32", "\"vocab_size\": 32000",
        ]
        if let drop { members.removeAll { $0.hasPrefix("\"\(drop)\"") } }
        if !extra.isEmpty { members.append(extra) }
        return "{\n  " + members.joined(separator: ",\n  ") + "\n}\n"
    }

    // Values from the published config.json files listed in Workloads/models/SOURCES.md.

    @Test func llama3_8B() throws {
        let c = try Self.config(file: "llama-3-8b.config.json")
        #expect(c.modelType == "llama")
        #expect(c.hiddenSize == 4096)
        #expect(c.intermediateSize == 14336)
        #expect(c.layers == 32)
        #expect(c.attentionHeads == 32)
        #expect(c.keyValueHeads == 8)
        #expect(c.headDim == 128)          // 4096 / 32
        #expect(c.vocabSize == 128_256)
        #expect(c.tieWordEmbeddings == false)
        #expect(c.maxPositionEmbeddings == 8192)
        #expect(c.slidingWindow == nil)
        #expect(c.isMixtureOfExperts == false)
    }

    @Test func llama3_70B() throws {
        let c = try Self.config(file: "llama-3-70b.config.json")
        // jax-ml "How to Scale Your Model": L=80, D=8192, F=28672, N=64, K=8, V=128256.
        #expect(c.layers == 80)
        #expect(c.hiddenSize == 8192)
        #expect(c.intermediateSize == 28672)
        #expect(c.attentionHeads == 64)
        #expect(c.keyValueHeads == 8)
        #expect(c.vocabSize == 128_256)
        #expect(c.headDim == 128)          // 8192 / 64
    }

    @Test func mixtral8x7B() throws {
        let c = try Self.config(file: "mixtral-8x7b.config.json")
        #expect(c.modelType == "mixtral")
        #expect(c.hiddenSize == 4096)
        #expect(c.intermediateSize == 14336)
        #expect(c.layers == 32)
        #expect(c.keyValueHeads == 8)
        #expect(c.vocabSize == 32000)
        #expect(c.localExperts == 8)
        #expect(c.expertsPerToken == 2)
        #expect(c.isMixtureOfExperts)
        #expect(c.slidingWindow == nil)    // "sliding_window": null
        #expect(c.maxPositionEmbeddings == 32768)
    }

    @Test func defaults() throws {
        let c = try Self.config(json: Self.json())
        #expect(c.keyValueHeads == 32)     // no num_key_value_heads: multi-head attention
        #expect(c.headDim == 128)
        #expect(c.modelType == "llama")
        #expect(c.tieWordEmbeddings == false)
        #expect(c.localExperts == nil)
    }

    @Test func explicitHeadDimWins() throws {
        // Gemma-style: head_dim need not be hidden / heads (here 256, not 4096/32 = 128).
        let c = try Self.config(json: Self.json("\"head_dim\": 256"))
        #expect(c.headDim == 256)
        // With head_dim given, hidden need not divide by the heads.
        let odd = try Self.config(json: Self.json("\"head_dim\": 64").replacingOccurrences(of: "4096", with: "3000"))
        #expect(odd.hiddenSize == 3000)
        #expect(odd.headDim == 64)
    }

    @Test func singleExpertIsDense() throws {
        let c = try Self.config(json: Self.json("\"num_local_experts\": 1"))
        #expect(c.isMixtureOfExperts == false)
    }

    @Test func memberwiseInitDefaults() {
        let c = ModelConfig(hiddenSize: 4096, intermediateSize: 14336, layers: 32, attentionHeads: 32, vocabSize: 32000)
        #expect(c.keyValueHeads == 32)
        #expect(c.headDim == 128)
    }

    // MARK: Bad configs

    struct BadCase: CustomTestStringConvertible, Sendable {
        let label: String
        let json: String
        let keyPath: String
        let message: String
        var testDescription: String { label }
    }

    static let badCases: [BadCase] = [
        BadCase(label: "heads not a multiple of kv heads", json: json("\"num_key_value_heads\": 5"),
                keyPath: "num_key_value_heads", message: "32 attention heads are not a multiple of 5 key/value heads"),
        BadCase(label: "more kv heads than heads", json: json("\"num_key_value_heads\": 64"),
                keyPath: "num_key_value_heads", message: "not a multiple of 64"),
        BadCase(label: "hidden not divisible by heads", json: json("\"num_attention_heads\": 48", drop: "num_attention_heads"),
                keyPath: "num_attention_heads", message: "hidden_size 4096 is not divisible by 48 heads"),
        BadCase(label: "experts per token above experts",
                json: json("\"num_local_experts\": 8, \"num_experts_per_tok\": 9"),
                keyPath: "num_experts_per_tok", message: "9 experts per token exceeds 8 experts"),
        BadCase(label: "experts without experts per token", json: json("\"num_local_experts\": 8"),
                keyPath: "", message: "num_experts_per_tok is missing"),
        BadCase(label: "missing hidden_size", json: json(drop: "hidden_size"),
                keyPath: "hidden_size", message: "missing required key 'hidden_size'"),
        BadCase(label: "missing vocab_size", json: json(drop: "vocab_size"),
                keyPath: "vocab_size", message: "missing required key 'vocab_size'"),
        BadCase(label: "zero layers", json: json("\"num_hidden_layers\": 0", drop: "num_hidden_layers"),
                keyPath: "num_hidden_layers", message: "out of range"),
        BadCase(label: "hidden size as text", json: json("\"hidden_size\": \"big\"", drop: "hidden_size"),
                keyPath: "hidden_size", message: "expected a whole number, got 'big'"),
        BadCase(label: "tie_word_embeddings not a bool", json: json("\"tie_word_embeddings\": 2"),
                keyPath: "tie_word_embeddings", message: "expected true or false"),
    ]

    @Test(arguments: badCases)
    func badConfigIsRefused(_ c: BadCase) {
        let error = specError { _ = try Self.config(json: c.json) }
        #expect(error?.file == "config.json")
        #expect(error?.keyPath == c.keyPath, "\(error?.description ?? "")")
        #expect(error?.message.contains(c.message) == true, "\(error?.description ?? "")")
    }

    @Test func loaderReportsAMissingHiddenSize() {
        // Through WorkloadLoader the document is not recognised as a config, but the message names the key.
        let error = specError { _ = try loadWorkload(Self.json(drop: "hidden_size"), file: "m.config.json") }
        #expect(error?.message.contains("'hidden_size'") == true)
    }

    /// WorkloadLoader documents "a Hugging Face config.json (has hidden_size)", but
    /// recognises a config only when all of hidden_size, num_hidden_layers and
    /// num_attention_heads are present. A config with hidden_size and without
    /// num_hidden_layers is told it is "not a workload" instead of which key is missing.
    @Test func loaderNamesAMissingLayerCount() {
        let error = specError { _ = try loadWorkload(Self.json(drop: "num_hidden_layers"), file: "m.config.json") }
        #expect(error?.keyPath == "num_hidden_layers")
        #expect(error?.message.contains("missing required key 'num_hidden_layers'") == true)
    }
}
