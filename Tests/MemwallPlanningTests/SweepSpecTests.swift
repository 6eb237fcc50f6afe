import Foundation
import MemwallModel
@testable import MemwallPlanning
import Testing
import _TestSupport

/// Writes `text` as a sweep file in a fresh folder next to nothing else and loads it.
func loadSweep(_ text: String) throws -> SweepSpec {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("sweep.yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return try SweepSpec.load(contentsOf: path) { name throws(SpecError) in
        let file = PackageRoot.path("HardwareSpecs/\(name).yaml")
        guard FileManager.default.fileExists(atPath: file) else { throw SpecError(file: name, message: "no hardware named \(name)") }
        return try Hardware.load(contentsOf: file)
    }
}

let workloadLine = "workload: \(PackageRoot.path("Workloads/llama-3-8b-decode.yaml"))"

@Suite struct SweepSpecTests {
    @Test func pointsFollowNestedLoopsWithZipInnermost() throws {
        let spec = try loadSweep("""
        schema_version: 1
        \(workloadLine)
        fixed: { prompt_len: 512, kv_dtype: fp8 }
        cartesian:
          hardware: [nvidia-h100-sxm-80gb, amd-mi300x]
          context_len: { from: 1000, to: 3000, step: 1000 }
        zip:
          tp: [1, 2, 4]
          batch: [8, 16, 32]
        """)
        #expect(spec.hardware.map(\.id) == ["nvidia-h100-sxm-80gb", "amd-mi300x"])
        var expected: [(Int, Int, Int, Int)] = []
        for hardware in 0..<2 {
            for context in [1000, 2000, 3000] {
                for (tp, batch) in zip([1, 2, 4], [8, 16, 32]) { expected.append((hardware, context, tp, batch)) }
            }
        }
        #expect(spec.pointCount == expected.count)
        for (index, want) in expected.enumerated() {
            let (hardware, request) = spec.point(index)
            #expect(hardware == want.0)
            #expect(request.contextLength == want.1)
            #expect(request.parallelism.tensor == want.2)
            #expect(request.batch == want.3)
            #expect(request.promptLength == 512)
            #expect(request.kvDType == .fp8)
        }
    }

    @Test func geometricAndArithmeticRanges() throws {
        let spec = try loadSweep("""
        \(workloadLine)
        fixed: { hardware: nvidia-h100-sxm-80gb }
        cartesian:
          context_len: { from: 1024, to: 131072, factor: 2 }
          batch: { from: 1, to: 10, step: 3 }
        """)
        #expect(spec.groups.map { $0[0].values.count } == [8, 4])
        #expect(spec.point(7 * 4 + 3).request.contextLength == 131072)
        #expect(spec.point(7 * 4 + 3).request.batch == 10)
        #expect(spec.point(5).request.batch == 4)
    }

    @Test(arguments: [
        ("cartesian: { batch: { from: 1, to: 8, step: 1, factor: 2 } }", "exactly one of 'step'"),
        ("cartesian: { batch: { from: 8, to: 1, step: 1 } }", "below 'from'"),
        ("cartesian: { batc: [1] }", "did you mean 'batch'"),
        ("fixed: { batch: 1 }\ncartesian: { batch: [2] }", "already set in 'fixed'"),
        ("zip: { batch: [1, 2], tp: [1] }", "expected zip lists of one length"),
        ("columns: [tpot]", "unknown column 'tpot'"),
        ("plot: { x: context_len, y: nope }", "unknown column 'nope'"),
        ("cartesian: { batch: { from: 1, to: 100000000000, step: 1 } }", "expected at most 10000000 per axis"),
        ("cartesian: { kv_dtype: [fp7] }", "unknown value 'fp7'"),
        ("cartesian: { hardware: [no-such-gpu] }", "no hardware named no-such-gpu"),
        ("cartesian: { batch: [] }", "empty list"),
        ("cartesian: { context_len: { from: 0, to: 8, factor: 2 } }", "'from' of at least 1"),
    ])
    func badFilesAreRefusedWithTheirLocation(body: String, message: String) throws {
        // Hardware comes from 'fixed' unless the case itself is about hardware or about 'fixed'.
        let hardware = body.contains("hardware") || body.hasPrefix("fixed") ? "" : "\nfixed: { hardware: nvidia-h100-sxm-80gb }"
        let text = workloadLine + "\n" + body + hardware
        let error = try #require(throws: SpecError.self) { try loadSweep(text) }
        #expect(error.description.contains(message), "\(error.description)")
        #expect(error.line != nil, "\(error.description)")
    }

    @Test func tooManyPointsAreRefusedUpFront() throws {
        let error = try #require(throws: SpecError.self) {
            try loadSweep("""
            \(workloadLine)
            fixed: { hardware: nvidia-h100-sxm-80gb }
            cartesian:
              batch: { from: 1, to: 9000000, step: 1 }
              context_len: { from: 1, to: 9000000, step: 1 }
              prompt_len: { from: 1, to: 9000000, step: 1 }
            """)
        }
        #expect(error.description.contains("more than 100000000000 points"))
    }

    @Test func aGraphFileIsNotAModelToSweep() throws {
        let error = try #require(throws: SpecError.self) {
            try loadSweep("workload: \(PackageRoot.path("Workloads/graphs/gpt2-block.yaml"))\nfixed: { hardware: nvidia-h100-sxm-80gb }")
        }
        #expect(error.description.contains("a graph file has no model to vary"))
    }

    /// The sweep file shown in the README loads as written.
    @Test func theReadmeExampleLoads() throws {
        let readme = try String(contentsOfFile: PackageRoot.path("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "  ```yaml\n  schema_version: 1\n  name: Llama-3-70B serving"))
        let end = try #require(readme.range(of: "  ```", range: start.upperBound..<readme.endIndex))
        let example = readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : String($0) }.joined(separator: "\n")
        let text = "schema_version: 1\nname: Llama-3-70B serving" + example
            .replacingOccurrences(of: "../llama-3-70b-decode.yaml", with: PackageRoot.path("Workloads/llama-3-70b-decode.yaml"))
        let spec = try loadSweep(text)
        #expect(spec.pointCount == 4 * 8 * 3)
        #expect(spec.plot?.y == "tpot_s")
    }
}
