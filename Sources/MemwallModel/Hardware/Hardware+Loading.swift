import Foundation

extension Hardware {
    /// The hardware file schema version this build reads.
    public static let schemaVersion = 1

    /// Loads and validates a hardware file (YAML or JSON).
    public static func load(contentsOf path: String) throws(SpecError) -> Hardware {
        let document = try SpecDocument(contentsOf: path)
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let top = try document.root.mapping()
        if top.contains("device") { return try system(top, path: path, defaultID: stem) }
        return try Hardware(document.root, defaultID: stem)
    }

    /// A system file: a device file plus farther tiers, links, and whole-system power and price.
    static func system(_ top: SpecMapping, path: String, defaultID: String) throws(SpecError) -> Hardware {
        try top.allowOnly(systemKeys)
        try checkSchemaVersion(top, supported: schemaVersion)
        let deviceValue = try top.required("device")
        let reference = try deviceValue.name()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let candidates = [folder.appendingPathComponent(reference).path,
                          folder.appendingPathComponent(reference + ".yaml").path,
                          folder.deletingLastPathComponent().appendingPathComponent(reference + ".yaml").path,
                          folder.appendingPathComponent("../HardwareSpecs/\(reference).yaml").standardizedFileURL.path]
        guard let devicePath = candidates.first(where: { FileManager.default.fileExists(atPath: $0) && !$0.hasSuffix("/") }),
              devicePath != path else {
            throw deviceValue.error("no device file '\(reference)' next to this file or in HardwareSpecs/; expected a device name or relative path")
        }
        let deviceDocument = try SpecDocument(contentsOf: devicePath)
        guard try !deviceDocument.root.mapping().contains("device") else {
            throw deviceValue.error("'\(reference)' is itself a system file; expected a single device")
        }
        var hardware = try Hardware(deviceDocument.root, defaultID: reference)
        var memory = hardware.memory
        if let list = top.optional("memory") {
            memory += try list.sequence().map { item throws(SpecError) in try MemoryTier(item) }
            try requireUniqueNames(memory.map(\.name), in: list)
        }
        if let list = top.optional("links") {
            hardware.links += try list.sequence().map { item throws(SpecError) in try Link(item) }
            try requireUniqueNames(hardware.links.map(\.name), in: list)
        }
        hardware.memory = memory
        hardware.name = try top.required("name").name()
        hardware.id = try top.optional("id")?.name() ?? defaultID
        hardware.kind = try top.optional("kind")?.oneOf(Kind.self) ?? .system
        hardware.description = try top.optional("description")?.string() ?? hardware.description
        hardware.deviceCount = try top.optional("count")?.int(in: 1...1_000_000) ?? 1
        if let power = top.optional("power") { hardware.power = try Power(power) }
        if let price = top.optional("price") { hardware.price = try Price(price) }
        return hardware
    }

    /// Loads and validates hardware from text; `file` names it in errors.
    public static func parse(_ text: String, file: String = "<hardware>") throws(SpecError) -> Hardware {
        try Hardware(SpecDocument(text: text, file: file).root, defaultID: "hardware")
    }

    static let topKeys = ["schema_version", "name", "id", "kind", "description", "main_memory", "compute",
                          "memory", "links", "overheads", "power", "price", "assignment", "calibration", "notes"]
    static let systemKeys = ["schema_version", "name", "id", "kind", "description", "device", "count", "memory", "links",
                             "power", "price", "notes"]

    init(_ value: SpecValue, defaultID: String) throws(SpecError) {
        let top = try value.mapping()
        try top.allowOnly(Self.topKeys)
        try checkSchemaVersion(top, supported: Self.schemaVersion)

        let memoryList = try top.required("memory")
        let memory = try memoryList.sequence().map { item throws(SpecError) in try MemoryTier(item) }
        guard !memory.isEmpty else { throw memoryList.error("expected at least one memory tier, nearest first") }
        try requireUniqueNames(memory.map(\.name), in: memoryList)

        let computeList = try top.required("compute")
        let compute = try computeList.sequence().map { item throws(SpecError) in try ComputeEngine(item, tiers: memory) }
        guard !compute.isEmpty else { throw computeList.error("expected at least one compute engine") }
        try requireUniqueNames(compute.map(\.name), in: computeList)

        let mainIndex: Int
        if let main = top.optional("main_memory") {
            let name = try main.name()
            guard let index = memory.firstIndex(where: { $0.name == name }) else {
                let names = memory.map(\.name)
                let hint = didYouMean(name, in: names)
                throw main.error("no memory tier named '\(name)'\(hint); expected one of \(names.joined(separator: ", "))")
            }
            guard memory[index].role == .managed else {
                throw main.error("tier '\(name)' is a cache; expected a managed tier to hold weights and KV cache")
            }
            mainIndex = index
        } else {
            guard let index = memory.lastIndex(where: { $0.role == .managed }) else {
                throw memoryList.error("every tier is a cache; expected at least one managed tier to hold the data")
            }
            mainIndex = index
        }

        var links: [Link] = []
        if let list = top.optional("links") {
            links = try list.sequence().map { item throws(SpecError) in try Link(item) }
            try requireUniqueNames(links.map(\.name), in: list)
        }

        self.init(
            name: try top.required("name").name(),
            id: try top.optional("id")?.name() ?? defaultID,
            kind: try top.required("kind").oneOf(Kind.self),
            description: try top.optional("description")?.string(),
            compute: compute,
            memory: memory,
            mainMemoryIndex: mainIndex,
            links: links,
            overheads: try top.optional("overheads").map { v throws(SpecError) in try Overheads(v) } ?? Overheads(),
            power: try top.optional("power").map { v throws(SpecError) in try Power(v) },
            price: try top.optional("price").map { v throws(SpecError) in try Price(v) },
            assignment: try top.optional("assignment").map { v throws(SpecError) in try Assignment(v, engines: compute) } ?? .fastest,
            calibration: try top.optional("calibration").map { v throws(SpecError) in try Calibration(v, engines: compute, tiers: memory) }
        )
    }
}

