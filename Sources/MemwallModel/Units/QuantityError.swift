/// Why a piece of text is not a valid quantity. The description says what was
/// wrong and what was expected; the loader adds the file, line and key path.
public enum QuantityError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty(expected: Dimension)
    case malformedNumber(String, expected: Dimension)
    case missingUnit(String, expected: Dimension)
    case unknownUnit(String, expected: Dimension, suggestion: String?)
    case wrongDimension(unit: String, found: Dimension, expected: Dimension)
    case negative(String)
    case notFinite(String)
    case overflow(String)

    public var description: String {
        switch self {
        case let .empty(expected):
            return "empty value; expected \(expected.noun) like '\(expected.example)'"
        case let .malformedNumber(text, expected):
            return "'\(text)' does not start with a number; expected \(expected.noun) like '\(expected.example)'"
        case let .missingUnit(text, expected):
            return "'\(text)' has no unit; expected \(expected.noun) like '\(expected.example)'"
        case let .unknownUnit(unit, expected, suggestion):
            let hint = didYouMean(suggestion)
            return "unknown unit '\(unit)'\(hint); expected \(expected.noun) like '\(expected.example)'"
        case let .wrongDimension(unit, found, expected):
            return "unit '\(unit)' is \(found.noun), expected \(expected.noun) like '\(expected.example)'"
        case let .negative(text):
            return "'\(text)' is negative; expected a value >= 0"
        case let .notFinite(text):
            return "'\(text)' is not a finite number"
        case let .overflow(text):
            return "'\(text)' overflows a 64-bit float"
        }
    }
}
