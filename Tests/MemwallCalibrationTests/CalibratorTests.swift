import MemwallCalibration
import MemwallModel
import Testing

@Suite struct CalibratorTests {
    @Test func recoversTheParametersSyntheticTimesWereMadeFrom() throws {
        let truth = SyntheticDevice.Truth()
        let fit = try Calibrator.fit(SyntheticDevice.measurements(truth), on: SyntheticDevice.hardware())
        #expect(fit.converged)
        let byName = Dictionary(uniqueKeysWithValues: fit.parameters.map { ($0.name, $0.value) })
        #expect(Set(byName.keys) == ["compute tc bf16 gemm", "bandwidth dram", "launch overhead"])
        #expect(abs(byName["compute tc bf16 gemm"]! / truth.compute - 1) < 1e-4)
        #expect(abs(byName["bandwidth dram"]! / truth.memory - 1) < 1e-4)
        #expect(abs(byName["launch overhead"]! / truth.overhead - 1) < 1e-3)
        // Residuals of an exact model vanish, and the engine on the written calibration agrees.
        #expect(fit.cases.allSatisfy { abs($0.relativeError) < 1e-4 })
    }

    @Test func noisyTimesRecoverTheTruthWithinTheirUncertainty() throws {
        let truth = SyntheticDevice.Truth()
        let fit = try Calibrator.fit(SyntheticDevice.measurements(truth, noise: 0.03, seed: 7), on: SyntheticDevice.hardware())
        let values = [truth.compute, truth.memory, truth.overhead]
        for (parameter, expected) in zip(fit.parameters, values) {
            #expect(parameter.isDetermined, "\(parameter)")
            #expect(abs(parameter.value - expected) < 4 * parameter.standardError, "\(parameter.name): \(parameter.value) +- \(parameter.standardError) vs \(expected)")
        }
    }

    @Test func theCalibrationRecordsWhatItWasFittedOn() throws {
        let fit = try Calibrator.fit(SyntheticDevice.measurements(.init()), on: SyntheticDevice.hardware(), fittedOn: ["a.csv (24 rows)"])
        #expect(fit.calibration.fittedOn == ["a.csv (24 rows)"])
        #expect(fit.calibration.parallelUnits == SyntheticDevice.units)
        #expect(fit.calibration.source.contains("24 measurements"))
    }

    @Test func tooFewMeasurementsIsAnErrorNotAGuess() throws {
        let two = Array(SyntheticDevice.measurements(.init()).prefix(2))
        #expect(throws: CalibrationError.self) { _ = try Calibrator.fit(two, on: SyntheticDevice.hardware()) }
    }
}

@Suite struct FittedParameterTests {
    @Test func aZeroOrUnboundedErrorMeansTheDataSaidNothing() {
        #expect(!FittedParameter(kind: .memory(tier: "l2"), value: 0.7, standardError: 0).isDetermined)
        #expect(!FittedParameter(kind: .memory(tier: "l2"), value: 0.7, standardError: .infinity).isDetermined)
        #expect(!FittedParameter(kind: .memory(tier: "l2"), value: 0.7, standardError: 0.9).isDetermined)
        #expect(FittedParameter(kind: .memory(tier: "l2"), value: 0.7, standardError: 0.01).isDetermined)
    }
}