extension Assignment {
    init(_ value: SpecValue, engines: [ComputeEngine]) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["rule", "threshold", "below", "source", "notes"])
        switch try map.required("rule").string() {
        case "fastest":
            self = .fastest
        case "intensity":
            let below = try map.required("below")
            let name = try below.name()
            guard let index = engines.firstIndex(where: { $0.name == name }) else {
                let names = engines.map(\.name)
                let hint = didYouMean(name, in: names)
                throw below.error("no compute engine named '\(name)'\(hint); expected one of \(names.joined(separator: ", "))")
            }
            guard engines.count > 1 else { throw value.error("an intensity rule needs a second engine for ops above the threshold") }
            self = .intensity(threshold: try map.required("threshold").double(in: 0...1e9), engineIndex: index,
                              source: try requiredSource(map))
        default:
            throw try map.required("rule").error("unknown rule '\(try map.required("rule").string())'; expected fastest or intensity")
        }
    }
}

/// Fails unless `schema_version`, when present, is `supported`.
public func checkSchemaVersion(_ top: SpecMapping, supported: Int) throws(SpecError) {
    guard let version = top.optional("schema_version") else { return }
    let number = try version.int()
    guard number == supported else {
        throw version.error("schema_version \(number) is not supported; expected \(supported)")
    }
}

func requireUniqueNames(_ names: [String], in list: SpecValue) throws(SpecError) {
    var seen: Set<String> = []
    for (index, name) in names.enumerated() where !seen.insert(name).inserted {
        throw SpecError(file: list.file, line: list.line, column: list.column, keyPath: "\(list.path)[\(index)].name",
                        message: "duplicate name '\(name)'; expected names to be unique")
    }
}

/// Every figure must say where it came from.
func requiredSource(_ map: SpecMapping) throws(SpecError) -> String {
    let value = try map.required("source")
    let text = try value.string()
    guard !text.trimmingWhitespace().isEmpty else {
        throw value.error("empty source; expected a URL or a document and table for every figure")
    }
    return text
}

func dtypeKey(_ key: String, at value: SpecValue) throws(SpecError) -> DType {
    guard let dtype = DType(rawValue: key) else {
        let names = DType.allCases.map(\.rawValue)
        let hint = didYouMean(key, in: names)
        throw value.error("unknown dtype '\(key)'\(hint); expected one of \(names.joined(separator: ", "))")
    }
    return dtype
}

extension ComputeEngine {
    init(_ value: SpecValue, tiers: [MemoryTier] = []) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["name", "executes", "peak", "derived_peak", "efficiency", "energy", "near", "special_functions", "source",
                           "notes"])
        var peak: [DType: OperationsPerSecond] = [:]
        var derivedClock: Hertz?
        switch (map.optional("peak"), map.optional("derived_peak")) {
        case let (peakValue?, nil):
            for (key, rate) in try peakValue.mapping().entries {
                peak[try dtypeKey(key, at: rate)] = try rate.positiveQuantity(OperationsPerSecond.self)
            }
            guard !peak.isEmpty else { throw peakValue.error("expected at least one dtype with its peak, like 'bf16: 989.4 TFLOPS'") }
        case let (nil, derived?):
            // peak = units x ops per unit per cycle x clock (FPGA DSP slices, AI Engine tiles).
            let fields = try derived.mapping()
            try fields.allowOnly(["units", "clock", "ops_per_unit_per_cycle"])
            let units = Double(try fields.required("units").int(in: 1...100_000_000))
            let clock = try fields.required("clock").positiveQuantity(Hertz.self)
            derivedClock = clock
            let perCycle = try fields.required("ops_per_unit_per_cycle")
            for (key, ops) in try perCycle.mapping().entries {
                peak[try dtypeKey(key, at: ops)] = OperationsPerSecond(units * (try ops.double(in: 0.000_001...1e6)) * clock.value)
            }
            guard !peak.isEmpty else { throw perCycle.error("expected at least one dtype, like 'int8: 4'") }
        case (.some, .some):
            throw value.error("give either 'peak' or 'derived_peak', not both")
        case (nil, nil):
            throw value.error("missing required key 'peak' (or 'derived_peak' for units x ops per cycle x clock)")
        }
        var nearTier: Int?
        if let near = map.optional("near") {
            let name = try near.name()
            guard let index = tiers.firstIndex(where: { $0.name == name }) else {
                let names = tiers.map(\.name)
                let hint = didYouMean(name, in: names)
                throw near.error("no memory tier named '\(name)'\(hint); expected one of \(names.joined(separator: ", "))")
            }
            guard tiers[index].internalBandwidth != nil else {
                throw near.error("tier '\(name)' has no internal_bandwidth; expected the bandwidth near-memory compute sees")
            }
            nearTier = index
        }

        var executes = Set(OpClass.allCases)
        if let list = map.optional("executes") {
            executes = Set(try list.sequence().map { item throws(SpecError) in try item.oneOf(OpClass.self) })
            guard !executes.isEmpty else { throw list.error("expected at least one of matrix, vector") }
        }
        self.init(
            name: try map.required("name").name(),
            executes: executes,
            peak: peak,
            efficiency: try map.optional("efficiency")?.double(in: 0.000_001...1) ?? 1,
            energyPerOperation: try map.optional("energy")?.quantity(JoulesPerOperation.self),
            nearTier: nearTier,
            source: try requiredSource(map)
        )
        self.derivedClock = derivedClock
        self.specialFunctions = try map.optional("special_functions").map { v throws(SpecError) in try SpecialFunctionRate(v) }
    }
}

