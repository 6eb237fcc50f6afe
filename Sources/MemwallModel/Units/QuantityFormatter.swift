/// Prints SI values with a decimal prefix and a fixed number of significant digits.
public enum QuantityFormatter {
    /// `format(3.35e12, .bytesPerSecond)` is `"3.35 TB/s"`.
    public static func format(_ value: Double, _ dimension: Dimension, significantDigits: Int = 4) -> String {
        guard value.isFinite else { return "\(value)" }
        switch dimension {
        case .dollars: return "$" + number(value, significantDigits)
        case .dollarsPerHour: return "$" + number(value, significantDigits) + "/h"
        case .dollarsPerKilowattHour: return "$" + number(value, significantDigits) + "/kWh"
        default: break
        }
        let prefixes: [(String, Double)]
        switch dimension {
        case .seconds, .joulesPerByte, .joulesPerOperation:
            prefixes = [("", 1), ("m", 1e-3), ("u", 1e-6), ("n", 1e-9), ("p", 1e-12), ("f", 1e-15)]
        case .joules, .watts:
            prefixes = [("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3), ("", 1),
                        ("m", 1e-3), ("u", 1e-6), ("n", 1e-9), ("p", 1e-12)]
        default:
            prefixes = [("E", 1e18), ("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3), ("", 1)]
        }
        // Choose the prefix on the value as it will print, so 999.96e9 B is "1 TB", not "1000 GB".
        let magnitude = abs(roundedToSignificantDigits(value, significantDigits))
        let chosen = magnitude == 0 ? ("", 1.0) : prefixes.first { magnitude >= $0.1 } ?? prefixes[prefixes.count - 1]
        let scaled = magnitude == 0 ? 0 : value / chosen.1
        let symbol: String
        switch dimension {
        case .bytes: symbol = chosen.0 + "B"
        case .bytesPerSecond: symbol = chosen.0 + "B/s"
        case .operationsPerSecond: symbol = chosen.0 + "FLOPS"
        case .seconds: symbol = chosen.0 + "s"
        case .joules: symbol = chosen.0 + "J"
        case .joulesPerByte: symbol = chosen.0 + "J/B"
        case .joulesPerOperation: symbol = chosen.0 + "J/FLOP"
        case .watts: symbol = chosen.0 + "W"
        case .hertz: symbol = chosen.0 + "Hz"
        case .dollars, .dollarsPerHour, .dollarsPerKilowattHour: symbol = ""
        }
        return number(scaled, significantDigits) + " " + symbol
    }

    /// `value` rounded to `digits` significant digits.
    static func roundedToSignificantDigits(_ value: Double, _ digits: Int) -> Double {
        guard value.isFinite, value != 0 else { return value }
        let scale = pow(10, Double(digits - 1 - Int(floor(log10(abs(value))))))
        return (value * scale).rounded() / scale
    }

    /// A count with a decimal prefix: `1.074 G` for 1073741824 (FLOPs, tokens).
    public static func count(_ value: Double, significantDigits: Int = 4) -> String {
        let prefixes: [(String, Double)] = [("E", 1e18), ("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)]
        guard let chosen = prefixes.first(where: { abs(value) >= $0.1 }) else { return number(value, significantDigits) }
        return number(value / chosen.1, significantDigits) + " " + chosen.0
    }

    /// A plain number with at most `digits` significant digits and no trailing zeros.
    public static func number(_ value: Double, _ digits: Int = 4) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == 0 { return "0" }
        let magnitude = Int(floor(log10(abs(value))))
        let decimals = max(0, digits - 1 - magnitude)
        if magnitude >= 15 || magnitude < -4 {
            return String(format: "%.\(max(1, digits))g", value)   // %g's precision counts significant digits
        }
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

import Foundation
