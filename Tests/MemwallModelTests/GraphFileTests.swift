import Testing
@testable import MemwallModel

struct GraphFileTests {
    /// A two-layer MLP, x [b, s, 1024] -> h [b, s, 4096] -> y [b, s, 1024].
    static func mlp(ops: String? = nil, tensors: String? = nil, extra: String = "") -> String {
        let defaultTensors = """
          x:  { shape: [batch, seq_len, hidden], dtype: bf16, kind: input }
          w1: { shape: [hidden, ffn], dtype: bf16, kind: weight }
          h:  { shape: [batch, seq_len, ffn], dtype: bf16 }
          w2: { shape: [ffn, hidden], dtype: bf16, kind: weight }
          y:  { shape: [batch, seq_len, hidden], dtype: bf16 }
        """
        let defaultOps = """
          - { name: up, kind: matmul, inputs: [x, w1], outputs: [h] }
          - { name: down, kind: matmul, inputs: [h, w2], outputs: [y] }
        """
        return """
        schema_version: 1
        name: two-layer MLP
        description: test graph
        parameters: { batch: 8, seq_len: 512, hidden: 1024, ffn: 4096 }
        tokens: batch*seq_len
        \(extra)
        tensors:
        \(tensors ?? defaultTensors)
        ops:
        \(ops ?? defaultOps)
        """
    }

    @Test func validGraphLoads() throws {
        let workload = try loadWorkload(Self.mlp())
        #expect(workload.name == "two-layer MLP")
        #expect(workload.description == "test graph")
        #expect(workload.tensors.map(\.name) == ["x", "w1", "h", "w2", "y"])
        #expect(workload.tensors[0].shape == [8, 512, 1024])
        #expect(workload.tensors[0].kind == .input)
        #expect(workload.tensors[2].kind == .activation)   // the default kind
        #expect(workload.tensors[2].shape == [8, 512, 4096])
        #expect(workload.ops.map(\.name) == ["up", "down"])
        #expect(workload.ops[0].inputs == [0, 1])
        #expect(workload.ops[0].outputs == [2])
        #expect(workload.tokens == 8 * 512)
        // Weights: 2 x (1024 x 4096) bf16 elements at 2 bytes.
        #expect(workload.bytes(of: .weight) == 2 * 1024 * 4096 * 2)
        #expect(workload.bytes(of: .activation) == (8 * 512 * 4096 + 8 * 512 * 1024) * 2)
        #expect(workload.parameters.map(\.key) == ["batch", "seq_len", "hidden", "ffn"])
        #expect(workload.parameters.map(\.value) == ["8", "512", "1024", "4096"])
    }

    @Test func setOverridesAParameter() throws {
        let workload = try loadWorkload(Self.mlp(), set: ["batch=4", "seq_len = 128"])
        #expect(workload.tensors[0].shape == [4, 128, 1024])
        #expect(workload.tensors[4].shape == [4, 128, 1024])
        #expect(workload.tokens == 4 * 128)
        #expect(workload.parameters.first { $0.key == "batch" }?.value == "4")
        // Weights do not depend on the batch.
        #expect(workload.tensors[1].shape == [1024, 4096])
    }

    @Test func setOfAnUnknownParameterSuggestsTheNearest() {
        let error = specError { _ = try loadWorkload(Self.mlp(), set: ["bacth=4"]) }
        #expect(error?.file == "--set bacth=4")
        #expect(error?.message.hasPrefix("unknown parameter 'bacth' (did you mean 'batch'?)") == true)
        #expect(error?.message.contains("batch, seq_len, hidden, ffn") == true)
    }

    @Test func setOnAGraphWithoutParametersSaysSo() {
        let text = Self.mlp().replacingOccurrences(of: "parameters: { batch: 8, seq_len: 512, hidden: 1024, ffn: 4096 }\n", with: "")
            .replacingOccurrences(of: "batch", with: "8").replacingOccurrences(of: "seq_len", with: "512")
            .replacingOccurrences(of: "hidden", with: "1024").replacingOccurrences(of: "ffn", with: "4096")
        #expect(throws: Never.self) { try loadWorkload(text) }
        let error = specError { _ = try loadWorkload(text, set: ["batch=4"]) }
        #expect(error?.message == "unknown parameter 'batch'; this graph's parameters are none")
    }

