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
