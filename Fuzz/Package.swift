// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for memwall's parsers, kept out of the main package so that its
// build never carries sanitizer flags. Scripts/fuzz.sh builds them with
// `-Xswiftc -sanitize=fuzzer,address`, which instruments memwall and Yams as well
// (a target's own unsafe flags would reach only the harness, leaving coverage blind).
let fuzzer: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
let linkFuzzer: [LinkerSetting] = []

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "main") },
                      swiftSettings: fuzzer, linkerSettings: linkFuzzer)
}

let package = Package(
    name: "memwall-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "main", path: "..")],
    targets: [
        .target(name: "FuzzSupport", swiftSettings: fuzzer),
        fuzzTarget("FuzzUnits", ["MemwallModel"]),
        fuzzTarget("FuzzHardware", ["MemwallModel", "MemwallAnalysis"]),
        fuzzTarget("FuzzWorkload", ["MemwallModel", "MemwallAnalysis"]),
        fuzzTarget("FuzzSuite", ["MemwallExecutor", "MemwallModel"]),
        fuzzTarget("FuzzSweep", ["MemwallPlanning", "MemwallModel"]),
        fuzzTarget("FuzzMeasurements", ["MemwallCalibration", "MemwallAnalysis", "MemwallModel"]),
        fuzzTarget("FuzzPlacement", ["MemwallPlacement", "MemwallModel"]),
    ]
)
