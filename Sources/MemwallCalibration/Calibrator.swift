import Foundation
import MemwallAnalysis
import MemwallModel
import MemwallNumerics

/// A calibration that cannot be made: too few measurements, a failed fit, a measurement the
/// engine cannot analyse.
public struct CalibrationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One fitted efficiency parameter with its standard error.
public struct FittedParameter: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case compute(engine: String, dtype: DType, family: Calibration.Family)
        case memory(tier: String)
        case launchOverhead
        /// The fixed time of one source's measurements (``Calibration/SourceOverhead``), fitted when
        /// two or more sources have ``Calibrator/minimumRowsForSourceOverhead`` rows each.
        case sourceOverhead(source: String)

        /// Whether it is a time (seconds), fitted through its logarithm, rather than an efficiency.
        public var isOverhead: Bool {
            switch self {
            case .launchOverhead, .sourceOverhead: true
            case .compute, .memory: false
            }
        }
    }

    public var kind: Kind
    /// Efficiency (a fraction) or the overhead in seconds.
    public var value: Double
    public var standardError: Double

    public init(kind: Kind, value: Double, standardError: Double) {
        self.kind = kind
        self.value = value
        self.standardError = standardError
    }

    /// How reports name it: `compute tensor-core bf16 gemm`, `bandwidth hbm`, `launch overhead`.
    public var name: String {
        switch kind {
        case let .compute(engine, dtype, family): "compute \(engine) \(dtype.rawValue) \(family.rawValue)"
        case let .memory(tier): "bandwidth \(tier)"
        case .launchOverhead: "launch overhead"
        case let .sourceOverhead(source): "overhead of \(source)"
        }
    }

    /// Whether the data pins it down: a finite, nonzero standard error below the value. GSL's
    /// covariance gives exactly 0 for a parameter no residual depends on (a bound that never binds).
    public var isDetermined: Bool { standardError.isFinite && standardError > 0 && standardError < abs(value) }
}

/// One measurement against the model's prediction.
public struct CaseResult: Sendable, Hashable {
    public var measurement: KernelMeasurement
    public var predicted: Double
    /// What bound the prediction (`compute`, a tier name, `overhead`).
    public var bound: String
    /// The k-fold fold that held this case out, when validated with holdout.
    public var fold: Int?
    /// The engine's bytes at each tier the measurement counted bytes for (`bytes_<tier>` columns).
    public var predictedBytes: [String: Double]

    public init(measurement: KernelMeasurement, predicted: Double, bound: String, fold: Int? = nil,
                predictedBytes: [String: Double] = [:]) {
        self.measurement = measurement
        self.predicted = predicted
        self.bound = bound
        self.fold = fold
        self.predictedBytes = predictedBytes
    }

    /// (predicted - measured) / measured.
    public var relativeError: Double { (predicted - measurement.time) / measurement.time }
}

/// The outcome of `memwall calibrate`.
public struct CalibrationFit: Sendable {
    public var parameters: [FittedParameter]
    /// Every measurement against the calibrated model (the fit's residuals, as relative errors).
    public var cases: [CaseResult]
    /// The calibration to write into the hardware file.
    public var calibration: Calibration
    public var converged: Bool
    public var iterations: Int
    /// The tile fields the file did not state and the fit chose, in the order chosen
    /// (``Calibrator/fit(_:on:fittedOn:)``); empty when nothing was chosen.
    public var choices: [TileChoice] = []
}

