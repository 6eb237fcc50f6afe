import MemwallAnalysis
import MemwallModel

/// Turns a scheduled workload and a hardware description into a ``PlacementProblem``.
public enum ProblemBuilder {
    /// Steps are the workload's ops in order, each with its compute time from the roofline
    /// engine (FLOPs over the engine's peak times efficiency). A tensor is born at the op that
    /// writes it (step 0 for weights, KV cache and inputs) and lives to its last access; each
    /// op reads its inputs' bytes (for an expert matmul only the experts it touches, for an
    /// embedding only the rows gathered) and writes its outputs' bytes.
    public static func build(workload: Workload, hardware: Hardware, settings: PlacementSettings) throws(PlacementInputError) -> PlacementProblem {
        let tierIndices = try chooseTiers(hardware, settings)
        let tiers = try tierIndices.map { index throws(PlacementInputError) in try tier(hardware, index, settings) }
        if settings.objective == .energy, let missing = tiers.first(where: { $0.energyPerByte == nil }) {
            throw PlacementInputError("objective: energy needs every tier's energy per byte, and tier '\(missing.name)' of \(hardware.name) has none; expected tiers with an energy figure, or objective time or traffic")
        }
        let linkNames = Set(settings.tierLinks.values.joined())
        let links = hardware.links.filter { linkNames.contains($0.name) }
            .map { PlacementLink(name: $0.name, bandwidth: $0.bandwidth.value, energyPerByte: $0.energyPerByte?.value) }
        var placementTiers = tiers
        for (name, names) in settings.tierLinks {
            guard let t = placementTiers.firstIndex(where: { $0.name == name }) else {
                throw PlacementInputError("links: tier '\(name)' is not placed into\(didYouMean(name, in: placementTiers.map(\.name))); expected one of \(placementTiers.map(\.name).joined(separator: ", "))")
            }
            for link in names {
                guard let l = links.firstIndex(where: { $0.name == link }) else {
                    throw PlacementInputError("links.\(name): no link '\(link)' in \(hardware.name)\(didYouMean(link, in: hardware.links.map(\.name))); expected one of \(hardware.links.map(\.name).joined(separator: ", "))")
                }
                placementTiers[t].links.append(l)
            }
        }
        for name in settings.bandwidths.keys where !placementTiers.contains(where: { $0.name == name }) {
            throw PlacementInputError("bandwidth: tier '\(name)' is not placed into\(didYouMean(name, in: placementTiers.map(\.name))); expected one of \(placementTiers.map(\.name).joined(separator: ", "))")
        }
        for name in settings.capacities.keys where !placementTiers.contains(where: { $0.name == name }) {
            throw PlacementInputError("capacity: tier '\(name)' is not placed into\(didYouMean(name, in: placementTiers.map(\.name))); expected one of \(placementTiers.map(\.name).joined(separator: ", "))")
        }

        let analysis: AnalysisResult
        do { analysis = try RooflineEngine().analyze(workload, on: hardware) } catch { throw PlacementInputError(error.description) }
        let steps = zip(workload.ops, analysis.ops).map { PlacementStep(name: $0.name, computeTime: $1.computeTime) }
        var tensors = extractTensors(workload, steps: steps.count)
        try applyConstraints(&tensors, settings, placementTiers.map(\.name))
        if let home = settings.home {
            guard let index = placementTiers.firstIndex(where: { $0.name == home }) else {
                throw PlacementInputError("home: tier '\(home)' is not placed into\(didYouMean(home, in: placementTiers.map(\.name))); expected one of \(placementTiers.map(\.name).joined(separator: ", "))")
            }
            let produced = Set(workload.ops.flatMap(\.outputs).map { workload.tensors[$0].name })
            for t in tensors.indices where !produced.contains(tensors[t].name) { tensors[t].homeTier = index }
        }
        if settings.mergeIdentical { tensors = merge(tensors) }
        return PlacementProblem(name: workload.name, tiers: placementTiers, links: links, steps: steps, tensors: tensors,
                                objective: settings.objective, prefetchSteps: settings.prefetchSteps)
    }

    private static func chooseTiers(_ hardware: Hardware, _ settings: PlacementSettings) throws(PlacementInputError) -> [Int] {
        let names = hardware.memory.map(\.name)
        guard let wanted = settings.tiers else {
            return hardware.memory.indices.filter { $0 >= hardware.mainMemoryIndex && hardware.memory[$0].role == .managed && hardware.memory[$0].bandwidth != nil }
        }
        guard !wanted.isEmpty else { throw PlacementInputError("tiers: empty; expected at least one of \(names.joined(separator: ", "))") }
        var result: [Int] = []
        for name in wanted {
            guard let index = names.firstIndex(of: name) else {
                throw PlacementInputError("tiers: no tier '\(name)' in \(hardware.name)\(didYouMean(name, in: names)); expected one of \(names.joined(separator: ", "))")
            }
            guard !result.contains(index) else { throw PlacementInputError("tiers: '\(name)' is listed twice; expected each tier once") }
            result.append(index)
        }
        return result
    }

