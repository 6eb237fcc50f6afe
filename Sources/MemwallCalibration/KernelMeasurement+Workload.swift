import MemwallAnalysis
import MemwallModel

extension KernelMeasurement {
    /// The measured kernel as a workload the roofline engine can analyse: one op, or a layer's ops.
    public func workload() throws(CalibrationError) -> Workload {
        let s = shape
        if kernel == .layer { return try layer() }
        if kernel == .model { return try model() }
        var tensors: [TensorSpec] = []
        func tensor(_ name: String, _ dims: [Int], _ kind: TensorKind) -> Int {
            tensors.append(TensorSpec(name: name, shape: dims, dtype: dtype, kind: kind))
            return tensors.count - 1
        }
        let op: Op
        switch kernel {
        case .gemm:
            let (b, m, n, k) = (s["b"]!, s["m"]!, s["n"]!, s["k"]!)
            if b == 1 {
                let a = tensor("a", [m, k], .input), w = tensor("b", [k, n], .weight), c = tensor("c", [m, n], .activation)
                op = Op(name: "gemm", kind: .matmul, inputs: [a, w], outputs: [c])
            } else {
                let a = tensor("a", [b, m, k], .input), w = tensor("b", [b, k, n], .input), c = tensor("c", [b, m, n], .activation)
                op = Op(name: "gemm", kind: .batchedMatmul, inputs: [a, w], outputs: [c])
            }
        case .attention:
            let (b, hq, hkv, sq, skv, d) = (s["b"]!, s["hq"]!, s["hkv"]!, s["sq"]!, s["skv"]!, s["d"]!)
            let q = tensor("q", [b, sq, hq, d], .input), k = tensor("k", [b, skv, hkv, d], .input)
            let v = tensor("v", [b, skv, hkv, d], .input), o = tensor("o", [b, sq, hq * d], .activation)
            op = Op(name: "attention", kind: .attention, inputs: [q, k, v], outputs: [o], causal: s["causal"] == 1)
        case .decodeAttention:
            let (b, hq, hkv, skv, d) = (s["b"]!, s["hq"]!, s["hkv"]!, s["skv"]!, s["d"]!)
            let q = tensor("q", [b, 1, hq, d], .input), k = tensor("k", [b, 1, hkv, d], .input)
            let v = tensor("v", [b, 1, hkv, d], .input)
            let kc = tensor("k_cache", [b, max(1, skv - 1), hkv, d], .kvCache)
            let vc = tensor("v_cache", [b, max(1, skv - 1), hkv, d], .kvCache)
            let o = tensor("o", [b, 1, hq * d], .activation)
            op = Op(name: "decode_attention", kind: .attention, inputs: [q, k, v, kc, vc], outputs: [o], causal: true)
        case .copy:
            let x = tensor("x", [s["n"]!], .input), y = tensor("y", [s["n"]!], .activation)
            op = Op(name: "copy", kind: .elementwise, inputs: [x], outputs: [y], flopsPerElement: 0)
        case .layer:
            return try layer()
        case .model:
            return try model()
        }
        return Workload(name: "\(family) \(shapeText) \(dtype.rawValue)", tensors: tensors, ops: [op])
    }

    /// The engine that models this measurement: SDPA's math backend materialises the scores
    /// (standard attention); everything else runs the tiled algorithms.
    public var engine: RooflineEngine {
        RooflineEngine(ioModel: HierarchicalTraffic(attention: variant == "math" ? .standard : .flash2))
    }

    /// The engine's analysis of this measurement's kernel on `hardware`.
    public func predict(on hardware: CompiledHardware) throws(CalibrationError) -> AnalysisResult {
        let workload = try workload()
        do { return try engine.analyze(workload, on: hardware) } catch {
            throw CalibrationError("\(location): \(error)")
        }
    }

    /// The model builder's graph of one prefill or decode step for the shape's config.
    func builtModel(layers: Int, vocab: Int, tied: Bool) throws(CalibrationError) -> Workload {
        func key(_ name: String) throws(CalibrationError) -> Int {
            guard let value = shape[name] else { throw CalibrationError("\(location): shape has no \(name)=; expected it for \(kernel.rawValue)") }
            return value
        }
        let config = ModelConfig(hiddenSize: try key("h"), intermediateSize: try key("ffn"), layers: layers, attentionHeads: try key("hq"),
                                 keyValueHeads: try key("hkv"), headDim: try key("d"), vocabSize: vocab, tieWordEmbeddings: tied)
        let parameters = WorkloadParameters(phase: variant == "decode" ? .decode : .prefill, batch: try key("b"), seqLen: try key("seq"),
                                            contextLen: try key("ctx"), weightDType: dtype, activationDType: dtype, kvDType: dtype)
        var model: Workload
        do { model = try TransformerGraphBuilder(config: config, parameters: parameters, modelName: kernel.rawValue).build() } catch {
            throw CalibrationError("\(location): \(error)")
        }
        model.name = "\(family) \(shapeText) \(dtype.rawValue)"
        return model
    }

    /// One layer of the model builder's dense transformer (the ops named `layers.0.`), without the
    /// embedding, final norm and LM head around it.
    func layer() throws(CalibrationError) -> Workload {
        var model = try builtModel(layers: 1, vocab: 1, tied: false)
        model.ops = model.ops.filter { $0.name.hasPrefix("layers.0.") }
        return model
    }

    /// The whole model: embedding, every layer, final norm and the LM head over the last position
    /// (logits for the next token, as serving engines compute them), ops run one after another.
    func model() throws(CalibrationError) -> Workload {
        guard let layers = shape["layers"], let vocab = shape["vocab"] else {
            throw CalibrationError("\(location): shape needs layers= and vocab= for a whole model")
        }
        return try builtModel(layers: layers, vocab: vocab, tied: shape["tied"] == 1)
    }
}
