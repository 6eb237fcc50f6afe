import Foundation

extension Hardware {
    /// The hardware file schema version this build reads.
    public static let schemaVersion = 1

    /// Loads and validates a hardware file (YAML or JSON).
    public static func load(contentsOf path: String) throws(SpecError) -> Hardware {
        let document = try SpecDocument(contentsOf: path)
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try Hardware(document.root, defaultID: stem)
    }

    /// Loads and validates hardware from text; `file` names it in errors.
    public static func parse(_ text: String, file: String = "<hardware>") throws(SpecError) -> Hardware {
        try Hardware(SpecDocument(text: text, file: file).root, defaultID: "hardware")
    }

    static let topKeys = ["schema_version", "name", "id", "kind", "description", "main_memory", "compute",
                          "memory", "links", "overheads", "power", "price", "notes"]

    init(_ value: SpecValue, defaultID: String) throws(SpecError) {
        let top = try value.mapping()
        try top.allowOnly(Self.topKeys)
        try checkSchemaVersion(top, supported: Self.schemaVersion)

        let compute = try top.required("compute").sequence().map { item throws(SpecError) in try ComputeEngine(item) }
        guard !compute.isEmpty else { throw try top.required("compute").error("expected at least one compute engine") }
        try requireUniqueNames(compute.map(\.name), in: top.required("compute"))

        let memoryList = try top.required("memory")
        let memory = try memoryList.sequence().map { item throws(SpecError) in try MemoryTier(item) }
        guard !memory.isEmpty else { throw memoryList.error("expected at least one memory tier, nearest first") }
        try requireUniqueNames(memory.map(\.name), in: memoryList)

        let mainIndex: Int
        if let main = top.optional("main_memory") {
            let name = try main.name()
            guard let index = memory.firstIndex(where: { $0.name == name }) else {
                let names = memory.map(\.name)
                let hint = nearest(name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
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
            price: try top.optional("price").map { v throws(SpecError) in try Price(v) }
        )
    }
}

/// Fails unless `schema_version`, when present, is `supported`.
func checkSchemaVersion(_ top: SpecMapping, supported: Int) throws(SpecError) {
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

extension ComputeEngine {
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["name", "executes", "peak", "efficiency", "energy", "source", "notes"])
        let peakValue = try map.required("peak")
        var peak: [DType: OperationsPerSecond] = [:]
        for (key, rate) in try peakValue.mapping().entries {
            guard let dtype = DType(rawValue: key) else {
                let names = DType.allCases.map(\.rawValue)
                let hint = nearest(key, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw rate.error("unknown dtype '\(key)'\(hint); expected one of \(names.joined(separator: ", "))")
            }
            peak[dtype] = try rate.positiveQuantity(OperationsPerSecond.self)
        }
        guard !peak.isEmpty else { throw peakValue.error("expected at least one dtype with its peak, like 'bf16: 989.4 TFLOPS'") }

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
            source: try requiredSource(map)
        )
    }
}

extension MemoryTier {
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["name", "role", "capacity", "instances", "shared_by", "bandwidth", "latency", "energy",
                           "source", "notes"])
        self.init(
            name: try map.required("name").name(),
            role: try map.optional("role")?.oneOf(Role.self) ?? .managed,
            capacity: try map.required("capacity").positiveQuantity(Bytes.self),
            instances: try map.optional("instances")?.int(in: 1...1_000_000_000) ?? 1,
            sharedBy: try map.optional("shared_by")?.name() ?? "device",
            bandwidth: try map.optional("bandwidth")?.positiveQuantity(BytesPerSecond.self),
            latency: try map.optional("latency")?.quantity(Seconds.self),
            energyPerByte: try map.optional("energy")?.quantity(JoulesPerByte.self),
            source: try requiredSource(map)
        )
    }
}

extension Link {
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["name", "bandwidth", "latency", "energy", "source", "notes"])
        self.init(
            name: try map.required("name").name(),
            bandwidth: try map.required("bandwidth").positiveQuantity(BytesPerSecond.self),
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
