/// A marker type naming one physical ``Dimension`` at compile time, so that a
/// bandwidth can never be passed where a capacity is expected.
public protocol PhysicalDimension: Sendable {
    static var dimension: Dimension { get }
}

/// A value with a unit, stored in the SI base unit of its dimension.
///
/// `Quantity<ByteDimension>` (``Bytes``) holds bytes, ``BytesPerSecond`` bytes per
/// second, and so on. Parsing accepts the symbols in ``UnitTable``; printing picks
/// a decimal prefix so that the mantissa lies in [1, 1000).
public struct Quantity<D: PhysicalDimension>: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value in the SI base unit (``Dimension/baseSymbol``).
    public var value: Double

    public init(_ value: Double) { self.value = value }

    /// Parses text such as `80 GiB` or `3.35 TB/s`; throws when the unit is
    /// missing, unknown or of another dimension, or the number is negative or not finite.
    public init(parsing text: String) throws(QuantityError) {
        self.value = try QuantityParser.parse(text, as: D.dimension)
    }

    public static var dimension: Dimension { D.dimension }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.value + rhs.value) }
    public static func * (lhs: Self, rhs: Double) -> Self { Self(lhs.value * rhs) }
    public static var zero: Self { Self(0) }

    /// Human-readable text with 4 significant digits, e.g. `3.35 TB/s`.
    public var description: String { QuantityFormatter.format(value, D.dimension) }
}

extension Quantity: Codable {
    /// Encodes as the bare SI value; the unit is carried by the key name (`*_bytes`, `*_s`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public init(from decoder: any Decoder) throws {
        self.value = try decoder.singleValueContainer().decode(Double.self)
    }
}

public enum ByteDimension: PhysicalDimension { public static let dimension = Dimension.bytes }
public enum BandwidthDimension: PhysicalDimension { public static let dimension = Dimension.bytesPerSecond }
public enum ComputeRateDimension: PhysicalDimension { public static let dimension = Dimension.operationsPerSecond }
public enum TimeDimension: PhysicalDimension { public static let dimension = Dimension.seconds }
public enum EnergyDimension: PhysicalDimension { public static let dimension = Dimension.joules }
public enum EnergyPerByteDimension: PhysicalDimension { public static let dimension = Dimension.joulesPerByte }
public enum EnergyPerOperationDimension: PhysicalDimension { public static let dimension = Dimension.joulesPerOperation }
public enum PowerDimension: PhysicalDimension { public static let dimension = Dimension.watts }
public enum FrequencyDimension: PhysicalDimension { public static let dimension = Dimension.hertz }
public enum PriceDimension: PhysicalDimension { public static let dimension = Dimension.dollars }
public enum HourlyPriceDimension: PhysicalDimension { public static let dimension = Dimension.dollarsPerHour }
public enum ElectricityRateDimension: PhysicalDimension { public static let dimension = Dimension.dollarsPerKilowattHour }

public typealias Bytes = Quantity<ByteDimension>
public typealias BytesPerSecond = Quantity<BandwidthDimension>
public typealias OperationsPerSecond = Quantity<ComputeRateDimension>
public typealias Seconds = Quantity<TimeDimension>
public typealias Joules = Quantity<EnergyDimension>
public typealias JoulesPerByte = Quantity<EnergyPerByteDimension>
public typealias JoulesPerOperation = Quantity<EnergyPerOperationDimension>
public typealias Watts = Quantity<PowerDimension>
public typealias Hertz = Quantity<FrequencyDimension>
public typealias Dollars = Quantity<PriceDimension>
public typealias DollarsPerHour = Quantity<HourlyPriceDimension>
public typealias DollarsPerKilowattHour = Quantity<ElectricityRateDimension>

/// Dividing a size by a bandwidth gives a time, and so on: only the combinations
/// the engine needs, so that a unit slip fails to compile.
public func / (bytes: Bytes, bandwidth: BytesPerSecond) -> Seconds { Seconds(bytes.value / bandwidth.value) }
public func * (power: Watts, time: Seconds) -> Joules { Joules(power.value * time.value) }
