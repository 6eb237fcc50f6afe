import FuzzSupport
import MemwallModel

/// Quantity text in every dimension: each input parses or throws a QuantityError, and what
/// parses is finite, non-negative, and prints back to text that parses again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUnits(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for dimension in Dimension.allCases {
        guard let value = try? QuantityParser.parse(text, as: dimension) else { continue }
        precondition(value.isFinite && value >= 0, "parsed \(value) from \(text)")
        let printed = QuantityFormatter.format(value, dimension)
        precondition((try? QuantityParser.parse(printed, as: dimension)) != nil, "'\(printed)' does not parse back")
    }
    return 0
}

@_cdecl("FuzzUnits_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzUnits)
}
