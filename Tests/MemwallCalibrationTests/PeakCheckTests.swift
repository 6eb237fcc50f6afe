import MemwallCalibration
import MemwallModel
import Testing
import _TestSupport

/// Rows faster than the file's compute peak, against times made here from the closed form 2 m n k / peak.
@Suite struct PeakCheckTests {
    static func gemm(_ m: Int, _ n: Int, _ k: Int, time: Double, line: Int) -> KernelMeasurement {
        KernelMeasurement(kernel: .gemm, shape: ["b": 1, "m": m, "n": n, "k": k], dtype: .bf16, time: time,
                          provenance: .init(device: "synthetic", source: "closed form"), location: "t.csv:\(line)")
    }

    @Test func flagsOnlyRowsFasterThanUsefulFlopsAtPeak() throws {
        let peakTime = { (m: Double, n: Double, k: Double) in 2 * m * n * k / SyntheticDevice.peak }
        let rows = [
            Self.gemm(1024, 1024, 1024, time: peakTime(1024, 1024, 1024) / 1.25, line: 2),   // 1.25x the peak
            Self.gemm(2048, 1024, 512, time: peakTime(2048, 1024, 512) * 1.01, line: 3),     // 99% of it: allowed
            Self.gemm(256, 256, 4096, time: peakTime(256, 256, 4096) / 1.5, line: 4),        // 1.5x
        ]
        let beyond = try PeakCheck.rowsBeyondPeak(rows, on: SyntheticDevice.hardware())
        #expect(beyond.map(\.measurement.location) == ["t.csv:4", "t.csv:2"])
        #expect(abs(beyond[0].factor - 1.5) < 1e-12 && abs(beyond[1].factor - 1.25) < 1e-12)
        let line = try #require(PeakCheck.summary(beyond, of: rows.count, hardware: "Synthetic"))
        #expect(line.hasPrefix("2 of 3 measurements run faster than the compute peak of Synthetic"))
        #expect(line.contains("up to 1.5x at t.csv:4"))
        #expect(PeakCheck.summary([], of: 3, hardware: "Synthetic") == nil)
    }

    /// The shipped FP8 table: the rows flagged are exactly those whose FLOP/s note exceeds the H100 SXM's
    /// 1978.9 TFLOPS dense FP8 peak (NVIDIA H100 datasheet, as in HardwareSpecs/nvidia-h100-sxm-80gb.yaml).
    @Test func theShippedFP8TableBeatsTheDenseFP8Peak() throws {
        let hardware = try Hardware.load(contentsOf: PackageRoot.path("HardwareSpecs/nvidia-h100-sxm-80gb.yaml"))
        for file in ["h100-gemm-xla-fp8.csv", "h100-gemm-xla-fp8-batched.csv"] {
            var expected: Set<String> = []
            for (line, r) in try ShippedMeasurements.rowsWithLines(file, kernel: "gemm") {
                let note = try #require(line.firstMatch(of: /"([0-9.e+]+) FLOP\/s/))
                if Double(String(note.1))! > 1978.9e12 { expected.insert(r.location) }
            }
            let beyond = try PeakCheck.rowsBeyondPeak(ShippedMeasurements.load(file), on: hardware)
            #expect(Set(beyond.map(\.measurement.location)) == expected, "\(file)")
            #expect(!expected.isEmpty)
        }
        // The BF16 rows of the same table stay under the 989.4 TFLOPS dense BF16 peak.
        #expect(try PeakCheck.rowsBeyondPeak(ShippedMeasurements.load("h100-gemm-xla.csv"), on: hardware).isEmpty)
    }
}
