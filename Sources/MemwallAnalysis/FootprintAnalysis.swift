import MemwallModel

/// Memory a workload needs resident at once.
public enum FootprintAnalysis {
    /// Weights and KV cache are resident throughout; activations and inputs live
    /// from the op that writes them (or the start, for inputs) to their last
    /// reader (or the end, for graph outputs). The activation figure is the peak
    /// of that live set over the op order.
    public static func footprint(of workload: Workload, in tier: MemoryTier) -> Footprint {
        Footprint(weightBytes: workload.bytes(of: .weight), kvCacheBytes: workload.bytes(of: .kvCache),
                  activationBytes: peakLiveActivationBytes(workload), tierName: tier.name,
                  capacityBytes: tier.totalCapacity.value)
    }

    public static func peakLiveActivationBytes(_ workload: Workload) -> Double {
        let count = workload.tensors.count
        let opCount = workload.ops.count
        var birth = [Int](repeating: -1, count: count)
        var death = [Int](repeating: -1, count: count)
        for (index, op) in workload.ops.enumerated() {
            for output in op.outputs where birth[output] < 0 { birth[output] = index }
            for input in op.inputs {
                if birth[input] < 0 { birth[input] = 0 }
                death[input] = index
            }
        }
        var delta = [Double](repeating: 0, count: opCount + 1)
        for (index, tensor) in workload.tensors.enumerated() where !tensor.kind.isResident && birth[index] >= 0 {
            let end = death[index] < birth[index] ? opCount - 1 : death[index]
            delta[birth[index]] += tensor.bytes
            delta[end + 1] -= tensor.bytes
        }
        var live = 0.0, peak = 0.0
        for step in 0..<opCount {
            live += delta[step]
            peak = max(peak, live)
        }
        return peak
    }
}
