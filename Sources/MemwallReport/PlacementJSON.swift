import Foundation
import MemwallPlacement

extension PlacementReport {
    /// One object: `schema_version`, `hardware`, `workload`, `objective`, `status`, the answer,
    /// greedy and bound (keys end in the objective's unit), `tiers` with occupancy per step,
    /// `tensors` with copies per tier per segment, `warnings`.
    public func json() throws -> String {
        var document: [String: Any] = [
            "schema_version": reportSchemaVersion,
            "hardware": hardwareName,
            "workload": problem.name,
            "objective": problem.objective.rawValue,
            "status": result.status.rawValue,
            "method": result.method,
            "fixed_segments": result.fixedSegments,
            "rows": result.rows,
            "columns": result.columns,
            "warnings": result.warnings,
        ]
        let suffix = unit.key
        if let value = result.objectiveValue { document["answer_\(suffix)"] = value }
        if let value = result.greedyValue { document["greedy_\(suffix)"] = value }
        if let value = result.bound { document["bound_\(suffix)"] = value }
        if let gap = result.gap { document["gap"] = gap }
        if let gain = result.gainOverGreedy { document["gain_over_greedy"] = gain }
        if includeSolveTime { document["solve_time_s"] = result.solveTime }
        if let why = result.infeasibility {
            document["infeasibility"] = ["step": why.step, "op": why.stepName, "tiers": why.tiers, "needed_bytes": why.neededBytes,
                                         "capacity_bytes": why.capacityBytes, "short_bytes": why.shortBytes, "message": why.description] as [String: Any]
        }
        if let cost = result.cost {
            document["totals"] = ["time_s": cost.time, "slow_tier_bytes": cost.slowTierBytes, "energy_j": cost.energy,
                                  "moved_bytes": cost.movedBytes,
                                  "bytes_by_tier": Dictionary(uniqueKeysWithValues: zip(problem.tiers.map(\.name), cost.bytesByTier))] as [String: Any]
        }
        if let plan = result.plan {
            let held = PlacementChecker.occupancy(of: plan, problem)
            document["tiers"] = problem.tiers.enumerated().map { m, tier in
                ["name": tier.name, "capacity_bytes": tier.capacity, "bandwidth_bytes_per_s": tier.bandwidth,
                 "occupancy_bytes": held[m]] as [String: Any]
            }
            document["tensors"] = problem.tensors.enumerated().map { t, tensor in
                ["name": tensor.name, "copies": tensor.count, "bytes": tensor.bytes, "birth_step": tensor.birth, "death_step": tensor.death,
                 "segments": tensor.segments(prefetchSteps: problem.prefetchSteps).enumerated().map { s, segment in
                     ["start_step": segment.start, "end_step": segment.end,
                      "copies_by_tier": Dictionary(uniqueKeysWithValues: zip(problem.tiers.map(\.name), plan.copies[t][s]))] as [String: Any]
                 }] as [String: Any]
            }
        }
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
