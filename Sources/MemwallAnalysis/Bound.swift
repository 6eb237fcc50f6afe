/// What limits an op's time.
public enum Bound: Sendable, Hashable, Comparable {
    /// The compute engine's rate.
    case compute
    /// The bandwidth of the memory tier at this index.
    case memory(Int)
    /// Access latency of a tier that is touched.
    case latency
    /// The fixed per-op overhead (launch), when it exceeds every other bound.
    case overhead

    /// The name used in reports: `compute`, the tier's name, `latency`, `overhead`.
    public func name(tiers: [String]) -> String {
        switch self {
        case .compute: "compute"
        case .memory(let index): tiers[index]
        case .latency: "latency"
        case .overhead: "overhead"
        }
    }
}
