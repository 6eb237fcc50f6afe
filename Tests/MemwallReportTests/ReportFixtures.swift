import Foundation
import MemwallAnalysis
import MemwallModel
import _TestSupport

enum ReportFixtures {
    static let root = PackageRoot.path

    static let h100: Hardware = try! Hardware.load(contentsOf: root + "/HardwareSpecs/nvidia-h100-sxm-80gb.yaml")

    static func result(_ workload: String = "Workloads/llama-3-8b-decode.yaml") throws -> AnalysisResult {
        try RooflineEngine().analyze(WorkloadLoader.load(contentsOf: root + "/" + workload), on: h100)
    }
}
