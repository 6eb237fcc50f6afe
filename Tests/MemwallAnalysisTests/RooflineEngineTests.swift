import MemwallAnalysis
import MemwallModel
import Testing

/// The engine on a small synthetic machine where every figure is chosen by the test.
@Suite struct RooflineEngineTests {
    /// 100 TFLOPS bf16 matrix engine, 10 TFLOPS fp32-only vector engine, a 1 MB SRAM at 10 TB/s
    /// and a 16 GB DRAM at 1 TB/s with 10 pJ/B, $3.60/h, 500 W.
    static func machine(dramBandwidth: Double = 1e12, vectorDTypes: [DType] = [.fp32], overhead: Double = 0,
                        latency: Double? = nil) -> Hardware {
        Hardware(
            name: "test machine", id: "test", kind: .gpu,
            compute: [
                ComputeEngine(name: "matrix", executes: [.matrix], peak: [.bf16: OperationsPerSecond(100e12)], source: "test"),
                ComputeEngine(name: "vector", executes: [.vector],
                              peak: Dictionary(uniqueKeysWithValues: vectorDTypes.map { ($0, OperationsPerSecond(10e12)) }),
                              source: "test"),
            ],
            memory: [
                MemoryTier(name: "sram", capacity: Bytes(1e6), bandwidth: BytesPerSecond(10e12), source: "test"),
                MemoryTier(name: "dram", capacity: Bytes(16e9), bandwidth: BytesPerSecond(dramBandwidth),
                           latency: latency.map { Seconds($0) }, energyPerByte: JoulesPerByte(10e-12), source: "test"),
            ],
            mainMemoryIndex: 1,
            overheads: Overheads(perOp: Seconds(overhead)),
            power: Power(tdp: Watts(500), source: "test"),
            price: Price(basis: .hourly(DollarsPerHour(3.6)), source: "test"))
    }

    /// y = x W (m x k by k x n), then z = relu(y): one compute-heavy and one memory-bound op.
    static func graph(m: Int, k: Int, n: Int) -> Workload {
        let tensors = [
            TensorSpec(name: "x", shape: [m, k], dtype: .bf16, kind: .input),
            TensorSpec(name: "w", shape: [k, n], dtype: .bf16, kind: .weight),
            TensorSpec(name: "y", shape: [m, n], dtype: .bf16, kind: .activation),
            TensorSpec(name: "z", shape: [m, n], dtype: .bf16, kind: .activation),
        ]
        let ops = [
            Op(name: "mm", kind: .matmul, inputs: [0, 1], outputs: [2]),
            Op(name: "relu", kind: .elementwise, inputs: [2], outputs: [3]),
        ]
        return Workload(name: "mm+relu", tensors: tensors, ops: ops, tokens: m)
    }

    /// With compulsory traffic pinned, every byte count is the operand sizes, so the test can
    /// check the roofline arithmetic alone.
    @Test func opTimeIsTheLargestBoundAndTotalsAreSums() throws {
        let (m, k, n) = (4096, 4096, 4096)
        let result = try RooflineEngine(ioModel: CompulsoryTraffic()).analyze(Self.graph(m: m, k: k, n: n), on: Self.machine())
        let mm = result.ops[0], relu = result.ops[1]
        let flops = 2.0 * Double(m * k * n)
        let bytes = 2.0 * Double(m * k + k * n + m * n)
        #expect(mm.flops == flops)
        #expect(mm.bytesByTier == [bytes, bytes])
        #expect(mm.computeTime == flops / 100e12)
        #expect(mm.memoryTimeByTier == [bytes / 10e12, bytes / 1e12])
        #expect(mm.time == max(flops / 100e12, bytes / 1e12))
        #expect(mm.bound == .compute)                  // 1.37 ms of compute vs 0.1 ms of DRAM
        #expect(mm.arithmeticIntensity == flops / bytes)
        // relu: bf16 has no vector peak here, so it falls back to fp32 and says so.
        #expect(relu.computeDType == .fp32)
        #expect(result.warnings.contains { $0.contains("bf16") && $0.contains("fp32") })
        #expect(relu.bound == .memory(1))
        #expect(relu.time == 4.0 * Double(m * n) / 1e12)

        #expect(result.totals.time == mm.time + relu.time)
        #expect(result.totals.flops == mm.flops + relu.flops)
        #expect(result.totals.bytesByTier[1] == mm.bytesByTier[1] + relu.bytesByTier[1])
        #expect(result.totals.timeByBound[.compute] == mm.time)
        #expect(result.totals.energy == 10e-12 * result.totals.bytesByTier[1])
        #expect(result.totals.energyAtTDP == 500 * result.totals.time)
        #expect(abs(result.totals.cost! - result.totals.time * 3.6 / 3600) < 1e-18)
        #expect(result.totals.tokensPerSecond == Double(m) / result.totals.time)
        // $3.60/h is $0.001/s: a million tokens at m tokens per step cost 1e6 / m steps x time x $0.001.
        let perMillion = try #require(result.totals.costPerMillionTokens)
        #expect(abs(perMillion - 1e6 / Double(m) * result.totals.time * 0.001) <= 1e-12 * perMillion)
    }

    @Test func moreBandwidthNeverSlowsAnOp() throws {
        var previous = Double.infinity
        for bandwidth in [0.5e12, 1e12, 2e12, 8e12, 64e12] {
            let result = try RooflineEngine().analyze(Self.graph(m: 64, k: 4096, n: 4096), on: Self.machine(dramBandwidth: bandwidth))
            for op in result.ops { #expect(op.time >= op.computeTime) }
            #expect(result.totals.time <= previous)
            previous = result.totals.time
        }
    }

    @Test func overheadAndLatencyAreBounds() throws {
        let withOverhead = try RooflineEngine().analyze(Self.graph(m: 1, k: 8, n: 8), on: Self.machine(overhead: 5e-6))
        for op in withOverhead.ops { #expect(op.time == max(op.computeTime, op.memoryTimeByTier.max()!) + 5e-6) }
        let withLatency = try RooflineEngine().analyze(Self.graph(m: 1, k: 8, n: 8), on: Self.machine(latency: 1e-6))
        #expect(withLatency.ops.allSatisfy { $0.bound == .latency && $0.time == 1e-6 })
    }

    @Test func missingEngineIsAnError() throws {
        var hardware = Self.machine()
        hardware.compute.removeFirst()   // no matrix engine at all
        #expect(throws: AnalysisError.self) { try RooflineEngine().analyze(Self.graph(m: 8, k: 8, n: 8), on: hardware) }
    }
}
