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

    /// The GEMM rows of shape (b, m, n, k); b = 1 when the shape has no `b`.
    static func gemmRows(_ rows: [KernelMeasurement], b: Int, m: Int, n: Int, k: Int) -> [KernelMeasurement] {
        rows.filter { ($0.shape["b"] ?? 1) == b && $0.shape["m"] == m && $0.shape["n"] == n && $0.shape["k"] == k }
    }

    /// 2 b m n k FLOPs of a GEMM row.
    static func gemmFlops(_ r: KernelMeasurement) -> Double {
        2.0 * Double((r.shape["b"] ?? 1) * r.shape["m"]! * r.shape["n"]! * r.shape["k"]!)
    }

    /// FLOP/s values a test copied from a published table, each with its shape: exactly one row has the
    /// shape, and its time is 2 b m n k over the figure.
    static func expectTimes(_ rows: [KernelMeasurement], from table: [(b: Int, m: Int, n: Int, k: Int, flopsPerSecond: Double)],
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        for c in table {
            let matches = gemmRows(rows, b: c.b, m: c.m, n: c.n, k: c.k)
            #expect(matches.count == 1, "b=\(c.b) m=\(c.m) n=\(c.n) k=\(c.k)", sourceLocation: sourceLocation)
            let r = try #require(matches.first, sourceLocation: sourceLocation)
            let seconds = 2.0 * Double(c.b) * Double(c.m) * Double(c.n) * Double(c.k) / c.flopsPerSecond
            #expect(close(r.time, seconds), "\(r.location): \(r.time) s, expected \(seconds) s", sourceLocation: sourceLocation)
        }
    }

    /// Every GEMM row of `file` carries the table's FLOP/s in its notes (6 significant digits, as the
    /// time): the time must be 2 b m n k over it.
    static func expectEveryRowMatchesItsFlopsNote(_ file: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (line, r) in try rowsWithLines(file, kernel: "gemm") {
            let note = try #require(line.firstMatch(of: /"([0-9.e+]+) FLOP\/s/), "\(r.location)", sourceLocation: sourceLocation)
            let flopsPerSecond = try #require(Double(String(note.1)), sourceLocation: sourceLocation)
            #expect(abs(r.time * flopsPerSecond / gemmFlops(r) - 1) < 2e-5, "\(r.location)", sourceLocation: sourceLocation)
        }
    }

    private static func path(_ name: String) -> String { PackageRoot.path("Workloads/measurements/\(name)") }
}
