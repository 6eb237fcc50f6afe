import MemwallModel

/// The roofline engine: per op, time = max(FLOPs / (peak x efficiency),
/// max over tiers of bytes / bandwidth, touched tiers' latency) + per-op overhead,
/// with the bytes per tier from an ``IOModel``; ops run one after another.
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

        var results: [OpResult] = []
        results.reserveCapacity(workload.ops.count)
        var totalBytes = [Double](repeating: 0, count: tiers)
        var totalFlops = 0.0, totalTime = 0.0, totalEnergy = 0.0
        var timeByBound: [Bound: Double] = [:]
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: tiers)
        defer { scratch.deallocate() }
        var bytes = scratch

        for op in workload.ops {
            let cost = OpCost(op, tensors: workload.tensors)
            bytes.update(repeating: 0)
            ioModel.bytesMoved(by: op, cost: cost, workload: workload, hardware: compiled, into: &bytes)

            var computeTime = 0.0
            var engineName: String?
            var dtypeUsed = cost.computeDType
            var energy = 0.0
            if cost.flops > 0 {
                guard let choice = compiled.engine(for: cost.opClass, dtype: cost.computeDType) else {
                    throw .noEngine(op: op.name, opClass: cost.opClass, dtype: cost.computeDType, hardware: compiled.hardware.name)
                }
                let engine = compiled.hardware.compute[choice.engineIndex].name
                if choice.dtype != cost.computeDType {
                    warn("no engine has a \(cost.computeDType.rawValue) peak for \(cost.opClass.rawValue) ops; used the \(choice.dtype.rawValue) peak of '\(engine)'")
                }
                computeTime = cost.flops / choice.rate
                engineName = engine
                dtypeUsed = choice.dtype
                energy += cost.flops * choice.energyPerOperation
            }

            var bound = Bound.compute
            var slowest = computeTime
            var memoryTimes = [Double](repeating: 0, count: tiers)
            var latency = 0.0
            for tier in 0..<tiers where bytes[tier] > 0 {
                totalBytes[tier] += bytes[tier]
                energy += bytes[tier] * compiled.energyPerByte[tier]
                latency = max(latency, compiled.latency[tier])
                guard compiled.bandwidth[tier] > 0 else { continue }
                let t = bytes[tier] / compiled.bandwidth[tier]
                memoryTimes[tier] = t
                if t > slowest { slowest = t; bound = .memory(tier) }
            }
            if latency > slowest { slowest = latency; bound = .latency }
            let overhead = compiled.overheadPerOp
            if slowest == 0, overhead > 0 { bound = .overhead }
            let time = slowest + overhead

            totalFlops += cost.flops
            totalTime += time
            totalEnergy += energy
            timeByBound[bound, default: 0] += time
            let mainBytes = bytes[main]
            results.append(OpResult(
                name: op.name, kind: op.kind, engine: engineName, computeDType: dtypeUsed, flops: cost.flops,
                bytesByTier: Array(bytes), computeTime: computeTime, memoryTimeByTier: memoryTimes,
                latencyTime: latency, overheadTime: overhead, time: time, bound: bound,
                arithmeticIntensity: mainBytes > 0 ? cost.flops / mainBytes : 0, energy: energy))
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
}
