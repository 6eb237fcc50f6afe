import Foundation
import Testing
@testable import MemwallModel

struct TransformerGraphBuilderTests {
    struct Model: CustomTestStringConvertible, Sendable {
        let file: String
        /// Exact count from Workloads/models/SOURCES.md (rounds to the published 8.03B / 70.6B / 46.7B).
        let publishedParameters: Int
        var testDescription: String { file }
    }

    static let models = [
        Model(file: "llama-3-8b.config.json", publishedParameters: 8_030_261_248),
        Model(file: "llama-3-70b.config.json", publishedParameters: 70_553_706_496),
        Model(file: "mixtral-8x7b.config.json", publishedParameters: 46_702_792_704),
    ]

    static func config(_ file: String) throws -> ModelConfig {
        try ModelConfig(SpecDocument(contentsOf: packagePath("Workloads/models/\(file)")).root)
    }

    static func build(_ config: ModelConfig, _ parameters: WorkloadParameters = WorkloadParameters(),
                      name: String = "m") throws -> Workload {
        try TransformerGraphBuilder(config: config, parameters: parameters, modelName: name).build()
    }

    /// Parameter count written out from the architecture, independently of the builder:
    /// embeddings V*h; per layer q (h x hq*d), k and v (h x hkv*d each), o (hq*d x h),
    /// SwiGLU gate/up/down 3*h*I (times E experts plus an h x E router for MoE),
    /// two RMSNorm vectors; a final RMSNorm; an untied lm_head h x V.
    static func closedFormParameters(_ c: ModelConfig) -> Int {
        let (h, v, i, d) = (c.hiddenSize, c.vocabSize, c.intermediateSize, c.headDim)
        let (hq, hkv) = (c.attentionHeads, c.keyValueHeads)
        let attention = h * (hq * d) + 2 * h * (hkv * d) + (hq * d) * h
        let mlp: Int
        if let e = c.localExperts, e > 1 {
            mlp = e * 3 * h * i + h * e
        } else {
            mlp = 3 * h * i
        }
        let perLayer = attention + mlp + 2 * h
        return v * h + c.layers * perLayer + h + (c.tieWordEmbeddings ? 0 : h * v)
    }

    static func weightElements(_ workload: Workload) -> Double {
        workload.tensors.filter { $0.kind == .weight }.reduce(0) { $0 + $1.elementCount }
    }

    // MARK: Parameter counts

    @Test(arguments: models)
    func parameterCountMatchesClosedFormAndPublishedTotal(_ model: Model) throws {
        let config = try Self.config(model.file)
        let workload = try Self.build(config)
        // bf16 weights: 2 bytes per parameter.
        let parameters = workload.bytes(of: .weight) / 2
        #expect(parameters == Double(Self.closedFormParameters(config)))
        #expect(parameters == Double(model.publishedParameters))
    }

    @Test(arguments: [(DType.fp32, 4.0), (.fp8, 1.0), (.int4, 0.5)])
    func weightBytesScaleWithTheWeightDType(_ dtype: DType, _ bytesPerParameter: Double) throws {
        let config = try Self.config("llama-3-8b.config.json")
        let workload = try Self.build(config, WorkloadParameters(weightDType: dtype))
        #expect(workload.bytes(of: .weight) == 8_030_261_248 * bytesPerParameter)
        #expect(workload.tensors.filter { $0.kind == .weight }.allSatisfy { $0.dtype == dtype })
    }

    @Test func mixtralActiveParametersMatchThePublishedFigure() throws {
        let config = try Self.config("mixtral-8x7b.config.json")
        let workload = try Self.build(config)
        // Expert weights count at top/E = 2/8 of their size per token; everything else in full.
        let experts = workload.tensors.filter { $0.kind == .weight && $0.name.contains(".experts.") }
        #expect(experts.count == 3 * 32)
        let expertElements = experts.reduce(0) { $0 + $1.elementCount }
        #expect(expertElements == Double(32 * 8 * 3 * 4096 * 14336))
        let active = Self.weightElements(workload) - expertElements + expertElements * 2 / 8
        // Mistral AI, "Mixtral of experts": 12.9B active parameters; exact 12,879,925,248 (SOURCES.md).
        #expect(active == 12_879_925_248)
    }

    @Test func tiedEmbeddingsDropTheLMHead() throws {
        var config = try Self.config("llama-3-8b.config.json")
        config.tieWordEmbeddings = true
        let workload = try Self.build(config)
        #expect(Self.weightElements(workload) == Double(8_030_261_248 - 4096 * 128_256))
        #expect(!workload.tensors.contains { $0.name == "lm_head.weight" })
        let head = try #require(workload.ops.first { $0.name == "lm_head" })
        #expect(head.transposeB)
        #expect(workload.tensors[head.inputs[1]].name == "embed_tokens.weight")
    }

