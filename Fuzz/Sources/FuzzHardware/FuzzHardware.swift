import MemwallAnalysis
import FuzzSupport
import MemwallModel

/// Hardware files: parse or fail with a located SpecError; what parses compiles for the engine.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHardware(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let hardware = try? Hardware.parse(text, file: "fuzz.yaml") {
        _ = CompiledHardware(hardware)
    }
    return 0
}

@_cdecl("FuzzHardware_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzHardware)
}
