import Testing
@testable import MemwallModel

/// Expected values are written out from the SI / IEC definitions of the prefixes
/// (k = 10^3 ... E = 10^18, Ki = 2^10 ... Pi = 2^50, p = 10^-12, 1 byte = 8 bits,
/// 1 year = 365 days of 86,400 s, as UnitTable documents).
struct QuantityParserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let text: String
        let dimension: MemwallModel.Dimension
        let expected: Double
        var testDescription: String { "'\(text)' as \(dimension)" }
    }

    static let gib = 1024.0 * 1024.0 * 1024.0

    static let valid: [Case] = [
        Case(text: "80 GB", dimension: .bytes, expected: 80e9),
        Case(text: "80 GiB", dimension: .bytes, expected: 80 * gib),           // 85,899,345,920
        Case(text: "163 KiB", dimension: .bytes, expected: 163 * 1024),
        Case(text: "50 MiB", dimension: .bytes, expected: 52_428_800),          // deviceQuery L2 size on H100
        Case(text: "1 KB", dimension: .bytes, expected: 1000),                  // KB is decimal, like kB
        Case(text: "2 TiB", dimension: .bytes, expected: 2 * 1024 * gib),
        Case(text: "3.35 TB/s", dimension: .bytesPerSecond, expected: 3.35e12),
        Case(text: "1555 GB/s", dimension: .bytesPerSecond, expected: 1.555e12),
        Case(text: "989.4 TFLOPS", dimension: .operationsPerSecond, expected: 989.4e12),
        Case(text: "624 TOPS", dimension: .operationsPerSecond, expected: 624e12),
        Case(text: "19.5 TFLOP/s", dimension: .operationsPerSecond, expected: 19.5e12),
        Case(text: "1.2 ns", dimension: .seconds, expected: 1.2e-9),
        Case(text: "1.2ns", dimension: .seconds, expected: 1.2e-9),
        Case(text: "1e-9 s", dimension: .seconds, expected: 1e-9),
        Case(text: "2 h", dimension: .seconds, expected: 7200),
        Case(text: "4 years", dimension: .seconds, expected: 4 * 365 * 86_400),  // 126,144,000 s
        Case(text: "1 year", dimension: .seconds, expected: 31_536_000),
        Case(text: "5 pJ/B", dimension: .joulesPerByte, expected: 5e-12),
        Case(text: "3.9 pJ/bit", dimension: .joulesPerByte, expected: 31.2e-12),  // 3.9 pJ x 8 bit/B
        Case(text: "3.97 pJ/bit", dimension: .joulesPerByte, expected: 31.76e-12),
        Case(text: "0.5 pJ/FLOP", dimension: .joulesPerOperation, expected: 0.5e-12),
        Case(text: "1.5 kWh", dimension: .joules, expected: 1.5 * 3.6e6),
        Case(text: "700 W", dimension: .watts, expected: 700),
        Case(text: "100 mW", dimension: .watts, expected: 0.1),                 // milli, case-sensitive
        Case(text: "100 MW", dimension: .watts, expected: 1e8),                 // mega
        Case(text: "1.98 GHz", dimension: .hertz, expected: 1.98e9),
        Case(text: "$2.50/h", dimension: .dollarsPerHour, expected: 2.5),
        Case(text: "2.50 $/h", dimension: .dollarsPerHour, expected: 2.5),
        Case(text: "$25000", dimension: .dollars, expected: 25_000),
        Case(text: "25000 USD", dimension: .dollars, expected: 25_000),
        Case(text: "$0.12/kWh", dimension: .dollarsPerKilowattHour, expected: 0.12),
        Case(text: "1_000 MB", dimension: .bytes, expected: 1e9),               // digit grouping
        Case(text: "5EB", dimension: .bytes, expected: 5e18),                   // 'E' is a prefix, not an exponent
        Case(text: "1.5e3 GB", dimension: .bytes, expected: 1.5e12),
        Case(text: "  80 GB \t", dimension: .bytes, expected: 80e9),            // surrounding whitespace
        Case(text: "0 B", dimension: .bytes, expected: 0),
    ]

    @Test(arguments: valid)
    func parsesToSIBaseUnits(_ c: Case) throws {
        let value = try QuantityParser.parse(c.text, as: c.dimension)
        #expect(isClose(value, c.expected), "\(c.text) -> \(value), expected \(c.expected)")
    }

    @Test func typedInitialisersUseTheirDimension() throws {
        #expect(try Bytes(parsing: "80 GiB").value == 85_899_345_920)
        #expect(isClose(try BytesPerSecond(parsing: "3.35 TB/s").value, 3.35e12))
        #expect(isClose(try OperationsPerSecond(parsing: "989.4 TFLOPS").value, 9.894e14))
        #expect(isClose(try Seconds(parsing: "1.2 ns").value, 1.2e-9))
        #expect(isClose(try JoulesPerByte(parsing: "3.9 pJ/bit").value, 3.12e-11))
        #expect(try Watts(parsing: "700 W").value == 700)
        #expect(try DollarsPerHour(parsing: "$2.50/h").value == 2.5)
        #expect(try Dollars(parsing: "$25000").value == 25_000)
        #expect(try DollarsPerKilowattHour(parsing: "$0.12/kWh").value == 0.12)
        // The same text is refused where the dimension differs.
        #expect(throws: QuantityError.wrongDimension(unit: "GiB", found: .bytes, expected: .bytesPerSecond)) {
            try BytesPerSecond(parsing: "80 GiB")
        }
    }

    @Test func quantityArithmeticKeepsUnitsStraight() throws {
        // 80 GiB streamed at 3.35 TB/s: 85,899,345,920 / 3.35e12 s.
        let time = try Bytes(parsing: "80 GiB") / BytesPerSecond(parsing: "3.35 TB/s")
        #expect(isClose(time.value, 85_899_345_920 / 3.35e12))
        // 700 W for 2 h = 5.04 MJ.
        let energy = try Watts(parsing: "700 W") * Seconds(parsing: "2 h")
        #expect(isClose(energy.value, 5.04e6))
        #expect((Bytes(1) + Bytes(2)).value == 3)
        #expect((Bytes(3) * 2.5).value == 7.5)
        #expect(Bytes(1) < Bytes(2))
    }

    // MARK: Errors

    struct ErrorCase: CustomTestStringConvertible, Sendable {
        let text: String
        let dimension: MemwallModel.Dimension
        let expected: QuantityError
        var testDescription: String { "'\(text)' as \(dimension)" }
    }

    static let invalid: [ErrorCase] = [
        ErrorCase(text: "80", dimension: .bytes, expected: .missingUnit("80", expected: .bytes)),
        ErrorCase(text: "$", dimension: .dollars, expected: .malformedNumber("$", expected: .dollars)),
        ErrorCase(text: "80 GBs", dimension: .bytes,
                  expected: .unknownUnit("GBs", expected: .bytes, suggestion: "GB")),
        ErrorCase(text: "3.35 tb/s", dimension: .bytesPerSecond,
                  expected: .unknownUnit("tb/s", expected: .bytesPerSecond, suggestion: "TB/s")),
        ErrorCase(text: "12 parsecs", dimension: .bytes,
                  expected: .unknownUnit("parsecs", expected: .bytes, suggestion: nil)),
        ErrorCase(text: "80 GB", dimension: .bytesPerSecond,
                  expected: .wrongDimension(unit: "GB", found: .bytes, expected: .bytesPerSecond)),
        ErrorCase(text: "1.2 ns", dimension: .bytes,
                  expected: .wrongDimension(unit: "ns", found: .seconds, expected: .bytes)),
        ErrorCase(text: "$2.50/h", dimension: .dollars,
                  expected: .wrongDimension(unit: "$/h", found: .dollarsPerHour, expected: .dollars)),
        ErrorCase(text: "-80 GB", dimension: .bytes, expected: .negative("-80 GB")),
        ErrorCase(text: "$-5", dimension: .dollars, expected: .negative("$-5")),
        ErrorCase(text: "nan", dimension: .bytes, expected: .notFinite("nan")),
        ErrorCase(text: "NaN GB", dimension: .bytes, expected: .notFinite("NaN GB")),
        ErrorCase(text: "inf", dimension: .bytesPerSecond, expected: .notFinite("inf")),
        ErrorCase(text: "-inf B", dimension: .bytes, expected: .notFinite("-inf B")),
        ErrorCase(text: "1e400 B", dimension: .bytes, expected: .overflow("1e400 B")),
        // Finite number, infinite after scaling by the prefix: 1e300 x 1e18.
        ErrorCase(text: "1e300 EB", dimension: .bytes, expected: .overflow("1e300 EB")),
        ErrorCase(text: "", dimension: .bytes, expected: .empty(expected: .bytes)),
        ErrorCase(text: "   ", dimension: .watts, expected: .empty(expected: .watts)),
        ErrorCase(text: "GB", dimension: .bytes, expected: .malformedNumber("GB", expected: .bytes)),
    ]

    @Test(arguments: invalid)
    func refusesBadText(_ c: ErrorCase) {
        #expect(throws: c.expected) {
            try QuantityParser.parse(c.text, as: c.dimension)
        }
    }

    @Test func errorDescriptionsSayWhatWasExpected() {
        #expect(QuantityError.missingUnit("80", expected: .bytes).description
            == "'80' has no unit; expected a size like '80 GB'")
        #expect(QuantityError.unknownUnit("GBs", expected: .bytes, suggestion: "GB").description
            == "unknown unit 'GBs' (did you mean 'GB'?); expected a size like '80 GB'")
        #expect(QuantityError.unknownUnit("parsecs", expected: .bytes, suggestion: nil).description
            == "unknown unit 'parsecs'; expected a size like '80 GB'")
        #expect(QuantityError.wrongDimension(unit: "GB", found: .bytes, expected: .bytesPerSecond).description
            == "unit 'GB' is a size, expected a bandwidth like '3.35 TB/s'")
    }

    /// Every dimension's own example (used in its error messages) must parse as that dimension.
    @Test(arguments: MemwallModel.Dimension.allCases)
    func eachDimensionsExampleParses(_ dimension: MemwallModel.Dimension) throws {
        let value = try QuantityParser.parse(dimension.example, as: dimension)
        #expect(value > 0)
        // ...and the base symbol is itself a unit of that dimension with factor 1.
        let symbol = dimension.baseSymbol
        let text = symbol.hasPrefix("$") ? "$7" + symbol.dropFirst() : "7 " + symbol
        let parsed = try QuantityParser.parse(text, as: dimension)
        #expect(parsed == 7)
    }
}
