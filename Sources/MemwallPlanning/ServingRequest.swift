import MemwallModel

/// One serving configuration to estimate: how many sequences decode together, how long their
/// prompts are, how much context each has cached, in which dtypes, over how many devices.
public struct ServingRequest: Sendable, Hashable {
    /// Sequences decoding together (the serving batch, over all pipeline stages).
    public var batch: Int
    /// Tokens in each prompt (what the first token waits for).
    public var promptLength: Int
    /// Tokens already in each sequence's KV cache at the decode step.
    public var contextLength: Int
    public var weightDType: DType
    public var activationDType: DType
    public var kvDType: DType
    public var parallelism: Parallelism

    /// Largest batch, prompt or context a request may have (2^40, as for model workloads).
    public static let maximumLength = 1 << 40

    public init(batch: Int = 1, promptLength: Int = 2048, contextLength: Int = 2048, weightDType: DType = .bf16,
                activationDType: DType = .bf16, kvDType: DType = .bf16, parallelism: Parallelism = Parallelism()) {
        self.batch = batch
        self.promptLength = promptLength
        self.contextLength = contextLength
        self.weightDType = weightDType
        self.activationDType = activationDType
        self.kvDType = kvDType
        self.parallelism = parallelism
    }

    /// The request a model workload file describes: its batch, its dtypes, and its prompt
    /// (`seq_len` of a prefill file, else the cached context) and context (`context_len` of a
    /// decode file, else the prompt).
    public init(_ parameters: WorkloadParameters, parallelism: Parallelism = Parallelism()) {
        let prompt = parameters.phase == .prefill ? parameters.seqLen : max(1, parameters.contextLen)
        let context = parameters.phase == .decode ? parameters.contextLen : prompt
        self.init(batch: parameters.batch, promptLength: prompt, contextLength: context,
                  weightDType: parameters.weightDType, activationDType: parameters.activationDType,
                  kvDType: parameters.kvDType, parallelism: parallelism)
    }
}
