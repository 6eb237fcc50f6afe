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
        #expect(fit.choices.map(\.parameter) == ["attention blocks per unit"])   // no GEMM: the GEMM tile stays
        let choice = try #require(fit.choices.first)
        #expect(choice.chosen == "2")
        #expect(fit.calibration.tile.attentionBlocksPerUnit == 2)
        #expect(choice.candidates.map(\.value) == Calibration.attentionBlocksPerUnitCandidates.map(String.init))
        let best = try #require(choice.candidates.first { $0.value == "2" })
        #expect(best.residualSumOfSquares < 1e-12)
        #expect(choice.candidates.allSatisfy { $0.value == "2" || $0.residualSumOfSquares > 1e-4 }, "\(choice.candidates)")
        #expect(fit.cases.allSatisfy { abs($0.relativeError) < 1e-5 })
        #expect(fit.calibration.source.contains("attention_blocks_per_unit of 1 to 4 chosen by the fits' residuals"))

        // A file that states the occupancy keeps it: no choice is made.
        var stated = try SyntheticDevice.hardware()
        stated.calibration = Calibration(parallelUnits: SyntheticDevice.units, tile: .init(attentionBlocksPerUnit: 3), source: "stated")
        let kept = try Calibrator.fit(measured, on: stated)
        #expect(kept.choices.isEmpty)
        #expect(kept.calibration.tile.attentionBlocksPerUnit == 3)
    }

    /// GEMM times made by the engine with 64 x 256 output tiles (a round trip, as above): a file without a
    /// calibration section gets that tile back, with an exact fit, and the attention rows (Br) keep 128.
    @Test func choosesTheGemmTileTheTimesWereMadeWith() throws {
        var truth = try SyntheticDevice.hardware()
        truth.calibration = Calibration(parallelUnits: SyntheticDevice.units, tile: .init(m: 64, n: 256),
                                        compute: [.init(engine: "tc", family: .gemm, efficiency: 0.6)],
                                        memory: [.init(tier: "dram", efficiency: 0.8)], launchOverhead: Seconds(3e-6), source: "truth")
        let provenance = KernelMeasurement.Provenance(device: "synthetic", source: "engine with 64 x 256 tiles")
        // Ragged m and n, a few tiles to a few waves on 8 SMs, short and long K (split-K or not).
        var placeholders: [KernelMeasurement] = []
        for (m, n) in [(64, 256), (192, 320), (320, 192), (448, 768), (1000, 200), (130, 1030), (2048, 2048), (96, 96)] {
            for k in [128, 4096] {
                placeholders.append(KernelMeasurement(kernel: .gemm, shape: ["b": 1, "m": m, "n": n, "k": k], dtype: .bf16, time: 1,
                                                      provenance: provenance, location: "gemm \(m)x\(n)x\(k)"))
            }
        }
        let measured = try Calibrator.predictions(placeholders, on: truth).map { result in
            var m = result.measurement
            m.time = result.predicted
            return m
        }
        let fit = try Calibrator.fit(measured, on: SyntheticDevice.hardware())
        let choice = try #require(fit.choices.first)
        #expect(fit.choices.count == 1 && choice.parameter == "gemm tile")
        #expect(choice.chosen == "64 x 256")
        #expect(choice.candidates.map(\.value) == Calibration.gemmTileCandidates.map { "\($0.m) x \($0.n)" })
        #expect(choice.candidates.allSatisfy { $0.value == "64 x 256" || $0.residualSumOfSquares > 1e-4 }, "\(choice.candidates)")
        #expect((fit.calibration.tile.m, fit.calibration.tile.n) == (64, 256))
        #expect(fit.calibration.tile.attentionRows == Calibration.Tile.defaultAttentionRows)
        #expect(fit.cases.allSatisfy { abs($0.relativeError) < 1e-5 })
        #expect(fit.calibration.source.contains("the gemm tile (m, n) of 9"))
        // The synthetic GEMMs of the other tests fill whole waves with 128 x 128 and 64 x 64 alike: the tie
        // keeps the default, listed first.
        let tie = try Calibrator.fit(SyntheticDevice.measurements(.init()), on: SyntheticDevice.hardware())
        #expect(tie.choices.first?.chosen == "128 x 128")
    }

    /// Two harnesses: GEMMs with k <= 256 from source A, the rest from source B, whose timer adds 20 us to
    /// every row; the copies' source has 4 rows, too few for its own intercept. The fit recovers A's
    /// intercept as the launch overhead, writes B's 20 us excess as a source overhead, and the copies
    /// share the launch overhead.
    @Test func eachSourceWithEnoughRowsGetsItsOwnIntercept() throws {
        let truth = SyntheticDevice.Truth()
        let harness = 20e-6
        let rows = SyntheticDevice.measurements(truth).map { row -> KernelMeasurement in
            guard row.kernel == .gemm else { return row }
            var r = row
            let fromB = r.shape["k"]! > 256
            r.provenance.source = fromB ? "B" : "A"
            if fromB { r.time += harness }
            return r
        }
        let fit = try Calibrator.fit(rows, on: SyntheticDevice.hardware())
        let byName = Dictionary(uniqueKeysWithValues: fit.parameters.map { ($0.name, $0.value) })
        #expect(abs(byName["overhead of A"]! / truth.overhead - 1) < 1e-3, "\(byName)")
        #expect(abs(byName["overhead of B"]! / (truth.overhead + harness) - 1) < 1e-3)
        #expect(byName["overhead of closed form"] == nil)
        #expect(abs(byName["launch overhead"]! / truth.overhead - 1) < 1e-3)
        #expect(abs(byName["compute tc bf16 gemm"]! / truth.compute - 1) < 1e-4)
        let sources = fit.calibration.sourceOverheads
        #expect(sources.map(\.source) == ["B"])
        #expect(abs(sources[0].overhead.value / harness - 1) < 1e-2)
        #expect(abs(try #require(fit.calibration.launchOverhead).value / truth.overhead - 1) < 1e-3)
        // The written calibration predicts every row, B's with its harness, to the fit's accuracy.
        #expect(fit.cases.allSatisfy { abs($0.relativeError) < 1e-4 }, "\(fit.cases.map(\.relativeError).max()!)")
        // One source alone keeps one shared intercept, the launch overhead, and writes no source overheads.
        let single = try Calibrator.fit(SyntheticDevice.measurements(truth), on: SyntheticDevice.hardware())
        #expect(single.calibration.sourceOverheads.isEmpty)
        #expect(!single.parameters.contains { $0.name.hasPrefix("overhead of") })
    }

    /// GEMMs of 2048 x 2048 fill whole waves on 8 SMs with every candidate tile: the data cannot choose,
    /// so nothing is chosen and the tile stays the default.
    @Test func candidatesTheDataCannotTellApartChooseNothing() throws {
        let rows = SyntheticDevice.measurements(.init()).filter { $0.kernel == .copy } + [64, 256, 1024, 4096, 16384].map { k in
            let flops = 2.0 * 2048 * 2048 * Double(k), bytes = 2.0 * Double(2 * 2048 * k + 2048 * 2048)
            let time = max(flops / (SyntheticDevice.peak * 0.62), bytes / (SyntheticDevice.bandwidth * 0.83)) + 4.5e-6
            return KernelMeasurement(kernel: .gemm, shape: ["m": 2048, "n": 2048, "k": k], dtype: .bf16, time: time,
                                     provenance: .init(device: "synthetic", source: "closed form"), location: "gemm k=\(k)")
        }
        let fit = try Calibrator.fit(rows, on: SyntheticDevice.hardware())
        #expect(fit.choices.isEmpty)
        #expect(fit.calibration.tile == Calibration.Tile())
        #expect(!fit.calibration.source.contains("chosen"))
    }

    /// Refitting a file that carries source overheads replaces them all: they were excesses over the old
    /// launch overhead. One source now: none are kept.
    @Test func refittingDropsTheOldSourceOverheads() throws {
        var hardware = try SyntheticDevice.hardware()
        hardware.calibration = Calibration(parallelUnits: SyntheticDevice.units,
                                           sourceOverheads: [.init(source: "closed form", overhead: Seconds(100e-6))], source: "old fit")
        let fit = try Calibrator.fit(SyntheticDevice.measurements(.init()), on: hardware)
        #expect(fit.calibration.sourceOverheads.isEmpty)
        #expect(fit.cases.allSatisfy { abs($0.relativeError) < 1e-4 })
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
