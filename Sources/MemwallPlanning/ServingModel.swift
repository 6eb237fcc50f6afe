import MemwallAnalysis
import MemwallModel

/// Estimates serving figures for one model on one hardware from the roofline engine.
///
/// Every layer of a decoder is the same, so the engine runs one device's share of a single
/// layer plus the embedding and head (``Parallelism/deviceConfig(_:)``), and the layer's time,
/// energy and memory are scaled by the layer count: exact for the graphs memwall builds, and
/// what keeps a million-point sweep in seconds. Collectives come from ``Collectives`` over the
/// hardware's peer link.
///
/// Pipeline parallelism splits the batch into one microbatch per stage; a sequence then waits
/// for every stage to pass its microbatch, so the time per output token is `stages x (slowest
/// stage + hand-off)` and throughput is batch / that time.
public struct ServingModel: Sendable {
    public let config: ModelConfig
    public let modelName: String
    public let hardware: CompiledHardware
    public var engine: RooflineEngine
    /// Overrides the hardware file's price (e.g. a negotiated rate); nil uses the file's.
    public var price: Price?

    public init(config: ModelConfig, modelName: String, hardware: CompiledHardware, engine: RooflineEngine = RooflineEngine(),
                price: Price? = nil) {
        self.config = config
        self.modelName = modelName
        self.hardware = hardware
        self.engine = engine
        self.price = price
    }

    /// KV-cache bytes per token over the whole model: 2 (K and V) x layers x kv heads x head dim x dtype.
    public func kvBytesPerToken(_ dtype: DType) -> Double {
        2 * Double(config.layers) * Double(config.keyValueHeads) * Double(config.headDim) * dtype.bytes
    }

    public func estimate(_ request: ServingRequest) throws(PlanningError) -> ServingEstimate {
        let split = request.parallelism
        try split.check(for: config)
        guard request.batch >= 1, request.promptLength >= 1, request.contextLength >= 0 else {
            throw PlanningError("batch \(request.batch), prompt length \(request.promptLength), context \(request.contextLength): expected batch and prompt at least 1 and context at least 0")
        }
        let device = hardware.hardware
        if device.deviceCount > 1, split.devices > device.deviceCount {
            throw PlanningError("\(split) needs \(split.devices) devices but \(device.name) has \(device.deviceCount); expected at most \(device.deviceCount)")
        }
        let link = device.peerLink
        if split.devices > 1, link == nil {
            throw PlanningError("\(device.name) has no link with 'role: peer'; expected one to run \(split) over")
        }

        let stages = split.pipeline
        let layers = Double(config.layers)
        let stageLayers = Double(split.layersPerStage(of: config))
        let microbatch = (request.batch + stages - 1) / stages

        let decode = try step(.decode, batch: microbatch, seqLen: 1, context: request.contextLength, request)
        let prefill = try step(.prefill, batch: 1, seqLen: request.promptLength, context: 0, request)

        // Memory of the most loaded device: its stage's layers, the larger end of the model, and
        // the KV cache of every sequence in the batch for its layers.
        let weights = stageLayers * decode.layerWeightBytes + (stages == 1 ? decode.endWeightBytes : decode.largerEndWeightBytes)
        let kvPerSequence = stageLayers * decode.layerKVBytes / Double(microbatch)
        let activationPerSequence = decode.activationBytes / Double(microbatch)
        let activations = max(prefill.activationBytes, decode.activationBytes)
        let capacity = device.mainMemory.totalCapacity.value
        let available = capacity - weights - activations

        let maxBatch = available <= 0 ? 0 : Int(min(1e15, (available / (kvPerSequence + activationPerSequence)).rounded(.down)))
        let kvPerTokenPerDevice = stageLayers * 2 * Double(decode.shard.keyValueHeads * decode.shard.headDim) * request.kvDType.bytes
        let roomPerSequence = (available + activations - prefill.activationBytes - Double(request.batch) * activationPerSequence) / Double(request.batch)
        let tokensThatFit = (roomPerSequence / kvPerTokenPerDevice).rounded(.down)
        let maxContext: Int? = if let window = config.slidingWindow, tokensThatFit >= Double(window + 1) { nil }
            else { Int(max(-1, min(1e15, tokensThatFit - 1))) }

        // Time: all layers of one microbatch, the collectives inside them, the hand-offs.
        let comms = communication(tokens: Double(microbatch), request, link: link)
        let prefillComms = communication(tokens: Double(request.promptLength), request, link: link)
        let stageTime = stageLayers * (decode.layerTime + comms.perLayer) + decode.endTime + comms.handOff
        let timePerOutputToken = stages == 1
            ? layers * (decode.layerTime + comms.perLayer) + decode.endTime
            : Double(stages) * stageTime
        let ttft = layers * (prefill.layerTime + prefillComms.perLayer) + prefill.endTime
            + Double(stages - 1) * prefillComms.handOff
        let throughput = Double(request.batch) / timePerOutputToken

        var byBound: [String: Double] = [:]
        for (bound, time) in decode.layerTimeByBound { byBound[bound.name(tiers: hardware.tierNames), default: 0] += layers * time }
        for (bound, time) in decode.endTimeByBound { byBound[bound.name(tiers: hardware.tierNames), default: 0] += time }
        let communicationPerToken = layers * comms.perLayer + Double(stages - 1) * comms.handOff
        if communicationPerToken > 0, let link { byBound["link:" + link.name, default: 0] += communicationPerToken }
        let bound = byBound.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }?.key ?? "compute"

