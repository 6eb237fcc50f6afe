import Testing
@testable import MemwallModel

struct ShapeExpressionTests {
    static let parameters = ["batch": 8, "seq_len": 512, "hidden": 4096, "heads": 32, "kv_heads": 8, "x1_y": 3]

    struct Case: CustomTestStringConvertible, Sendable {
        let text: String
        let expected: Int
        var testDescription: String { "'\(text)'" }
    }

    static let valid: [Case] = [
        Case(text: "7", expected: 7),
        Case(text: "0", expected: 0),
        Case(text: "2+3*4", expected: 14),                 // * binds tighter than +
        Case(text: "(2+3)*4", expected: 20),
        Case(text: "2*3+4*5", expected: 26),
        Case(text: "10-4-3", expected: 3),                 // left associative: (10-4)-3
        Case(text: "64/4/2", expected: 8),                 // (64/4)/2, not 64/(4/2) = 32
        Case(text: "64/(4/2)", expected: 32),
        Case(text: "2-5", expected: -3),
        Case(text: "12/4*3", expected: 9),                 // (12/4)*3
        Case(text: " 2 * ( 3 + 4 ) ", expected: 14),
        Case(text: "((((1))))", expected: 1),
        Case(text: "batch*seq_len", expected: 8 * 512),
        Case(text: "(hidden/heads)*kv_heads", expected: 4096 / 32 * 8),
        Case(text: "hidden/heads*kv_heads", expected: 1024),
        Case(text: "batch*seq_len*hidden", expected: 8 * 512 * 4096),
        Case(text: "x1_y+1", expected: 4),                 // names may hold digits and underscores
        Case(text: "9223372036854775807", expected: Int.max),
        Case(text: "9223372036854775806+1", expected: Int.max),
        Case(text: "0-9223372036854775807-1", expected: Int.min),
    ]

    @Test(arguments: valid)
    func evaluates(_ c: Case) throws {
        #expect(try ShapeExpression.evaluate(c.text, parameters: Self.parameters) == c.expected)
    }

    struct ErrorCase: CustomTestStringConvertible, Sendable {
        let text: String
        let expected: ShapeExpression.Failure
        var testDescription: String { "'\(text)'" }
    }

    static let invalid: [ErrorCase] = [
        ErrorCase(text: "btach*2", expected: .unknownName("btach", suggestion: "batch")),
        ErrorCase(text: "seqlen", expected: .unknownName("seqlen", suggestion: "seq_len")),
        ErrorCase(text: "vocabulary", expected: .unknownName("vocabulary", suggestion: nil)),
        ErrorCase(text: "7/2", expected: .inexactDivision(7, 2)),
        ErrorCase(text: "hidden/3", expected: .inexactDivision(4096, 3)),
        ErrorCase(text: "4/0", expected: .divisionByZero),
        ErrorCase(text: "4/(batch-8)", expected: .divisionByZero),
        ErrorCase(text: "9223372036854775807*2", expected: .overflow),
        ErrorCase(text: "9223372036854775807+1", expected: .overflow),
        ErrorCase(text: "0-9223372036854775807-2", expected: .overflow),
        ErrorCase(text: "9223372036854775808", expected: .overflow),   // Int.max + 1 as a literal
        ErrorCase(text: "4294967296*4294967296", expected: .overflow), // 2^32 * 2^32 = 2^64
    ]

    @Test(arguments: invalid)
    func refuses(_ c: ErrorCase) {
        #expect(throws: c.expected) {
            try ShapeExpression.evaluate(c.text, parameters: Self.parameters)
        }
    }

    @Test(arguments: ["", "2+", "(2", "2)", "2**3", "-3", "2 3", "batch seq_len", "2\t*3", "#"])
    func syntaxErrors(_ text: String) {
        do {
            let value = try ShapeExpression.evaluate(text, parameters: Self.parameters)
            Issue.record("'\(text)' evaluated to \(value)")
        } catch {
            guard case .syntax = error else {
                Issue.record("'\(text)': expected a syntax error, got \(error)")
                return
            }
        }
    }

    static func nested(_ depth: Int) -> String {
        String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
    }

    @Test func moderateNestingIsFine() throws {
        #expect(try ShapeExpression.evaluate(Self.nested(32), parameters: [:]) == 1)
    }

    @Test(arguments: [200, 100_000])
    func deepNestingIsRefusedNotACrash(_ depth: Int) {
        #expect(throws: ShapeExpression.Failure.syntax("expression nested too deeply")) {
            try ShapeExpression.evaluate(Self.nested(depth), parameters: [:])
        }
    }

    @Test func failureDescriptions() {
        #expect(ShapeExpression.Failure.unknownName("btach", suggestion: "batch").description
            == "unknown parameter 'btach' (did you mean 'batch'?)")
        #expect(ShapeExpression.Failure.inexactDivision(7, 2).description == "7/2 is not a whole number")
    }

    /// Int.min / -1 does not fit in an Int. The evaluator checks + - * for overflow,
    /// but the '/' branch computes `value % rhs` and `value /= rhs` unchecked, and
    /// Swift traps on both for Int.min and -1, so this input kills the process
    /// (exit tests run it in a child process).
    @Test func dividingIntMinByMinusOneIsAnOverflowNotACrash() async {
        await #expect(processExitsWith: .success) {
            do {
                _ = try ShapeExpression.evaluate("(0-9223372036854775807-1)/(0-1)", parameters: [:])
            } catch ShapeExpression.Failure.overflow {
            } catch {
                fatalError("expected .overflow")
            }
        }
    }
}
