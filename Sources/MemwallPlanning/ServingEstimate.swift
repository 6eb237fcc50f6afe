/// What one model serves like on one hardware under one ``ServingRequest``. Times in seconds,
/// sizes in bytes, energy in joules, money in dollars; "per device" is the most loaded device.
public struct ServingEstimate: Sendable, Hashable {
    public var request: ServingRequest
    public var hardwareID: String
    public var hardwareName: String
    public var devices: Int

    // MARK: Memory
    /// KV-cache bytes one token adds over the whole model: 2 x layers x kv heads x head dim x dtype.
    public var kvBytesPerToken: Double
    public var weightBytesPerDevice: Double
    public var kvCacheBytesPerDevice: Double
    public var activationBytesPerDevice: Double
    public var capacityBytesPerDevice: Double
    /// The tier weights, KV cache and activations live in.
    public var memoryTier: String
    /// Largest batch whose KV cache fits at `request.contextLength` (0: not even one sequence).
    public var maxBatch: Int
    /// Longest cached context that fits at `request.batch`; nil when a sliding window caps the
    /// cache below what fits (any context fits); -1 when not even the new token fits.
    public var maxContext: Int?

    public var totalBytesPerDevice: Double { weightBytesPerDevice + kvCacheBytesPerDevice + activationBytesPerDevice }
    public var fits: Bool { totalBytesPerDevice <= capacityBytesPerDevice }

    // MARK: Time
    /// Prefill of one prompt through every stage: when its first token is ready (no queueing).
    public var timeToFirstToken: Double
    /// Between two tokens of one sequence while `request.batch` sequences decode.
    public var timePerOutputToken: Double
    /// Collective and point-to-point time inside one decode step.
    public var communicationPerToken: Double
    /// Output tokens per second over the whole batch.
    public var throughput: Double
    /// What bounds the decode step: a tier name, `compute`, `latency`, `overhead` or `link:<name>`.
    public var decodeBound: String

    // MARK: Energy and cost
    /// Dynamic energy per output token over all devices (memory and compute energies of the files).
    public var energyPerToken: Double
    /// Board power x time per output token over all devices; nil without a TDP.
    public var energyPerTokenAtTDP: Double?
    /// What the devices cost per hour (rented, or purchase over lifetime plus electricity).
    public var dollarsPerHour: Double?
    public var costPerMillionTokens: Double? { dollarsPerHour.map { $0 / 3600 / throughput * 1e6 } }

    /// What the estimate leaves out for lack of a figure in the files (no link latency, no TDP for electricity).
    public var notes: [String] = []
}
