import MemwallAnalysis
import FuzzSupport
import MemwallModel

/// A machine every valid graph can run on: all dtypes on both op classes.
let machine: CompiledHardware = {
    let everything = Dictionary(uniqueKeysWithValues: DType.allCases.map { ($0, OperationsPerSecond(1e14)) })
    return CompiledHardware(Hardware(
        name: "fuzz", id: "fuzz", kind: .gpu,
        compute: [ComputeEngine(name: "any", peak: everything, source: "fuzz")],
        memory: [MemoryTier(name: "sram", capacity: Bytes(1_048_576), instances: 4, bandwidth: BytesPerSecond(1e13), source: "fuzz"),
                 MemoryTier(name: "hbm", capacity: Bytes(1e11), bandwidth: BytesPerSecond(1e12), source: "fuzz")],
        mainMemoryIndex: 1))
}()

/// Workload graphs, model workloads and config.json: parse or fail with a located SpecError;
/// what parses is analysed (every IO model) without trapping, and every number is finite.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkload(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let document = try? SpecDocument(text: text, file: "fuzz.yaml"),
          let workload = try? WorkloadLoader.load(document) else { return 0 }
    guard workload.tensors.reduce(0.0, { $0 + $1.elementCount }) < 1e15 else { return 0 }
    for model in [HierarchicalTraffic(attention: .flash2) as any IOModel, HierarchicalTraffic(attention: .standard),
                  HierarchicalTraffic(attention: .squareTile), CompulsoryTraffic()] {
        guard let result = try? RooflineEngine(ioModel: model).analyze(workload, on: machine) else { continue }
        precondition(result.totals.time.isFinite && result.totals.flops.isFinite, "non-finite totals")
    }
    return 0
}

@_cdecl("FuzzWorkload_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzWorkload)
}
