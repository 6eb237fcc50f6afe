import Foundation
import MemwallModel
import MemwallPlanning
import MemwallReport
import Testing
import _TestSupport

/// A 2 x 6 x 250 = 3000-point sweep (three runner chunks) over two devices.
func smallSweep() throws -> SweepSpec {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("small.yaml").path
    try """
    name: "small, with a comma"
    workload: \(PackageRoot.path("Workloads/mixtral-8x7b-decode.yaml"))
    fixed: { prompt_len: 128 }
    cartesian:
      hardware: [\(PackageRoot.path("HardwareSpecs/nvidia-h100-sxm-80gb.yaml")), \(PackageRoot.path("HardwareSpecs/amd-mi300x.yaml"))]
      tp: [1, 2, 4, 8, 2, 1]
      context_len: { from: 1, to: 250000, step: 1000 }
    zip: { kv_dtype: [bf16] }
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return try SweepSpec.load(contentsOf: path) { name throws(SpecError) in throw SpecError(file: name, message: "unused") }
}

/// Runs `range` of `spec` into one string, as `memwall sweep` writes it.
func render(_ spec: SweepSpec, format: SweepOutput.Format, shard: Shard = .whole, threads: Int = 2) throws -> String {
    let runner = SweepRunner(spec: spec)
    let writer = SweepOutput(format: format, columnKeys: nil, name: spec.name, pointCount: spec.pointCount)
    let range = shard.range(of: spec.pointCount)
    var text = writer.header(shard: shard.index, of: shard.count)
    try runner.run(range, threads: threads, render: { point, estimate in
        writer.row(point, estimate, first: point == range.lowerBound)
    }, write: { text += $0.joined() })
    return text + writer.footer(shard: shard.index, of: shard.count)
}

@Suite struct SweepOutputTests {
    @Test(arguments: [SweepOutput.Format.csv, .json])
    func outputIsTheSameForAnyThreadCount(format: SweepOutput.Format) throws {
        let spec = try smallSweep()
        #expect(spec.pointCount == 3000)
        let one = try render(spec, format: format, threads: 1)
        #expect(try render(spec, format: format, threads: 2) == one)
        #expect(try render(spec, format: format, threads: 5) == one)
    }

    @Test(arguments: [SweepOutput.Format.csv, .json])
    func mergedShardsAreExactlyTheUnshardedOutput(format: SweepOutput.Format) throws {
        let spec = try smallSweep()
        let whole = try render(spec, format: format)
        for count in [2, 3, 7] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shards-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            var paths: [String] = []
            for index in 0..<count {
                let path = folder.appendingPathComponent("shard-\(index).\(format.rawValue)").path
                try render(spec, format: format, shard: Shard(index: index, count: count)).write(toFile: path, atomically: true, encoding: .utf8)
                paths.append(path)
            }
            var merged = ""
            let points = try SweepMerge.merge(paths.reversed(), expectedPoints: spec.pointCount) { merged += $0 }
            #expect(points == 3000)
            #expect(merged == whole, "\(count) shards")
        }
    }

    @Test func jsonIsOneValidDocument() throws {
        let spec = try smallSweep()
        let text = try render(spec, format: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["point_count"] as? Int == 3000)
        #expect(object["name"] as? String == "small, with a comma")
        let points = try #require(object["points"] as? [[String: Any]])
        #expect(points.count == 3000)
        #expect(points[2999]["point"] as? Int == 2999)
        #expect(points[0]["hardware"] as? String == "nvidia-h100-sxm-80gb")
        #expect(points[2999]["hardware"] as? String == "amd-mi300x")
    }

    @Test func csvRowsMatchTheEstimates() throws {
        let spec = try smallSweep()
        let lines = try render(spec, format: .csv).split(separator: "\n")
        #expect(lines.count == 3001)
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header == ["point"] + ServingColumns.keys)
        let estimate = try SweepRunner(spec: spec).estimate(1234)
        let row = lines[1235].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let tpot = try #require(header.firstIndex(of: "tpot_s"))
        #expect(Double(row[tpot]) == estimate.timePerOutputToken)
        #expect(row[0] == "1234")
    }

    @Test func mergeRefusesMissingRepeatedAndMixedShards() throws {
        let spec = try smallSweep()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ format: SweepOutput.Format, _ index: Int, of count: Int) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try render(spec, format: format, shard: Shard(index: index, count: count)).write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let a = try write("a.csv", .csv, 0, of: 3), b = try write("b.csv", .csv, 1, of: 3), c = try write("c.csv", .csv, 2, of: 3)
        let j = try write("c.json", .json, 2, of: 3)
        func failure(_ paths: [String], expected: Int? = nil) -> String {
            do { try SweepMerge.merge(paths, expectedPoints: expected) { _ in }; return "merged" } catch { return "\(error)" }
        }
        #expect(failure([a, c]).contains("expected --sweep FILE"))
        #expect(failure([a, c], expected: 3000).contains("are in no shard"))
        #expect(failure([a, b], expected: 3000).contains("points 2000 and later are missing"))
        #expect(failure([a, b, b, c], expected: 3000).contains("more than one shard"))
        #expect(failure([a, j], expected: 3000).contains("expected one format"))
        #expect(failure([]).contains("no shard files"))
        #expect(failure([a, b, c], expected: 3000) == "merged")
    }

    /// More shards than points: some shards are empty, and still merge back exactly.
    @Test(arguments: [SweepOutput.Format.csv, .json])
    func emptyShardsMergeToo(format: SweepOutput.Format) throws {
        let spec = try loadTinySweep()
        #expect(spec.pointCount == 3)
        let whole = try render(spec, format: format)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for index in 0..<7 {
            let path = folder.appendingPathComponent("\(index).\(format.rawValue)").path
            try render(spec, format: format, shard: Shard(index: index, count: 7)).write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        var merged = ""
        try SweepMerge.merge(paths, expectedPoints: 3) { merged += $0 }
        #expect(merged == whole)
    }
}

/// A three-point sweep.
func loadTinySweep() throws -> SweepSpec {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("tiny.yaml").path
    try """
    workload: \(PackageRoot.path("Workloads/llama-3-8b-decode.yaml"))
    fixed: { hardware: \(PackageRoot.path("HardwareSpecs/nvidia-h100-sxm-80gb.yaml")) }
    cartesian: { batch: [1, 2, 3] }
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return try SweepSpec.load(contentsOf: path) { name throws(SpecError) in throw SpecError(file: name, message: "unused") }
}
