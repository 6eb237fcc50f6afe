/// Reads `<number> <unit>` text into a value in SI base units.
///
/// Grammar: optional `$`, a decimal number (`12`, `3.35`, `1e-9`, digits may be
/// grouped with `_`), optional spaces, then a unit symbol from ``UnitTable``.
/// Prices put the `$` first: `$2.50/h`, `$25000`, `$0.12/kWh`.
public enum QuantityParser {
    public static func parse(_ raw: String, as expected: Dimension) throws(QuantityError) -> Double {
        let text = String(raw.trimmingWhitespace())
        guard !text.isEmpty else { throw .empty(expected: expected) }

        var rest = Substring(text)
        let dollar = rest.first == "$"
        if dollar { rest = rest.dropFirst() }

        let numberText = scanNumber(&rest)
        guard !numberText.isEmpty else {
            let lowered = text.lowercased()
            if lowered.contains("nan") || lowered.contains("inf") { throw .notFinite(text) }
            if text.hasPrefix("-") { throw .negative(text) }
            throw .malformedNumber(text, expected: expected)
        }
        guard let number = Double(numberText.replacingOccurrences(of: "_", with: "")) else {
            throw .malformedNumber(text, expected: expected)
        }
        if !number.isFinite { throw .overflow(text) }
        if number < 0 { throw .negative(text) }

        var unit = String(rest.trimmingWhitespace())
        if dollar { unit = "$" + unit }
        guard !unit.isEmpty else { throw .missingUnit(text, expected: expected) }
        guard let entry = UnitTable.bySymbol[unit] else {
            throw .unknownUnit(unit, expected: expected,
                               suggestion: nearest(unit, in: UnitTable.symbols(of: expected)))
        }
        guard entry.dimension == expected else {
            throw .wrongDimension(unit: unit, found: entry.dimension, expected: expected)
        }
        let value = number * entry.factor
        guard value.isFinite else { throw .overflow(text) }
        return value
    }

    /// Consumes the leading number (sign, digits, fraction, exponent) and returns its text.
    private static func scanNumber(_ s: inout Substring) -> String {
        var out = ""
        var index = s.startIndex
        func peek() -> Character? { index < s.endIndex ? s[index] : nil }
        func take() { out.append(s[index]); index = s.index(after: index) }

        if peek() == "-" || peek() == "+" { take() }
        var digits = 0
        while let c = peek(), c.isASCII, c.isNumber || (c == "_" && digits > 0) { take(); digits += 1 }
        if peek() == "." {
            take()
            while let c = peek(), c.isASCII, c.isNumber { take(); digits += 1 }
        }
        guard digits > 0 else { return "" }
        // An exponent only if digits follow: `5 EB` must stay a unit.
        if let c = peek(), c == "e" || c == "E" {
            var probe = s.index(after: index)
            if probe < s.endIndex, s[probe] == "-" || s[probe] == "+" { probe = s.index(after: probe) }
            if probe < s.endIndex, s[probe].isASCII, s[probe].isNumber {
                while index < probe { take() }
                while let d = peek(), d.isASCII, d.isNumber { take() }
            }
        }
        s = s[index...]
        return out
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        var slice = self[...]
        while let f = slice.first, f.isWhitespace { slice = slice.dropFirst() }
        while let l = slice.last, l.isWhitespace { slice = slice.dropLast() }
        return Substring(slice)
    }
}
