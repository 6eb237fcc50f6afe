import MemwallModel

/// The roofline analysis of one op on one hardware.
public struct OpResult: Sendable, Hashable {
    public var name: String
    public var kind: OpKind
    /// Engine that runs it; nil for ops without arithmetic (copies, gathers).
    public var engine: String?
    /// Dtype whose peak was used.
    public var computeDType: DType
    public var flops: Double
    /// Bytes across each tier boundary, nearest tier first.
    public var bytesByTier: [Double]
    /// Time on the compute engine: FLOPs at the (calibrated) rate, and for attention on hardware with a
    /// `special_functions` rate no less than the matmuls at that rate plus the exponentials (see
    /// ``RooflineEngine``).
    public var computeTime: Double
    /// bytes / bandwidth per tier (0 where the tier has no bandwidth).
    public var memoryTimeByTier: [Double]
    public var latencyTime: Double
    public var overheadTime: Double
    /// max(compute, each tier, latency) + overhead.
    public var time: Double
    public var bound: Bound
    /// FLOPs per byte of main-memory traffic (0 when no bytes move).
    public var arithmeticIntensity: Double
    /// Dynamic energy: bytes x energy per byte per tier + FLOPs x energy per FLOP.
    public var energy: Double
    /// The exponentials' share of `computeTime`: their count / the special-function rate, over the wave
    /// quantisation; 0 for ops without them or on hardware without the rate. Not in CSV/JSON output.
    public var specialFunctionTime: Double = 0
}

/// Memory needed to hold the workload, against the main tier's capacity.
public struct Footprint: Sendable, Hashable {
    public var weightBytes: Double
    public var kvCacheBytes: Double
    /// Peak of live activations and inputs over the op order.
    public var activationBytes: Double
    public var tierName: String
    public var capacityBytes: Double

    public var totalBytes: Double { weightBytes + kvCacheBytes + activationBytes }
    public var fits: Bool { totalBytes <= capacityBytes }
    /// How much more memory is needed (0 when it fits).
    public var shortfallBytes: Double { max(0, totalBytes - capacityBytes) }
    /// Devices of this capacity needed if the footprint were split evenly.
    public var devicesNeeded: Int { Int(min(1e15, (totalBytes / capacityBytes).rounded(.up))) }
}

/// Sums over all ops.
public struct Totals: Sendable, Hashable {
    public var flops: Double
    public var bytesByTier: [Double]
    /// Ops run one after another: the sum of op times.
    public var time: Double
    /// Time spent in ops bound by each bound (sums to `time` less overheads of non-overhead-bound ops).
    public var timeByBound: [Bound: Double]
    /// The bound that accounts for most of the time.
    public var bound: Bound
    public var energy: Double
    /// Board power x time, when the hardware gives a power.
    public var energyAtTDP: Double?
    /// Price x time, when the hardware gives a price.
    public var cost: Double?
    public var tokens: Int?
    public var tokensPerSecond: Double?
    /// Cost of a million tokens at this rate, when there is a price and a token count.
    public var costPerMillionTokens: Double? {
        guard let cost, let tokens, tokens > 0 else { return nil }
        return cost / Double(tokens) * 1e6
    }
    /// FLOPs / total time, the rate actually achieved.
    public var achievedFlopsPerSecond: Double
}

/// The whole analysis: per op, totals, footprint and warnings.
public struct AnalysisResult: Sendable, Hashable {
    public var hardwareName: String
    public var hardwareID: String
    public var workloadName: String
    /// Parameters the workload was built with, in order (`batch`, `seq_len`, ...).
    public var workloadParameters: [KeyValue]
    public var tierNames: [String]
    public var mainMemoryIndex: Int
    public var ioModel: String
    public var ops: [OpResult]
    public var totals: Totals
    public var footprint: Footprint
    /// Things the user should know (dtype fallbacks, tiers without bandwidth), each once.
    public var warnings: [String]
}

/// An ordered key/value pair for reports.
public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}
