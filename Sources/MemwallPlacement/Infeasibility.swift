import MemwallModel

/// Why no plan exists: the step and tiers whose capacity cannot be met, and by how much.
public struct Infeasibility: Sendable, Hashable, CustomStringConvertible {
    public var step: Int
    public var stepName: String
    /// The tiers that together cannot hold what may only live in them.
    public var tiers: [String]
    /// Bytes that must sit in those tiers at that step.
    public var neededBytes: Double
    /// Their capacity together.
    public var capacityBytes: Double
    /// False when every step fits fractionally but no whole-tensor packing exists.
    public var fractionalShortfall: Bool

    public var shortBytes: Double { max(0, neededBytes - capacityBytes) }

    public var description: String {
        let tierList = tiers.count == 1 ? "tier \(tiers[0])" : "tiers \(tiers.joined(separator: " + "))"
        let need = QuantityFormatter.format(neededBytes, .bytes), have = QuantityFormatter.format(capacityBytes, .bytes)
        if fractionalShortfall {
            return "infeasible: at step \(step) (\(stepName)) \(tierList) must hold \(need) of tensors that may live nowhere else, but the capacity is \(have): short by \(QuantityFormatter.format(shortBytes, .bytes))"
        }
        return "infeasible: the tensors cannot be packed whole; the tightest point is step \(step) (\(stepName)), where \(tierList) must hold \(need) within \(have)"
    }

    /// Finds the step and set of tiers with the largest shortfall: at every step, for every
    /// set of tiers, the live tensors allowed only in that set against the set's capacity.
    /// Falls back to the fullest point when all fit fractionally (a packing failure).
    public static func diagnose(_ problem: PlacementProblem) -> Infeasibility? {
        let tierCount = problem.tiers.count
        guard tierCount > 0, tierCount <= 12, !problem.steps.isEmpty else { return nil }
        let masks = problem.tensors.map { tensor in
            (0..<tierCount).reduce(0) { tensor.allows($1) ? $0 | (1 << $1) : $0 }
        }
        var delta = [[Double]](repeating: [Double](repeating: 0, count: problem.steps.count + 1), count: 1 << tierCount)
        for (t, tensor) in problem.tensors.enumerated() {
            delta[masks[t]][max(0, tensor.birth)] += tensor.bytes * Double(tensor.count)
            delta[masks[t]][min(problem.steps.count, tensor.death + 1)] -= tensor.bytes * Double(tensor.count)
        }
        var live = [Double](repeating: 0, count: 1 << tierCount)
        var worst: Infeasibility?, fullest: Infeasibility?
        for step in problem.steps.indices {
            for mask in live.indices { live[mask] += delta[mask][step] }
            for set in 1..<(1 << tierCount) {
                var need = 0.0
                for mask in live.indices where live[mask] > 0 && mask & ~set == 0 { need += live[mask] }
                guard need > 0 else { continue }
                let capacity = (0..<tierCount).reduce(0.0) { set & (1 << $1) != 0 ? $0 + problem.tiers[$1].capacity : $0 }
                let names = (0..<tierCount).filter { set & (1 << $0) != 0 }.map { problem.tiers[$0].name }
                let found = Infeasibility(step: step, stepName: problem.steps[step].name, tiers: names, neededBytes: need,
                                          capacityBytes: capacity, fractionalShortfall: need > capacity)
                if need > capacity, worst == nil || found.shortBytes > worst!.shortBytes { worst = found }
                let ratio = need / max(capacity, 1), best = fullest.map { $0.neededBytes / max($0.capacityBytes, 1) } ?? -1
                if ratio > best { fullest = found }
            }
        }
        return worst ?? fullest
    }
}
