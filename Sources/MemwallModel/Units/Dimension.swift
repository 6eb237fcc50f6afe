/// The physical dimensions memwall reads and writes.
///
/// Every quantity in a hardware or workload file has exactly one of these.
/// Values are stored in the SI base unit named by ``baseSymbol``
/// (bytes, bytes per second, operations per second, seconds, ...).
public enum Dimension: String, Sendable, CaseIterable, Hashable {
    case bytes
    case bytesPerSecond
    case operationsPerSecond
    case seconds
    case joules
    case joulesPerByte
    case joulesPerOperation
    case watts
    case hertz
    case dollars
    case dollarsPerHour
    case dollarsPerKilowattHour

    /// What a person calls this dimension in an error message.
    public var noun: String {
        switch self {
        case .bytes: "a size"
        case .bytesPerSecond: "a bandwidth"
        case .operationsPerSecond: "a compute rate"
        case .seconds: "a duration"
        case .joules: "an energy"
        case .joulesPerByte: "an energy per byte"
        case .joulesPerOperation: "an energy per operation"
        case .watts: "a power"
        case .hertz: "a frequency"
        case .dollars: "a price"
        case .dollarsPerHour: "a price per hour"
        case .dollarsPerKilowattHour: "an electricity rate"
        }
    }

    /// An example value, used in error messages ("expected a bandwidth like '3.35 TB/s'").
    public var example: String {
        switch self {
        case .bytes: "80 GB"
        case .bytesPerSecond: "3.35 TB/s"
        case .operationsPerSecond: "989.4 TFLOPS"
        case .seconds: "1.2 ns"
        case .joules: "1.5 J"
        case .joulesPerByte: "5 pJ/B"
        case .joulesPerOperation: "0.5 pJ/FLOP"
        case .watts: "700 W"
        case .hertz: "1.98 GHz"
        case .dollars: "$25000"
        case .dollarsPerHour: "$2.50/h"
        case .dollarsPerKilowattHour: "$0.12/kWh"
        }
    }

    /// The symbol of the unit values are stored in.
    public var baseSymbol: String {
        switch self {
        case .bytes: "B"
        case .bytesPerSecond: "B/s"
        case .operationsPerSecond: "FLOPS"
        case .seconds: "s"
        case .joules: "J"
        case .joulesPerByte: "J/B"
        case .joulesPerOperation: "J/FLOP"
        case .watts: "W"
        case .hertz: "Hz"
        case .dollars: "$"
        case .dollarsPerHour: "$/h"
        case .dollarsPerKilowattHour: "$/kWh"
        }
    }
}