/// Fits a hardware file's efficiency parameters to measurements by nonlinear least squares.
///
/// The model per measurement i is the engine's own formula summed over its ops o (one for a
/// kernel, a layer's ops for a layer), `t_i = sum_o max(C_o / e_c(o), max_t M_ot / e_t, latency_o)
/// + overhead`, where C_o and M_ot are the engine's compute time (with wave quantisation) and
/// memory times at efficiency 1; attention on hardware with a special-function rate has
/// max(C_o / e_c, C_o + X_o) in place of C_o / e_c, X_o its exponentials' time. The
/// residual is `log(t_i / measured_i)`, so every case weighs by its relative error. An
/// efficiency is fitted as x with e = maximumEfficiency / (1 + exp(-x)) (it stays in (0, 1.5)
/// however the max() trades one bound for another), the overhead as its logarithm; standard
/// errors come from the Jacobian at the solution (delta method back to the linear scale).
public enum Calibrator {
    /// A compute or bandwidth parameter is fitted when it comes within this factor of binding
    /// on at least one measurement at efficiency 1; otherwise the data says nothing about it.
    public static let bindingShare = 0.25
    /// Starting values for the iteration.
    public static let initialEfficiency = 0.7
    public static let initialOverheadShare = 0.3
    /// The largest efficiency a fit may return (the loader accepts up to this): above 1 means the
    /// file's peak or bandwidth is below what the device reached.
    public static let maximumEfficiency = 1.5
    /// A source needs this many rows to have its own intercept: fewer would let the intercept absorb
    /// the rows' residuals. 5 is memwall's choice (the smallest shipped source with more than one row
    /// has 9).
    public static let minimumRowsForSourceOverhead = 5

    /// Efficiency from the fitted variable, and its derivative (for the delta method).
    static func efficiency(_ x: Double) -> (value: Double, slope: Double) {
        let s = 1 / (1 + exp(-x))
        return (maximumEfficiency * s, maximumEfficiency * s * (1 - s))
    }

    static func unbounded(_ efficiency: Double) -> Double { -log(maximumEfficiency / efficiency - 1) }