    // MARK: Shapes

    @Test func gqaProjectionShapes() throws {
        let config = try Self.config("llama-3-8b.config.json")
        let workload = try Self.build(config, WorkloadParameters(phase: .prefill, batch: 2, seqLen: 16))
        func shape(_ name: String) -> [Int]? { workload.tensors.first { $0.name == name }?.shape }
        // 32 query heads and 8 key/value heads of 128: q 4096 wide, k and v 8 x 128 = 1024 wide.
        #expect(shape("layers.0.q_proj.weight") == [4096, 32 * 128])
        #expect(shape("layers.0.k_proj.weight") == [4096, 8 * 128])
        #expect(shape("layers.0.v_proj.weight") == [4096, 8 * 128])
        #expect(shape("layers.0.o_proj.weight") == [32 * 128, 4096])
        #expect(shape("layers.31.k_proj.weight") == [4096, 1024])
        #expect(shape("layers.0.q") == [2, 16, 32, 128])
        #expect(shape("layers.0.k") == [2, 16, 8, 128])
        #expect(shape("layers.0.gate_proj.weight") == [4096, 14336])
        #expect(shape("layers.0.down_proj.weight") == [14336, 4096])
        #expect(shape("embed_tokens.weight") == [128_256, 4096])
        #expect(shape("lm_head.weight") == [4096, 128_256])
        #expect(shape("input_ids") == [2, 16])
        #expect(workload.tensors.first { $0.name == "input_ids" }?.dtype == .int32)
        #expect(shape("layers.32.q") == nil)   // exactly 32 layers
    }

    @Test func mixtralExpertShapes() throws {
        let config = try Self.config("mixtral-8x7b.config.json")
        let workload = try Self.build(config, WorkloadParameters(phase: .prefill, batch: 2, seqLen: 16))
        func shape(_ name: String) -> [Int]? { workload.tensors.first { $0.name == name }?.shape }
        #expect(shape("layers.0.router.weight") == [4096, 8])
        #expect(shape("layers.0.experts.gate.weight") == [8, 4096, 14336])
        #expect(shape("layers.0.experts.down.weight") == [8, 14336, 4096])
        // Each of the 2 x 16 tokens is dispatched to 2 experts: 64 rows.
        #expect(shape("layers.0.experts.dispatched") == [64, 4096])
        let gate = try #require(workload.ops.first { $0.name == "layers.0.experts_gate" })
        #expect(gate.kind == .expertMatmul)
        #expect(gate.expertsPerToken == 2)
    }

    // MARK: KV cache

    struct KVCase: CustomTestStringConvertible, Sendable {
        let file: String
        let batch: Int
        let context: Int
        let seqLen: Int
        let dtype: DType
        var testDescription: String { "\(file) B=\(batch) C=\(context) S=\(seqLen) \(dtype)" }
    }

    static let kvCases: [KVCase] = [
        KVCase(file: "llama-3-8b.config.json", batch: 1, context: 2048, seqLen: 1, dtype: .bf16),
        KVCase(file: "llama-3-8b.config.json", batch: 3, context: 1000, seqLen: 1, dtype: .bf16),
        KVCase(file: "llama-3-8b.config.json", batch: 3, context: 1000, seqLen: 1, dtype: .fp8),
        KVCase(file: "llama-3-8b.config.json", batch: 3, context: 1000, seqLen: 1, dtype: .int4),
        KVCase(file: "llama-3-8b.config.json", batch: 2, context: 4096, seqLen: 4, dtype: .bf16),  // speculative, 4 new tokens
        KVCase(file: "llama-3-70b.config.json", batch: 8, context: 8191, seqLen: 1, dtype: .fp8),
        KVCase(file: "mixtral-8x7b.config.json", batch: 16, context: 32000, seqLen: 1, dtype: .bf16),
    ]

    @Test(arguments: kvCases)
    func decodeKVCacheBytes(_ k: KVCase) throws {
        let config = try Self.config(k.file)
        let parameters = WorkloadParameters(phase: .decode, batch: k.batch, seqLen: k.seqLen, contextLen: k.context, kvDType: k.dtype)
        let workload = try Self.build(config, parameters)
        // Keys and values, every layer: 2 * L * B * (C + S) * Hkv * d elements.
        let elements = 2 * config.layers * k.batch * (k.context + k.seqLen) * config.keyValueHeads * config.headDim
        #expect(workload.bytes(of: .kvCache) == Double(elements) * Double(k.dtype.bits) / 8)
        #expect(workload.tensors.filter { $0.kind == .kvCache }.allSatisfy { $0.dtype == k.dtype })
    }

