import MemwallCalibration
import MemwallModel
import Testing

@Suite struct ValidatorTests {
    static func cases(_ errors: [Double]) -> [CaseResult] {
        errors.enumerated().map { i, e in
            CaseResult(measurement: KernelMeasurement(kernel: .copy, shape: ["n": 1], dtype: .bf16, time: 2,
                                                      provenance: .init(device: "d", source: "s"), location: "f:\(i + 1)"),
                       predicted: 2 * (1 + e), bound: "dram")
        }
    }

    @Test func medianAndWorstOfAbsoluteRelativeErrors() {
        let odd = ErrorSummary(family: "copy", cases: Self.cases([0.1, -0.3, 0.2]))
        #expect(abs(odd.medianError - 0.2) < 1e-12)
        #expect(abs(odd.worstError - 0.3) < 1e-12)
        #expect(odd.worstLocation == "f:2")
        let even = ErrorSummary(family: "copy", cases: Self.cases([0.1, -0.4, 0.2, 0.05]))
        #expect(abs(even.medianError - 0.15) < 1e-12)
    }

    @Test func asGivenThePureRooflineIsOptimistic() throws {
        // Synthetic times are slower than the roofline (efficiencies below 1, an overhead), so the
        // uncalibrated model under-predicts every case.
        let result = try Validator.validate(SyntheticDevice.measurements(.init()), on: SyntheticDevice.hardware())
        #expect(result.cases.allSatisfy { $0.relativeError < 0 })
        #expect(result.summaries.map(\.family) == ["gemm", "copy", "all"])
        #expect(result.folds == nil)
    }

    @Test func holdoutOnExactDataPredictsHeldOutCasesExactly() throws {
        let result = try Validator.holdout(SyntheticDevice.measurements(.init()), on: SyntheticDevice.hardware(), folds: 4)
        #expect(result.folds == 4)
        #expect(Set(result.cases.compactMap(\.fold)) == [1, 2, 3, 4])
        #expect(result.cases.allSatisfy { abs($0.relativeError) < 1e-3 })
    }

    @Test func holdoutNeedsEnoughCases() throws {
        let few = Array(SyntheticDevice.measurements(.init()).prefix(3))
        #expect(throws: CalibrationError.self) { _ = try Validator.holdout(few, on: SyntheticDevice.hardware(), folds: 5) }
    }
}

@Suite struct ByteValidationTests {
    /// A copy of n bf16 elements moves 2n bytes in and 2n out of DRAM: against a profiler count
    /// 10% above that, the byte error is -1/11.
    @Test func bytesAreComparedWhereTheProfilerCountedThem() throws {
        let n = 1 << 20
        let measured = 1.1 * 4 * Double(n)
        let rows = [KernelMeasurement(kernel: .copy, shape: ["n": n], dtype: .bf16, time: 1e-5, bytesByTier: ["dram": measured],
                                      provenance: .init(device: "d", source: "s"), location: "b.csv:2"),
                    KernelMeasurement(kernel: .copy, shape: ["n": n], dtype: .bf16, time: 1e-5,
                                      provenance: .init(device: "d", source: "s"), location: "b.csv:3")]
        let result = try Validator.validate(rows, on: SyntheticDevice.hardware())
        #expect(result.cases[0].predictedBytes == ["dram": 4 * Double(n)])
        #expect(result.cases[1].predictedBytes.isEmpty)
        let summary = try #require(result.byteSummaries.first)
        #expect(result.byteSummaries.count == 1 && summary.family == "bytes dram" && summary.count == 1)
        #expect(abs(summary.medianError - 1.0 / 11) < 1e-12)
    }
}
