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

    /// Most devices a split may use here: `limit`, a system file's device count, the peer link's domain.
    public func deviceBudget(_ limit: Int) -> Int {
        let device = hardware.hardware
        var budget = limit
        if device.deviceCount > 1 { budget = min(budget, device.deviceCount) }
        if let domain = device.peerLink?.domain { budget = min(budget, domain) }
        if device.peerLink == nil { budget = 1 }
        return max(1, budget)
    }

    /// KV-cache bytes per token over the whole model: 2 (K and V) x layers x kv heads x head dim x dtype.
    public func kvBytesPerToken(_ dtype: DType) -> Double {
        2 * Double(config.layers) * Double(config.keyValueHeads) * Double(config.headDim) * dtype.bytes
    }

    public func estimate(_ request: ServingRequest) throws(PlanningError) -> ServingEstimate {
        var cache = StepCache()
        return try estimate(request, cache: &cache)
    }

    /// The split with the fewest devices (up to `maxDevices`) in which `request` fits; nil when none does.
    public func smallestFit(for request: ServingRequest, maxDevices: Int = 1024) -> ServingEstimate? {
        let budget = deviceBudget(maxDevices)
        var cache = StepCache()
        for split in Parallelism.candidates(for: config, upTo: budget) {
            var attempt = request
            attempt.parallelism = split
            if let estimate = try? self.estimate(attempt, cache: &cache), estimate.fits { return estimate }
        }
        return nil
    }

    /// Work a sweep reuses: one prompt's prefill across every batch and context, and one
    /// microbatch's decode graph across every context (``DecodeTemplate``). A cache belongs to
    /// one ``ServingModel`` (its model and hardware are not part of the keys).
    struct StepCache {
        struct Key: Hashable {
            var tokens: Int
            var weight: DType, activation: DType, kv: DType
            var parallelism: Parallelism

            init(tokens: Int, _ request: ServingRequest) {
                self.tokens = tokens
                weight = request.weightDType
                activation = request.activationDType
                kv = request.kvDType
                parallelism = request.parallelism
            }
        }
        var steps: [Key: Step] = [:]
        var templates: [Key: DecodeTemplate?] = [:]
        /// Entries kept at most per table: a thousand batch sizes or prompts (a template holds a
        /// few kilobytes, so a cache stays within a few megabytes).
        static let capacity = 1024
    }

    func estimate(_ request: ServingRequest, cache: inout StepCache) throws(PlanningError) -> ServingEstimate {
        let split = request.parallelism
        try split.check(for: config)
        let limit = ServingRequest.maximumLength
        guard (1...limit).contains(request.batch), (1...limit).contains(request.promptLength),
              (0...limit).contains(request.contextLength) else {
            throw PlanningError("batch \(request.batch), prompt length \(request.promptLength), context \(request.contextLength): expected batch and prompt in 1...\(limit) and context in 0...\(limit)")
        }
        try checkSize(request)
        let device = hardware.hardware
        if device.deviceCount > 1, split.devices > device.deviceCount {
            throw PlanningError("\(split) needs \(split.devices) devices but \(device.name) has \(device.deviceCount); expected at most \(device.deviceCount)")
        }
        let link = device.peerLink
        if split.devices > 1, link == nil {
            throw PlanningError("\(device.name) has no link with 'role: peer'; expected one to run \(split) over")
        }
        if split.devices > 1, let link, let domain = link.domain, split.devices > domain {
            throw PlanningError("\(split) needs \(split.devices) devices but '\(link.name)' joins \(domain) (its domain); expected at most \(domain) (links between domains are not modelled)")
        }

        let stages = split.pipeline
        let layers = Double(config.layers)
        let stageLayers = Double(split.layersPerStage(of: config))
        let microbatch = (request.batch + stages - 1) / stages

        let decode = try decodeStep(batch: microbatch, request, cache: &cache)
        let key = StepCache.Key(tokens: request.promptLength, request)
        let prefill: Step
        if let known = cache.steps[key] {
            prefill = known
        } else {
            prefill = try step(.prefill, batch: 1, seqLen: request.promptLength, context: 0, request)
            if cache.steps.count >= StepCache.capacity { cache.steps.removeAll(keepingCapacity: true) }
            cache.steps[key] = prefill
        }

        // Memory of the most loaded device: its stage's layers, the larger end of the model, and
        // the KV cache of every sequence in the batch for its layers.
        let weights = stageLayers * decode.layerWeightBytes + (stages == 1 ? decode.endWeightBytes : decode.largerEndWeightBytes)
        let kvPerSequence = stageLayers * decode.layerKVBytes / Double(microbatch)
        let activationPerSequence = decode.activationBytes / Double(microbatch)
        // A prompt's prefill runs beside the decode microbatch (continuous batching): both live.
        let activations = prefill.activationBytes + decode.activationBytes
        let capacity = device.mainMemory.totalCapacity.value
        let budget = capacity - weights - prefill.activationBytes

        // Largest batch: B sequences' KV cache and one microbatch of ceil(B/stages) live at once.
        func fits(_ batch: Int) -> Bool {
            Double(batch) * kvPerSequence + Double((batch + stages - 1) / stages) * activationPerSequence <= budget
        }
        var maxBatch = budget <= 0 ? 0 : Int(min(1e15, (budget / (kvPerSequence + activationPerSequence / Double(stages))).rounded(.down)))
        while maxBatch > 0, !fits(maxBatch) { maxBatch -= 1 }
        while maxBatch < Int(1e15), fits(maxBatch + 1) { maxBatch += 1 }

        // Longest context at this batch: what the budget leaves per token of every sequence.
        let kvPerTokenPerDevice = stageLayers * 2 * Double(decode.shard.keyValueHeads * decode.shard.headDim) * request.kvDType.bytes
        let room = budget - decode.activationBytes
        let tokensThatFit = (room / (Double(request.batch) * kvPerTokenPerDevice)).rounded(.down)
        let maxContext: Int? = if let window = config.slidingWindow, tokensThatFit >= Double(window + 1) { nil }
            else { Int(max(-1, min(1e15, tokensThatFit - 1))) }

        // Time: all layers of one microbatch, the collectives inside them, the hand-offs.
        let comms = communication(tokens: Double(microbatch), request, link: link)
        let prefillComms = communication(tokens: Double(request.promptLength), request, link: link)
        // A token passes every stage once; with several microbatches in flight the slowest stage,
        // which may hold the head, must also serve each of them in turn.
        let inFlight = Double((request.batch + microbatch - 1) / microbatch)
        let slowestStage = stageLayers * (decode.layerTime + comms.perLayer) + decode.endTime
        let throughStages = layers * (decode.layerTime + comms.perLayer) + decode.endTime + Double(stages - 1) * comms.handOff
        let timePerOutputToken = max(throughStages, inFlight * slowestStage)
        let ttft = layers * (prefill.layerTime + prefillComms.perLayer) + prefill.endTime
            + Double(stages - 1) * prefillComms.handOff
        let throughput = Double(request.batch) / timePerOutputToken

        var byBound = decode.endTimeByBound
        for (bound, time) in decode.layerTimeByBound { byBound[bound, default: 0] += layers * time }
        let communicationPerToken = layers * comms.perLayer + Double(stages - 1) * comms.handOff
        let slowest = byBound.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }
        let bound = if let link, communicationPerToken > (slowest?.value ?? 0) { "link:" + link.name }
            else { (slowest?.key ?? .compute).name(tiers: hardware.tierNames) }

        // Energy and money over every device.
        let tensor = Double(split.tensor), devices = Double(split.devices)
        // Every device of a tensor group sends its share: the per-device bytes times the group.
        let linkEnergy = (link?.energyPerByte?.value ?? 0) * tensor * comms.bytesPerToken(layers: layers, stages: stages)
        let energyPerToken = (tensor * (layers * decode.layerEnergy + decode.endEnergy) + linkEnergy) / Double(microbatch)
        let shareOfSystem = Double(max(1, device.deviceCount))
        let tdpPerDevice = device.power.map { $0.tdp.value / shareOfSystem }
        let dollarsPerSecond = (price ?? device.price).map { $0.dollarsPerSecond(power: device.power?.tdp) / shareOfSystem }

        var notes: [String] = []
        if split.devices > 1, let link, link.latency == nil {
            notes.append("collectives count bandwidth only: '\(link.name)' gives no latency (NCCL all-reduces take microseconds each)")
        }
        if case .purchase(_, _, let electricity?)? = (price ?? device.price)?.basis, electricity.value > 0, device.power == nil {
            notes.append("electricity is not charged: \(device.name) has no TDP in its file")
        }
        var estimate = ServingEstimate(
            request: request, hardwareID: device.id, hardwareName: device.name, devices: split.devices,
            kvBytesPerToken: kvBytesPerToken(request.kvDType), weightBytesPerDevice: weights,
            kvCacheBytesPerDevice: kvPerSequence * Double(request.batch), activationBytesPerDevice: activations,
            capacityBytesPerDevice: capacity, memoryTier: device.mainMemory.name, maxBatch: maxBatch, maxContext: maxContext,
            timeToFirstToken: ttft, timePerOutputToken: timePerOutputToken, communicationPerToken: communicationPerToken,
            throughput: throughput, decodeBound: bound, energyPerToken: energyPerToken,
            energyPerTokenAtTDP: tdpPerDevice.map { devices * $0 * timePerOutputToken / Double(request.batch) },
            dollarsPerHour: dollarsPerSecond.map { $0 * devices * 3600 })
        estimate.notes = notes
        return estimate
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

        /// Adds the ops at `ops` (with their results) and the tensors at `tensors` of `workload`.
        mutating func add(_ workload: Workload, _ result: AnalysisResult, ops: some Sequence<Int>, tensors: some Sequence<Int>) {
            for index in ops {
                let op = workload.ops[index], evaluated = result.ops[index]
                if ServingModel.isLayer(op.name) {
                    layerTime += evaluated.time
                    layerEnergy += evaluated.energy
                    layerTimeByBound[evaluated.bound, default: 0] += evaluated.time
                } else {
                    endTime += evaluated.time
                    endEnergy += evaluated.energy
                    endTimeByBound[evaluated.bound, default: 0] += evaluated.time
                }
            }
            for index in tensors {
                let tensor = workload.tensors[index]
                switch tensor.kind {
                case .weight where ServingModel.isLayer(tensor.name): layerWeightBytes += tensor.bytes
                case .kvCache: layerKVBytes += tensor.bytes
                default: break
                }
            }
        }

        /// Weights of the embedding and the head, and the peak of live activations.
        mutating func addEnds(_ workload: Workload, _ result: AnalysisResult) {
            var embedding = Set<Int>(), head = Set<Int>()
            for op in workload.ops where !ServingModel.isLayer(op.name) {
                for input in op.inputs where workload.tensors[input].kind == .weight {
                    if op.kind == .embedding { embedding.insert(input) } else { head.insert(input) }
                }
            }
            embeddingWeightBytes = embedding.reduce(0) { $0 + workload.tensors[$1].bytes }
            headWeightBytes = head.reduce(0) { $0 + workload.tensors[$1].bytes }
            endWeightBytes = embedding.union(head).reduce(0) { $0 + workload.tensors[$1].bytes }
            activationBytes = result.footprint.activationBytes
        }
    }

    /// Refuses requests whose tensors would pass the graph builder's size limit, with the request's own numbers.
    func checkSize(_ request: ServingRequest) throws(PlanningError) {
        let shard = request.parallelism.deviceConfig(config)
        let steps = [(Phase.decode, (request.batch + request.parallelism.pipeline - 1) / request.parallelism.pipeline, 1, request.contextLength),
                     (Phase.prefill, 1, request.promptLength, 0)]
        for (phase, batch, seqLen, context) in steps {
            let parameters = WorkloadParameters(phase: phase, batch: batch, seqLen: seqLen, contextLen: context,
                                                weightDType: request.weightDType, activationDType: request.activationDType,
                                                kvDType: request.kvDType)
            do { try TransformerGraphBuilder(config: shard, parameters: parameters, modelName: modelName).checkSize() } catch {
                throw PlanningError("\(modelName) at batch \(request.batch), prompt \(request.promptLength), context \(request.contextLength): \(error.message)")
            }
        }
    }

    /// The one-layer graph of one device's step.
    func graph(_ phase: Phase, batch: Int, seqLen: Int, context: Int, _ request: ServingRequest) throws(PlanningError) -> Workload {
        let parameters = WorkloadParameters(phase: phase, batch: batch, seqLen: seqLen, contextLen: context,
                                            weightDType: request.weightDType, activationDType: request.activationDType,
                                            kvDType: request.kvDType, logits: .last)
        let builder = TransformerGraphBuilder(config: request.parallelism.deviceConfig(config), parameters: parameters,
                                              modelName: modelName, expertShards: request.parallelism.expert)
        do { return try builder.build() } catch {
            throw PlanningError("\(modelName) at batch \(batch), \(seqLen) new tokens, context \(context): \(error.message)")
        }
    }

    func analyze(_ workload: Workload) throws(PlanningError) -> AnalysisResult {
        do { return try engine.analyze(workload, on: hardware) } catch { throw PlanningError(error.description) }
    }

    func step(_ phase: Phase, batch: Int, seqLen: Int, context: Int, _ request: ServingRequest) throws(PlanningError) -> Step {
        let workload = try graph(phase, batch: batch, seqLen: seqLen, context: context, request)
        var step = Step(shard: request.parallelism.deviceConfig(config))
        let result = try analyze(workload)
        step.add(workload, result, ops: workload.ops.indices, tensors: workload.tensors.indices)
        step.addEnds(workload, result)
        return step
    }

    /// The decode step of one microbatch: from a cached ``DecodeTemplate`` when one applies.
    func decodeStep(batch: Int, _ request: ServingRequest, cache: inout StepCache) throws(PlanningError) -> Step {
        let cached = min(request.contextLength, config.slidingWindow ?? Int.max)
        guard cached > 0 else { return try step(.decode, batch: batch, seqLen: 1, context: request.contextLength, request) }
        let key = StepCache.Key(tokens: batch, request)
        let template: DecodeTemplate?
        if let known = cache.templates[key] {
            template = known
        } else {
            template = try DecodeTemplate(self, batch: batch, request)
            if cache.templates.count >= StepCache.capacity { cache.templates.removeAll(keepingCapacity: true) }
            cache.templates[key] = template
        }
        guard let template else { return try step(.decode, batch: batch, seqLen: 1, context: request.contextLength, request) }
        return try template.step(cachedTokens: cached, self)
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
