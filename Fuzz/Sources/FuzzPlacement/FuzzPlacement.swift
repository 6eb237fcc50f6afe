import Foundation
import FuzzSupport
import MemwallModel
import MemwallPlacement

/// A scratch copy of the package layout: Workloads/* and HardwareSpecs are links to the real
/// ones; Workloads/placement/ is a real folder the input is written into, so the relative paths
/// the shipped scenarios use resolve as they do for a shipped file.
let scratch: String = {
    let manager = FileManager.default
    let root = manager.currentDirectoryPath
    let base = NSTemporaryDirectory() + "memwall-fuzz-placement-\(getpid())"
    try? manager.createDirectory(atPath: base + "/Workloads/placement", withIntermediateDirectories: true)
    try? manager.createSymbolicLink(atPath: base + "/HardwareSpecs", withDestinationPath: root + "/HardwareSpecs")
    for entry in (try? manager.contentsOfDirectory(atPath: root + "/Workloads")) ?? [] where entry != "placement" {
        try? manager.createSymbolicLink(atPath: base + "/Workloads/" + entry, withDestinationPath: root + "/Workloads/" + entry)
    }
    return base + "/Workloads/placement/input.yaml"
}()

/// Largest graph the harness builds a problem for (bigger ones only test the parsers).
let maximumTensors = 3000

/// Placement scenarios: parse or fail with a located SpecError; what parses and loads is built
/// into a problem (or refused with a PlacementInputError), and its greedy plan, when there is one,
/// must pass the independent checker. The MIP is not run here (tests cover GLPK's failure modes).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlacement(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: scratch, contents: Data(bytes: data, count: size)),
          let scenario = try? PlacementScenario(contentsOf: scratch) else { return 0 }
    let hardwarePath = FileManager.default.fileExists(atPath: scenario.hardware)
        ? scenario.hardware : "HardwareSpecs/\(scenario.hardware).yaml"
    guard let hardware = try? Hardware.load(contentsOf: hardwarePath),
          let workload = try? WorkloadLoader.load(contentsOf: scenario.workload, overrides: scenario.overrides),
          workload.tensors.count <= maximumTensors,
          let problem = try? ProblemBuilder.build(workload: workload, hardware: hardware, settings: scenario.settings),
          let greedy = GreedyPlacer.place(problem) else { return 0 }
    do {
        let cost = try PlacementChecker.check(greedy.plan, for: problem)
        precondition(cost.time.isFinite && cost.slowTierBytes.isFinite && cost.energy.isFinite, "non-finite greedy cost")
    } catch {
        preconditionFailure("the checker rejects the greedy plan: \(error)")
    }
    return 0
}

@_cdecl("FuzzPlacement_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzPlacement)
}