    @Test func llama3_8BKVCacheIs128KiBPerToken() throws {
        // Widely quoted: Llama-3-8B bf16 KV cache = 2 x 32 layers x 8 heads x 128 x 2 B = 131,072 B per token.
        let config = try Self.config("llama-3-8b.config.json")
        let workload = try Self.build(config, WorkloadParameters(phase: .decode, batch: 1, seqLen: 1, contextLen: 8191))
        #expect(workload.bytes(of: .kvCache) == 8192 * 131_072)
    }

    @Test func slidingWindowCapsTheCache() throws {
        // Mistral-7B-v0.1 shape with its 4096-token sliding window.
        let json = """
        { "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
          "num_key_value_heads": 8, "vocab_size": 32000, "sliding_window": 4096 }
        """
        let config = try ModelConfig(SpecDocument(text: json, file: "mistral.json").root)
        #expect(config.slidingWindow == 4096)
        let workload = try Self.build(config, WorkloadParameters(phase: .decode, batch: 2, contextLen: 10_000))
        // min(C, W) cached tokens plus the 1 new one: 2 * 32 * 2 * (4096 + 1) * 8 * 128 * 2 bytes.
        #expect(workload.bytes(of: .kvCache) == Double(2 * 32 * 2 * (4096 + 1) * 8 * 128 * 2))
        let attention = try #require(workload.ops.first { $0.kind == .attention })
        #expect(attention.window == 4096)
        // Shorter context than the window: nothing is capped.
        let short = try Self.build(config, WorkloadParameters(phase: .decode, batch: 2, contextLen: 100))
        #expect(short.bytes(of: .kvCache) == Double(2 * 32 * 2 * (100 + 1) * 8 * 128 * 2))
    }

    // MARK: Graph structure

    @Test func decodeAttentionReadsTheCache() throws {
        let config = try Self.config("llama-3-8b.config.json")
        let workload = try Self.build(config, WorkloadParameters(phase: .decode))
        let attention = workload.ops.filter { $0.kind == .attention }
        #expect(attention.count == 32)
        // q, k, v and the two caches.
        #expect(attention.allSatisfy { $0.inputs.count == 5 })
        #expect(attention.allSatisfy { $0.causal })
        let first = attention[0]
        // Default decode: 2048 cached tokens, batch 1.
        #expect(workload.tensors[first.inputs[3]].shape == [1, 2048, 8, 128])
        #expect(workload.tensors[first.inputs[3]].kind == .kvCache)
        #expect(workload.tensors[first.inputs[0]].shape == [1, 1, 32, 128])
        #expect(workload.tokens == 1)
    }

    @Test func prefillFromAnEmptyCacheHasThreeAttentionInputs() throws {
        let config = try Self.config("llama-3-8b.config.json")
        let workload = try Self.build(config, WorkloadParameters(phase: .prefill, contextLen: 0))
        let attention = workload.ops.filter { $0.kind == .attention }
        #expect(attention.count == 32)
        #expect(attention.allSatisfy { $0.inputs.count == 3 })
        // Default prompt: 2048 tokens.
        #expect(workload.tensors[attention[0].inputs[0]].shape == [1, 2048, 32, 128])
        #expect(workload.tokens == 2048)
        // Only the new keys and values are stored: 2 * 32 * 2048 * 8 * 128 * 2 bytes.
        #expect(workload.bytes(of: .kvCache) == Double(2 * 32 * 2048 * 8 * 128 * 2))
    }

    @Test func logitsForTheLastPositionOrAll() throws {
        let config = try Self.config("llama-3-8b.config.json")
        let last = try Self.build(config, WorkloadParameters(phase: .prefill, batch: 2, seqLen: 10))
        #expect(last.tensors.first { $0.name == "logits" }?.shape == [2, 1, 128_256])
        #expect(last.ops.contains { $0.kind == .slice })
        let all = try Self.build(config, WorkloadParameters(phase: .prefill, batch: 2, seqLen: 10, logits: .all))
        #expect(all.tensors.first { $0.name == "logits" }?.shape == [2, 10, 128_256])
        #expect(!all.ops.contains { $0.kind == .slice })
    }

