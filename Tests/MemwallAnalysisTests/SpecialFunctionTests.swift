import MemwallAnalysis
import MemwallModel
import Testing

/// Attention's exponentials at a hardware file's `special_functions` rate, against closed forms
/// written here (not through OpCost or the engine's own helpers).
@Suite struct SpecialFunctionTests {
    static let peak = 100e12, specialRate = 1e12

    static func hardware(special: Double?, calibration: Calibration? = nil) -> Hardware {
        var engine = ComputeEngine(name: "tc", executes: [.matrix, .vector], peak: [.bf16: OperationsPerSecond(peak)], source: "t")
        engine.specialFunctions = special.map { SpecialFunctionRate(rate: OperationsPerSecond($0), source: "t") }
        return Hardware(name: "toy", id: "toy", kind: .gpu, compute: [engine],
                        memory: [MemoryTier(name: "sram", capacity: Bytes(1e12), instances: 8, sharedBy: "sm", source: "t"),
                                 MemoryTier(name: "dram", capacity: Bytes(1e12), bandwidth: BytesPerSecond(1e15), source: "t")],
                        mainMemoryIndex: 1, calibration: calibration)
    }

    /// q [b, sq, hq, d] against k, v [b, skv, hq, d].
    static func attention(b: Int, hq: Int, sq: Int, skv: Int, d: Int, causal: Bool) -> Workload {
        Workload(name: "attention", tensors: [
            TensorSpec(name: "q", shape: [b, sq, hq, d], dtype: .bf16, kind: .input),
            TensorSpec(name: "k", shape: [b, skv, hq, d], dtype: .bf16, kind: .input),
            TensorSpec(name: "v", shape: [b, skv, hq, d], dtype: .bf16, kind: .input),
            TensorSpec(name: "o", shape: [b, sq, hq * d], dtype: .bf16, kind: .activation),
        ], ops: [Op(name: "attn", kind: .attention, inputs: [0, 1, 2], outputs: [3], causal: causal)])
    }

    /// b=2, hq=4, 256 x 256, d=64, causal: query i sees i + 1 keys, 256 x 257 / 2 = 32,896 scores per head.
    @Test func pureRooflineAddsTheExponentialsToTheMatmuls() throws {
        let scores = 2.0 * 4 * (256 * 257 / 2)
        let flops = 4 * 64 * scores
        let result = try RooflineEngine().analyze(Self.attention(b: 2, hq: 4, sq: 256, skv: 256, d: 64, causal: true),
                                                  on: Self.hardware(special: Self.specialRate))
        let expected = flops / Self.peak + scores / Self.specialRate
        #expect(abs(result.ops[0].computeTime - expected) <= 1e-15 * expected)
        #expect(abs(result.ops[0].specialFunctionTime - scores / Self.specialRate) <= 1e-15 * expected)
        #expect(result.ops[0].flops == flops)  // the exponentials are not FLOPs
        #expect(result.ops[0].bound == .compute)
    }

    @Test func withoutTheFieldNothingChanges() throws {
        let workload = Self.attention(b: 2, hq: 4, sq: 256, skv: 256, d: 64, causal: false)
        let result = try RooflineEngine().analyze(workload, on: Self.hardware(special: nil))
        #expect(result.ops[0].computeTime == 4 * 64 * (2.0 * 4 * 256 * 256) / Self.peak)
        #expect(result.ops[0].specialFunctionTime == 0)
    }

    /// With a calibration the time is max(FLOPs / (peak e u), (FLOPs / peak + exps / R) / u): a low efficiency
    /// (FlashAttention-2 on the H100) hides the exponentials, a high one meets the floor (FlashAttention-3).
    @Test(arguments: [0.2, 0.9])
    func calibratedTimeIsTheSlowerOfEfficiencyAndFloor(_ efficiency: Double) throws {
        // 1 x 2 heads x 640 queries in 128-row blocks = 10 blocks on 8 units: 2 waves, u = 10 / 16.
        let calibration = Calibration(parallelUnits: 8, tile: .init(m: 128, n: 128, splitKMin: 256),
                                      compute: [.init(engine: "tc", family: .attention, efficiency: efficiency)],
                                      launchOverhead: Seconds(0), source: "t")
        let result = try RooflineEngine().analyze(Self.attention(b: 1, hq: 2, sq: 640, skv: 640, d: 128, causal: false),
                                                  on: Self.hardware(special: Self.specialRate, calibration: calibration))
        let scores = 2.0 * 640 * 640, flops = 4 * 128 * scores, u = 10.0 / 16
        let scaled = flops / (Self.peak * efficiency * u)
        let floor = (flops / Self.peak + scores / Self.specialRate) / u
        // d = 128: the floor is 1 + peak / (4 d R) = 1 + 100 / 512 = 1.195 x the matmuls at peak; 1/0.2 = 5 > 1.195 > 1/0.9.
        let expected = max(scaled, floor)
        #expect(abs(result.ops[0].computeTime - expected) <= 1e-14 * expected)
        #expect((efficiency < 0.5) == (expected == scaled))
    }

    /// Decode attention (one query against a cache) takes the same term: one exponential per cached key.
    @Test func decodeAttentionCountsOneExponentialPerCachedKey() throws {
        let cost = OpCost(Op(name: "d", kind: .attention, inputs: [0, 1, 2], outputs: [3], causal: true),
                          tensors: Self.attention(b: 3, hq: 8, sq: 1, skv: 1000, d: 128, causal: true).tensors)
        #expect(cost.specialFunctionOps == 3 * 8 * 1000)
        #expect(cost.flops == 4 * 128 * 3 * 8 * 1000)
    }
}