    @Test func overflowingShapeExpressionIsRefused() {
        let tensors = """
          x:  { shape: ["9223372036854775807*2"], dtype: bf16, kind: input }
          y:  { shape: [2], dtype: bf16 }
        """
        let ops = "  - { name: f, kind: elementwise, inputs: [x], outputs: [y] }"
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops, tensors: tensors)) }
        #expect(error?.keyPath == "tensors.x.shape[0]")
        #expect(error?.message.hasPrefix("value overflows a 64-bit integer") == true)
    }

    @Test func setNeedsAWholeNumber() {
        let error = specError { _ = try loadWorkload(Self.mlp(), set: ["batch=four"]) }
        #expect(error?.file == "--set batch=four")
        #expect(error?.message.contains("expected a whole number") == true)
    }

    @Test func setToZeroMakesAZeroDimension() {
        let error = specError { _ = try loadWorkload(Self.mlp(), set: ["batch=0"]) }
        #expect(error?.keyPath == "tensors.x.shape[0]")
        #expect(error?.message.contains("expected a dimension of at least 1") == true)
    }

    @Test(arguments: ["batch", "=4", ""])
    func malformedSetIsRefused(_ text: String) {
        let error = specError { _ = try ParameterOverride(parsing: text) }
        #expect(error?.file == "--set")
        #expect(error?.message.contains("is not key=value") == true)
    }

    @Test func overrideParsing() throws {
        let override = try ParameterOverride(parsing: " batch = 16 ")
        #expect(override.key == "batch")
        #expect(try override.value.int() == 16)
    }

    @Test func danglingTensorReferenceSuggestsTheNearest() {
        let ops = """
          - { name: up, kind: matmul, inputs: [x, w1], outputs: [h] }
          - { name: down, kind: matmul, inputs: [hh, w2], outputs: [y] }
        """
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops)) }
        #expect(error?.keyPath == "ops[1].inputs[0]")
        #expect(error?.message.hasPrefix("op 'down' refers to tensor 'hh' which is not declared (did you mean 'h'?)") == true)
        #expect(error?.line != nil)
    }

    @Test func cycleBetweenTwoOpsIsRefused() {
        let tensors = """
          a: { shape: [4], dtype: fp32 }
          b: { shape: [4], dtype: fp32 }
        """
        let ops = """
          - { name: f, kind: elementwise, inputs: [a], outputs: [b] }
          - { name: g, kind: elementwise, inputs: [b], outputs: [a] }
        """
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops, tensors: tensors)) }
        #expect(error?.message.contains("form a cycle") == true)
        #expect(error?.message.contains("'f'") == true)
        #expect(error?.message.contains("'g'") == true)
        #expect(error?.keyPath.hasPrefix("ops[") == true)
    }

    @Test func opReadingItsOwnOutputIsRefused() {
        let tensors = "  a: { shape: [4], dtype: fp32 }"
        let ops = "  - { name: f, kind: elementwise, inputs: [a], outputs: [a] }"
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops, tensors: tensors)) }
        #expect(error?.keyPath == "ops[0]")
        #expect(error?.message.contains("reads and writes 'a'") == true)
    }

    @Test func activationReadButNeverWrittenIsRefused() {
        let ops = "  - { name: down, kind: matmul, inputs: [h, w2], outputs: [y] }"
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops)) }
        #expect(error?.keyPath == "ops[0]")
        #expect(error?.message.hasPrefix("activation 'h' is read by op 'down' but no op writes it") == true)
    }

    @Test func tensorWrittenTwiceIsRefused() {
        let ops = """
          - { name: up, kind: matmul, inputs: [x, w1], outputs: [h] }
          - { name: up2, kind: matmul, inputs: [x, w1], outputs: [h] }
          - { name: down, kind: matmul, inputs: [h, w2], outputs: [y] }
        """
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops)) }
        #expect(error?.keyPath == "ops[1]")
        #expect(error?.message.contains("is written by op 'up' and again by 'up2'") == true)
    }

    @Test func matmulInnerDimensionMismatchIsRefused() {
        let tensors = """
          x:  { shape: [batch, seq_len, hidden], dtype: bf16, kind: input }
          w1: { shape: [ffn, hidden], dtype: bf16, kind: weight }
          h:  { shape: [batch, seq_len, ffn], dtype: bf16 }
        """
        let ops = "  - { name: up, kind: matmul, inputs: [x, w1], outputs: [h] }"
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops, tensors: tensors)) }
        #expect(error?.keyPath == "ops[0]")
        #expect(error?.message.contains("inner dimensions differ") == true)
        // The same weight read transposed is fine: [x: .., 1024] x [4096, 1024]^T.
        let transposed = "  - { name: up, kind: matmul, inputs: [x, w1], outputs: [h], transpose_b: true }"
        #expect(throws: Never.self) { try loadWorkload(Self.mlp(ops: transposed, tensors: tensors)) }
    }

    @Test func matmulOutputOfTheWrongSizeIsRefused() {
        let tensors = """
          x:  { shape: [batch, seq_len, hidden], dtype: bf16, kind: input }
          w1: { shape: [hidden, ffn], dtype: bf16, kind: weight }
          h:  { shape: [batch, seq_len, hidden], dtype: bf16 }
        """
        let ops = "  - { name: up, kind: matmul, inputs: [x, w1], outputs: [h] }"
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops, tensors: tensors)) }
        // Expected 8 x 512 x 4096 = 16,777,216 output elements; h holds 8 x 512 x 1024 = 4,194,304.
        #expect(error?.message.contains("outputs hold 4194304 elements; expected 16777216") == true)
    }

    struct DimensionCase: CustomTestStringConvertible, Sendable {
        let expression: String
        let message: String
        var testDescription: String { expression }
    }

    @Test(arguments: [
        DimensionCase(expression: "batch-batch", message: "'batch-batch' is 0; expected a dimension of at least 1"),
        DimensionCase(expression: "hidden-ffn", message: "'hidden-ffn' is -3072; expected a dimension of at least 1"),
        DimensionCase(expression: "0", message: "'0' is 0"),
        DimensionCase(expression: "hidden/3", message: "1024/3 is not a whole number"),
        DimensionCase(expression: "hiden", message: "unknown parameter 'hiden' (did you mean 'hidden'?)"),
        DimensionCase(expression: "hidden*", message: "expression ends early"),
    ])
    func badDimensionExpression(_ c: DimensionCase) {
        let tensors = """
          x:  { shape: [\(c.expression), 2], dtype: bf16, kind: input }
          y:  { shape: [2], dtype: bf16 }
        """
        let ops = "  - { name: f, kind: elementwise, inputs: [x], outputs: [y] }"
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops, tensors: tensors)) }
        #expect(error?.keyPath == "tensors.x.shape[0]")
        #expect(error?.message.contains(c.message) == true, "\(error?.description ?? "")")
    }

    @Test func elementCountOverflowIsRefused() {
        // 2^32 x 2^32 = 2^64 elements: each dimension fits, the product does not.
        let tensors = """
          x: { shape: [4294967296, 4294967296], dtype: bf16, kind: input }
          y: { shape: [2], dtype: bf16 }
        """
        let ops = "  - { name: f, kind: elementwise, inputs: [x], outputs: [y] }"
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops, tensors: tensors)) }
        #expect(error?.keyPath == "tensors.x.shape")
        #expect(error?.message.contains("overflows") == true)
    }

    @Test func opsOutOfOrderAreSortedTopologically() throws {
        let ops = """
          - { name: down, kind: matmul, inputs: [h, w2], outputs: [y] }
          - { name: up, kind: matmul, inputs: [x, w1], outputs: [h] }
        """
        let workload = try loadWorkload(Self.mlp(ops: ops))
        #expect(workload.ops.map(\.name) == ["up", "down"])
    }

    @Test func independentOpsKeepFileOrder() throws {
        // c depends on a and b; d is independent and listed first. Kahn's algorithm taking the
        // lowest ready index gives d, a, b, c from file order d, c, a, b.
        let tensors = """
          i: { shape: [4], dtype: fp32, kind: input }
          p: { shape: [4], dtype: fp32 }
          q: { shape: [4], dtype: fp32 }
          r: { shape: [4], dtype: fp32 }
          s: { shape: [4], dtype: fp32 }
        """
        let ops = """
          - { name: d, kind: elementwise, inputs: [i], outputs: [s] }
          - { name: c, kind: elementwise, inputs: [p, q], outputs: [r] }
          - { name: a, kind: elementwise, inputs: [i], outputs: [p] }
          - { name: b, kind: elementwise, inputs: [i], outputs: [q] }
        """
        let workload = try loadWorkload(Self.mlp(ops: ops, tensors: tensors))
        #expect(workload.ops.map(\.name) == ["d", "a", "b", "c"])
    }

    @Test func opAttributesAreRead() throws {
        let tensors = """
          q: { shape: [batch, seq_len, 8, 64], dtype: bf16, kind: input }
          k: { shape: [batch, seq_len, 2, 64], dtype: bf16, kind: input }
          v: { shape: [batch, seq_len, 2, 64], dtype: bf16, kind: input }
          o: { shape: [batch, seq_len, 8, 64], dtype: bf16 }
          z: { shape: [batch, seq_len, 8, 64], dtype: bf16 }
        """
        let ops = """
          - { name: attn, kind: attention, inputs: [q, k, v], outputs: [o], causal: true, window: seq_len/2 }
          - { name: act, kind: elementwise, inputs: [o], outputs: [z], flops_per_element: 4 }
        """
        let workload = try loadWorkload(Self.mlp(ops: ops, tensors: tensors))
        #expect(workload.ops[0].kind == .attention)
        #expect(workload.ops[0].causal)
        #expect(workload.ops[0].window == 256)
        #expect(workload.ops[1].flopsPerElement == 4)
        #expect(workload.ops[1].causal == false)
    }

    @Test func unknownOpKindSuggestsTheNearest() {
        let ops = "  - { name: up, kind: matmull, inputs: [x, w1], outputs: [h] }"
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops)) }
        #expect(error?.keyPath == "ops[0].kind")
        #expect(error?.message.contains("(did you mean 'matmul'?)") == true)
    }

    @Test func duplicateOpNamesAreRefused() {
        let ops = """
          - { name: up, kind: matmul, inputs: [x, w1], outputs: [h] }
          - { name: up, kind: matmul, inputs: [h, w2], outputs: [y] }
        """
        let error = specError { _ = try loadWorkload(Self.mlp(ops: ops)) }
        #expect(error?.keyPath == "ops[1].name")
        #expect(error?.message.contains("duplicate op name 'up'") == true)
    }

    @Test func emptyOpListIsRefused() {
        let error = specError { _ = try loadWorkload(Self.mlp(ops: "  []")) }
        #expect(error?.keyPath == "ops")
        #expect(error?.message.contains("expected at least one op") == true)
    }

    @Test func unknownTopLevelKeyIsRefused() {
        let error = specError { _ = try loadWorkload(Self.mlp(extra: "parameter: { a: 1 }")) }
        #expect(error?.keyPath == "parameter")
        #expect(error?.message.contains("(did you mean 'parameters'?)") == true)
    }

    @Test func documentThatIsNoWorkloadIsRefused() {
        let error = specError { _ = try loadWorkload("name: x\nkind: gpu\n") }
        #expect(error?.message.hasPrefix("not a workload") == true)
    }

    /// Each tensor below has fewer than 2^63 elements (a: 2^50, b: 2^60), but a x b
    /// would have 2^70 = 1.1806e21: the mismatch message must print that count, not
    /// convert it to Int (which traps). Run in a child process so a trap fails only this test.
    @Test func hugeMismatchedMatmulIsReportedNotACrash() async {
        await #expect(processExitsWith: .success) {
            let text = """
            name: huge
            tensors:
              a: { shape: [1073741824, 1048576], dtype: bf16, kind: input }
              b: { shape: [1048576, 1099511627776], dtype: bf16, kind: weight }
              c: { shape: [1], dtype: bf16 }
            ops:
              - { name: mm, kind: matmul, inputs: [a, b], outputs: [c] }
            """
            do {
                _ = try WorkloadLoader.load(SpecDocument(text: text, file: "huge.yaml"))
                fatalError("expected a SpecError")
            } catch let error as SpecError {
                precondition(error.message.contains("outputs hold 1 elements; expected 1.181e+21"), error.message)
            } catch {
                fatalError("expected a SpecError, got \(error)")
            }
        }
    }
}
