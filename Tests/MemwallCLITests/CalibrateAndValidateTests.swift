import Foundation
import MemwallModel
import Testing

@Suite struct CalibrateAndValidateTests {
    static let gemm = "Workloads/measurements/h100-gemm-xla.csv"

    @Test func calibrateWritesAFileThatLoadsAndRecordsItsSources() async throws {
        try await withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("h100-calibrated.yaml").path
            let result = try await Memwall.run(["calibrate", "--hardware", "nvidia-h100-sxm-80gb",
                                                "--measurements", Self.gemm, "--output", output])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("compute tensor-core bf16 gemm"))
            #expect(result.stdout.contains("launch overhead"))
            #expect(result.stdout.contains("residuals"))
            let hardware = try Hardware.load(contentsOf: output)
            let calibration = try #require(hardware.calibration)
            #expect(calibration.parallelUnits == 132)
            #expect(calibration.fittedOn.count == 1 && calibration.fittedOn[0].contains("125 rows"))
            #expect(calibration.fittedOn[0].contains("matmul_interpolator_data.h"))
            let efficiency = try #require(calibration.computeEfficiency(engine: "tensor-core", dtype: .bf16, family: .gemm))
            #expect(efficiency > 0.5 && efficiency <= 1)

            // The calibrated file predicts an independent source's large GEMM (MAMF) within 10%,
            // where the pure roofline is 20% off.
            let check = try await Memwall.run(["validate", "--hardware", output, "--measurements",
                                               "Workloads/measurements/h100-gemm-mamf.csv", "--format", "json"])
            #expect(check.status == 0, "\(check)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
            let cases = try #require(document["cases"] as? [[String: Any]])
            let error = try #require(cases.first?["relative_error"] as? Double)
            #expect(abs(error) < 0.10)
        }
    }

    @Test func holdoutReportsHeldOutErrorsPerFamily() async throws {
        let result = try await Memwall.run(["validate", "--hardware", "nvidia-a100-sxm4-80gb", "--measurements",
                                            "Workloads/measurements/a100-attention-fa2.csv", "--holdout", "--folds", "3",
                                            "--format", "json"])
        #expect(result.status == 0, "\(result)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["holdout_folds"] as? Int == 3)
        #expect(document["schema_version"] as? Int == 1)
        let summaries = try #require(document["summaries"] as? [[String: Any]])
        #expect(summaries.map { $0["family"] as? String } == ["attention/flash", "all"])
        let cases = try #require(document["cases"] as? [[String: Any]])
        #expect(cases.count == 18)
        #expect(Set(cases.compactMap { $0["fold"] as? Int }) == [1, 2, 3])
    }

    /// FlashAttention rows on a file that does not state the occupancy: the report gives the chosen one and
    /// every candidate's residual sum in each format, and the written file states it.
    @Test func calibrateReportsTheAttentionOccupancyItChose() async throws {
        try await withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("a100.yaml").path
            let arguments = ["calibrate", "--hardware", "nvidia-a100-sxm4-80gb", "--measurements",
                             "Workloads/measurements/a100-attention-fa2.csv", "--output", output]
            let json = try await Memwall.run(arguments + ["--format", "json"])
            #expect(json.status == 0, "\(json)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let choices = try #require(document["choices"] as? [[String: Any]])
            #expect(choices.compactMap { $0["parameter"] as? String } == ["attention blocks per unit"])
            let candidates = try #require(choices.first?["candidates"] as? [[String: Any]])
            #expect(candidates.compactMap { $0["value"] as? String } == ["1", "2", "3", "4"])
            let sums = candidates.compactMap { $0["residual_sum_of_squares"] as? Double }
            let chosenText = try #require(choices.first?["chosen"] as? String)
            let chosen = try #require(Int(chosenText))
            #expect(sums.count == 4 && sums[chosen - 1] == sums.min())
            let calibration = try #require(try Hardware.load(contentsOf: output).calibration)
            #expect(calibration.tile.attentionBlocksPerUnit == chosen)

            let table = try await Memwall.run(arguments)
            #expect(table.stdout.contains("attention blocks per unit: \(chosen), the candidate whose fit leaves the smallest"))
            let csv = try await Memwall.run(arguments + ["--format", "csv"])
            #expect(csv.stdoutLines.contains("attention blocks per unit,\(chosen),,chosen"), "\(csv.stdout)")
        }
    }

    /// Rows faster than the file's peak are reported on standard error; the run still succeeds.
    @Test func rowsBeyondThePeakAreWarnedOf() async throws {
        let result = try await Memwall.run(["validate", "--hardware", "nvidia-h100-sxm-80gb", "--measurements",
                                            "Workloads/measurements/h100-gemm-xla-fp8.csv"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("warning: 6 of 125 measurements run faster than the compute peak"), "\(result.stderr)")
        #expect(!result.stdout.contains("warning"))
        let clean = try await Memwall.run(["validate", "--hardware", "nvidia-h100-sxm-80gb", "--measurements", Self.gemm])
        #expect(clean.status == 0 && !clean.stderr.contains("warning"), "\(clean.stderr)")
    }

    @Test func csvHasOneRowPerCase() async throws {
        let result = try await Memwall.run(["validate", "--hardware", "nvidia-a100-sxm4-80gb", "--measurements",
                                            "Workloads/measurements/a100-attention-fa2.csv", "--format", "csv"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdoutLines.count == 19)
        #expect(result.stdoutLines[0].hasPrefix("location,family,shape,dtype,device,fold,measured_time_s,predicted_time_s"))
    }

    @Test func aBadMeasurementFileExitsTwoNamingTheLineAndColumn() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("bad.csv").path
            try "kernel,shape,dtype,time_s,device,source\ngemm,m=1 n=2 k=3,bf16,fast,x,y\n".write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await Memwall.run(["validate", "--hardware", "nvidia-h100-sxm-80gb", "--measurements", path])
            #expect(result.status == 2)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("bad.csv:2: column 'time_s': 'fast' is not a time"))
        }
    }

    @Test func tooFewMeasurementsToFitExitsOne() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("one.csv").path
            try "kernel,shape,dtype,time_s,device,source\ngemm,m=4096 n=4096 k=4096,bf16,2e-4,x,y\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            let output = directory.appendingPathComponent("out.yaml").path
            let result = try await Memwall.run(["calibrate", "--hardware", "nvidia-h100-sxm-80gb", "--measurements", path,
                                                "--output", output])
            #expect(result.status == 1)
            #expect(result.stderr.contains("cannot determine"))
            #expect(!FileManager.default.fileExists(atPath: output))
        }
    }
}
