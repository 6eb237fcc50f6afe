import ArgumentParser
import Foundation
import MemwallCalibration
import MemwallModel
import MemwallReport

/// `--hardware` and `--measurements`: what calibrate and validate work on.
struct CalibrationInputs: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Hardware file (YAML/JSON), or the name of a file in HardwareSpecs/.", valueName: "file"))
    var hardware: String

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "Measurement CSV files (kernel, shape, dtype, time_s, device, source, ...; see docs/calibration.md).",
        valueName: "file"))
    var measurements: [String]

    func loadHardware() throws -> (Hardware, path: String) {
        try failing {
            let path = try HardwareLocator.resolve(hardware)
            return (try Hardware.load(contentsOf: path), path)
        }
    }

    func loadMeasurements() throws -> [KernelMeasurement] {
        guard !measurements.isEmpty else { throw CommandFailure.badInput("--measurements: no files; expected one or more measurement CSV files") }
        return try failing { try measurements.flatMap { path throws(SpecError) in try MeasurementCSV.load(contentsOf: path) } }
    }

    /// Warns (standard error) of rows faster than the hardware file's peaks: ``PeakCheck``.
    func warnBeyondPeak(_ measurements: [KernelMeasurement], on hardware: Hardware) throws {
        let beyond = try calibrating { try PeakCheck.rowsBeyondPeak(measurements, on: hardware) }
        if let line = PeakCheck.summary(beyond, of: measurements.count, hardware: hardware.name) { Console.error("warning: \(line)") }
    }

    /// What the fit was made on: each file with its row count and the distinct sources in it.
    func fittedOn(_ all: [KernelMeasurement]) -> [String] {
        measurements.map { file in
            let rows = all.filter { $0.location.hasPrefix(file + ":") }
            var sources: [String] = []
            for row in rows where !sources.contains(row.provenance.source) { sources.append(row.provenance.source) }
            return "\(file) (\(rows.count) rows; sources: \(sources.joined(separator: " | ")))"
        }
    }
}

/// Turns calibration errors into exit status 1: the measurements do not support an answer.
func calibrating<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as CalibrationError { throw CommandFailure.infeasible("error: \(error.message)") }
}

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a hardware file's efficiency factors to measured kernel times and write a calibrated file.",
        discussion: """
        Fits, by nonlinear least squares on relative errors (GSL gsl_multifit_nlinear), the achievable fraction
        of peak per engine, dtype and kernel family (after wave quantisation of thread blocks over the SMs), the
        achievable fraction of bandwidth per tier, and a fixed launch overhead. Prints each parameter with its
        standard error and the fit's residuals; writes the hardware file with a `calibration:` section that
        records what it was fitted on. Check the held-out error with `memwall validate --holdout`.

        Example:
          memwall calibrate --hardware nvidia-h100-sxm-80gb \\
              --measurements Workloads/measurements/h100-gemm-xla.csv --output h100-calibrated.yaml
        """)

    @OptionGroup var inputs: CalibrationInputs

    @Option(name: .long, help: ArgumentHelp("Write the calibrated hardware file here.", valueName: "file"))
    var output: String

    @Option(name: .long, help: "Report format: table, csv (the parameters) or json.")
    var format: ReportFormat = .table

    @Option(name: .customLong("report"), help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var report: String?

    func run() throws {
        let (hardware, path) = try inputs.loadHardware()
        let measurements = try inputs.loadMeasurements()
        try inputs.warnBeyondPeak(measurements, on: hardware)
        let fit = try calibrating { try Calibrator.fit(measurements, on: hardware, fittedOn: inputs.fittedOn(measurements)) }
        guard let original = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure.badInput("\(path): cannot read the hardware file again to write the calibrated copy")
        }
        let calibrated = CalibratedHardwareFile.render(original: original, calibration: fit.calibration)
        // The written file must load: check it before anything is written.
        _ = try failing { try Hardware.parse(calibrated, file: output) }
        try Console.write(try CalibrationReport.render(fit, hardware: hardware.name, format: format), to: report, option: "--report")
        try Console.write(calibrated, to: output)
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predicted against measured kernel times, with the median and worst error per kernel family.",
        discussion: """
        Without --holdout the hardware file is used as given (a calibrated file's in-sample error, or the pure
        roofline's). With --holdout the measurements are cut into k folds; each fold is predicted by a calibration
        fitted on the others, so the error is on cases the model was not fitted to.

        Example:
          memwall validate --hardware nvidia-h100-sxm-80gb \\
              --measurements Workloads/measurements/h100-gemm-xla.csv --holdout
        """)

    @OptionGroup var inputs: CalibrationInputs

    @Flag(name: .long, help: "k-fold holdout: fit on all folds but one, report the error on the one left out.")
    var holdout = false

    @Option(name: .long, help: "Folds for --holdout (at least 2).")
    var folds: Int = Validator.defaultFolds

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        guard folds >= 2 else { throw CommandFailure.badInput("--folds \(folds): expected 2 or more") }
        let (hardware, _) = try inputs.loadHardware()
        let measurements = try inputs.loadMeasurements()
        try inputs.warnBeyondPeak(measurements, on: hardware)
        let result = try calibrating {
            holdout ? try Validator.holdout(measurements, on: hardware, folds: folds)
                : try Validator.validate(measurements, on: hardware)
        }
        try Console.write(try ValidationReport.render(result, format: outputOptions.format), to: outputOptions.output)
    }
}
