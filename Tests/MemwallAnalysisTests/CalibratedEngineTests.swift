import MemwallAnalysis
import MemwallModel
import Testing

/// The engine with a calibration section, against closed forms written here.
@Suite struct CalibratedEngineTests {
    /// A toy device: a big per-SM scratchpad (every operand fits, so traffic is compulsory) over DRAM.
    static func hardware(calibration: Calibration?) -> Hardware {
        Hardware(name: "toy", id: "toy", kind: .gpu,
                 compute: [ComputeEngine(name: "tc", executes: [.matrix, .vector], peak: [.bf16: OperationsPerSecond(100e12)], source: "t")],
                 memory: [MemoryTier(name: "sram", capacity: Bytes(1e12), instances: 8, sharedBy: "sm", source: "t"),
                          MemoryTier(name: "dram", capacity: Bytes(1e12), bandwidth: BytesPerSecond(1e12), source: "t")],
                 mainMemoryIndex: 1, calibration: calibration)
    }

    static func gemm(m: Int, n: Int, k: Int) -> Workload {
        Workload(name: "gemm", tensors: [TensorSpec(name: "a", shape: [m, k], dtype: .bf16, kind: .input),
                                         TensorSpec(name: "b", shape: [k, n], dtype: .bf16, kind: .weight),
                                         TensorSpec(name: "c", shape: [m, n], dtype: .bf16, kind: .activation)],
                 ops: [Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2])])
    }

    @Test func noCalibrationKeepsThePureRoofline() throws {
        let result = try RooflineEngine().analyze(Self.gemm(m: 1024, n: 1024, k: 1024), on: Self.hardware(calibration: nil))
        let flops: Double = 2 * 1024 * 1024 * 1024
        #expect(result.ops[0].computeTime == flops / 100e12)
        #expect(result.ops[0].overheadTime == 0)
    }

    @Test func computeTimeScalesWithEfficiencyAndWaves() throws {
        let calibration = Calibration(parallelUnits: 8, tile: .init(m: 128, n: 128, splitKMin: 256),
                                      compute: [.init(engine: "tc", family: .gemm, efficiency: 0.5)],
                                      memory: [.init(tier: "dram", efficiency: 0.8)],
                                      launchOverhead: Seconds(3e-6), source: "t")
        // 384 x 384 = 9 tiles on 8 units: 2 waves, 9/16 busy; K = 128 cannot split.
        let result = try RooflineEngine().analyze(Self.gemm(m: 384, n: 384, k: 128), on: Self.hardware(calibration: calibration))
        let op = result.ops[0]
        let flops: Double = 2 * 384 * 384 * 128
        let rate: Double = 100e12 * 0.5 * (9.0 / 16)
        #expect(abs(op.computeTime - flops / rate) < 1e-18)
        let elements: Double = 384 * 128 + 128 * 384 + 384 * 384
        let bytes = 2 * elements
        #expect(abs(op.memoryTimeByTier[1] - bytes / (1e12 * 0.8)) < 1e-18)
        #expect(abs(op.time - (max(op.computeTime, op.memoryTimeByTier[1]) + 3e-6)) < 1e-18)
    }

    /// Decode attention streams its KV cache at the achievable bandwidth, and split-KV keeps every
    /// unit busy (no wave penalty on its compute).
    @Test func decodeAttentionStreamsAtTheAchievableBandwidth() throws {
        let (b, hq, hkv, cached, d) = (4, 32, 8, 4095, 128)
        func tensor(_ name: String, _ shape: [Int], _ kind: TensorKind) -> TensorSpec {
            TensorSpec(name: name, shape: shape, dtype: .bf16, kind: kind)
        }
        let workload = Workload(name: "decode", tensors: [
            tensor("q", [b, 1, hq, d], .input), tensor("k", [b, 1, hkv, d], .input), tensor("v", [b, 1, hkv, d], .input),
            tensor("kc", [b, cached, hkv, d], .kvCache), tensor("vc", [b, cached, hkv, d], .kvCache),
            tensor("o", [b, 1, hq * d], .activation)],
            ops: [Op(name: "attn", kind: .attention, inputs: [0, 1, 2, 3, 4], outputs: [5], causal: true)])
        let calibration = Calibration(parallelUnits: 8, compute: [.init(engine: "tc", family: .attention, efficiency: 0.5)],
                                      memory: [.init(tier: "dram", efficiency: 0.8)], launchOverhead: Seconds(0), source: "t")
        let pure = try RooflineEngine().analyze(workload, on: Self.hardware(calibration: nil)).ops[0]
        let calibrated = try RooflineEngine().analyze(workload, on: Self.hardware(calibration: calibration)).ops[0]
        // Same bytes; each time stretched by exactly 1 / efficiency.
        #expect(calibrated.bytesByTier == pure.bytesByTier)
        #expect(abs(calibrated.memoryTimeByTier[1] - pure.memoryTimeByTier[1] / 0.8) < 1e-15)
        #expect(abs(calibrated.computeTime - pure.computeTime / 0.5) < 1e-18)
        // The KV cache dominates: at least 2 x keys x kv heads x d x 2 B per sequence.
        let kvBytes = Double(2 * b * (cached + 1) * hkv * d * 2)
        #expect(pure.bytesByTier[1] >= kvBytes)
    }

    /// Issue 8, point 4: repeated K/V reads of FlashAttention are served by the L2, so the HBM
    /// traffic is below what the SMEM-sized blocks would fetch from HBM without an L2.
    @Test func lastLevelCacheServesRepeatedKeyValueReads() throws {
        let h100 = try Fixtures.hardware("nvidia-h100-sxm-80gb")
        let shape = AttentionShape(batch: 1, queryHeads: 32, keyValueHeads: 8, queries: 8192, keys: 8192, headDim: 128,
                                   causal: true, queryBytes: 2, keyValueBytes: 2, statisticBytes: 4)
        let io = FlashAttentionIO(shape: shape, version: .flash2)
        let compiled = CompiledHardware(h100)
        let hbm = try #require(h100.memory.firstIndex { $0.name == "hbm" })
        let l2 = try #require(h100.memory.firstIndex { $0.name == "l2" })
        let twoLevel = try #require(io.traffic(fastMemoryBytes: compiled.fastCapacity[l2])).totalBytes
        let withCache = try #require(io.traffic(fastMemoryBytes: compiled.fastCapacity[hbm])).totalBytes
        #expect(withCache < twoLevel / 4)
        #expect(withCache >= io.compulsory.totalBytes)
    }
}
