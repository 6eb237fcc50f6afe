/// The user's choices that shape a placement problem: which tiers, capacity overrides, the
/// links each tier is reached through, pins and forbidden tiers, the objective.
public struct PlacementSettings: Sendable, Hashable {
    /// Tier names to place into, fastest first; nil: the main memory and every farther managed tier with a bandwidth.
    public var tiers: [String]?
    /// Capacity overrides by tier name, bytes (e.g. the share of HBM left for placement).
    public var capacities: [String: Double]
    /// Bandwidth overrides by tier name, bytes per second (for tiers a hardware file gives none).
    public var bandwidths: [String: Double] = [:]
    /// Links every access to a tier crosses, by tier name and link name.
    public var tierLinks: [String: [String]]
    /// Tensor-name patterns (`*` matches any run of characters) and the tier they are pinned to.
    public var pins: [(pattern: String, tier: String)]
    /// Tensor-name patterns and the tiers they may not occupy.
    public var forbids: [(pattern: String, tiers: [String])]
    public var objective: PlacementObjective
    /// The tier weights, KV cache and inputs start in (they pay the move into another tier);
    /// nil: they start wherever the plan puts them, as if resident from an earlier run.
    public var home: String?
    /// Merge tensors with identical size, lifetime, accesses and constraints into one entry with a count.
    public var mergeIdentical: Bool
    public var prefetchSteps: Int

    public init(tiers: [String]? = nil, capacities: [String: Double] = [:], tierLinks: [String: [String]] = [:],
                pins: [(pattern: String, tier: String)] = [], forbids: [(pattern: String, tiers: [String])] = [],
                objective: PlacementObjective = .time, mergeIdentical: Bool = true,
                prefetchSteps: Int = PlacementConstants.prefetchSteps) {
        self.tiers = tiers
        self.capacities = capacities
        self.tierLinks = tierLinks
        self.pins = pins
        self.forbids = forbids
        self.objective = objective
        self.mergeIdentical = mergeIdentical
        self.prefetchSteps = prefetchSteps
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.tiers == rhs.tiers && lhs.capacities == rhs.capacities && lhs.bandwidths == rhs.bandwidths && lhs.tierLinks == rhs.tierLinks
            && lhs.pins.map(\.pattern) == rhs.pins.map(\.pattern) && lhs.pins.map(\.tier) == rhs.pins.map(\.tier)
            && lhs.forbids.map(\.pattern) == rhs.forbids.map(\.pattern) && lhs.forbids.map(\.tiers) == rhs.forbids.map(\.tiers)
            && lhs.objective == rhs.objective && lhs.home == rhs.home && lhs.mergeIdentical == rhs.mergeIdentical && lhs.prefetchSteps == rhs.prefetchSteps
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tiers)
        hasher.combine(objective)
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
public func wildcardMatches(_ pattern: String, _ name: String) -> Bool {
    let p = Array(pattern), n = Array(name)
    var pi = 0, ni = 0, star = -1, mark = 0
    while ni < n.count {
        if pi < p.count && p[pi] != "*" && p[pi] == n[ni] {
            pi += 1; ni += 1
        } else if pi < p.count && p[pi] == "*" {
            star = pi; mark = ni; pi += 1
        } else if star >= 0 {
            pi = star + 1; mark += 1; ni = mark
        } else {
            return false
        }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
}

/// Input that cannot become a placement problem: what, where, what was expected.
public struct PlacementInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The settings key the error is about (`pin.*embed*`, `tiers`), empty when none.
    public var keyPath: String
    public var message: String

    /// `text` is "key: message" when it starts with a key (no spaces before the first ": ").
    public init(_ text: String) {
        if let range = text.range(of: ": "), !text[..<range.lowerBound].contains(" ") {
            keyPath = String(text[..<range.lowerBound])
            message = String(text[range.upperBound...])
        } else {
            keyPath = ""
            message = text
        }
    }

    public var description: String { keyPath.isEmpty ? message : "\(keyPath): \(message)" }
}
