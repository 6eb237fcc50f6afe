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

    /// FlashAttention times made by the engine with 2 blocks per SM (a round trip: the truth is an
    /// input here, not an output): calibrating a file that does not state the occupancy tries 1 to 4
    /// and keeps 2, whose fit is exact, and says so in the calibration's source.
    @Test func choosesTheAttentionOccupancyTheTimesWereMadeWith() throws {
        var truth = try SyntheticDevice.hardware()
        truth.calibration = Calibration(parallelUnits: SyntheticDevice.units, tile: .init(attentionBlocksPerUnit: 2),
                                        compute: [.init(engine: "tc", family: .attention, efficiency: 0.55)],
                                        memory: [.init(tier: "dram", efficiency: 0.83)], launchOverhead: Seconds(4.5e-6), source: "truth")
        let provenance = KernelMeasurement.Provenance(device: "synthetic", source: "engine with 2 blocks per SM")
        // Grids of 8 to 512 blocks on 8 SMs: small ones tell the occupancies apart, large ones fix the efficiency.
        let shapes = [(1, 1, 1024, 0), (1, 2, 1024, 1), (1, 3, 1536, 1), (2, 2, 2048, 1), (1, 1, 2048, 0),
                      (4, 8, 2048, 1), (8, 8, 1024, 0), (1, 5, 640, 1), (2, 4, 4096, 0)]
        let placeholders = shapes.map { b, h, s, causal in
            KernelMeasurement(kernel: .attention, variant: "flash", shape: ["b": b, "hq": h, "hkv": h, "sq": s, "skv": s, "d": 64, "causal": causal],
                              dtype: .bf16, time: 1, provenance: provenance, location: "attention b=\(b) h=\(h) s=\(s) causal=\(causal)")
        }
        let measured = try Calibrator.predictions(placeholders, on: truth).map { result in
            var m = result.measurement
            m.time = result.predicted
            return m
        }
        let fit = try Calibrator.fit(measured, on: SyntheticDevice.hardware())
        let choice = try #require(fit.occupancy)
        #expect(choice.chosen == 2)
        #expect(fit.calibration.tile.attentionBlocksPerUnit == 2)
        #expect(choice.candidates.map(\.blocksPerUnit) == Array(Calibration.attentionBlocksPerUnitCandidates))
        let best = try #require(choice.candidates.first { $0.blocksPerUnit == 2 })
        #expect(best.residualSumOfSquares < 1e-12)
        #expect(choice.candidates.allSatisfy { $0.blocksPerUnit == 2 || $0.residualSumOfSquares > 1e-4 }, "\(choice.candidates)")
        #expect(fit.cases.allSatisfy { abs($0.relativeError) < 1e-5 })
        #expect(fit.calibration.source.contains("attention_blocks_per_unit chosen of 1 to 4"))

        // A file that states the occupancy keeps it: no choice is made.
        var stated = try SyntheticDevice.hardware()
        stated.calibration = Calibration(parallelUnits: SyntheticDevice.units, tile: .init(attentionBlocksPerUnit: 3), source: "stated")
        let kept = try Calibrator.fit(measured, on: stated)
        #expect(kept.occupancy == nil)
        #expect(kept.calibration.tile.attentionBlocksPerUnit == 3)
        // GEMMs and copies alone run no FlashAttention: nothing to choose.
        #expect(try Calibrator.fit(SyntheticDevice.measurements(.init()), on: SyntheticDevice.hardware()).occupancy == nil)
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
