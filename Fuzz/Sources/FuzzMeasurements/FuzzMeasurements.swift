import FuzzSupport
import MemwallAnalysis
import MemwallCalibration
import MemwallModel

/// A small device every parsed measurement is predicted on.
let device: CompiledHardware = {
    let hardware = try! Hardware.parse("""
    name: fuzz
    kind: gpu
    compute: [{ name: tc, peak: { bf16: 100 TFLOPS, fp16: 100 TFLOPS, fp32: 10 TFLOPS }, source: fuzz }]
    memory:
      - { name: smem, capacity: 228 KiB, instances: 8, shared_by: sm, source: fuzz }
      - { name: l2, role: cache, capacity: 8 MiB, bandwidth: 5 TB/s, source: fuzz }
      - { name: hbm, capacity: 80 GB, bandwidth: 2 TB/s, source: fuzz }
    calibration: { parallel_units: 8, launch_overhead: 4 us, source: fuzz }
    """, file: "fuzz.yaml")
    return CompiledHardware(hardware)
}()

/// Measurement CSV files: parse or fail with a located SpecError; every parsed row becomes a
/// workload the engine can analyse.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMeasurements(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let rows = try? MeasurementCSV.parse(text, file: "fuzz.csv") {
        for row in rows { _ = try? row.predict(on: device) }
    }
    return 0
}

@_cdecl("FuzzMeasurements_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzMeasurements)
}
