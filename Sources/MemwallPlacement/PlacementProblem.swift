/// A tensor-placement problem: tensors with lifetimes and accesses over a schedule of
/// steps, and memory tiers (with the links on their path) that can hold them.
///
/// Every number is in SI base units (bytes, seconds, bytes per second, joules per byte).
public struct PlacementProblem: Sendable, Hashable {
    public var name: String
    /// Tiers, fastest first; a plan says which tier holds each tensor segment.
    public var tiers: [PlacementTier]
    /// Links that tiers are reached through (shared bandwidth).
    public var links: [PlacementLink]
    /// The op schedule, in execution order.
    public var steps: [PlacementStep]
    /// Tensors (or groups of interchangeable tensors, see ``PlacementTensor/count``).
    public var tensors: [PlacementTensor]
    public var objective: PlacementObjective
    /// Steps a tensor may be staged into a tier ahead of its next access (see ``PlacementTensor/segments(prefetchSteps:)``).
    public var prefetchSteps: Int

    public init(name: String, tiers: [PlacementTier], links: [PlacementLink] = [], steps: [PlacementStep],
                tensors: [PlacementTensor], objective: PlacementObjective = .time,
                prefetchSteps: Int = PlacementConstants.prefetchSteps) {
        self.name = name
        self.tiers = tiers
        self.links = links
        self.steps = steps
        self.tensors = tensors
        self.objective = objective
        self.prefetchSteps = prefetchSteps
    }

    /// Segments of every tensor, computed once.
    public var segments: [[PlacementSegment]] { tensors.map { $0.segments(prefetchSteps: prefetchSteps) } }

    /// Tensors counted with their multiplicity.
    public var tensorCount: Int { tensors.reduce(0) { $0 + $1.count } }
}

/// A memory tier as the placement sees it.
public struct PlacementTier: Sendable, Hashable {
    public var name: String
    /// Bytes it can hold at once (summed over instances).
    public var capacity: Double
    /// Bytes per second it serves.
    public var bandwidth: Double
    /// Joules per byte read or written; nil when unknown.
    public var energyPerByte: Double?
    /// Indices into ``PlacementProblem/links`` of the links every access to this tier crosses.
    public var links: [Int]

    public init(name: String, capacity: Double, bandwidth: Double, energyPerByte: Double? = nil, links: [Int] = []) {
        self.name = name
        self.capacity = capacity
        self.bandwidth = bandwidth
        self.energyPerByte = energyPerByte
        self.links = links
    }
}

/// An interconnect whose bandwidth the tiers behind it share.
public struct PlacementLink: Sendable, Hashable {
    public var name: String
    public var bandwidth: Double
    public var energyPerByte: Double?

    public init(name: String, bandwidth: Double, energyPerByte: Double? = nil) {
        self.name = name
        self.bandwidth = bandwidth
        self.energyPerByte = energyPerByte
    }
}

/// One op of the schedule.
public struct PlacementStep: Sendable, Hashable {
    public var name: String
    /// Time the op's compute takes on its engine (the floor of the step's time).
    public var computeTime: Double

    public init(name: String, computeTime: Double) {
        self.name = name
        self.computeTime = computeTime
    }
}

/// What the plan minimises.
public enum PlacementObjective: String, Sendable, Hashable, CaseIterable {
    /// Sum over steps of max(compute time, each tier's and link's transfer time).
    case time
    /// Bytes read or written at every tier but the fastest.
    case traffic
    /// Joules spent moving bytes at tiers and links.
    case energy
}

/// Bytes one step reads or writes of a tensor.
public struct PlacementAccess: Sendable, Hashable {
    public var step: Int
    public var bytes: Double

    public init(step: Int, bytes: Double) {
        self.step = step
        self.bytes = bytes
    }
}

/// A tensor (or `count` interchangeable ones: same size, lifetime and accesses).
public struct PlacementTensor: Sendable, Hashable {
    public var name: String
    /// Bytes of one tensor.
    public var bytes: Double
    /// First step the tensor occupies memory.
    public var birth: Int
    /// Last step it occupies memory (at least its last access).
    public var death: Int
    /// Accesses of one tensor, at distinct steps in increasing order within [birth, death].
    public var accesses: [PlacementAccess]
    /// How many identical tensors this entry stands for.
    public var count: Int
    /// The tier every copy must stay in, if pinned.
    public var pinnedTier: Int?
    /// Tiers it may never occupy.
    public var forbiddenTiers: Set<Int>
    /// Where the tensor is before its first segment, when it has to be brought in (weights and
    /// inputs loaded from off-chip memory); nil: its first placement is free (already resident).
    public var homeTier: Int?

    public init(name: String, bytes: Double, birth: Int, death: Int, accesses: [PlacementAccess], count: Int = 1,
                pinnedTier: Int? = nil, forbiddenTiers: Set<Int> = [], homeTier: Int? = nil) {
        self.name = name
        self.bytes = bytes
        self.birth = birth
        self.death = death
        self.accesses = accesses
        self.count = count
        self.pinnedTier = pinnedTier
        self.forbiddenTiers = forbiddenTiers
        self.homeTier = homeTier
    }

    /// Copies per tier before segment `s` begins: the previous segment's, or the home tier's for the first.
    func copiesBefore(segment s: Int, in plan: PlacementPlan, tensor t: Int, tiers: Int) -> [Int]? {
        if s > 0 { return plan.copies[t][s - 1] }
        guard let homeTier else { return nil }
        var row = [Int](repeating: 0, count: tiers)
        row[homeTier] = count
        return row
    }

    /// Whether the tensor may occupy `tier`.
    public func allows(_ tier: Int) -> Bool {
        if let pinnedTier { return tier == pinnedTier }
        return !forbiddenTiers.contains(tier)
    }

    /// The stretches of the lifetime over which the tensor stays in one tier. Each access
    /// ends a segment; a longer gap before an access is split into a parked segment and a
    /// staged one covering the access step and the `prefetchSteps` steps before it,
    /// so the tensor can wait in a slow tier and move to a fast one ahead of its use; the
    /// time after the last access up to death is a last parked segment. A move into a
    /// segment happens at its first step.
    public func segments(prefetchSteps: Int) -> [PlacementSegment] {
        var result: [PlacementSegment] = []
        var next = birth
        let window = max(0, prefetchSteps) + 1
        for access in accesses {
            if access.step - next + 1 > window {
                result.append(PlacementSegment(start: next, end: access.step - window, access: nil))
                next = access.step - window + 1
            }
            result.append(PlacementSegment(start: next, end: access.step, access: access))
            next = access.step + 1
        }
        if next <= death { result.append(PlacementSegment(start: next, end: death, access: nil)) }
        return result
    }
}

/// A stretch of steps during which a tensor stays in one tier.
public struct PlacementSegment: Sendable, Hashable {
    public var start: Int
    public var end: Int
    /// The access at `end`, if the segment ends with one.
    public var access: PlacementAccess?

    public init(start: Int, end: Int, access: PlacementAccess?) {
        self.start = start
        self.end = end
        self.access = access
    }
}
