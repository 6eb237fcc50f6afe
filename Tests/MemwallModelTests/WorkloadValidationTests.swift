import Testing
@testable import MemwallModel

/// `Workload.validatedOrder` on graphs built in code: shape rules per op kind,
/// producers, and the order it returns.
struct WorkloadValidationTests {
    static func t(_ name: String, _ shape: [Int], _ kind: TensorKind = .activation, _ dtype: DType = .bf16) -> TensorSpec {
        TensorSpec(name: name, shape: shape, dtype: dtype, kind: kind)
    }

    static func issue(_ tensors: [TensorSpec], _ ops: [Op]) -> GraphIssue? {
        do {
            _ = try Workload.validatedOrder(tensors: tensors, ops: ops)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Tensors and dtypes

    @Test func tensorSizes() {
        let x = Self.t("x", [8, 512, 4096])
        #expect(x.elementCount == 8 * 512 * 4096)
        #expect(x.bytes == 8 * 512 * 4096 * 2)
        #expect(Self.t("w", [4096, 4096], .weight, .int4).bytes == 4096 * 4096 / 2)
        #expect(Self.t("w", [3, 5], .weight, .fp8).bytes == 15)
        #expect(Self.t("w", [3, 5], .weight, .fp32).bytes == 60)
        #expect(Self.t("s", [1]).elementCount == 1)
    }

    @Test(arguments: [
        (DType.fp64, 64), (.fp32, 32), (.tf32, 32), (.bf16, 16), (.fp16, 16), (.fp8, 8),
        (.int64, 64), (.int32, 32), (.int8, 8), (.int4, 4),
    ])
    func dtypeWidths(_ dtype: DType, _ bits: Int) {
        #expect(dtype.bits == bits)
        #expect(dtype.bytes == Double(bits) / 8)
    }

    /// `widerCompute` promises "the same values computed at a wider precision".
    @Test(arguments: DType.allCases.filter { $0 != .int64 })
    func widerComputeIsWider(_ dtype: DType) {
        for wider in dtype.widerCompute {
            #expect(wider.bits >= dtype.bits, "\(wider) is not wider than \(dtype)")
            #expect(wider != dtype)
        }
    }

    @Test func int64FallsBackOnlyToWiderTypes() {
        // DType.swift: `case .int32, .int64: [.fp32, .fp64]` offers 32-bit fp32 for 64-bit int64.
        #expect(DType.int64.widerCompute.allSatisfy { $0.bits >= 64 })
    }

    @Test func kvCacheAndWeightsAreResident() {
        #expect(TensorKind.allCases.filter(\.isResident) == [.weight, .kvCache])
    }

    @Test func opClasses() {
        #expect(OpKind.allCases.filter { $0.opClass == .matrix } == [.matmul, .batchedMatmul, .expertMatmul, .attention])
    }

    @Test func workloadBytesSumByKind() {
        let tensors = [Self.t("a", [10], .weight), Self.t("b", [5], .weight, .fp32), Self.t("c", [7], .kvCache, .fp8)]
        let workload = Workload(name: "w", tensors: tensors, ops: [])
        #expect(workload.bytes(of: .weight) == 10 * 2 + 5 * 4)
        #expect(workload.bytes(of: .kvCache) == 7)
        #expect(workload.bytes(of: .activation) == 0)
    }

    // MARK: Order

    @Test func diamondIsOrderedWithProducersFirst() throws {
        // i -> a -> p; i -> b -> q; (p, q) -> c -> r, listed c, b, a.
        let tensors = [Self.t("i", [4], .input), Self.t("p", [4]), Self.t("q", [4]), Self.t("r", [4])]
        let ops = [
            Op(name: "c", kind: .elementwise, inputs: [1, 2], outputs: [3]),
            Op(name: "b", kind: .elementwise, inputs: [0], outputs: [2]),
            Op(name: "a", kind: .elementwise, inputs: [0], outputs: [1]),
        ]
        let order = try Workload.validatedOrder(tensors: tensors, ops: ops)
        #expect(order.map(\.name) == ["b", "a", "c"])
    }

    @Test func validOrderIsKept() throws {
        let tensors = [Self.t("i", [4], .input), Self.t("p", [4]), Self.t("q", [4])]
        let ops = [
            Op(name: "first", kind: .elementwise, inputs: [0], outputs: [1]),
            Op(name: "second", kind: .elementwise, inputs: [1, 0], outputs: [2]),
        ]
        #expect(try Workload.validatedOrder(tensors: tensors, ops: ops) == ops)
    }

    @Test func threeOpCycleIsFound() {
        let tensors = [Self.t("a", [4]), Self.t("b", [4]), Self.t("c", [4])]
        let ops = [
            Op(name: "f", kind: .elementwise, inputs: [0], outputs: [1]),
            Op(name: "g", kind: .elementwise, inputs: [1], outputs: [2]),
            Op(name: "h", kind: .elementwise, inputs: [2], outputs: [0]),
        ]
        let issue = Self.issue(tensors, ops)
        #expect(issue?.message == "ops 'f', 'g', 'h' form a cycle; expected an acyclic graph")
        #expect(issue?.opIndex == 0)
    }

    @Test func opWithoutOutputsIsRefused() {
        let issue = Self.issue([Self.t("a", [4], .input)], [Op(name: "f", kind: .elementwise, inputs: [0], outputs: [])])
        #expect(issue?.opIndex == 0)
        #expect(issue?.message.contains("has no outputs") == true)
    }

    @Test func unwrittenKVCacheAndWeightsAreFine() throws {
        // Only activations need a producer; weights, inputs and an existing KV cache are given.
        let tensors = [Self.t("w", [4], .weight), Self.t("k", [4], .kvCache), Self.t("i", [4], .input), Self.t("o", [4])]
        let ops = [Op(name: "f", kind: .elementwise, inputs: [0, 1, 2], outputs: [3])]
        #expect(try Workload.validatedOrder(tensors: tensors, ops: ops).count == 1)
    }

    // MARK: Shapes

    struct ShapeCase: CustomTestStringConvertible, Sendable {
        let label: String
        let tensors: [TensorSpec]
        let op: Op
        /// nil: valid; otherwise a fragment of the message.
        let failure: String?
        var testDescription: String { label }
    }

    static let shapeCases: [ShapeCase] = [
        // matmul: [.., m, k] x [k, n] -> m x n elements, output may be reshaped.
        ShapeCase(label: "matmul", tensors: [t("a", [2, 3, 4], .input), t("b", [4, 5], .weight), t("c", [2, 3, 5])],
                  op: Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2]), failure: nil),
        ShapeCase(label: "matmul reshaped output", tensors: [t("a", [2, 3, 4], .input), t("b", [4, 10], .weight), t("c", [2, 3, 2, 5])],
                  op: Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2]), failure: nil),
        ShapeCase(label: "matmul inner mismatch", tensors: [t("a", [2, 3, 4], .input), t("b", [5, 4], .weight), t("c", [2, 3, 4])],
                  op: Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2]), failure: "inner dimensions differ"),
        ShapeCase(label: "matmul transposed", tensors: [t("a", [2, 3, 4], .input), t("b", [5, 4], .weight), t("c", [2, 3, 5])],
                  op: Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2], transposeB: true), failure: nil),
        ShapeCase(label: "matmul 3-d weight", tensors: [t("a", [3, 4], .input), t("b", [1, 4, 5], .weight), t("c", [3, 5])],
                  op: Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2]), failure: "expected a [..., k] and b [k, n]"),
        ShapeCase(label: "matmul one input", tensors: [t("a", [3, 4], .input), t("c", [3, 4])],
                  op: Op(name: "mm", kind: .matmul, inputs: [0], outputs: [1]), failure: "has 1 inputs; expected 2 or 3"),
        ShapeCase(label: "matmul wrong output size", tensors: [t("a", [3, 4], .input), t("b", [4, 5], .weight), t("c", [3, 4])],
                  op: Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2]), failure: "outputs hold 12 elements; expected 15"),
        // batched matmul: [b, m, k] x [b, k, n].
        ShapeCase(label: "batched matmul", tensors: [t("a", [6, 3, 4], .input), t("b", [6, 4, 5], .input), t("c", [6, 3, 5])],
                  op: Op(name: "bmm", kind: .batchedMatmul, inputs: [0, 1], outputs: [2]), failure: nil),
        ShapeCase(label: "batched matmul batch mismatch", tensors: [t("a", [6, 3, 4], .input), t("b", [5, 4, 5], .input), t("c", [6, 3, 5])],
                  op: Op(name: "bmm", kind: .batchedMatmul, inputs: [0, 1], outputs: [2]), failure: "equal batch dimensions"),
        ShapeCase(label: "batched matmul inner mismatch", tensors: [t("a", [6, 3, 4], .input), t("b", [6, 3, 5], .input), t("c", [6, 3, 5])],
                  op: Op(name: "bmm", kind: .batchedMatmul, inputs: [0, 1], outputs: [2]), failure: "inner dimensions differ"),
        // expert matmul: rows [R, k] x [E, k, n] -> R x n.
        ShapeCase(label: "expert matmul", tensors: [t("x", [12, 4], .input), t("w", [8, 4, 6], .weight), t("y", [12, 6])],
                  op: Op(name: "em", kind: .expertMatmul, inputs: [0, 1], outputs: [2], expertsPerToken: 2), failure: nil),
        ShapeCase(label: "expert matmul top > experts", tensors: [t("x", [12, 4], .input), t("w", [2, 4, 6], .weight), t("y", [12, 6])],
                  op: Op(name: "em", kind: .expertMatmul, inputs: [0, 1], outputs: [2], expertsPerToken: 3), failure: "experts_per_token must be in 1...2"),
        ShapeCase(label: "expert matmul rows not a multiple", tensors: [t("x", [13, 4], .input), t("w", [8, 4, 6], .weight), t("y", [13, 6])],
                  op: Op(name: "em", kind: .expertMatmul, inputs: [0, 1], outputs: [2], expertsPerToken: 2), failure: "13 dispatched rows"),
        ShapeCase(label: "expert matmul without top", tensors: [t("x", [12, 4], .input), t("w", [8, 4, 6], .weight), t("y", [12, 6])],
                  op: Op(name: "em", kind: .expertMatmul, inputs: [0, 1], outputs: [2]), failure: "experts_per_token"),
        // attention, BSHD: q [B, Sq, Hq, d], k/v [B, Skv, Hkv, d], caches [B, Sc, Hkv, d].
        ShapeCase(label: "attention GQA", tensors: [t("q", [2, 5, 32, 128], .input), t("k", [2, 5, 8, 128], .input),
                                                    t("v", [2, 5, 8, 128], .input), t("o", [2, 5, 32, 128])],
                  op: Op(name: "attn", kind: .attention, inputs: [0, 1, 2], outputs: [3], causal: true), failure: nil),
        ShapeCase(label: "attention with cache", tensors: [t("q", [2, 1, 32, 128], .input), t("k", [2, 1, 8, 128], .input),
                                                           t("v", [2, 1, 8, 128], .input), t("kc", [2, 100, 8, 128], .kvCache),
                                                           t("vc", [2, 100, 8, 128], .kvCache), t("o", [2, 1, 32, 128])],
                  op: Op(name: "attn", kind: .attention, inputs: [0, 1, 2, 3, 4], outputs: [5]), failure: nil),
        ShapeCase(label: "attention heads not a multiple", tensors: [t("q", [2, 5, 32, 128], .input), t("k", [2, 5, 5, 128], .input),
                                                                     t("v", [2, 5, 5, 128], .input), t("o", [2, 5, 32, 128])],
                  op: Op(name: "attn", kind: .attention, inputs: [0, 1, 2], outputs: [3]), failure: "32 query heads are not a multiple of 5"),
        ShapeCase(label: "attention head dim mismatch", tensors: [t("q", [2, 5, 32, 64], .input), t("k", [2, 5, 8, 128], .input),
                                                                  t("v", [2, 5, 8, 128], .input), t("o", [2, 5, 32, 64])],
                  op: Op(name: "attn", kind: .attention, inputs: [0, 1, 2], outputs: [3]), failure: "differ in batch or head dimension"),
        ShapeCase(label: "attention cache heads mismatch", tensors: [t("q", [2, 1, 32, 128], .input), t("k", [2, 1, 8, 128], .input),
                                                                     t("v", [2, 1, 8, 128], .input), t("kc", [2, 100, 4, 128], .kvCache),
                                                                     t("vc", [2, 100, 4, 128], .kvCache), t("o", [2, 1, 32, 128])],
                  op: Op(name: "attn", kind: .attention, inputs: [0, 1, 2, 3, 4], outputs: [5]), failure: "expected caches"),
        ShapeCase(label: "attention four inputs", tensors: [t("q", [2, 1, 32, 128], .input), t("k", [2, 1, 8, 128], .input),
                                                            t("v", [2, 1, 8, 128], .input), t("kc", [2, 100, 8, 128], .kvCache),
                                                            t("o", [2, 1, 32, 128])],
                  op: Op(name: "attn", kind: .attention, inputs: [0, 1, 2, 3], outputs: [4]), failure: "expected 3 or 5"),
        ShapeCase(label: "attention zero window", tensors: [t("q", [2, 5, 32, 128], .input), t("k", [2, 5, 8, 128], .input),
                                                            t("v", [2, 5, 8, 128], .input), t("o", [2, 5, 32, 128])],
                  op: Op(name: "attn", kind: .attention, inputs: [0, 1, 2], outputs: [3], window: 0), failure: "window must be at least 1"),
        // Norms and softmax keep the element count.
        ShapeCase(label: "rmsnorm", tensors: [t("x", [2, 5, 64], .input), t("g", [64], .weight), t("y", [2, 5, 64])],
                  op: Op(name: "n", kind: .rmsnorm, inputs: [0, 1], outputs: [2]), failure: nil),
        ShapeCase(label: "softmax shrinks", tensors: [t("x", [2, 5, 64], .input), t("y", [2, 5, 63])],
                  op: Op(name: "s", kind: .softmax, inputs: [0], outputs: [1]), failure: "outputs hold 630 elements; expected 640"),
        // embedding: ids [..] x table [V, h] -> ids x h.
        ShapeCase(label: "embedding", tensors: [t("ids", [2, 5], .input, .int32), t("e", [1000, 64], .weight), t("x", [2, 5, 64])],
                  op: Op(name: "e", kind: .embedding, inputs: [0, 1], outputs: [2]), failure: nil),
        ShapeCase(label: "embedding 1-d table", tensors: [t("ids", [2, 5], .input, .int32), t("e", [64000], .weight), t("x", [2, 5, 64])],
                  op: Op(name: "e", kind: .embedding, inputs: [0, 1], outputs: [2]), failure: "expected a table [V, h]"),
        // slice: output no larger than input.
        ShapeCase(label: "slice", tensors: [t("x", [2, 5, 64], .input), t("y", [2, 1, 64])],
                  op: Op(name: "s", kind: .slice, inputs: [0], outputs: [1]), failure: nil),
        ShapeCase(label: "slice grows", tensors: [t("x", [2, 5, 64], .input), t("y", [2, 6, 64])],
                  op: Op(name: "s", kind: .slice, inputs: [0], outputs: [1]), failure: "hold more elements than the input"),
        ShapeCase(label: "elementwise without inputs", tensors: [t("y", [4])],
                  op: Op(name: "e", kind: .elementwise, inputs: [], outputs: [0]), failure: "has no inputs"),
    ]

    @Test(arguments: shapeCases)
    func shapeRules(_ c: ShapeCase) {
        let issue = Self.issue(c.tensors, [c.op])
        if let failure = c.failure {
            #expect(issue?.opIndex == 0)
            #expect(issue?.message.hasPrefix("op '\(c.op.name)' (\(c.op.kind.rawValue)): ") == true)
            #expect(issue?.message.contains(failure) == true, "\(issue?.message ?? "no issue")")
        } else {
            #expect(issue == nil, "\(issue?.message ?? "")")
        }
    }
}
