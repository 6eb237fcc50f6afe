import MemwallModel

/// Headline figures of hardware descriptions, for `memwall specs list` and `show`.
public enum HardwareSummary {
    /// One row per hardware: id, kind, main memory, its bandwidth, the best dense 16-bit peak, power, price.
    public static func table(_ entries: [(path: String, hardware: Hardware)]) -> String {
        var table = TextTable(header: ["id", "kind", "name", "main memory", "bandwidth", "peak 16-bit", "TDP", "price"],
                              rightAligned: [3, 4, 5, 6])
        for (_, h) in entries {
            let main = h.mainMemory
            let peak = h.compute.compactMap { $0.peak[.bf16] ?? $0.peak[.fp16] }.map(\.value).max()
            table.append([h.id, h.kind.rawValue, h.name,
                          QuantityFormatter.format(main.totalCapacity.value, .bytes) + " " + main.name,
                          main.bandwidth.map { QuantityFormatter.format($0.value, .bytesPerSecond) } ?? "-",
                          peak.map { QuantityFormatter.format($0, .operationsPerSecond) } ?? "-",
                          h.power.map { QuantityFormatter.format($0.tdp.value, .watts) } ?? "-",
                          price(h)])
        }
        return table.render()
    }

    static func price(_ h: Hardware) -> String {
        guard let price = h.price else { return "-" }
        switch price.basis {
        case .hourly(let rate): return QuantityFormatter.format(rate.value, .dollarsPerHour)
        case .purchase(let dollars, _, _): return QuantityFormatter.format(dollars.value, .dollars)
        }
    }

    /// Everything in one description, with sources.
    public static func detail(_ h: Hardware) -> String {
        func q(_ v: Double, _ d: Dimension) -> String { QuantityFormatter.format(v, d) }
        var out = "\(h.name) (\(h.id), \(h.kind.rawValue)\(h.deviceCount > 1 ? ", \(h.deviceCount) devices" : ""))\n"
        if let description = h.description { out += description + "\n" }
        out += "\ncompute engines\n"
        for engine in h.compute {
            let peaks = engine.peak.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \(q($0.value.value, .operationsPerSecond))" }
            out += "  \(engine.name) [\(engine.executes.map(\.rawValue).sorted().joined(separator: ", "))]"
            if let near = engine.nearTier { out += " near \(h.memory[near].name)" }
            out += ": \(peaks.joined(separator: ", "))"
            if engine.efficiency < 1 { out += ", efficiency \(engine.efficiency)" }
            out += "\n    source: \(engine.source)\n"
        }
        out += "\nmemory tiers (nearest first; main: \(h.mainMemory.name))\n"
        for tier in h.memory {
            out += "  \(tier.name) (\(tier.role.rawValue)): \(q(tier.capacity.value, .bytes))"
            if tier.instances > 1 { out += " x \(tier.instances) per \(tier.sharedBy)" }
            if let bandwidth = tier.bandwidth { out += ", \(q(bandwidth.value, .bytesPerSecond))" }
            if let inside = tier.internalBandwidth { out += ", internal \(q(inside.value, .bytesPerSecond))" }
            if let latency = tier.latency { out += ", \(q(latency.value, .seconds))" }
            if let energy = tier.energyPerByte { out += ", \(q(energy.value, .joulesPerByte))" }
            out += "\n    source: \(tier.source)\n"
        }
        if !h.links.isEmpty {
            out += "\nlinks\n"
            for link in h.links { out += "  \(link.name): \(q(link.bandwidth.value, .bytesPerSecond))\n    source: \(link.source)\n" }
        }
        if case let .intensity(threshold, index, source) = h.assignment {
            out += "\nassignment: ops below \(QuantityFormatter.number(threshold)) FLOP/B run on \(h.compute[index].name)\n    source: \(source)\n"
        }
        if let power = h.power { out += "\npower: \(q(power.tdp.value, .watts))\n    source: \(power.source)\n" }
        if let price = h.price { out += "price: \(Self.price(h))\n    source: \(price.source)\n" }
        return out
    }
}
