/// Evaluates a shape dimension written as an integer expression over named
/// parameters, e.g. `batch*seq_len` or `(hidden/heads)*kv_heads`.
///
/// Grammar: `expr := term (('+'|'-') term)*`, `term := factor (('*'|'/') factor)*`,
/// `factor := integer | name | '(' expr ')'`. Division must be exact; overflow is an error.
public enum ShapeExpression {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case syntax(String)
        case unknownName(String, suggestion: String?)
        case inexactDivision(Int, Int)
        case divisionByZero
        case overflow

        public var description: String {
            switch self {
            case let .syntax(message): return message
            case let .unknownName(name, suggestion):
                return "unknown parameter '\(name)'" + didYouMean(suggestion)
            case let .inexactDivision(a, b): return "\(a)/\(b) is not a whole number"
            case .divisionByZero: return "division by zero"
            case .overflow: return "value overflows a 64-bit integer"
            }
        }
    }

    public static func evaluate(_ text: String, parameters: [String: Int]) throws(Failure) -> Int {
        var parser = Parser(chars: Array(text.unicodeScalars), parameters: parameters)
        let value = try parser.expression(depth: 0)
        parser.skipSpaces()
        guard parser.index == parser.chars.count else {
            throw .syntax("unexpected '\(String(parser.chars[parser.index]))' in '\(text)'")
        }
        return value
    }

    private struct Parser {
        let chars: [Unicode.Scalar]
        let parameters: [String: Int]
        var index = 0
        static let maximumDepth = 64

        mutating func skipSpaces() {
            while index < chars.count, chars[index] == " " { index += 1 }
        }

        mutating func expression(depth: Int) throws(Failure) -> Int {
            var value = try term(depth: depth)
            while true {
                skipSpaces()
                guard index < chars.count, chars[index] == "+" || chars[index] == "-" else { return value }
                let op = chars[index]
                index += 1
                let rhs = try term(depth: depth)
                let (result, overflow) = op == "+" ? value.addingReportingOverflow(rhs) : value.subtractingReportingOverflow(rhs)
                if overflow { throw .overflow }
                value = result
            }
        }

        mutating func term(depth: Int) throws(Failure) -> Int {
            var value = try factor(depth: depth)
            while true {
                skipSpaces()
                guard index < chars.count, chars[index] == "*" || chars[index] == "/" else { return value }
                let op = chars[index]
                index += 1
                let rhs = try factor(depth: depth)
                if op == "*" {
                    let (result, overflow) = value.multipliedReportingOverflow(by: rhs)
                    if overflow { throw .overflow }
                    value = result
                } else {
                    guard rhs != 0 else { throw .divisionByZero }
                    let (remainder, remainderOverflow) = value.remainderReportingOverflow(dividingBy: rhs)
                    let (quotient, quotientOverflow) = value.dividedReportingOverflow(by: rhs)
                    if remainderOverflow || quotientOverflow { throw .overflow }   // Int.min / -1
                    guard remainder == 0 else { throw .inexactDivision(value, rhs) }
                    value = quotient
                }
            }
        }

        mutating func factor(depth: Int) throws(Failure) -> Int {
            skipSpaces()
            guard depth < Self.maximumDepth else { throw .syntax("expression nested too deeply") }
            guard index < chars.count else { throw .syntax("expression ends early") }
            let c = chars[index]
            if c == "(" {
                index += 1
                let value = try expression(depth: depth + 1)
                skipSpaces()
                guard index < chars.count, chars[index] == ")" else { throw .syntax("missing ')'") }
                index += 1
                return value
            }
            if c.properties.numericType != nil, c.isASCII {
                var digits = ""
                while index < chars.count, chars[index].isASCII, chars[index].properties.numericType != nil {
                    digits.unicodeScalars.append(chars[index]); index += 1
                }
                guard let value = Int(digits) else { throw .overflow }
                return value
            }
            if c == "_" || c.properties.isAlphabetic {
                var name = ""
                while index < chars.count, chars[index] == "_" || chars[index].properties.isAlphabetic
                        || (chars[index].isASCII && chars[index].properties.numericType != nil) {
                    name.unicodeScalars.append(chars[index]); index += 1
                }
                guard let value = parameters[name] else {
                    throw .unknownName(name, suggestion: nearest(name, in: parameters.keys.sorted()))
                }
                return value
            }
            throw .syntax("unexpected '\(String(c))'")
        }
    }
}
