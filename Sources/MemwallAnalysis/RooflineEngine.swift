import MemwallModel

/// The roofline engine: per op, time = max(FLOPs / (peak x efficiency),
/// max over tiers of bytes / bandwidth, touched tiers' latency) + per-op overhead,
/// with the bytes per tier from an ``IOModel``; ops run one after another.
///
/// Attention on an engine with a `special_functions` rate R: compute time = max(FLOPs / (peak x e x u),
/// (FLOPs / peak + exponentials / R) / u), e the (calibrated) efficiency and u the wave quantisation
/// (1 without a calibration, so the pure roofline at efficiency 1 adds the exponentials' time).
public struct RooflineEngine: Sendable {
    public var ioModel: any IOModel

    public init(ioModel: any IOModel = HierarchicalTraffic()) {
        self.ioModel = ioModel
    }

    public func analyze(_ workload: Workload, on hardware: Hardware) throws(AnalysisError) -> AnalysisResult {
        try analyze(workload, on: CompiledHardware(hardware))
    }

    public func analyze(_ workload: Workload, on compiled: CompiledHardware) throws(AnalysisError) -> AnalysisResult {
        let tiers = compiled.tierCount
        let main = compiled.mainMemoryIndex
        var warnings: [String] = []
        var warned: Set<String> = []
        func warn(_ text: String) { if warned.insert(text).inserted { warnings.append(text) } }
        for (index, name) in compiled.tierNames.enumerated() where index <= main && compiled.bandwidth[index] == 0 {
            warn("tier '\(name)' has no bandwidth in the hardware file; it sets no bound")
        }

        // Block skipping under a causal mask is FlashAttention's; standard attention is left at the masked count.
        let tiledAttention = (ioModel as? HierarchicalTraffic)?.attention != .standard
        var results: [OpResult] = []
        results.reserveCapacity(workload.ops.count)
        var totalBytes = [Double](repeating: 0, count: tiers)
        var totalFlops = 0.0, totalTime = 0.0, totalEnergy = 0.0
        var timeByBound: [Bound: Double] = [:]
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: tiers)
        defer { scratch.deallocate() }
        var bytes = scratch
        // A model repeats one attention shape layer after layer; its block schedule is computed once.
        var attentionMemo: [AttentionShape: CalibratedOp] = [:]

        for op in workload.ops {
            let cost = OpCost(op, tensors: workload.tensors)
            bytes.update(repeating: 0)
            ioModel.bytesMoved(by: op, cost: cost, workload: workload, hardware: compiled, into: &bytes)
            let calibrated = compiled.calibration.map { calibration in
                let shape = op.kind == .attention ? AttentionShape(op, tensors: workload.tensors) : nil
                if let shape, let known = attentionMemo[shape] { return known }
                let fresh = CalibratedOp(family: Calibration.Family(op.kind),
                                         utilisation: calibration.utilisation(of: op, tensors: workload.tensors, tiled: tiledAttention),
                                         executedWork: calibration.executedWork(of: op, tensors: workload.tensors, tiled: tiledAttention))
                if let shape { attentionMemo[shape] = fresh }
                return fresh
            }

            // The conventional engine reads through the hierarchy; a near-memory engine reads its
            // operands at its tier's internal bandwidth and sends only results out. One pass keeps the
            // fastest candidate and, under an intensity rule, the rule's engine and the fastest other.
            var best: Evaluation?
            if cost.flops > 0 {
                var selection = Selection(ruleEngine: compiled.intensityRule?.engineIndex)
                if let choice = compiled.engine(for: cost.opClass, dtype: cost.computeDType) {
                    selection.consider(evaluate(cost, bytes: bytes, choice: choice, near: nil, calibrated: calibrated, compiled))
                }
                for near in compiled.nearEngines {
                    guard let choice = near.choice(for: cost.opClass, dtype: cost.computeDType) else { continue }
                    selection.consider(evaluate(cost, bytes: bytes, choice: choice, near: near, calibrated: calibrated, compiled))
                }
                if let rule = compiled.intensityRule, let ruled = selection.ruled {
                    let intensity = cost.compulsoryBytes > 0 ? cost.flops / cost.compulsoryBytes : .infinity
                    best = intensity < rule.threshold ? ruled : selection.fastestOther ?? ruled
                } else {
                    best = selection.fastest
                }
                guard let chosen = best else {
                    throw .noEngine(op: op.name, opClass: cost.opClass, dtype: cost.computeDType, hardware: compiled.hardware.name)
                }
                if let choice = chosen.choice, choice.dtype != cost.computeDType {
                    let engine = compiled.hardware.compute[choice.engineIndex].name
                    warn("no engine has a \(cost.computeDType.rawValue) peak for \(cost.opClass.rawValue) ops; used the \(choice.dtype.rawValue) peak of '\(engine)'")
                }
            }
            let evaluation = best ?? evaluate(cost, bytes: bytes, choice: nil, near: nil, calibrated: calibrated, compiled)
            for tier in 0..<tiers { totalBytes[tier] += evaluation.bytes[tier] }

            totalFlops += cost.flops
            totalTime += evaluation.time
            totalEnergy += evaluation.energy
            timeByBound[evaluation.bound, default: 0] += evaluation.time
            let mainBytes = evaluation.bytes[main]
            results.append(OpResult(
                name: op.name, kind: op.kind, engine: evaluation.choice.map { compiled.hardware.compute[$0.engineIndex].name },
                computeDType: evaluation.choice?.dtype ?? cost.computeDType, flops: cost.flops,
                bytesByTier: evaluation.bytes, computeTime: evaluation.computeTime, memoryTimeByTier: evaluation.memoryTimes,
                latencyTime: evaluation.latency, overheadTime: compiled.overheadPerOp, time: evaluation.time, bound: evaluation.bound,
                arithmeticIntensity: mainBytes > 0 ? cost.flops / mainBytes : 0, energy: evaluation.energy,
                specialFunctionTime: evaluation.specialFunctionTime))
        }

