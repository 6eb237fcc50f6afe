import Foundation
import MemwallAnalysis

/// The JSON contract of `memwall analyze` (see README "Output"): one object with
/// `schema_version`, `hardware`, `workload`, `ops`, `totals`, `footprint` and
/// `warnings`; every number has its unit in its key; byte counts keyed by tier.
public enum AnalysisJSON {
    public static func render(_ result: AnalysisResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Document(result))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Parses JSON produced by ``render(_:)`` back into its document (used by tests and tools).
    public static func decode(_ text: String) throws -> Document {
        try JSONDecoder().decode(Document.self, from: Data(text.utf8))
    }

    public struct Document: Codable, Equatable, Sendable {
        public var schema_version: Int
        public var hardware: HardwareInfo
        public var workload: WorkloadInfo
        public var ops: [OpEntry]
        public var totals: TotalsEntry
        public var footprint: FootprintEntry
        public var warnings: [String]

        init(_ r: AnalysisResult) {
            schema_version = reportSchemaVersion
            hardware = HardwareInfo(name: r.hardwareName, id: r.hardwareID, tiers: r.tierNames,
                                    main_memory: r.tierNames[r.mainMemoryIndex])
            workload = WorkloadInfo(name: r.workloadName,
                                    parameters: Dictionary(r.workloadParameters.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                                    io_model: r.ioModel)
            let tiers = r.tierNames
            func byTier(_ values: [Double]) -> [String: Double] {
                Dictionary(uniqueKeysWithValues: zip(tiers, values))
            }
            ops = r.ops.map { op in
                var bounds = byTier(op.memoryTimeByTier)
                bounds["compute"] = op.computeTime
                bounds["latency"] = op.latencyTime
                return OpEntry(name: op.name, kind: op.kind.rawValue, engine: op.engine, compute_dtype: op.computeDType.rawValue,
                               flops: op.flops, bytes_by_tier: byTier(op.bytesByTier), time_by_bound_s: bounds,
                               overhead_s: op.overheadTime, time_s: op.time, bound: op.bound.name(tiers: tiers),
                               arithmetic_intensity_flops_per_byte: op.arithmeticIntensity, energy_j: op.energy)
            }
            let t = r.totals
            totals = TotalsEntry(
                flops: t.flops, bytes_by_tier: byTier(t.bytesByTier), time_s: t.time,
                time_in_ops_bound_by_s: Dictionary(uniqueKeysWithValues: t.timeByBound.map { ($0.key.name(tiers: tiers), $0.value) }),
                bound: t.bound.name(tiers: tiers), energy_j: t.energy, energy_at_tdp_j: t.energyAtTDP, cost_usd: t.cost,
                cost_usd_per_million_tokens: t.costPerMillionTokens,
                tokens: t.tokens, tokens_per_s: t.tokensPerSecond, achieved_flops_per_s: t.achievedFlopsPerSecond)
            let f = r.footprint
            footprint = FootprintEntry(tier: f.tierName, weights_bytes: f.weightBytes, kv_cache_bytes: f.kvCacheBytes,
                                       activations_bytes: f.activationBytes, total_bytes: f.totalBytes,
                                       capacity_bytes: f.capacityBytes, fits: f.fits, shortfall_bytes: f.shortfallBytes)
            warnings = r.warnings
        }
    }

    public struct HardwareInfo: Codable, Equatable, Sendable {
        public var name: String
        public var id: String
        public var tiers: [String]
        public var main_memory: String
    }

    public struct WorkloadInfo: Codable, Equatable, Sendable {
        public var name: String
        public var parameters: [String: String]
        public var io_model: String
    }

    public struct OpEntry: Codable, Equatable, Sendable {
        public var name: String
        public var kind: String
        public var engine: String?
        public var compute_dtype: String
        public var flops: Double
        public var bytes_by_tier: [String: Double]
        public var time_by_bound_s: [String: Double]
        public var overhead_s: Double
        public var time_s: Double
        public var bound: String
        public var arithmetic_intensity_flops_per_byte: Double
        public var energy_j: Double
    }

    public struct TotalsEntry: Codable, Equatable, Sendable {
        public var flops: Double
        public var bytes_by_tier: [String: Double]
        public var time_s: Double
        /// Seconds spent in ops whose binding bound is each key.
        public var time_in_ops_bound_by_s: [String: Double]
        public var bound: String
        public var energy_j: Double
        public var energy_at_tdp_j: Double?
        public var cost_usd: Double?
        public var cost_usd_per_million_tokens: Double?
        public var tokens: Int?
        public var tokens_per_s: Double?
        public var achieved_flops_per_s: Double
    }

    public struct FootprintEntry: Codable, Equatable, Sendable {
        public var tier: String
        public var weights_bytes: Double
        public var kv_cache_bytes: Double
        public var activations_bytes: Double
        public var total_bytes: Double
        public var capacity_bytes: Double
        public var fits: Bool
        public var shortfall_bytes: Double
    }
}