    private static func tier(_ hardware: Hardware, _ index: Int, _ settings: PlacementSettings) throws(PlacementInputError) -> PlacementTier {
        let memory = hardware.memory[index]
        guard let bandwidth = settings.bandwidths[memory.name] ?? memory.bandwidth?.value, bandwidth > 0 else {
            throw PlacementInputError("tiers: tier '\(memory.name)' of \(hardware.name) has no bandwidth; expected tiers with a bandwidth, or one given under bandwidth:")
        }
        let capacity = settings.capacities[memory.name] ?? memory.totalCapacity.value
        return PlacementTier(name: memory.name, capacity: capacity, bandwidth: bandwidth, energyPerByte: memory.energyPerByte?.value)
    }

    /// Lifetimes and access bytes of every tensor; weights and KV cache no op touches (experts
    /// no token is routed to) still hold memory for the whole run.
    static func extractTensors(_ workload: Workload, steps: Int) -> [PlacementTensor] {
        let specs = workload.tensors
        var birth = [Int?](repeating: nil, count: specs.count)
        var accesses = [[Int: Double]](repeating: [:], count: specs.count)
        for (step, op) in workload.ops.enumerated() {
            for (position, input) in op.inputs.enumerated() {
                accesses[input][step, default: 0] += readBytes(op, position: position, specs)
            }
            for output in op.outputs {
                if birth[output] == nil { birth[output] = step }
                accesses[output][step, default: 0] += specs[output].bytes
            }
        }
        return specs.indices.compactMap { index in
            guard let last = accesses[index].keys.max() else {
                guard specs[index].kind.isResident, steps > 0 else { return nil }
                return PlacementTensor(name: specs[index].name, bytes: specs[index].bytes, birth: 0, death: steps - 1, accesses: [])
            }
            let born = specs[index].kind == .activation ? (birth[index] ?? 0) : 0
            let list = accesses[index].sorted { $0.key < $1.key }.map { PlacementAccess(step: $0.key, bytes: $0.value) }
            return PlacementTensor(name: specs[index].name, bytes: specs[index].bytes, birth: min(born, list[0].step), death: last, accesses: list)
        }
    }

    private static func readBytes(_ op: Op, position: Int, _ specs: [TensorSpec]) -> Double {
        let tensor = specs[op.inputs[position]]
        switch op.kind {
        case .expertMatmul where position == 1:
            let experts = Double(tensor.shape[0]), perToken = Double(op.expertsPerToken ?? 1)
            let rows = specs[op.inputs[0]].elementCount / Double(tensor.shape[1])
            return tensor.bytes * OpCost.expectedExpertsTouched(experts: experts, perToken: perToken, tokens: rows / perToken) / experts
        case .embedding where position == 1:
            return specs[op.inputs[0]].elementCount * Double(tensor.shape[1]) * tensor.dtype.bytes
        default:
            return tensor.bytes
        }
    }

    private static func applyConstraints(_ tensors: inout [PlacementTensor], _ settings: PlacementSettings, _ tierNames: [String]) throws(PlacementInputError) {
        func index(_ name: String, _ key: String) throws(PlacementInputError) -> Int {
            guard let found = tierNames.firstIndex(of: name) else {
                throw PlacementInputError("\(key): tier '\(name)' is not placed into\(didYouMean(name, in: tierNames)); expected one of \(tierNames.joined(separator: ", "))")
            }
            return found
        }
        for pin in settings.pins {
            let tier = try index(pin.tier, "pin.\(pin.pattern)")
            var matched = false
            for t in tensors.indices where wildcardMatches(pin.pattern, tensors[t].name) {
                tensors[t].pinnedTier = tier
                matched = true
            }
            if !matched { throw PlacementInputError("pin.\(pin.pattern): matches no tensor of the workload; expected a tensor name or pattern with *") }
        }
        for forbid in settings.forbids {
            var set: Set<Int> = []
            for name in forbid.tiers { set.insert(try index(name, "forbid.\(forbid.pattern)")) }
            var matched = false
            for t in tensors.indices where wildcardMatches(forbid.pattern, tensors[t].name) {
                tensors[t].forbiddenTiers.formUnion(set)
                matched = true
            }
            if !matched { throw PlacementInputError("forbid.\(forbid.pattern): matches no tensor of the workload; expected a tensor name or pattern with *") }
        }
    }

    /// Tensors with the same size, lifetime, accesses and constraints become one entry with a count.
    static func merge(_ tensors: [PlacementTensor]) -> [PlacementTensor] {
        struct Key: Hashable { var bytes: Double; var birth: Int; var death: Int; var accesses: [PlacementAccess]; var pinned: Int?; var forbidden: Set<Int>; var home: Int? }
        var order: [Key] = [], groups: [Key: PlacementTensor] = [:]
        for tensor in tensors {
            let key = Key(bytes: tensor.bytes, birth: tensor.birth, death: tensor.death, accesses: tensor.accesses,
                          pinned: tensor.pinnedTier, forbidden: tensor.forbiddenTiers, home: tensor.homeTier)
            if var group = groups[key] {
                group.count += tensor.count
                groups[key] = group
            } else {
                order.append(key)
                groups[key] = tensor
            }
        }
        return order.map { key in
            var group = groups[key]!
            if group.count > 1 { group.name += " (x\(group.count))" }
            return group
        }
    }
}