        let hardware = compiled.hardware
        let dominant = timeByBound.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }?.key ?? .compute
        let price = hardware.price.map { $0.dollarsPerSecond(power: hardware.power?.tdp) }
        let totals = Totals(
            flops: totalFlops, bytesByTier: totalBytes, time: totalTime, timeByBound: timeByBound, bound: dominant,
            energy: totalEnergy,
            energyAtTDP: hardware.power.map { $0.tdp.value * totalTime },
            cost: price.map { $0 * totalTime },
            tokens: workload.tokens,
            tokensPerSecond: workload.tokens.flatMap { totalTime > 0 ? Double($0) / totalTime : nil },
            achievedFlopsPerSecond: totalTime > 0 ? totalFlops / totalTime : 0)

        return AnalysisResult(
            hardwareName: hardware.name, hardwareID: hardware.id, workloadName: workload.name,
            workloadParameters: workload.parameters.map { KeyValue($0.key, $0.value) },
            tierNames: compiled.tierNames, mainMemoryIndex: main, ioModel: ioModel.name,
            ops: results, totals: totals,
            footprint: FootprintAnalysis.footprint(of: workload, in: hardware.mainMemory),
            warnings: warnings)
    }

    /// The candidates worth keeping while engines are considered one by one: the fastest, and under
    /// an intensity rule the rule's engine and the fastest other (first wins ties).
    struct Selection {
        let ruleEngine: Int?
        var fastest: Evaluation?
        var ruled: Evaluation?
        var fastestOther: Evaluation?

        init(ruleEngine: Int?) { self.ruleEngine = ruleEngine }

        mutating func consider(_ candidate: Evaluation) {
            if candidate.time < (fastest?.time ?? .infinity) { fastest = candidate }
            guard let ruleEngine else { return }
            if candidate.choice?.engineIndex == ruleEngine {
                ruled = candidate
            } else if candidate.time < (fastestOther?.time ?? .infinity) {
                fastestOther = candidate
            }
        }
    }

    /// One op on one engine: its bytes per tier, the time under each bound, and the winner.
    struct Evaluation {
        var choice: CompiledHardware.EngineChoice?
        var bytes: [Double]
        var computeTime: Double
        var memoryTimes: [Double]
        var latency: Double
        var energy: Double
        var time: Double
        var bound: Bound
        var specialFunctionTime = 0.0
    }

    /// What an attention op's calibration depends on: its inputs' shapes, mask and window.
    struct AttentionShape: Hashable {
        var inputs: [[Int]]
        var causal: Bool
        var window: Int?

        init(_ op: Op, tensors: [TensorSpec]) {
            inputs = op.inputs.map { tensors[$0].shape }
            causal = op.causal
            window = op.window
        }
    }

    /// What a calibration needs to know of an op: its family, how busy its blocks keep the units, and
    /// the work its kernel executes over the useful work it reports (causal FlashAttention's whole blocks).
    struct CalibratedOp {
        var family: Calibration.Family
        var utilisation: Double
        var executedWork = 1.0
    }

    func evaluate(_ cost: OpCost, bytes traffic: UnsafeMutableBufferPointer<Double>, choice: CompiledHardware.EngineChoice?,
                  near: CompiledHardware.NearEngine?, calibrated: CalibratedOp? = nil, _ compiled: CompiledHardware) -> Evaluation {
        let tiers = compiled.tierCount
        var bytes = [Double](repeating: 0, count: tiers)
        var memoryTimes = [Double](repeating: 0, count: tiers)
        var computeTime = choice.map { cost.flops / $0.rate } ?? 0
        var utilisation = 1.0
        // Executed over useful work: the time is for the FLOPs and exponentials the kernel runs, the
        // reported FLOPs stay the useful (masked) count.
        var work = 1.0
        if let calibrated, let choice, let calibration = compiled.calibration {
            // Wave quantisation and block skipping are the GPU kernels'; a near-memory engine's units are its own.
            let scale = calibration.rateScale(engine: choice.engineIndex, dtype: choice.dtype, family: calibrated.family)
            utilisation = near == nil ? calibrated.utilisation : 1
            work = near == nil ? calibrated.executedWork : 1
            computeTime /= scale * utilisation
            computeTime *= work    // exact when 1: non-causal ops keep their time bit for bit
        }
        // Attention's exponentials at the special-function rate: no kernel runs faster than its FLOPs at the
        // engine's peak plus its exponentials, not overlapped (FlashAttention-3 on the H100 reaches this floor;
        // FlashAttention-2 runs well above it, at its own efficiency: docs/calibration.md).
        var special = 0.0
        if let choice, cost.specialFunctionOps > 0, compiled.specialFunctionRate[choice.engineIndex] > 0 {
            let engine = compiled.hardware.compute[choice.engineIndex]
            special = cost.specialFunctionOps * work / compiled.specialFunctionRate[choice.engineIndex] / utilisation
            let peak = engine.peak[choice.dtype]?.value ?? choice.rate
            computeTime = max(computeTime, cost.flops * work / peak / utilisation + special)
        }
        var energy = cost.flops * (choice?.energyPerOperation ?? 0)
        var bound = Bound.compute
        var slowest = computeTime
        var latency = 0.0
        if let near {
            // Operands stay in the tier: read at its internal bandwidth; results leave at its external one.
            let tier = near.tier
            bytes[tier] = cost.compulsoryBytes
            let reading = near.internalBandwidth > 0 ? cost.bytesRead / near.internalBandwidth : 0
            let writing = near.externalBandwidth > 0 ? cost.bytesWritten / near.externalBandwidth : 0
            memoryTimes[tier] = max(reading, writing)
            energy += bytes[tier] * compiled.energyPerByte[tier]
            latency = compiled.latency[tier]
            if memoryTimes[tier] > slowest { slowest = memoryTimes[tier]; bound = .memory(tier) }
        } else {
            for tier in 0..<tiers where traffic[tier] > 0 {
                bytes[tier] = traffic[tier]
                energy += traffic[tier] * compiled.energyPerByte[tier]
                latency = max(latency, compiled.latency[tier])
                guard compiled.bandwidth[tier] > 0 else { continue }
                let t = traffic[tier] / compiled.bandwidth[tier]
                memoryTimes[tier] = t
                if t > slowest { slowest = t; bound = .memory(tier) }
            }
        }
        if latency > slowest { slowest = latency; bound = .latency }
        let overhead = compiled.overheadPerOp
        if slowest == 0, overhead > 0 { bound = .overhead }
        return Evaluation(choice: choice, bytes: bytes, computeTime: computeTime, memoryTimes: memoryTimes, latency: latency,
                          energy: energy, time: slowest + overhead, bound: bound, specialFunctionTime: special)
    }
}
