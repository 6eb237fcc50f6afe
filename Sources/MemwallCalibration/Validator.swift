import MemwallModel

/// The median and worst relative error of a group of cases.
public struct ErrorSummary: Sendable, Hashable {
    /// A kernel family (`gemm`, `attention/flash`), or `all`.
    public var family: String
    public var count: Int
    /// Median of |predicted - measured| / measured.
    public var medianError: Double
    /// Largest |relative error|, and where it is.
    public var worstError: Double
    public var worstLocation: String

    /// The summary of the time errors of `cases`.
    public init(family: String, cases: [CaseResult]) {
        self.init(family: family, errors: cases.map { ($0.relativeError, $0.measurement.location) })
    }

    /// The summary of signed relative errors, each with where it is.
    public init(family: String, errors: [(error: Double, location: String)]) {
        self.family = family
        count = errors.count
        let sizes = errors.map { abs($0.error) }.sorted()
        let middle = sizes.count / 2
        medianError = sizes.isEmpty ? 0 : sizes.count % 2 == 1 ? sizes[middle] : (sizes[middle - 1] + sizes[middle]) / 2
        let worst = errors.max { abs($0.error) < abs($1.error) }
        worstError = worst.map { abs($0.error) } ?? 0
        worstLocation = worst?.location ?? ""
    }

    /// Byte-count errors per tier, for the cases whose measurement counted bytes at that tier:
    /// family `bytes <tier>`, error (predicted - measured) / measured (skipping measured zeros).
    public static func bytes(_ cases: [CaseResult]) -> [ErrorSummary] {
        var tiers: [String] = []
        for c in cases { for tier in c.predictedBytes.keys.sorted() where !tiers.contains(tier) { tiers.append(tier) } }
        return tiers.map { tier in
            let errors = cases.compactMap { c -> (error: Double, location: String)? in
                guard let predicted = c.predictedBytes[tier], let measured = c.measurement.bytesByTier[tier], measured > 0 else { return nil }
                return ((predicted - measured) / measured, c.measurement.location)
            }
            return ErrorSummary(family: "bytes \(tier)", errors: errors)
        }.filter { $0.count > 0 }
    }
}

/// Predicted against measured per case, summarised by kernel family.
public struct ValidationResult: Sendable {
    public var hardwareName: String
    public var cases: [CaseResult]
    /// One summary per family (in order of first appearance), then `all`.
    public var summaries: [ErrorSummary]
    /// Byte-count errors per tier where the measurements counted bytes (``ErrorSummary/bytes(_:)``).
    public var byteSummaries: [ErrorSummary]
    /// Folds of the k-fold holdout; nil when the hardware file was used as given.
    public var folds: Int?
    /// The devices the measurements name.
    public var devices: [String]
}

/// `memwall validate`: the model's error on measurements, in-sample or held out.
public enum Validator {
    /// Folds when `--holdout` is given without `--folds`.
    public static let defaultFolds = 5

    /// Predicts every measurement with `hardware` as it is.
    public static func validate(_ measurements: [KernelMeasurement], on hardware: Hardware) throws(CalibrationError) -> ValidationResult {
        let cases = try Calibrator.predictions(measurements, on: hardware)
        return result(cases, hardware: hardware, folds: nil)
    }

    /// k-fold holdout: case i goes to fold i mod k (file order, so every family and size range is
    /// spread over the folds); each fold is predicted by a calibration fitted on the other folds.
    public static func holdout(_ measurements: [KernelMeasurement], on hardware: Hardware,
                               folds: Int = defaultFolds) throws(CalibrationError) -> ValidationResult {
        guard folds >= 2, measurements.count >= folds else {
            throw CalibrationError("holdout with \(folds) folds needs at least \(max(2, folds)) measurements and 2 folds; got \(measurements.count) measurements")
        }
        var cases = [CaseResult?](repeating: nil, count: measurements.count)
        for fold in 0..<folds {
            let held = measurements.indices.filter { $0 % folds == fold }
            let training = measurements.indices.filter { $0 % folds != fold }.map { measurements[$0] }
            let fit: CalibrationFit
            do { fit = try Calibrator.fit(training, on: hardware) } catch {
                throw CalibrationError("fold \(fold + 1) of \(folds): \(error.message)")
            }
            var calibrated = hardware
            calibrated.calibration = fit.calibration
            let predicted = try Calibrator.predictions(held.map { measurements[$0] }, on: calibrated)
            for (i, result) in zip(held, predicted) {
                var entry = result
                entry.fold = fold + 1
                cases[i] = entry
            }
        }
        return result(cases.compactMap { $0 }, hardware: hardware, folds: folds)
    }

    static func result(_ cases: [CaseResult], hardware: Hardware, folds: Int?) -> ValidationResult {
        var families: [String] = []
        for c in cases where !families.contains(c.measurement.family) { families.append(c.measurement.family) }
        let summaries = families.map { family in ErrorSummary(family: family, cases: cases.filter { $0.measurement.family == family }) }
            + [ErrorSummary(family: "all", cases: cases)]
        var devices: [String] = []
        for c in cases where !devices.contains(c.measurement.provenance.device) { devices.append(c.measurement.provenance.device) }
        return ValidationResult(hardwareName: hardware.name, cases: cases, summaries: summaries,
                                byteSummaries: ErrorSummary.bytes(cases), folds: folds, devices: devices)
    }
}