    @Test(arguments: models)
    func opCountsFollowTheLayerStructure(_ model: Model) throws {
        let config = try Self.config(model.file)
        let workload = try Self.build(config, WorkloadParameters(phase: .decode))
        // Per layer: norm, q, k, v, rope, 2 cache writes, attention, o, residual (10), mlp norm,
        // then gate/up/act/down (dense: 4) or router/softmax/dispatch/gate/up/act/down/combine (MoE: 8),
        // then a residual. Plus embedding, final norm and lm_head (decode has one position: no slice).
        let perLayer = 10 + 1 + (config.isMixtureOfExperts ? 8 : 4) + 1
        #expect(workload.ops.count == 1 + config.layers * perLayer + 2)
        #expect(workload.ops.first?.kind == .embedding)
        #expect(workload.ops.last?.name == "lm_head")
        let matmuls = workload.ops.filter { $0.kind == .matmul }.count
        // q, k, v, o (+ router for MoE) per layer, plus lm_head.
        #expect(matmuls == config.layers * (config.isMixtureOfExperts ? 5 : 7) + 1)
    }

    @Test func nameDescriptionAndParameters() throws {
        let config = try Self.config("llama-3-8b.config.json")
        let workload = try Self.build(config, WorkloadParameters(phase: .decode, batch: 4, contextLen: 100, kvDType: .fp8),
                                      name: "llama-3-8b")
        #expect(workload.name == "llama-3-8b decode")
        #expect(workload.tokens == 4)
        let parameters = Dictionary(uniqueKeysWithValues: workload.parameters.map { ($0.key, $0.value) })
        #expect(parameters["phase"] == "decode")
        #expect(parameters["batch"] == "4")
        #expect(parameters["seq_len"] == "1")
        #expect(parameters["context_len"] == "100")
        #expect(parameters["kv_dtype"] == "fp8")
        #expect(workload.parameters.map(\.key) == WorkloadParameters.keys)
    }

    @Test func workloadParameterDefaults() {
        let prefill = WorkloadParameters()
        #expect(prefill.phase == .prefill)
        #expect(prefill.seqLen == 2048)
        #expect(prefill.contextLen == 0)
        let decode = WorkloadParameters(phase: .decode)
        #expect(decode.seqLen == 1)
        #expect(decode.contextLen == 2048)
        #expect(WorkloadParameters(batch: 3, seqLen: 7).tokens == 21)
    }

    // MARK: Through the loader

    @Test func configLoadsWithSetOverrides() throws {
        let path = packagePath("Workloads/models/llama-3-8b.config.json")
        let overrides = try ["phase=decode", "batch=4", "context_len=1000", "kv_dtype=int4"].map {
            try ParameterOverride(parsing: $0)
        }
        let workload = try WorkloadLoader.load(contentsOf: path, overrides: overrides)
        #expect(workload.name == "llama-3-8b decode")
        #expect(workload.ops.filter { $0.kind == .attention }.allSatisfy { $0.inputs.count == 5 })
        #expect(workload.bytes(of: .kvCache) == Double(2 * 32 * 4 * 1001 * 8 * 128) * 0.5)
        #expect(workload.bytes(of: .weight) == 2 * 8_030_261_248)
    }

    @Test func unknownSetForAModelSuggestsTheNearest() throws {
        let path = packagePath("Workloads/models/llama-3-8b.config.json")
        let override = try ParameterOverride(parsing: "bacth=4")
        let error = specError { _ = try WorkloadLoader.load(contentsOf: path, overrides: [override]) }
        #expect(error?.file == "--set bacth=4")
        #expect(error?.message.hasPrefix("unknown parameter 'bacth' (did you mean 'batch'?)") == true)
    }

