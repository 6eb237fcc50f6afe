import Foundation

/// Loads any of the three workload documents memwall reads:
///
/// - a graph file (has `ops`): see ``Workload`` graph format;
/// - a model workload file (has `model`): a config path plus ``WorkloadParameters``;
/// - a Hugging Face `config.json` (has `hidden_size`): built with default parameters.
///
/// `overrides` (`--set key=value`) change graph parameters or model workload parameters.
public enum WorkloadLoader {
    static let modelWorkloadKeys = ["schema_version", "name", "description", "model", "notes"] + WorkloadParameters.keys

    public static func load(contentsOf path: String, overrides: [ParameterOverride] = []) throws(SpecError) -> Workload {
        let document = try SpecDocument(contentsOf: path)
        return try load(document, overrides: overrides)
    }

    public static func load(_ document: SpecDocument, overrides: [ParameterOverride] = []) throws(SpecError) -> Workload {
        let top = try document.root.mapping()
        if top.contains("ops") {
            return try Workload.graph(top, overrides: overrides)
        }
        if top.contains("model") {
            return try modelWorkload(top, document: document, overrides: overrides)
        }
        if top.contains(ModelConfig.signatureKey) {
            let name = URL(fileURLWithPath: document.file).deletingPathExtension().deletingPathExtension().lastPathComponent
            let values = try parameterValues(from: [:], overrides: overrides)
            return try build(config: ModelConfig(document.root), at: document.root, modelName: name,
                             values: values, parametersAt: sizeLocation(values, default: document.root))
        }
        throw document.root.error(
            "not a workload; expected a graph (with 'ops'), a model workload (with 'model') or a Hugging Face config.json (with 'hidden_size')")
    }

    private static func modelWorkload(_ top: SpecMapping, document: SpecDocument,
                                      overrides: [ParameterOverride]) throws(SpecError) -> Workload {
        let model = try modelDescription(top, document: document, overrides: overrides)
        var workload = try build(config: model.config, at: model.configLocation, modelName: model.name,
                                 values: model.values, parametersAt: sizeLocation(model.values, default: document.root))
        if let description = model.description { workload.description = description }
        return workload
    }

    /// A model workload or config.json read but not yet built: what serving and sweeps vary.
    public struct ModelDescription: Sendable {
        public var name: String
        public var description: String?
        public var config: ModelConfig
        public var parameters: WorkloadParameters
        /// The config document's root, for errors about the model itself.
        public var configLocation: SpecValue
        /// Where the workload came from.
        public var file: String
        var values: [String: SpecValue]
    }

    /// Loads a model workload file or a Hugging Face config.json without building its graph;
    /// a graph file is refused (it has no model to vary).
    public static func loadModel(contentsOf path: String, overrides: [ParameterOverride] = []) throws(SpecError) -> ModelDescription {
        let document = try SpecDocument(contentsOf: path)
        let top = try document.root.mapping()
        if top.contains("model") {
            return try modelDescription(top, document: document, overrides: overrides)
        }
        if top.contains(ModelConfig.signatureKey) {
            let name = URL(fileURLWithPath: document.file).deletingPathExtension().deletingPathExtension().lastPathComponent
            let values = try parameterValues(from: [:], overrides: overrides)
            let config = try ModelConfig(document.root)
            let parameters: WorkloadParameters
            do { parameters = try WorkloadParameters(values) }
            return ModelDescription(name: name, config: config, parameters: parameters, configLocation: document.root,
                                    file: document.file, values: values)
        }
        throw document.root.error(top.contains("ops")
            ? "a graph file has no model to vary; expected a model workload (with 'model') or a Hugging Face config.json (with 'hidden_size')"
            : "not a model workload; expected a model workload (with 'model') or a Hugging Face config.json (with 'hidden_size')")
    }

    private static func modelDescription(_ top: SpecMapping, document: SpecDocument,
                                         overrides: [ParameterOverride]) throws(SpecError) -> ModelDescription {
        try top.allowOnly(modelWorkloadKeys)
        try checkSchemaVersion(top, supported: 1)
        let modelValue = try top.required("model")
        let relative = try modelValue.name()
        let base = URL(fileURLWithPath: document.file).deletingLastPathComponent()
        let configPath = relative.hasPrefix("/") ? relative : base.appendingPathComponent(relative).path
        let configDocument: SpecDocument
        do { configDocument = try SpecDocument(contentsOf: configPath) } catch {
            if error.file == configPath, error.line == nil {
                throw modelValue.error("cannot load model config '\(relative)': \(error.message)")
            }
            throw error
        }
        let config = try ModelConfig(configDocument.root)
        var fileValues: [String: SpecValue] = [:]
        for key in WorkloadParameters.keys { fileValues[key] = top.optional(key) }
        let modelName = try top.optional("name")?.name()
            ?? URL(fileURLWithPath: configPath).deletingPathExtension().deletingPathExtension().lastPathComponent
        let values = try parameterValues(from: fileValues, overrides: overrides)
        let parameters = try WorkloadParameters(values)
        return ModelDescription(name: modelName, description: try top.optional("description")?.string(), config: config,
                                parameters: parameters, configLocation: configDocument.root, file: document.file,
                                values: values)
    }

    private static func parameterValues(from file: [String: SpecValue],
                                        overrides: [ParameterOverride]) throws(SpecError) -> [String: SpecValue] {
        var values = file
        for override in overrides {
            guard WorkloadParameters.keys.contains(override.key) else {
                let hint = didYouMean(override.key, in: WorkloadParameters.keys)
                throw override.value.error("unknown parameter '\(override.key)'\(hint); expected one of \(WorkloadParameters.keys.joined(separator: ", "))")
            }
            values[override.key] = override.value
        }
        return values
    }

    /// Where a too-large workload is reported: the size parameter that was given, else the document.
    private static func sizeLocation(_ values: [String: SpecValue], default root: SpecValue) -> SpecValue {
        ["batch", "seq_len", "context_len"].compactMap { values[$0] }.first ?? root
    }

    private static func build(config: ModelConfig, at location: SpecValue, modelName: String,
                              values: [String: SpecValue], parametersAt parameterLocation: SpecValue) throws(SpecError) -> Workload {
        let parameters = try WorkloadParameters(values)
        let builder = TransformerGraphBuilder(config: config, parameters: parameters, modelName: modelName)
        do { try builder.checkSize() } catch { throw parameterLocation.error(error.message) }
        do {
            return try builder.build()
        } catch {
            throw location.error("model config does not make a valid graph: \(error.message)")
        }
    }
}
