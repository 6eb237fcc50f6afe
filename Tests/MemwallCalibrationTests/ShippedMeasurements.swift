import Foundation
import MemwallCalibration
import Testing
import _TestSupport

/// The shipped measurement files (`Workloads/measurements/`), for the tests that check their rows
/// against the published figures they were derived from.
enum ShippedMeasurements {
    static func load(_ name: String) throws -> [KernelMeasurement] {
        try MeasurementCSV.load(contentsOf: path(name))
    }

    /// `time` within the 6 significant digits the files keep.
    static func close(_ time: Double, _ expected: Double) -> Bool { abs(time - expected) <= 1e-5 * expected }

    /// Every row of `name` with the text of its line (the lines starting `kernel,`), so a test can
    /// read the published figure the row's notes carry; the file must hold no other data lines.
    static func rowsWithLines(_ name: String, kernel: String) throws -> [(line: Substring, row: KernelMeasurement)] {
        let text = try String(contentsOfFile: path(name), encoding: .utf8)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("\(kernel),") }
        let rows = try load(name)
        #expect(lines.count == rows.count, "\(name): \(lines.count) data lines, \(rows.count) rows")
        return Array(zip(lines, rows)).map { (line: $0.0, row: $0.1) }
    }

    private static func path(_ name: String) -> String { PackageRoot.path("Workloads/measurements/\(name)") }
}
