@_exported import MemwallNumerics

extension String {
    /// FNV-1a of the UTF-8 bytes: a seed that is stable across runs (`hashValue` is not).
    public var stableHash: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
