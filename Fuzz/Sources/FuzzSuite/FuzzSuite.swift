import MemwallExecutor
import FuzzSupport
import MemwallModel

/// Regression suite files: parse or fail with a located SpecError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSuite(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? RegressionSuite.parse(text, file: "fuzz.yaml")
    return 0
}

@_cdecl("FuzzSuite_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzSuite)
}
