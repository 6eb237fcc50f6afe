import MemwallAnalysis
import MemwallModel
import MemwallPlanning
import _TestSupport

enum Fixtures {
    static func hardware(_ name: String) throws -> Hardware {
        let direct = PackageRoot.path("HardwareSpecs/\(name).yaml")
        let system = PackageRoot.path("HardwareSpecs/systems/\(name).yaml")
        return try Hardware.load(contentsOf: FileManagerCheck.exists(direct) ? direct : system)
    }

    static func config(_ name: String) throws -> ModelConfig {
        try WorkloadLoader.loadModel(contentsOf: PackageRoot.path("Workloads/models/\(name).config.json")).config
    }

    static func serving(_ model: String, on hardware: String, price: Price? = nil) throws -> ServingModel {
        ServingModel(config: try config(model), modelName: model, hardware: CompiledHardware(try self.hardware(hardware)), price: price)
    }

    /// The full graph of one step, built and analysed the ordinary way (every layer present).
    static func fullStep(_ model: String, on hardware: String, _ parameters: WorkloadParameters) throws -> AnalysisResult {
        let workload = try TransformerGraphBuilder(config: try config(model), parameters: parameters, modelName: model).build()
        return try RooflineEngine().analyze(workload, on: try self.hardware(hardware))
    }
}

import Foundation
enum FileManagerCheck {
    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
