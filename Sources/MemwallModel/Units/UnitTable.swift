/// The unit symbols memwall accepts, each with its dimension and factor to the SI base unit.
///
/// Decimal prefixes (kB, MB, GB, TB: powers of 1000) and binary prefixes
/// (KiB, MiB, GiB, TiB: powers of 1024) are distinct, as IEC 80000-13 defines them.
/// `KB` is read as decimal (1000 B), like `kB`; write `KiB` for 1024 B.
/// Symbols are case-sensitive: `mW` is a milliwatt and `MW` a megawatt.
enum UnitTable {
    struct Entry: Sendable {
        let symbol: String
        let dimension: Dimension
        let factor: Double
    }

    static let decimalPrefixes: [(String, Double)] = [
        ("", 1), ("k", 1e3), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ]
    static let binaryPrefixes: [(String, Double)] = [
        ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824),
        ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
    ]
    static let smallPrefixes: [(String, Double)] = [
        ("", 1), ("m", 1e-3), ("u", 1e-6), ("µ", 1e-6), ("n", 1e-9), ("p", 1e-12), ("f", 1e-15),
    ]

    /// Symbol → entry. Built once.
    static let bySymbol: [String: Entry] = {
        var table: [String: Entry] = [:]
        func add(_ symbol: String, _ dimension: Dimension, _ factor: Double) {
            table[symbol] = Entry(symbol: symbol, dimension: dimension, factor: factor)
        }
        for (prefix, factor) in decimalPrefixes + binaryPrefixes {
            add(prefix + "B", .bytes, factor)
            add(prefix + "B/s", .bytesPerSecond, factor)
        }
        for (prefix, factor) in decimalPrefixes {
            for rate in ["FLOPS", "FLOP/s", "OPS", "OP/s"] {
                add(prefix + rate, .operationsPerSecond, factor)
            }
            add(prefix + "Hz", .hertz, factor)
            add(prefix + "W", .watts, factor)
            add(prefix + "J", .joules, factor)
        }
        for (prefix, factor) in smallPrefixes {
            add(prefix + "s", .seconds, factor)
            add(prefix + "J/B", .joulesPerByte, factor)
            add(prefix + "J/bit", .joulesPerByte, factor * 8)
            add(prefix + "J/FLOP", .joulesPerOperation, factor)
            add(prefix + "J/op", .joulesPerOperation, factor)
            if !prefix.isEmpty {
                add(prefix + "W", .watts, factor)
                add(prefix + "J", .joules, factor)
            }
        }
        add("Wh", .joules, 3600)
        add("kWh", .joules, 3.6e6)
        add("min", .seconds, 60)
        add("h", .seconds, 3600)
        add("day", .seconds, 86_400)
        add("days", .seconds, 86_400)
        add("year", .seconds, 365 * 86_400)
        add("years", .seconds, 365 * 86_400)
        add("$", .dollars, 1)
        add("USD", .dollars, 1)
        add("$/h", .dollarsPerHour, 1)
        add("$/hr", .dollarsPerHour, 1)
        add("$/hour", .dollarsPerHour, 1)
        add("$/kWh", .dollarsPerKilowattHour, 1)
        return table
    }()

    /// Symbols of one dimension, for suggestions and docs.
    static func symbols(of dimension: Dimension) -> [String] {
        bySymbol.values.filter { $0.dimension == dimension }.map(\.symbol).sorted()
    }
}