extension SpecialFunctionRate {
    /// `special_functions: { rate: 3.9 TOPS, source: ... }` on a compute engine.
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["rate", "source", "notes"])
        self.init(rate: try map.required("rate").positiveQuantity(OperationsPerSecond.self), source: try requiredSource(map))
    }
}

extension MemoryTier {
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["name", "role", "capacity", "instances", "shared_by", "bandwidth", "internal_bandwidth", "latency",
                           "energy", "source", "notes"])
        self.init(
            name: try map.required("name").name(),
            role: try map.optional("role")?.oneOf(Role.self) ?? .managed,
            capacity: try map.required("capacity").positiveQuantity(Bytes.self),
            instances: try map.optional("instances")?.int(in: 1...1_000_000_000) ?? 1,
            sharedBy: try map.optional("shared_by")?.name() ?? "device",
            bandwidth: try map.optional("bandwidth")?.positiveQuantity(BytesPerSecond.self),
            latency: try map.optional("latency")?.quantity(Seconds.self),
            energyPerByte: try map.optional("energy")?.quantity(JoulesPerByte.self),
            internalBandwidth: try map.optional("internal_bandwidth")?.positiveQuantity(BytesPerSecond.self),
            source: try requiredSource(map)
        )
    }
}

extension Link {
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["name", "role", "bandwidth", "direction", "mesh_peers", "domain", "latency", "energy", "source", "notes"])
        self.init(
            name: try map.required("name").name(),
            role: try map.optional("role")?.oneOf(Role.self),
            bandwidth: try map.required("bandwidth").positiveQuantity(BytesPerSecond.self),
            direction: try map.optional("direction")?.oneOf(Direction.self) ?? .both,
            meshPeers: try map.optional("mesh_peers")?.int(in: 1...1_000_000),
            domain: try map.optional("domain")?.int(in: 1...1_000_000),
            latency: try map.optional("latency")?.quantity(Seconds.self),
            energyPerByte: try map.optional("energy")?.quantity(JoulesPerByte.self),
            source: try requiredSource(map)
        )
    }
}

extension Overheads {
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["per_op", "source", "notes"])
        self.init(perOp: try map.required("per_op").quantity(Seconds.self), source: try requiredSource(map))
    }
}

extension Power {
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["tdp", "source", "notes"])
        self.init(tdp: try map.required("tdp").positiveQuantity(Watts.self), source: try requiredSource(map))
    }
}

extension Price {
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["hourly", "purchase", "lifetime", "electricity", "source", "notes"])
        let basis: Basis
        switch (map.optional("hourly"), map.optional("purchase")) {
        case let (hourly?, nil):
            for key in ["lifetime", "electricity"] where map.contains(key) {
                throw try map.required(key).error("'\(key)' goes with 'purchase', not 'hourly'")
            }
            basis = .hourly(try hourly.positiveQuantity(DollarsPerHour.self))
        case let (nil, purchase?):
            basis = .purchase(try purchase.positiveQuantity(Dollars.self),
                              lifetime: try map.required("lifetime").positiveQuantity(Seconds.self),
                              electricity: try map.optional("electricity")?.quantity(DollarsPerKilowattHour.self))
        case (.some, .some):
            throw value.error("give either 'hourly' or 'purchase', not both")
        case (nil, nil):
            throw value.error("expected 'hourly: $2.50/h' or 'purchase: $25000' with 'lifetime: 4 years'")
        }
        self.init(basis: basis, source: try requiredSource(map))
    }
}
