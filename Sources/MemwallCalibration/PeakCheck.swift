import MemwallAnalysis
import MemwallModel

/// A measurement faster than the hardware file's compute peak allows: its useful FLOPs at the peak
/// take longer than it was measured to. Either the row (its FLOP convention, device or timing) or
/// the file's peak is wrong, and a fit on it will put an efficiency above 1.
public struct BeyondPeak: Sendable, Hashable {
    public var measurement: KernelMeasurement
    /// The ops' useful FLOPs over their engines' peaks (the file's `peak`, no efficiency, no waves).
    public var peakTime: Double
    /// How many times faster than the peak allows: peak time / measured time (above 1).
    public var factor: Double { peakTime / measurement.time }
}

/// Checks measurements against the hardware file's peaks before they are fitted or validated.
public enum PeakCheck {
    /// The rows faster than the peaks of `hardware`, fastest first. An op on an engine the file does
    /// not list (none among the shipped files) or without a peak for its dtype counts no time.
    public static func rowsBeyondPeak(_ measurements: [KernelMeasurement], on hardware: Hardware) throws(CalibrationError) -> [BeyondPeak] {
        var pure = hardware
        pure.calibration = nil
        let compiled = CompiledHardware(pure)
        var beyond: [BeyondPeak] = []
        for measurement in measurements {
            let result = try measurement.predict(on: compiled)
            let peakTime = result.ops.reduce(0.0) { total, op in
                guard let name = op.engine, let engine = hardware.compute.first(where: { $0.name == name }),
                      let peak = engine.peak[op.computeDType]?.value, peak > 0 else { return total }
                return total + op.flops / peak
            }
            if peakTime > measurement.time { beyond.append(BeyondPeak(measurement: measurement, peakTime: peakTime)) }
        }
        return beyond.sorted { $0.factor > $1.factor }
    }

    /// One line for a report or a warning: how many rows, the worst and where; nil when none.
    public static func summary(_ beyond: [BeyondPeak], of count: Int, hardware: String) -> String? {
        guard let worst = beyond.first else { return nil }
        let factor = (worst.factor * 100).rounded() / 100
        return "\(beyond.count) of \(count) measurements run faster than the compute peak of \(hardware) allows "
            + "(useful FLOPs / peak), up to \(factor)x at \(worst.measurement.location); check the rows' FLOP "
            + "convention and device, or the file's peak: a fit on them puts efficiencies above 1"
    }
}