    /// The fit with the thread-block tile (and occupancy) fixed, and its sum of squared residuals.
    static func fit(_ measurements: [KernelMeasurement], on hardware: Hardware, tile: Calibration.Tile,
                    fittedOn: [String]) throws(CalibrationError) -> (fit: CalibrationFit, cost: Double) {
        let base = try baselineCases(measurements, on: hardware, tile: tile)
        var keys: [FittedParameter.Kind] = []
        for model in base.flatMap(\.ops) {
            let slowest = max(model.latency, model.memory.map(\.time).max() ?? 0)
            if let key = model.computeKey, model.compute > 0, model.compute >= bindingShare * slowest, !keys.contains(key) {
                keys.append(key)
            }
            for (tier, time) in model.memory where time > 0 {
                let others = max(model.compute, model.memory.filter { $0.tier != tier }.map(\.time).max() ?? 0)
                let key = FittedParameter.Kind.memory(tier: tier)
                if time >= bindingShare * others, !keys.contains(key) { keys.append(key) }
            }
        }
        // One intercept per source when two or more sources have enough rows to fix their own (a
        // harness's timer and dispatch are its own); otherwise one shared by every row, as before.
        var rowsPerSource: [String: Int] = [:]
        var sources: [String] = []
        for c in base {
            if rowsPerSource[c.source] == nil { sources.append(c.source) }
            rowsPerSource[c.source, default: 0] += 1
        }
        let ownSources = sources.filter { rowsPerSource[$0]! >= minimumRowsForSourceOverhead }
        let perSource = ownSources.count >= 2
        keys += perSource ? ownSources.map { .sourceOverhead(source: $0) } : [.launchOverhead]
        guard measurements.count >= keys.count else {
            throw CalibrationError("\(measurements.count) measurements cannot determine \(keys.count) parameters (\(keys.map { FittedParameter(kind: $0, value: 0, standardError: 0).name }.joined(separator: ", "))); expected at least as many measurements as parameters")
        }
        let index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        let overheadIndices = keys.indices.filter { keys[$0].isOverhead }
        let ownIndex = perSource ? Dictionary(uniqueKeysWithValues: ownSources.map { ($0, index[.sourceOverhead(source: $0)]!) }) : [:]
        let initial = keys.map { key -> Double in
            guard key.isOverhead else { return unbounded(initialEfficiency) }
            let rows = base.filter { c in if case let .sourceOverhead(source) = key { c.source == source } else { true } }
            return log((rows.map { $0.measured / Double($0.ops.count) }.min() ?? 1e-6) * initialOverheadShare)
        }
        let residuals: ([Double]) -> [Double] = { x in
            let values = x.indices.map { keys[$0].isOverhead ? exp(x[$0]) : efficiency(x[$0]).value }
            // The launch overhead of every op: the smallest intercept (the cleanest harness adds nothing).
            let launch = overheadIndices.map { values[$0] }.min() ?? 0
            return base.map { model in
                let intercept = ownIndex[model.source].map { values[$0] } ?? launch
                let predicted = intercept - launch + model.ops.reduce(0.0) { total, op in
                    var compute = op.computeKey.flatMap { index[$0] }.map { op.compute / values[$0] } ?? op.compute
                    // Attention with a special-function rate: never below the matmuls at peak plus the exponentials.
                    if op.special > 0 { compute = max(compute, op.compute + op.special) }
                    let memory = op.memory.map { entry in
                        index[.memory(tier: entry.tier)].map { entry.time / values[$0] } ?? entry.time
                    }.max() ?? 0
                    return total + max(compute, memory, op.latency) + launch
                }
                return log(predicted / model.measured)
            }
        }
        let solution: GSL.NonlinearFit
        do {
            solution = try GSL.nonlinearLeastSquares(initial: initial, count: base.count, residuals: residuals)
        } catch {
            throw CalibrationError("the fit failed: \(error.message)")
        }
        var parameters = keys.enumerated().map { i, key in
            let x = solution.parameters[i], error = solution.standardErrors[i]
            if key.isOverhead { return FittedParameter(kind: key, value: exp(x), standardError: exp(x) * error) }
            let (value, slope) = efficiency(x)
            return FittedParameter(kind: key, value: value, standardError: slope * error)
        }
        if perSource {
            // The launch overhead the file keeps for every op: the smallest source intercept, as in the
            // residuals (not written when that intercept is not determined).
            let smallest = parameters.filter { $0.kind.isOverhead }.min { $0.value < $1.value }!
            parameters.append(FittedParameter(kind: .launchOverhead, value: smallest.value, standardError: smallest.standardError))
        }
        var calibration = merged(parameters, into: hardware, fittedOn: fittedOn, count: measurements.count)
        calibration.tile = tile
        var calibrated = hardware
        calibrated.calibration = calibration
        let cases = try predictions(measurements, on: calibrated)
        let cost = residuals(solution.parameters).reduce(0) { $0 + $1 * $1 }
        return (CalibrationFit(parameters: parameters, cases: cases, calibration: calibration,
                               converged: solution.converged, iterations: solution.iterations), cost)
    }

    /// Every measurement predicted by the engine on `hardware`.
    public static func predictions(_ measurements: [KernelMeasurement], on hardware: Hardware) throws(CalibrationError) -> [CaseResult] {
        let compiled = CompiledHardware(hardware)
        var cases: [CaseResult] = []
        for measurement in measurements {
            let result = try measurement.predict(on: compiled)
            var bytes: [String: Double] = [:]
            for (tier, value) in zip(result.tierNames, result.totals.bytesByTier) where measurement.bytesByTier[tier] != nil {
                bytes[tier] = value
            }
            let harness = hardware.calibration?.overhead(ofSource: measurement.provenance.source) ?? 0
            cases.append(CaseResult(measurement: measurement, predicted: result.totals.time + harness,
                                    bound: result.totals.bound.name(tiers: result.tierNames), predictedBytes: bytes))
        }
        return cases
    }

    /// What the engine says of one op at efficiency 1 and no overhead.
    struct BaseOp {
        var computeKey: FittedParameter.Kind?
        /// FLOPs at peak (with wave quantisation), without the exponentials.
        var compute: Double
        /// The exponentials at the special-function rate (0 without one): the engine's floor is compute + special.
        var special: Double
        var memory: [(tier: String, time: Double)]
        var latency: Double
    }

