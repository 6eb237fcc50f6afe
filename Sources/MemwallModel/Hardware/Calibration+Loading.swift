extension Calibration {
    /// Reads a hardware file's `calibration:` section; engine and tier names must exist.
    init(_ value: SpecValue, engines: [ComputeEngine], tiers: [MemoryTier]) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["parallel_units", "tile", "compute", "memory", "launch_overhead", "launch_overhead_uncertainty", "source_overheads",
                           "fitted_on", "source", "notes"])
        var tile = Tile()
        if let tileValue = map.optional("tile") {
            let fields = try tileValue.mapping()
            try fields.allowOnly(["m", "n", "split_k_min", "attention_rows", "attention_keys", "attention_blocks_per_unit", "source", "notes"])
            tile = Tile(m: try fields.optional("m")?.int(in: 1...65_536) ?? Tile.defaultM,
                        n: try fields.optional("n")?.int(in: 1...65_536) ?? Tile.defaultN,
                        splitKMin: try fields.optional("split_k_min")?.int(in: 1...1_000_000) ?? Tile.defaultSplitKMin,
                        attentionRows: try fields.optional("attention_rows")?.int(in: 1...65_536) ?? Tile.defaultAttentionRows,
                        attentionKeys: try fields.optional("attention_keys")?.int(in: 1...65_536) ?? Tile.defaultAttentionKeys,
                        attentionBlocksPerUnit: try fields.optional("attention_blocks_per_unit")?.int(in: 1...Tile.maximumBlocksPerUnit))
        }
        var compute: [ComputeFactor] = []
        if let list = map.optional("compute") {
            compute = try list.sequence().map { item throws(SpecError) in try ComputeFactor(item, engines: engines) }
        }
        var memory: [MemoryFactor] = []
        if let list = map.optional("memory") {
            memory = try list.sequence().map { item throws(SpecError) in try MemoryFactor(item, tiers: tiers) }
            try requireUniqueNames(memory.map(\.tier), in: list)
        }
        var sourceOverheads: [SourceOverhead] = []
        if let list = map.optional("source_overheads") {
            let items = try list.sequence()
            sourceOverheads = try items.map { item throws(SpecError) in try SourceOverhead(item) }
            for (index, entry) in sourceOverheads.enumerated() where sourceOverheads[..<index].contains(where: { $0.source == entry.source }) {
                throw items[index].error("source '\(entry.source)' is listed twice; expected one overhead per source")
            }
        }
        var fittedOn: [String] = []
        if let list = map.optional("fitted_on") {
            fittedOn = try list.sequence().map { item throws(SpecError) in try item.string() }
        }
        self.init(
            parallelUnits: try map.required("parallel_units").int(in: 1...10_000_000),
            tile: tile, compute: compute, memory: memory,
            launchOverhead: try map.optional("launch_overhead")?.quantity(Seconds.self),
            launchOverheadUncertainty: try map.optional("launch_overhead_uncertainty")?.quantity(Seconds.self),
            sourceOverheads: sourceOverheads, fittedOn: fittedOn,
            source: try requiredSource(map))
    }
}

extension Calibration.SourceOverhead {
    init(_ value: SpecValue) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["source", "overhead", "uncertainty", "notes"])
        self.init(source: try map.required("source").string(),
                  overhead: try map.required("overhead").quantity(Seconds.self),
                  uncertainty: try map.optional("uncertainty")?.quantity(Seconds.self))
    }
}

extension Calibration.ComputeFactor {
    init(_ value: SpecValue, engines: [ComputeEngine]) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["engine", "dtype", "family", "efficiency", "uncertainty", "notes"])
        let engineValue = try map.required("engine")
        let name = try engineValue.name()
        guard engines.contains(where: { $0.name == name }) else {
            let names = engines.map(\.name)
            throw engineValue.error("no compute engine named '\(name)'\(didYouMean(name, in: names)); expected one of \(names.joined(separator: ", "))")
        }
        var dtype: DType?
        if let dtypeValue = map.optional("dtype") { dtype = try dtypeKey(try dtypeValue.string(), at: dtypeValue) }
        self.init(engine: name, dtype: dtype,
                  family: try map.optional("family")?.oneOf(Calibration.Family.self),
                  efficiency: try map.required("efficiency").double(in: 0.000_001...1.5),
                  uncertainty: try map.optional("uncertainty")?.double(in: 0...1e9))
    }
}

extension Calibration.MemoryFactor {
    init(_ value: SpecValue, tiers: [MemoryTier]) throws(SpecError) {
        let map = try value.mapping()
        try map.allowOnly(["tier", "efficiency", "uncertainty", "notes"])
        let tierValue = try map.required("tier")
        let name = try tierValue.name()
        guard let tier = tiers.first(where: { $0.name == name }) else {
            let names = tiers.map(\.name)
            throw tierValue.error("no memory tier named '\(name)'\(didYouMean(name, in: names)); expected one of \(names.joined(separator: ", "))")
        }
        guard tier.bandwidth != nil else {
            throw tierValue.error("tier '\(name)' has no bandwidth; expected a tier whose bandwidth the efficiency scales")
        }
        self.init(tier: name, efficiency: try map.required("efficiency").double(in: 0.000_001...1.5),
                  uncertainty: try map.optional("uncertainty")?.double(in: 0...1e9))
    }
}
