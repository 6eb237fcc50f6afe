import MemwallModel

/// Times of the collectives parallel inference uses, from the standard bandwidth-latency
/// (alpha-beta) formulas; bytes are what each device contributes, and each device sends at
/// ``Link/groupBandwidthPerDirection(devices:)``: its whole link through a non-blocking switch
/// (NVSwitch), or on a full mesh (MI300X's Infinity Fabric) the links that reach the group.
///
/// Sources: ring all-reduce 2(n-1)/n x S / B + 2(n-1) alpha, Patarasuk and Yuan, "Bandwidth
/// optimal all-reduce algorithms for clusters of workstations", JPDC 69(2), 2009, and NCCL's
/// performance notes ("algbw" vs "busbw", factor 2(n-1)/n); all-to-all (n-1)/n x S / B +
/// (n-1) alpha, Thakur, Rabenseifner and Gropp, "Optimization of collective communication
/// operations in MPICH", IJHPCA 19(1), 2005 (pairwise exchange).
public enum Collectives {
    /// Ring all-reduce of `bytes` per device over `devices` devices.
    public static func ringAllReduce(bytes: Double, devices: Int, link: Link) -> Double {
        guard devices > 1 else { return 0 }
        let n = Double(devices)
        return 2 * (n - 1) / n * bytes / link.groupBandwidthPerDirection(devices: devices) + 2 * (n - 1) * alpha(link)
    }

    /// All-to-all where each device holds `bytes` and keeps 1/n of them.
    public static func allToAll(bytes: Double, devices: Int, link: Link) -> Double {
        guard devices > 1 else { return 0 }
        let n = Double(devices)
        return (n - 1) / n * bytes / link.groupBandwidthPerDirection(devices: devices) + (n - 1) * alpha(link)
    }

    /// One device sends `bytes` to the next.
    public static func pointToPoint(bytes: Double, link: Link) -> Double {
        bytes / link.groupBandwidthPerDirection(devices: 2) + alpha(link)
    }

    /// Per-message latency: the link's, or 0 when the file gives none (stated in the docs).
    static func alpha(_ link: Link) -> Double { link.latency?.value ?? 0 }
}
