/// Bytes read from and written to a slow tier by a kernel running against a
/// fast tier of a given capacity.
public struct Traffic: Sendable, Hashable {
    public var readBytes: Double
    public var writeBytes: Double

    public init(readBytes: Double = 0, writeBytes: Double = 0) {
        self.readBytes = readBytes
        self.writeBytes = writeBytes
    }

    public var totalBytes: Double { readBytes + writeBytes }

    public static func + (a: Traffic, b: Traffic) -> Traffic {
        Traffic(readBytes: a.readBytes + b.readBytes, writeBytes: a.writeBytes + b.writeBytes)
    }

    public static func * (a: Traffic, times: Double) -> Traffic {
        Traffic(readBytes: a.readBytes * times, writeBytes: a.writeBytes * times)
    }
}

/// Lower bounds on the traffic of any algorithm in a kernel family.
public struct IOBound: Sendable, Hashable {
    /// Provably valid for every algorithm in the family (constants derived in the docs).
    public var certifiedBytes: Double
    /// The leading term of the best known bound, with the published constant (Θ-form where
    /// only the order is known); the ratio algorithm / this says how far from optimal.
    public var leadingBytes: Double
    /// Which regime or theorem `leadingBytes` comes from.
    public var regime: String
}

/// The IO model of one kernel family: the exact traffic of a named algorithm for
/// a fast tier of `fastMemoryBytes`, and the family's lower bounds.
///
/// Models count in bytes with an element size per operand; with every element
/// size 1 the counts are words, the unit of the IO-complexity literature and of
/// the reference executor.
public protocol KernelIOModel: Sendable {
    /// Algorithm name (`tiled`, `flash1`, `flash2`, `standard`, ...).
    var algorithm: String { get }
    /// Exact traffic of the algorithm's loop nest; nil when the fast tier is too small for it.
    func traffic(fastMemoryBytes: Double) -> Traffic?
    /// Bounds for every algorithm computing the same result.
    func lowerBound(fastMemoryBytes: Double) -> IOBound
    /// Reading every input once and writing every output once.
    var compulsory: Traffic { get }
}
