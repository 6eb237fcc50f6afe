import Foundation
import MemwallCalibration
import MemwallModel
import Testing
import _TestSupport

/// The shipped MI300X-class (gfx942) GEMM files from the ROCm/xla fork's matmul performance table
/// (`matmul_interpolator_data.h` at d02afb4, key "gfx942", flops key "bf16xbf16->bf16"): every row
/// loads, and times agree with 2 b m n k / FLOP/s worked out here from the table's own values,
/// copied into this test, not with anything the program computes.
@Suite struct PublishedMI300XMeasurementsTests {
    @Test func filesHoldEveryGfx942Bf16EntryWithItsProvenance() throws {
        for (file, count, batches) in [("mi300x-gemm-xla.csv", 126, Set([1])), ("mi300x-gemm-xla-batched.csv", 250, Set([2, 4]))] {
            let rows = try ShippedMeasurements.load(file)
            #expect(rows.count == count, "\(file)")
            #expect(Set(rows.map { $0.shape["b"] ?? 1 }) == batches, "\(file)")
            for r in rows {
                #expect(r.kernel == .gemm && r.dtype == .bf16, "\(r.location)")
                #expect(r.provenance.device == "AMD Instinct MI300X (gfx942; SKU not stated)", "\(r.location)")
                #expect(r.provenance.source.contains("github.com/ROCm/xla/blob/d02afb4fc18aa82cf9a8824672fc5eba298b66aa/"), "\(r.location)")
                for key in ["m", "n", "k"] { #expect([256, 512, 1024, 2048, 4096].contains(r.shape[key]!), "\(r.location)") }
                // No row may beat the MI300X's 1307.4 TFLOPS dense BF16 peak (AMD CDNA 3 white paper).
                let flops = 2.0 * Double((r.shape["b"] ?? 1) * r.shape["m"]! * r.shape["n"]! * r.shape["k"]!)
                #expect(flops / r.time < 1307.4e12, "\(r.location)")
            }
        }
    }

    /// FLOP/s values copied from the table (gfx942, "bf16xbf16->bf16"), turned into times by hand.
    @Test func timesFollowFromTheTablesFlopsPerSecond() throws {
        let all = try ShippedMeasurements.load("mi300x-gemm-xla.csv") + ShippedMeasurements.load("mi300x-gemm-xla-batched.csv")
        let cases: [(b: Int, m: Int, n: Int, k: Int, flopsPerSecond: Double)] = [
            (1, 4096, 4096, 4096, 583_139_376_939_004),
            (1, 1024, 2048, 4096, 323_057_394_535_436),
            (1, 4096, 256, 4096, 462_122_584_032_709),
            (1, 512, 1024, 256, 35_544_949_152_542),
            (2, 2048, 2048, 2048, 493_086_382_159_206),
            (2, 256, 4096, 512, 159_783_009_523_809),
            (4, 4096, 4096, 4096, 570_675_049_165_250),
            (4, 512, 256, 4096, 272_454_154_783_050),
        ]
        try ShippedMeasurements.expectTimes(all, from: cases)
    }

    /// The table lists m = n = k = 256 (b = 1) twice, with different figures; both rows are kept, in table order.
    @Test func theShapeTheTableListsTwiceKeepsBothEntries() throws {
        let rows = try ShippedMeasurements.load("mi300x-gemm-xla.csv")
        let twice = ShippedMeasurements.gemmRows(rows, b: 1, m: 256, n: 256, k: 256)
        #expect(twice.count == 2)
        #expect(twice[0].location.hasSuffix(":14") && twice[1].location.hasSuffix(":15"), "\(twice.map(\.location))")
        let expected = [4_577_060_701_132.0, 7_478_143_971_473.0].map { 2.0 * 256 * 256 * 256 / $0 }
        for (r, seconds) in zip(twice, expected) { #expect(ShippedMeasurements.close(r.time, seconds), "\(r.location)") }
    }

    /// Every row's notes carry the table's FLOP/s (6 significant digits); the time must be 2 b m n k over it.
    @Test func everyRowMatchesItsOwnFlopsNote() throws {
        for file in ["mi300x-gemm-xla.csv", "mi300x-gemm-xla-batched.csv"] {
            try ShippedMeasurements.expectEveryRowMatchesItsFlopsNote(file)
        }
    }
}
