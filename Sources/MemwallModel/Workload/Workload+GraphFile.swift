/// Reading hand-written graph files:
///
/// ```yaml
/// schema_version: 1
/// name: two-layer MLP
/// parameters: { batch: 8, seq_len: 512 }      # names usable in shapes; --set overrides them
/// tokens: batch*seq_len                        # optional: tokens per run, for tokens/s
/// tensors:
///   x:  { shape: [batch, seq_len, 1024], dtype: bf16, kind: input }
///   w1: { shape: [1024, 4096], dtype: bf16, kind: weight }
///   h:  { shape: [batch, seq_len, 4096], dtype: bf16 }          # kind defaults to activation
/// ops:
///   - { name: up, kind: matmul, inputs: [x, w1], outputs: [h] }
/// ```
extension Workload {
    static let graphKeys = ["schema_version", "name", "description", "parameters", "tokens", "tensors", "ops", "notes"]
    static let tensorKeys = ["shape", "dtype", "kind", "notes"]
    static let opKeys = ["name", "kind", "inputs", "outputs", "causal", "window", "flops_per_element",
                         "experts_per_token", "transpose_b", "notes"]

    /// Loads a graph document, applying `overrides` to its `parameters`.
    static func graph(_ top: SpecMapping, overrides: [ParameterOverride]) throws(SpecError) -> Workload {
        try top.allowOnly(graphKeys)
        try checkSchemaVersion(top, supported: 1)

        var parameters: [(key: String, value: Int)] = []
        if let block = top.optional("parameters") {
            for (key, value) in try block.mapping().entries {
                parameters.append((key, try value.int(in: 0...Int.max)))
            }
        }
        for override in overrides {
            guard let index = parameters.firstIndex(where: { $0.key == override.key }) else {
                let names = parameters.map(\.key)
                let hint = didYouMean(override.key, in: names)
                throw override.value.error("unknown parameter '\(override.key)'\(hint); this graph's parameters are \(names.isEmpty ? "none" : names.joined(separator: ", "))")
            }
            parameters[index].value = try override.value.int(in: 0...Int.max)
        }
        let values = Dictionary(parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        func evaluate(_ value: SpecValue, minimum: Int) throws(SpecError) -> Int {
            let text = try value.string()
            let result: Int
            do { result = try ShapeExpression.evaluate(text, parameters: values) } catch {
                throw value.error("\(error.description); expected a whole number or an expression of the parameters")
            }
            guard result >= minimum else {
                throw value.error("'\(text)' is \(result); expected a dimension of at least \(minimum)")
            }
            return result
        }

        // Tensors, in file order.
        var tensors: [TensorSpec] = []
        var index: [String: Int] = [:]
        let tensorBlock = try top.required("tensors")
        for (name, value) in try tensorBlock.mapping().entries {
            let map = try value.mapping()
            try map.allowOnly(tensorKeys)
            let shapeValue = try map.required("shape")
            let dims = try shapeValue.sequence()
            guard !dims.isEmpty else { throw shapeValue.error("expected at least one dimension") }
            let shape = try dims.map { dim throws(SpecError) in try evaluate(dim, minimum: 1) }
            var count = 1
            for dim in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw shapeValue.error("element count overflows a 64-bit integer; expected a smaller shape") }
                count = product
            }
            index[name] = tensors.count
            tensors.append(TensorSpec(name: name, shape: shape, dtype: try map.required("dtype").oneOf(DType.self),
                                      kind: try map.optional("kind")?.oneOf(TensorKind.self) ?? .activation))
        }

        // Ops, in file order.
        var ops: [Op] = []
        var opValues: [SpecValue] = []
        var opNames: Set<String> = []
        for item in try top.required("ops").sequence() {
            let map = try item.mapping()
            try map.allowOnly(opKeys)
            let nameValue = try map.required("name")
            let name = try nameValue.name()
            guard opNames.insert(name).inserted else { throw nameValue.error("duplicate op name '\(name)'; expected unique names") }
            func references(_ key: String) throws(SpecError) -> [Int] {
                guard let list = map.optional(key) else { return [] }
                return try list.sequence().map { ref throws(SpecError) in
                    let tensor = try ref.name()
                    guard let position = index[tensor] else {
                        let hint = didYouMean(tensor, in: tensors.map(\.name))
                        throw ref.error("op '\(name)' refers to tensor '\(tensor)' which is not declared\(hint); expected a name from 'tensors'")
                    }
                    return position
                }
            }
            ops.append(Op(
                name: name,
                kind: try map.required("kind").oneOf(OpKind.self),
                inputs: try references("inputs"),
                outputs: try references("outputs"),
                causal: try map.optional("causal")?.bool() ?? false,
                window: try map.optional("window").map { v throws(SpecError) in try evaluate(v, minimum: 1) },
                flopsPerElement: try map.optional("flops_per_element")?.double(in: 0...1e6),
                expertsPerToken: try map.optional("experts_per_token").map { v throws(SpecError) in try evaluate(v, minimum: 1) },
                transposeB: try map.optional("transpose_b")?.bool() ?? false
            ))
            opValues.append(item)
        }
        guard !ops.isEmpty else { throw try top.required("ops").error("expected at least one op") }

        let ordered: [Op]
        do { ordered = try validatedOrder(tensors: tensors, ops: ops) } catch {
            let at = error.opIndex.map { opValues[$0] } ?? tensorBlock
            throw at.error(error.message)
        }
        return Workload(
            name: try top.required("name").name(),
            description: try top.optional("description")?.string(),
            tensors: tensors,
            ops: ordered,
            tokens: try top.optional("tokens").map { v throws(SpecError) in try evaluate(v, minimum: 1) },
            parameters: parameters.map { ($0.key, String($0.value)) }
        )
    }
}

/// A `--set key=value` given on the command line.
public struct ParameterOverride: Sendable {
    public var key: String
    public var value: SpecValue

    public init(key: String, value: SpecValue) {
        self.key = key
        self.value = value
    }

    /// Parses `key=value`; fails with a message naming the option when malformed.
    public init(parsing text: String) throws(SpecError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw SpecError(file: "--set", keyPath: "", message: "'\(text)' is not key=value; expected e.g. --set batch=8")
        }
        key = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let raw = String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        value = SpecValue.commandLine(raw, option: "--set \(text)")
    }
}

import Foundation
