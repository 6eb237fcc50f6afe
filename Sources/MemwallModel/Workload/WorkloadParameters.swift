/// The knobs that turn a model config into one concrete graph.
///
/// `context_len` is the number of tokens already in the KV cache before this
/// step; the step processes `seq_len` new tokens per sequence and attends to
/// `context_len + seq_len` keys. Prefill defaults to an empty cache and a
/// 2048-token prompt; decode to one new token after 2048 cached ones.
public struct WorkloadParameters: Sendable, Hashable {
    public var phase: Phase
    public var batch: Int
    public var seqLen: Int
    public var contextLen: Int
    public var weightDType: DType
    public var activationDType: DType
    public var kvDType: DType
    /// Which positions produce logits: the last (serving) or all (training-style prefill).
    public var logits: Logits

    public enum Logits: String, Sendable, CaseIterable, Hashable { case last, all }

    public static let defaultPromptLength = 2048
    public static let defaultDecodeContext = 2048

    public init(phase: Phase = .prefill, batch: Int = 1, seqLen: Int? = nil, contextLen: Int? = nil,
                weightDType: DType = .bf16, activationDType: DType = .bf16, kvDType: DType = .bf16, logits: Logits = .last) {
        self.phase = phase
        self.batch = batch
        self.seqLen = seqLen ?? (phase == .prefill ? Self.defaultPromptLength : 1)
        self.contextLen = contextLen ?? (phase == .prefill ? 0 : Self.defaultDecodeContext)
        self.weightDType = weightDType
        self.activationDType = activationDType
        self.kvDType = kvDType
        self.logits = logits
    }

    /// Keys a model workload file and `--set` accept.
    public static let keys = ["phase", "batch", "seq_len", "context_len", "weight_dtype", "activation_dtype", "kv_dtype", "logits"]

    /// Reads the parameter keys from `values` (file entries with `--set` overrides applied last).
    init(_ values: [String: SpecValue]) throws(SpecError) {
        let phase = try values["phase"]?.oneOf(Phase.self) ?? .prefill
        let limit = 1...(1 << 40)
        self.init(
            phase: phase,
            batch: try values["batch"]?.int(in: limit) ?? 1,
            seqLen: try values["seq_len"]?.int(in: limit),
            contextLen: try values["context_len"]?.int(in: 0...(1 << 40)),
            weightDType: try values["weight_dtype"]?.oneOf(DType.self) ?? .bf16,
            activationDType: try values["activation_dtype"]?.oneOf(DType.self) ?? .bf16,
            kvDType: try values["kv_dtype"]?.oneOf(DType.self) ?? .bf16,
            logits: try values["logits"]?.oneOf(Logits.self) ?? .last
        )
    }

    /// Tokens processed per step.
    public var tokens: Int { batch * seqLen }

    var reportEntries: [(key: String, value: String)] {
        [("phase", phase.rawValue), ("batch", String(batch)), ("seq_len", String(seqLen)),
         ("context_len", String(contextLen)), ("weight_dtype", weightDType.rawValue),
         ("activation_dtype", activationDType.rawValue), ("kv_dtype", kvDType.rawValue), ("logits", logits.rawValue)]
    }
}