    @Test func badSetValueForAModelIsRefused() throws {
        let path = packagePath("Workloads/models/llama-3-8b.config.json")
        let phase = try ParameterOverride(parsing: "phase=decod")
        #expect(specError { _ = try WorkloadLoader.load(contentsOf: path, overrides: [phase]) }?.message
            .contains("(did you mean 'decode'?)") == true)
        let batch = try ParameterOverride(parsing: "batch=0")
        #expect(specError { _ = try WorkloadLoader.load(contentsOf: path, overrides: [batch]) }?.message
            .contains("out of range") == true)
    }

    @Test func modelWorkloadFileResolvesItsConfig() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("memwall-model-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = packagePath("Workloads/models/mixtral-8x7b.config.json")
        let file = directory.appendingPathComponent("serve.yaml").path
        try """
        schema_version: 1
        name: mixtral-serve
        description: decode at batch 8
        model: \(config)
        phase: decode
        batch: 8
        context_len: 512
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let workload = try WorkloadLoader.load(contentsOf: file, overrides: [ParameterOverride(parsing: "batch=2")])
        #expect(workload.name == "mixtral-serve decode")
        #expect(workload.description == "decode at batch 8")
        #expect(workload.tokens == 2)      // --set wins over the file
        #expect(workload.bytes(of: .weight) == 2 * 46_702_792_704)
        #expect(workload.bytes(of: .kvCache) == Double(2 * 32 * 2 * 513 * 8 * 128 * 2))

        let missing = directory.appendingPathComponent("missing.yaml").path
        try "model: nowhere.config.json\n".write(toFile: missing, atomically: true, encoding: .utf8)
        let error = specError { _ = try WorkloadLoader.load(contentsOf: missing) }
        #expect(error?.keyPath == "model")
        #expect(error?.message.hasPrefix("cannot load model config 'nowhere.config.json'") == true)
    }

    @Test func badConfigThroughTheLoaderIsASpecError() {
        // Top-4 routing over 3 experts is refused by ModelConfig before any graph is built.
        let json = """
        { "hidden_size": 256, "intermediate_size": 512, "num_hidden_layers": 1, "num_attention_heads": 4,
          "vocab_size": 100, "num_local_experts": 3, "num_experts_per_tok": 4 }
        """
        let error = specError { _ = try loadWorkload(json, file: "tiny.config.json") }
        #expect(error?.keyPath == "num_experts_per_tok")
    }

    /// WorkloadParameters accepts batch and seq_len up to 2^40 each; their product
    /// (2^80) overflows Int. The loader must refuse it at the --set that caused it.
    /// Run in a child process so a trap fails only this test.
    @Test func hugeBatchTimesSequenceIsAnErrorNotACrash() async {
        await #expect(processExitsWith: .success) {
            let json = """
            { "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1, "num_attention_heads": 4,
              "vocab_size": 100 }
            """
            let overrides = try! ["batch=1099511627776", "seq_len=1099511627776"].map { try ParameterOverride(parsing: $0) }
            do {
                _ = try WorkloadLoader.load(SpecDocument(text: json, file: "tiny.config.json"), overrides: overrides)
                fatalError("expected a SpecError")
            } catch let error as SpecError {
                precondition(error.file == "--set batch=1099511627776", error.description)
                precondition(error.message.contains("more than 2^53 elements"), error.description)
            } catch {
                fatalError("expected a SpecError, got \(error)")
            }
        }
    }

    @Test func sizeLimitIsTwoToTheFiftyThreeElements() throws {
        // The largest activation is batch x seq_len x widest dimension (here the vocabulary, 128,256).
        // 2^53 / 128,256 = 70,229,697,... tokens; a batch of 2^20 with 2^17 new tokens (2^37 tokens) is over.
        let config = try Self.config("llama-3-8b.config.json")
        let over = WorkloadParameters(phase: .prefill, batch: 1 << 20, seqLen: 1 << 17)
        #expect(Double(over.tokens) * 128_256 > 9_007_199_254_740_992)
        #expect(throws: GraphIssue.self) { try TransformerGraphBuilder(config: config, parameters: over, modelName: "m").checkSize() }
        // 2^20 x 2^5 tokens x 128,256 is about 4.3e12 elements: far below the limit.
        let under = WorkloadParameters(phase: .prefill, batch: 1 << 20, seqLen: 1 << 5)
        #expect(throws: Never.self) { try TransformerGraphBuilder(config: config, parameters: under, modelName: "m").checkSize() }
    }

    /// `checkSize()` exists to refuse combinations that would overflow "before any
    /// shape arithmetic runs", but it computes `p.contextLen + p.seqLen` (and
    /// `c.attentionHeads * c.headDim`) itself without overflow checks. The loader caps
    /// parameters at 2^40, so only direct API callers reach it: a decode step with
    /// contextLen Int.max traps instead of throwing a GraphIssue.
    @Test func checkSizeItselfDoesNotOverflow() async {
        await #expect(processExitsWith: .success) {
            let config = ModelConfig(hiddenSize: 64, intermediateSize: 128, layers: 1, attentionHeads: 4, vocabSize: 100)
            let parameters = WorkloadParameters(phase: .decode, batch: 1, seqLen: 1, contextLen: Int.max)
            do {
                _ = try TransformerGraphBuilder(config: config, parameters: parameters, modelName: "m").build()
                fatalError("expected a GraphIssue")
            } catch let error as GraphIssue {
                precondition(error.message.contains("2^53"), error.message)
            } catch {
                fatalError("expected a GraphIssue, got \(error)")
            }
        }
    }
}
