// swift-tools-version:6.0
import PackageDescription

// MARK: - Package layout
//
// Data flows left to right (see DESIGN.md):
//   MemwallModel (description language) -> MemwallAnalysis (roofline engine)
//   -> MemwallReport (table/CSV/JSON/SVG) -> MemwallCLI (commands) -> memwall
// CGSL, CGLPK and CGLPKShim are the only places C is touched; MemwallPlacement sits
// between Analysis and Report.

let package = Package(
    name: "memwall",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "memwall", targets: ["memwall"]),
        .library(name: "MemwallModel", targets: ["MemwallModel"]),
        .library(name: "MemwallAnalysis", targets: ["MemwallAnalysis"]),
        .library(name: "MemwallReport", targets: ["MemwallReport"]),
        .library(name: "MemwallExecutor", targets: ["MemwallExecutor"]),
        .library(name: "MemwallPlanning", targets: ["MemwallPlanning"]),
        .library(name: "MemwallCalibration", targets: ["MemwallCalibration"]),
        .library(name: "MemwallPlacement", targets: ["MemwallPlacement"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // Property-based tests (Swift Testing integration, shrinking).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        // MARK: C libraries (Debian: libgsl-dev, libglpk-dev)
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        // libglpk-dev ships no .pc file: the module map links `glpk` itself.
        .systemLibrary(
            name: "CGLPK",
            providers: [.apt(["libglpk-dev"])]
        ),

        // build -> solve -> read back in one C function, so GLPK's error hook can longjmp
        // within C frames; a module map's link line does not reach a C target, hence linkedLibrary.
        .target(
            name: "CGLPKShim",
            linkerSettings: [.linkedLibrary("glpk")]
        ),

        // MARK: Libraries
        .target(
            name: "MemwallModel",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "MemwallAnalysis",
            dependencies: ["MemwallModel", .product(name: "HeapModule", package: "swift-collections")]
        ),
        // Capacity planning on top of the engine: serving estimates, parallelism, sweeps, plans.
        .target(
            name: "MemwallPlanning",
            dependencies: ["MemwallModel", "MemwallAnalysis"]
        ),
        // GSL behind Swift wrappers (BLAS, least squares); nothing else touches CGSL.
        .target(
            name: "MemwallNumerics",
            dependencies: ["CGSL"]
        ),
        // Reference kernels on an instrumented memory hierarchy. Optimised even in debug
        // builds: the tests run kernels over millions of words.
        .target(
            name: "MemwallExecutor",
            dependencies: ["MemwallAnalysis", "MemwallModel", "MemwallNumerics"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Measurements, fitting efficiency factors to them (GSL), and the model's error on them.
        .target(
            name: "MemwallCalibration",
            dependencies: ["MemwallModel", "MemwallAnalysis", "MemwallNumerics"]
        ),
        // Tensor placement across memory tiers: problem, greedy, checker, MIP over GLPK.
        .target(
            name: "MemwallPlacement",
            dependencies: ["MemwallModel", "MemwallAnalysis", "MemwallNumerics", "CGLPKShim"],
            // Optimised in debug builds too: the local search is 10-20x slower unoptimised, which would
            // put the shipped placement reports (Scripts/regenerate-reports.sh, run by `.ci/run` on the
            // debug build) at 5 minutes a scenario.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "MemwallReport",
            dependencies: ["MemwallModel", "MemwallAnalysis", "MemwallExecutor", "MemwallPlanning", "MemwallCalibration", "MemwallPlacement"]
        ),
        .target(
            name: "MemwallCLI",
            dependencies: [
                "MemwallModel", "MemwallAnalysis", "MemwallReport", "MemwallExecutor", "MemwallPlanning", "MemwallCalibration", "MemwallPlacement",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Executable (a thin main around MemwallCLI)
        .executableTarget(
            name: "memwall",
            dependencies: ["MemwallCLI"]
        ),

        // MARK: Tests (one target per module, plus the C plumbing)
        // Shared by the test targets: the package root and a seeded generator.
        .target(name: "_TestSupport", dependencies: ["MemwallNumerics"], path: "Tests/_TestSupport"),
        .testTarget(name: "MemwallModelTests", dependencies: ["MemwallModel", "_TestSupport"]),
        .testTarget(name: "MemwallAnalysisTests", dependencies: [
            "MemwallAnalysis", "MemwallModel", "MemwallNumerics", "_TestSupport",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "MemwallReportTests", dependencies: [
            "MemwallReport", "MemwallAnalysis", "MemwallModel", "MemwallPlanning", "MemwallPlacement", "_TestSupport",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "MemwallCLITests", dependencies: ["MemwallCLI", "MemwallModel", "_TestSupport"]),
        .testTarget(name: "MemwallPlanningTests", dependencies: [
            "MemwallPlanning", "MemwallAnalysis", "MemwallModel", "_TestSupport",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "MemwallNumericsTests", dependencies: ["MemwallNumerics", "_TestSupport"]),
        .testTarget(name: "MemwallExecutorTests",
                    dependencies: ["MemwallExecutor", "MemwallAnalysis", "MemwallNumerics", "MemwallModel", "_TestSupport"]),
        .testTarget(name: "MemwallCalibrationTests",
                    dependencies: ["MemwallCalibration", "MemwallAnalysis", "MemwallModel", "MemwallNumerics", "_TestSupport"]),
        .testTarget(name: "MemwallPlacementTests",
                    dependencies: ["MemwallPlacement", "MemwallModel", "MemwallAnalysis", "_TestSupport"]),
        .testTarget(name: "CLibrariesTests", dependencies: ["CGSL", "CGLPK"]),
    ]
)
