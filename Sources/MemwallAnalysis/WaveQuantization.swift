import Foundation
import MemwallModel

/// How much of a device's parallel units an op keeps busy when its work is cut into thread
/// blocks that run in waves: `items / (ceil(items / units) x units)`. A grid of 4 blocks on 132
/// SMs uses 3% of the machine; 133 blocks take two waves and use 50%.
public enum WaveQuantization {
    /// The busy fraction of `units` over the waves `items` blocks need (1 when there is no work).
    public static func utilisation(items: Double, units: Double) -> Double {
        guard items >= 1, units >= 1 else { return 1 }
        let waves = (items / units).rounded(.up)
        return items / (waves * units)
    }

    /// GEMM `batch x (m x k) x (k x n)` in `tile.m x tile.n` output tiles; when the tiles do not fill
    /// the units, K is split into as many chunks of at least `tile.splitKMin` as fill them.
    public static func gemmUtilisation(m: Double, n: Double, k: Double, batch: Double, tile: Calibration.Tile,
                                       units: Double) -> Double {
        let tiles = batch * (m / Double(tile.m)).rounded(.up) * (n / Double(tile.n)).rounded(.up)
        var split = 1.0
        if tiles < units {
            split = max(1, min((units / tiles).rounded(.down), (k / Double(tile.splitKMin)).rounded(.down)))
        }
        return utilisation(items: tiles * split, units: units)
    }

    /// FlashAttention-2 forward: one block per (batch, query head, block of `tile.attentionRows` query rows).
    public static func attentionUtilisation(batch: Double, heads: Double, queries: Double, tile: Calibration.Tile,
                                            units: Double) -> Double {
        utilisation(items: batch * heads * (queries / Double(tile.attentionRows)).rounded(.up), units: units)
    }
}

/// A ``Calibration`` flattened for the engine's hot loop.
public struct CompiledCalibration: Sendable {
    public let calibration: Calibration
    public let units: Double
    /// `scale[engine][dtype][family]`: calibrated efficiency over the file's `efficiency`, the factor
    /// the engine's rate is multiplied by for that family.
    let scale: [[[Double]]]

    init(_ calibration: Calibration, engines: [ComputeEngine]) {
        self.calibration = calibration
        units = Double(calibration.parallelUnits)
        scale = engines.map { engine in
            DType.allCases.map { dtype in
                Calibration.Family.allCases.map { family in
                    (calibration.computeEfficiency(engine: engine.name, dtype: dtype, family: family) ?? engine.efficiency)
                        / engine.efficiency
                }
            }
        }
    }

    /// The factor on `engine`'s rate in `dtype` for `family`.
    @inline(__always)
    public func rateScale(engine: Int, dtype: DType, family: Calibration.Family) -> Double {
        scale[engine][DType.allCases.firstIndex(of: dtype)!][Calibration.Family.allCases.firstIndex(of: family)!]
    }

    /// Executed over useful work for `op`: under a causal mask a FlashAttention kernel computes whole
    /// `tile.attentionRows x tile.attentionKeys` blocks, those crossing the diagonal included, so it does more than
    /// the masked FLOP count (``OpCost/executedAttentionPairs``); 1 for every other op, for attention
    /// without a mask, and for standard attention (`tiled` false), which this does not model.
    public func executedWork(of op: Op, tensors: [TensorSpec], tiled: Bool = true) -> Double {
        guard tiled, op.kind == .attention, op.causal else { return 1 }
        let q = tensors[op.inputs[0]]
        let keys = OpCost.attentionKeys(of: op, tensors: tensors)
        let useful = OpCost.attentionPairs(queries: q.shape[1], keys: keys, causal: true, window: op.window)
        guard useful > 0 else { return 1 }
        let executed = OpCost.executedAttentionPairs(queries: q.shape[1], keys: keys, causal: true, window: op.window,
                                                     blockRows: calibration.tile.attentionRows, blockKeys: calibration.tile.attentionKeys)
        return executed / useful
    }

    /// Attention over a KV cache (5 inputs) for at most ``HierarchicalTraffic/defaultDecodeQueryLimit`` queries.
    static func isDecode(_ op: Op, tensors: [TensorSpec]) -> Bool {
        op.inputs.count == 5 && tensors[op.inputs[0]].shape[1] <= HierarchicalTraffic.defaultDecodeQueryLimit
    }

    /// The busy fraction of the units for `op` (1 for ops without a thread-block model). FlashAttention's
    /// blocks (`tiled`) run `tile.attentionSlotsPerUnit` to a unit; under a causal mask they do unequal work
    /// and are list-scheduled (``BlockSchedule``), otherwise they are equal and fill waves.
    public func utilisation(of op: Op, tensors: [TensorSpec], tiled: Bool = true) -> Double {
        let tile = calibration.tile
        switch op.kind {
        case .matmul:
            let a = tensors[op.inputs[0]], b = tensors[op.inputs[1]]
            let k = Double(a.shape[a.shape.count - 1])
            let n = Double(op.transposeB ? b.shape[0] : b.shape[1])
            return WaveQuantization.gemmUtilisation(m: a.elementCount / k, n: n, k: k, batch: 1, tile: tile, units: units)
        case .batchedMatmul:
            let a = tensors[op.inputs[0]], b = tensors[op.inputs[1]]
            let m = Double(a.shape[a.shape.count - 2]), k = Double(a.shape[a.shape.count - 1])
            let n = Double(b.shape[b.shape.count - 1])
            return WaveQuantization.gemmUtilisation(m: m, n: n, k: k, batch: a.elementCount / (m * k), tile: tile, units: units)
        case .attention:
            let q = tensors[op.inputs[0]]
            // Decode (a KV cache, a few queries) is split over the keys until the units are busy.
            if Self.isDecode(op, tensors: tensors) { return 1 }
            // Standard attention keeps one block per unit; FlashAttention's resident blocks multiply the slots.
            let slots = tiled ? units * Double(tile.attentionSlotsPerUnit) : units
            guard tiled, op.causal else {
                return WaveQuantization.attentionUtilisation(batch: Double(q.shape[0]), heads: Double(q.shape[2]),
                                                             queries: Double(q.shape[1]), tile: tile, units: slots)
            }
            let pattern = OpCost.executedPairsPerQueryBlock(queries: q.shape[1], keys: OpCost.attentionKeys(of: op, tensors: tensors),
                                                            window: op.window, blockRows: tile.attentionRows, blockKeys: tile.attentionKeys)
            return BlockSchedule.utilisation(pattern: pattern, groups: q.shape[0] * q.shape[2], slots: Int(slots))
        default:
            return 1
        }
    }
}
