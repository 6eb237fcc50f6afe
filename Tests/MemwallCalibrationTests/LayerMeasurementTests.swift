import MemwallAnalysis
import MemwallCalibration
import MemwallModel
import Testing

@Suite struct LayerMeasurementTests {
    static let csv = """
    kernel,variant,shape,dtype,time_s,device,source
    layer,prefill,h=4096 hq=32 hkv=8 ffn=14336 seq=512 ctx=0,bf16,1e-3,x,y
    layer,decode,h=4096 hq=32 hkv=8 ffn=14336 seq=1 b=8 ctx=1024,bf16,1e-4,x,y
    """

    @Test func aLayerIsTheBuildersLayerWithoutEmbeddingOrHead() throws {
        let rows = try MeasurementCSV.parse(Self.csv, file: "l.csv")
        #expect(rows[0].shape["d"] == 128 && rows[0].shape["b"] == 1 && rows[0].shape["ctx"] == 0)
        #expect(rows[1].family == "layer/decode")
        let workload = try rows[0].workload()
        #expect(workload.ops.allSatisfy { $0.name.hasPrefix("layers.0.") })
        let kinds = workload.ops.map(\.kind)
        #expect(kinds.filter { $0 == .matmul }.count == 7)        // q, k, v, o, gate, up, down
        #expect(kinds.filter { $0 == .attention }.count == 1)
        #expect(!kinds.contains(.embedding))
        // Decode attends to the cache: 1024 cached keys plus the new one.
        let decode = try rows[1].workload()
        let attention = try #require(decode.ops.first { $0.kind == .attention })
        #expect(attention.inputs.count == 5)
        #expect(decode.tensors[attention.inputs[3]].shape == [8, 1024, 8, 128])
    }

    /// The layer's FLOPs are the seven projections plus attention: 2 s b (h (hq + 2 hkv) d + hq d h + 3 h ffn)
    /// + 4 b hq d x (causal pairs), written out here.
    @Test func layerFlopsMatchTheClosedForm() throws {
        let row = try MeasurementCSV.parse(Self.csv, file: "l.csv")[0]
        let result = try row.predict(on: CompiledHardware(try SyntheticDevice.hardware()))
        let (s, h, hq, hkv, d, ffn) = (512.0, 4096.0, 32.0, 8.0, 128.0, 14336.0)
        let projections = 2 * s * (h * (hq + 2 * hkv) * d + hq * d * h + 3 * h * ffn)
        let attention = 4 * hq * d * (s * (s + 1) / 2)
        let matrixFlops = result.ops.filter { $0.kind == .matmul || $0.kind == .attention }.reduce(0) { $0 + $1.flops }
        #expect(abs(matrixFlops / (projections + attention) - 1) < 1e-12)
    }

    /// Layer times made by the engine under a known calibration are fitted back to it: the fit's
    /// sum over a layer's ops agrees with the engine's.
    @Test func fitsLayersAndKernelsTogether() throws {
        let truth = SyntheticDevice.Truth()
        var calibrated = try SyntheticDevice.hardware()
        calibrated.calibration = Calibration(parallelUnits: SyntheticDevice.units,
                                             compute: [.init(engine: "tc", efficiency: truth.compute)],
                                             memory: [.init(tier: "dram", efficiency: truth.memory)],
                                             launchOverhead: Seconds(truth.overhead), source: "truth")
        let compiled = CompiledHardware(calibrated)
        var rows = SyntheticDevice.measurements(truth)
        for (b, seq, ctx, variant) in [(1, 256, 0, "prefill"), (4, 1, 2048, "decode"), (16, 1, 512, "decode")] {
            var row = KernelMeasurement(kernel: .layer, variant: variant,
                                        shape: ["h": 2048, "hq": 16, "hkv": 4, "ffn": 5632, "seq": seq, "b": b, "ctx": ctx],
                                        dtype: .bf16, time: 1, provenance: .init(device: "synthetic", source: "engine"),
                                        location: "layer \(variant) b=\(b)")
            row.time = try row.predict(on: compiled).totals.time
            rows.append(row)
        }
        let fit = try Calibrator.fit(rows, on: SyntheticDevice.hardware())
        #expect(fit.cases.allSatisfy { abs($0.relativeError) < 1e-3 }, "\(fit.cases.map(\.relativeError))")
    }

    @Test(arguments: [
        ("layer,,h=4095 hq=32 ffn=1 seq=1,bf16,1,x,y", "h=4095 is not a multiple of hq=32"),
        ("layer,,h=4096 hq=32 hkv=6 ffn=1 seq=1,bf16,1,x,y", "hq=32 is not a multiple of hkv=6"),
        ("layer,train,h=4096 hq=32 ffn=1 seq=1,bf16,1,x,y", "'train' is not a variant of layer"),
        ("layer,,h=4096 hq=32 seq=1,bf16,1,x,y", "missing ffn"),
    ])
    func badLayersAreLocated(row: String, expected: String) {
        do {
            _ = try MeasurementCSV.parse("kernel,variant,shape,dtype,time_s,device,source\n" + row + "\n", file: "l.csv")
            Issue.record("expected \(expected)")
        } catch {
            #expect(error.description.hasPrefix("l.csv:2"), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
        }
    }
}
