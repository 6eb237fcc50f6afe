import Foundation
import MemwallModel
import _TestSupport

/// Paths and loaders shared by the analysis tests.
enum Fixtures {
    static let root = PackageRoot.path

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func hardware(_ name: String) throws -> Hardware {
        try Hardware.load(contentsOf: path("HardwareSpecs/\(name).yaml"))
    }

    static func workload(_ relative: String, _ overrides: [String] = []) throws -> Workload {
        try WorkloadLoader.load(contentsOf: path(relative), overrides: overrides.map { try ParameterOverride(parsing: $0) })
    }

    /// Llama-3 shapes from the published config.json files (Workloads/models/SOURCES.md).
    struct Dense {
        let hidden, intermediate, layers, heads, kvHeads, vocab: Int
        var headDim: Int { hidden / heads }
        /// Parameters in the transformer layers and final norm (everything but the embedding and LM head).
        var layerParameters: Double {
            let attention = hidden * heads * headDim + 2 * hidden * kvHeads * headDim + heads * headDim * hidden
            return Double(layers * (attention + 3 * hidden * intermediate + 2 * hidden) + hidden)
        }
        var embeddingParameters: Double { Double(vocab * hidden) }
    }

    static let llama3_8b = Dense(hidden: 4096, intermediate: 14336, layers: 32, heads: 32, kvHeads: 8, vocab: 128_256)
    static let llama3_70b = Dense(hidden: 8192, intermediate: 28672, layers: 80, heads: 64, kvHeads: 8, vocab: 128_256)

    /// NVIDIA H100 SXM5 datasheet: HBM3 3.35 TB/s; BF16 dense tensor peak 989.4 TFLOPS.
    static let h100HBMBytesPerSecond = 3.35e12
    static let h100BF16FlopsPerSecond = 989.4e12
}
