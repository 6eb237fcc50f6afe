import MemwallModel

/// Says how many bytes an op moves across each tier boundary of a hardware.
///
/// One implementation per traffic model; the roofline engine asks it for the
/// bytes at every tier. `bytes[t]` is the traffic between tier `t` and the
/// compute side of it (for the nearest tier, the traffic into the engines).
public protocol IOModel: Sendable {
    /// How reports name the model.
    var name: String { get }

    /// Fills `bytes` (one slot per tier, nearest first, already zeroed).
    func bytesMoved(by op: Op, cost: OpCost, workload: Workload, hardware: CompiledHardware,
                    into bytes: inout UnsafeMutableBufferPointer<Double>)
}

/// Compulsory traffic: every byte an op reads or writes crosses every tier from
/// the main memory inward exactly once; tiers beyond main memory see nothing.
///
/// This is the least traffic any schedule can have when the operands live in
/// main memory and start cold, so it is a lower bound at each boundary and makes
/// memory times optimistic for ops whose working set exceeds the fast tiers.
/// Tiling-aware models (GEMM, FlashAttention) replace it per kernel family.
public struct CompulsoryTraffic: IOModel {
    public init() {}

    public var name: String { "compulsory" }

    public func bytesMoved(by op: Op, cost: OpCost, workload: Workload, hardware: CompiledHardware,
                           into bytes: inout UnsafeMutableBufferPointer<Double>) {
        let total = cost.compulsoryBytes
        for tier in 0...hardware.mainMemoryIndex { bytes[tier] = total }
    }
}
