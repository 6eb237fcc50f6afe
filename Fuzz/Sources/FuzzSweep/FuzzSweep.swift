import Foundation
import FuzzSupport
import MemwallModel
import MemwallPlanning

/// Relative paths resolve as for a file in Workloads/sweeps/ (the fuzzer runs from the package root).
let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Workloads/sweeps")

/// Shipped hardware, loaded once (libFuzzer runs inputs one at a time on one thread).
nonisolated(unsafe) var loaded: [String: Hardware] = [:]

func shipped(_ name: String) throws(SpecError) -> Hardware {
    if let known = loaded[name] { return known }
    let path = "HardwareSpecs/\(name).yaml"
    guard !name.contains("/"), FileManager.default.fileExists(atPath: path) else {
        throw SpecError(file: name, message: "no shipped hardware '\(name)'")
    }
    let hardware = try Hardware.load(contentsOf: path)
    loaded[name] = hardware
    return hardware
}

/// Sweep files: parse or fail with a located SpecError; what parses has its point count within
/// the limit, and its first, middle and last points evaluate to finite figures or fail with a
/// PlanningError (never a trap); shards of it cover the points exactly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSweep(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let document = try? SpecDocument(text: text, file: "fuzz.yaml"),
          let spec = try? SweepSpec.load(document, folder: folder, resolveHardware: shipped) else { return 0 }
    precondition(spec.pointCount >= 1 && spec.pointCount <= SweepSpec.maximumPoints, "point count out of range")
    let runner = SweepRunner(spec: spec)
    for point in Set([0, spec.pointCount / 2, spec.pointCount - 1]) {
        guard let estimate = try? runner.estimate(point) else { continue }
        precondition(estimate.timePerOutputToken.isFinite && estimate.timePerOutputToken > 0, "non-finite TPOT")
        precondition(estimate.timeToFirstToken.isFinite && estimate.throughput.isFinite, "non-finite time")
        precondition(estimate.weightBytesPerDevice.isFinite && estimate.kvCacheBytesPerDevice.isFinite, "non-finite memory")
    }
    var next = 0
    for index in 0..<3 {
        let range = Shard(index: index, count: 3).range(of: spec.pointCount)
        precondition(range.lowerBound == next, "shards leave a gap")
        next = range.upperBound
    }
    precondition(next == spec.pointCount, "shards do not cover the sweep")
    return 0
}

@_cdecl("FuzzSweep_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzSweep)
}
