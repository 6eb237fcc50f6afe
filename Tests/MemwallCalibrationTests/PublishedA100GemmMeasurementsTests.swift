import Foundation
import MemwallCalibration
import MemwallModel
import Testing
import _TestSupport

/// The shipped A100 FP16 GEMM file transcribed from the cuBLAS column of Triton's matmul tutorial output
/// posted in triton-lang/triton issue #3551 ("Performance gap for MVM example on A100 in fp16",
/// table "matmul-performance-fp16", rows 0-23, m = n = k = 256..3200): every row loads, and times agree
/// with 2 m n k / TFLOPS worked out here from the table's own figures, copied into this test, not with
/// anything the program computes.
@Suite struct PublishedA100GemmMeasurementsTests {
    static let file = "a100-gemm-triton-issue3551.csv"

    static func rows(_ rows: [KernelMeasurement], m: Int, n: Int, k: Int) -> [KernelMeasurement] {
        rows.filter { ($0.shape["b"] ?? 1) == 1 && $0.shape["m"] == m && $0.shape["n"] == n && $0.shape["k"] == k }
    }

    @Test func fileHoldsTheTwentyFourSquareRowsWithTheirProvenance() throws {
        let rows = try ShippedMeasurements.load(Self.file)
        #expect(rows.count == 24)
        #expect(rows.map { $0.shape["m"]! } == Array(stride(from: 256, through: 3200, by: 128)))
        for r in rows {
            #expect(r.kernel == .gemm && r.dtype == .fp16, "\(r.location)")
            #expect(r.shape["m"] == r.shape["n"] && r.shape["n"] == r.shape["k"], "\(r.location)")
            #expect(r.provenance.device == "NVIDIA A100 (SKU not stated)", "\(r.location)")
            #expect(r.provenance.source == "https://github.com/triton-lang/triton/issues/3551", "\(r.location)")
            // No row may beat the A100's 312 TFLOPS dense FP16 tensor-core peak (A100 datasheet).
            let flops = 2.0 * Double(r.shape["m"]! * r.shape["n"]! * r.shape["k"]!)
            #expect(flops / r.time < 312e12, "\(r.location)")
        }
    }

    /// TFLOPS copied from the table (cuBLAS column), turned into times by hand.
    @Test func timesFollowFromTheTablesTflops() throws {
        let all = try ShippedMeasurements.load(Self.file)
        let cases: [(size: Int, tflops: Double)] = [
            (256, 2.978909),
            (384, 11.059200),
            (1024, 104.857603),
            (1792, 172.914215),
            (2048, 233.016881),
            (2432, 219.488001),
            (3200, 244.274821),
        ]
        for c in cases {
            let matches = Self.rows(all, m: c.size, n: c.size, k: c.size)
            #expect(matches.count == 1, "m=n=k=\(c.size)")
            let r = try #require(matches.first)
            let seconds = 2.0 * Double(c.size) * Double(c.size) * Double(c.size) / (c.tflops * 1e12)
            #expect(ShippedMeasurements.close(r.time, seconds), "\(r.location): \(r.time) s, expected \(seconds) s")
        }
    }

    /// The run's printed figures are whole multiples of 1.024 us (its timer's granularity): 256^3 took
    /// 11 steps, 2048^3 took 72.
    @Test func timesAreWholeMultiplesOfTheRunsTimerStep() throws {
        for r in try ShippedMeasurements.load(Self.file) {
            let steps = r.time / 1.024e-6
            #expect(abs(steps - steps.rounded()) < 1e-3, "\(r.location): \(steps) steps")
        }
        let all = try ShippedMeasurements.load(Self.file)
        #expect(ShippedMeasurements.close(try #require(Self.rows(all, m: 256, n: 256, k: 256).first).time, 11 * 1.024e-6))
        #expect(ShippedMeasurements.close(try #require(Self.rows(all, m: 2048, n: 2048, k: 2048).first).time, 72 * 1.024e-6))
    }

    /// Every row's notes carry the table's TFLOPS; the time must be 2 m n k over it.
    @Test func everyRowMatchesItsOwnTflopsNote() throws {
        for (line, r) in try ShippedMeasurements.rowsWithLines(Self.file, kernel: "gemm") {
            let note = try #require(line.firstMatch(of: /"([0-9.]+) TFLOPS \(cuBLAS; table row ([0-9]+)\)"/), "\(r.location)")
            let tflops = try #require(Double(String(note.1)))
            let flops = 2.0 * Double(r.shape["m"]! * r.shape["n"]! * r.shape["k"]!)
            // The time keeps 6 significant digits.
            #expect(abs(r.time * tflops * 1e12 / flops - 1) < 2e-5, "\(r.location)")
            // Table row i is m = n = k = 256 + 128 i.
            #expect(Int(String(note.2)).map { 256 + 128 * $0 } == r.shape["m"], "\(r.location)")
        }
    }
}