    /// One measurement: its ops (one for a kernel, many for a layer), run one after another.
    struct BaseCase {
        var ops: [BaseOp]
        var measured: Double
        /// The measurement's `source`, whose intercept it shares.
        var source: String
    }

    /// The hardware with every efficiency 1 and no launch overhead, keeping its units, with `tile`.
    static func baseline(_ hardware: Hardware, tile: Calibration.Tile) -> Hardware {
        var base = hardware
        base.calibration = Calibration(
            parallelUnits: hardware.calibration?.parallelUnits ?? hardware.memory[0].instances,
            tile: tile,
            compute: hardware.compute.map { Calibration.ComputeFactor(engine: $0.name, efficiency: 1) },
            launchOverhead: Seconds(0), source: "baseline for fitting")
        return base
    }

    static func baselineCases(_ measurements: [KernelMeasurement], on hardware: Hardware,
                              tile: Calibration.Tile) throws(CalibrationError) -> [BaseCase] {
        let compiled = CompiledHardware(baseline(hardware, tile: tile))
        var cases: [BaseCase] = []
        for measurement in measurements {
            let result = try measurement.predict(on: compiled)
            let ops = result.ops.map { op in
                BaseOp(computeKey: op.engine.map { .compute(engine: $0, dtype: op.computeDType, family: Calibration.Family(op.kind)) },
                       compute: op.computeTime - op.specialFunctionTime, special: op.specialFunctionTime,
                       memory: zip(result.tierNames, op.memoryTimeByTier).filter { $0.1 > 0 }.map { (tier: $0.0, time: $0.1) },
                       latency: op.latencyTime)
            }
            cases.append(BaseCase(ops: ops, measured: measurement.time, source: measurement.provenance.source))
        }
        return cases
    }

    /// The hardware's calibration with the fitted entries replaced (others kept).
    static func merged(_ parameters: [FittedParameter], into hardware: Hardware, fittedOn: [String], count: Int) -> Calibration {
        var calibration = hardware.calibration ?? Calibration(parallelUnits: hardware.memory[0].instances, source: "")
        // A parameter the measurements do not determine keeps the file's value: writing the
        // starting guess back as if it were fitted would be a made-up number.
        let launch = parameters.first { $0.kind == .launchOverhead }?.value ?? 0
        // Every excess is over this fit's launch overhead: a refitted file's old ones no longer hold.
        calibration.sourceOverheads = []
        for parameter in parameters where parameter.isDetermined {
            switch parameter.kind {
            case let .compute(engine, dtype, family):
                calibration.compute.removeAll { $0.engine == engine && $0.dtype == dtype && $0.family == family }
                calibration.compute.append(.init(engine: engine, dtype: dtype, family: family, efficiency: parameter.value,
                                                 uncertainty: parameter.standardError))
            case let .memory(tier):
                calibration.memory.removeAll { $0.tier == tier }
                calibration.memory.append(.init(tier: tier, efficiency: parameter.value, uncertainty: parameter.standardError))
            case .launchOverhead:
                calibration.launchOverhead = Seconds(parameter.value)
                calibration.launchOverheadUncertainty = Seconds(parameter.standardError)
            case let .sourceOverhead(source):
                // The uncertainty written is the intercept's own, not that of its excess over the launch overhead.
                if parameter.value > launch {
                    calibration.sourceOverheads.append(.init(source: source, overhead: Seconds(parameter.value - launch),
                                                             uncertainty: Seconds(parameter.standardError)))
                }
            }
        }
        calibration.fittedOn = fittedOn
        calibration.source = "memwall calibrate: nonlinear least squares (GSL gsl_multifit_nlinear, relative residuals) on \(count) measurements; parallel_units \(hardware.calibration == nil ? "from the instances of tier '\(hardware.memory[0].name)' (one per SM or core)" : "from the file's calibration section")"
        return calibration
    }
}
