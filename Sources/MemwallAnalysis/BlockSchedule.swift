import HeapModule

/// Thread blocks of unequal work on a device's slots (units x resident blocks per unit), dispatched in
/// grid order, each to the slot that frees first: list scheduling, as a GPU's block scheduler hands
/// out a grid. A causal FlashAttention grid repeats one pattern of query blocks per (batch, head),
/// the later blocks scoring more keys, so its last wave leaves slots idle where equal blocks would
/// not. For equal blocks within ``simulatedBlockLimit`` the result is exactly the wave formula
/// ``WaveQuantization/utilisation(items:units:)`` (above it, within the tail's share of the time).
public enum BlockSchedule {
    /// Grids of more blocks than this are not simulated block by block: the schedule of as many whole
    /// groups as fit is, and its tail (the makespan past the work spread evenly) is carried over to the
    /// full grid, whose even share grows with the groups while the tail does not. 65,536 blocks keep one
    /// op under a millisecond (`memwall bench`); at that size a slot runs hundreds of blocks, so the tail
    /// is a fraction of a percent of the time.
    public static let simulatedBlockLimit = 65_536

    /// The busy fraction of `slots` over the makespan of `groups` copies of `pattern` (work per block,
    /// in grid order) run one group after another: total work / (makespan x slots); 1 without work.
    public static func utilisation(pattern: [Double], groups: Int, slots: Int, blockLimit: Int = simulatedBlockLimit) -> Double {
        let perGroup = pattern.reduce(0, +)
        guard groups > 0, slots > 0, perGroup > 0 else { return 1 }
        let total = perGroup * Double(groups)
        let simulated = min(groups, max(1, blockLimit / max(1, pattern.count)))
        var span = makespan(pattern: pattern, groups: simulated, slots: slots)
        if simulated < groups {
            let tail = span - perGroup * Double(simulated) / Double(slots)
            span = total / Double(slots) + max(0, tail)
        }
        return min(1, total / (span * Double(slots)))
    }

    /// The time the last slot finishes when `groups` copies of `pattern` are list-scheduled on `slots`.
    public static func makespan(pattern: [Double], groups: Int, slots: Int) -> Double {
        let blocks = Double(pattern.count) * Double(groups)   // no overflow for any count
        guard blocks > 0, slots > 0 else { return 0 }
        if blocks <= Double(slots) { return pattern.max() ?? 0 }
        // The first `slots` blocks start at once; each later block starts when the earliest slot frees.
        var free = Heap<Double>()
        var finish = 0.0
        var dispatched = 0
        for _ in 0..<groups {
            for work in pattern {
                let end = (dispatched < slots ? 0 : free.min ?? 0) + work
                if dispatched < slots {
                    free.insert(end)
                } else {
                    _ = free.replaceMin(with: end)
                }
                dispatched += 1
                finish = max(finish, end)
            }
        }
        return finish
    }
}
