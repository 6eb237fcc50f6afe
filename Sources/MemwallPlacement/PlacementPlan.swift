/// Where every tensor is, segment by segment.
///
/// `copies[t][s][m]` is how many of tensor entry `t`'s copies (see ``PlacementTensor/count``)
/// sit in tier `m` during segment `s`; for a single tensor it is 1 in one tier and 0 elsewhere.
public struct PlacementPlan: Sendable, Hashable {
    public var copies: [[[Int]]]

    public init(copies: [[[Int]]]) {
        self.copies = copies
    }

    /// A plan that keeps all of tensor `t`'s copies in `tiers[t][s]` during segment `s`.
    public init(tiers: [[Int]], problem: PlacementProblem) {
        let tierCount = problem.tiers.count
        copies = tiers.enumerated().map { t, perSegment in
            perSegment.map { tier in
                var row = [Int](repeating: 0, count: tierCount)
                row[tier] = problem.tensors[t].count
                return row
            }
        }
    }

    /// The tier holding most copies of tensor `t` in segment `s` (the tier, for a single tensor).
    public func mainTier(tensor t: Int, segment s: Int) -> Int {
        let row = copies[t][s]
        return row.indices.max { row[$0] < row[$1] } ?? 0
    }
}

/// What a plan costs, recomputed from the plan by ``PlacementChecker``.
public struct PlacementCost: Sendable, Hashable {
    /// Sum over steps of each step's time, seconds.
    public var time: Double
    /// Bytes read or written at every tier but the fastest.
    public var slowTierBytes: Double
    /// Joules spent at tiers and links (0 where a figure is missing).
    public var energy: Double
    /// Bytes read or written per tier (accesses and moves).
    public var bytesByTier: [Double]
    /// Bytes moved between tiers.
    public var movedBytes: Double
    /// Time of every step, seconds.
    public var stepTimes: [Double]

    /// The figure `objective` minimises.
    public func value(of objective: PlacementObjective) -> Double {
        switch objective {
        case .time: time
        case .traffic: slowTierBytes
        case .energy: energy
        }
    }
}