        // Energy and money over every device.
        let tensor = Double(split.tensor), devices = Double(split.devices)
        let linkEnergy = (link?.energyPerByte?.value ?? 0) * comms.bytesPerToken(layers: layers, stages: stages)
        let energyPerToken = (tensor * (layers * decode.layerEnergy + decode.endEnergy) + linkEnergy) / Double(microbatch)
        let shareOfSystem = Double(max(1, device.deviceCount))
        let tdpPerDevice = device.power.map { $0.tdp.value / shareOfSystem }
        let dollarsPerSecond = (price ?? device.price).map { $0.dollarsPerSecond(power: device.power?.tdp) / shareOfSystem }

        return ServingEstimate(
            request: request, hardwareID: device.id, hardwareName: device.name, devices: split.devices,
            kvBytesPerToken: kvBytesPerToken(request.kvDType), weightBytesPerDevice: weights,
            kvCacheBytesPerDevice: kvPerSequence * Double(request.batch), activationBytesPerDevice: activations,
            capacityBytesPerDevice: capacity, memoryTier: device.mainMemory.name, maxBatch: maxBatch, maxContext: maxContext,
            timeToFirstToken: ttft, timePerOutputToken: timePerOutputToken, communicationPerToken: communicationPerToken,
            throughput: throughput, decodeBound: bound, energyPerToken: energyPerToken,
            energyPerTokenAtTDP: tdpPerDevice.map { devices * $0 * timePerOutputToken / Double(request.batch) },
            dollarsPerHour: dollarsPerSecond.map { $0 * devices * 3600 })
    }

    // MARK: One step of one device

    /// One device's single-layer step, split into the repeated layer and the ends (embedding, head).
    struct Step {
        var shard: ModelConfig
        var layerTime = 0.0, endTime = 0.0
        var layerEnergy = 0.0, endEnergy = 0.0
        var layerTimeByBound: [Bound: Double] = [:], endTimeByBound: [Bound: Double] = [:]
        var layerWeightBytes = 0.0, layerKVBytes = 0.0
        /// Weights of the embedding and of the head (final norm, LM head); a tied table is in both.
        var embeddingWeightBytes = 0.0, headWeightBytes = 0.0, endWeightBytes = 0.0
        var activationBytes = 0.0

        var largerEndWeightBytes: Double { max(embeddingWeightBytes, headWeightBytes) }
    }

    func step(_ phase: Phase, batch: Int, seqLen: Int, context: Int, _ request: ServingRequest) throws(PlanningError) -> Step {
        let shard = request.parallelism.deviceConfig(config)
        let parameters = WorkloadParameters(phase: phase, batch: batch, seqLen: seqLen, contextLen: context,
                                            weightDType: request.weightDType, activationDType: request.activationDType,
                                            kvDType: request.kvDType, logits: .last)
        let builder = TransformerGraphBuilder(config: shard, parameters: parameters, modelName: modelName,
                                              expertShards: request.parallelism.expert)
        let workload: Workload
        do { workload = try builder.build() } catch { throw PlanningError("\(modelName) at batch \(batch), \(seqLen) new tokens, context \(context): \(error.message)") }
        let result: AnalysisResult
        do { result = try engine.analyze(workload, on: hardware) } catch { throw PlanningError(error.description) }

        var step = Step(shard: shard)
        for (op, evaluated) in zip(workload.ops, result.ops) {
            if Self.isLayer(op.name) {
                step.layerTime += evaluated.time
                step.layerEnergy += evaluated.energy
                step.layerTimeByBound[evaluated.bound, default: 0] += evaluated.time
            } else {
                step.endTime += evaluated.time
                step.endEnergy += evaluated.energy
                step.endTimeByBound[evaluated.bound, default: 0] += evaluated.time
            }
        }
        var embedding = Set<Int>(), head = Set<Int>()
        for op in workload.ops where !Self.isLayer(op.name) {
            for input in op.inputs where workload.tensors[input].kind == .weight {
                if op.kind == .embedding { embedding.insert(input) } else { head.insert(input) }
            }
        }
        for tensor in workload.tensors {
            switch tensor.kind {
            case .weight where Self.isLayer(tensor.name): step.layerWeightBytes += tensor.bytes
            case .kvCache: step.layerKVBytes += tensor.bytes
            default: break
            }
        }
        step.embeddingWeightBytes = embedding.reduce(0) { $0 + workload.tensors[$1].bytes }
        step.headWeightBytes = head.reduce(0) { $0 + workload.tensors[$1].bytes }
        step.endWeightBytes = embedding.union(head).reduce(0) { $0 + workload.tensors[$1].bytes }
        step.activationBytes = result.footprint.activationBytes
        return step
    }

    /// Names the graph builder gives per-layer ops and tensors.
    static func isLayer(_ name: String) -> Bool { name.hasPrefix(TransformerGraphBuilder.layerPrefix) }

    // MARK: Communication

    struct Communication {
        /// Collectives inside one layer, and one stage-to-stage hand-off.
        var perLayer = 0.0, handOff = 0.0
        var layerBytes = 0.0, handOffBytes = 0.0

        func bytesPerToken(layers: Double, stages: Int) -> Double { layers * layerBytes + Double(stages - 1) * handOffBytes }
    }

    /// Per layer: an all-reduce after attention and one after the MLP over the tensor group; a
    /// mixture of experts over an expert group adds an all-to-all out to the experts and one back.
    func communication(tokens: Double, _ request: ServingRequest, link: Link?) -> Communication {
        guard let link else { return Communication() }
        let split = request.parallelism
        let hiddenBytes = tokens * Double(config.hiddenSize) * request.activationDType.bytes
        var result = Communication()
        if split.tensor > 1 {
            result.perLayer += 2 * Collectives.ringAllReduce(bytes: hiddenBytes, devices: split.tensor, link: link)
            result.layerBytes += 2 * 2 * Double(split.tensor - 1) / Double(split.tensor) * hiddenBytes
        }
        if split.expert > 1, let top = config.expertsPerToken {
            let routed = hiddenBytes / Double(split.expert) * Double(top)
            result.perLayer += 2 * Collectives.allToAll(bytes: routed, devices: split.expert, link: link)
            result.layerBytes += 2 * Double(split.expert - 1) / Double(split.expert) * routed
        }
        if split.pipeline > 1 {
            result.handOff = Collectives.pointToPoint(bytes: hiddenBytes, link: link)
            result.handOffBytes = hiddenBytes
        }
        return result
    }
}
