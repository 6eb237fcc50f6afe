import MemwallModel
import MemwallPlanning

/// `memwall serve` output: a labelled summary, or one CSV row / JSON object of ``ServingColumns``.
public enum ServingReport {
    public static func table(_ e: ServingEstimate, model: String) -> String {
        let r = e.request
        func bytes(_ v: Double) -> String { QuantityFormatter.format(v, .bytes) }
        func time(_ v: Double) -> String { QuantityFormatter.format(v, .seconds) }
        let fit = e.fits ? "fits" : "does not fit (short by \(bytes(e.totalBytesPerDevice - e.capacityBytesPerDevice)))"
        let maxContext = e.maxContext.map { $0 < 0 ? "none (not even one token)" : QuantityFormatter.count(Double($0)) + " tokens" }
            ?? "any (sliding window caps the cache)"
        var rows: [[String]] = [
            ["model", model],
            ["hardware", "\(e.hardwareName) x \(e.devices) (\(r.parallelism))"],
            ["request", "batch \(r.batch), prompt \(r.promptLength), context \(r.contextLength), weights \(r.weightDType.rawValue), KV \(r.kvDType.rawValue)"],
            ["KV cache", "\(bytes(e.kvBytesPerToken)) per token (whole model)"],
            ["memory/device", "\(bytes(e.totalBytesPerDevice)) of \(bytes(e.capacityBytesPerDevice)) \(e.memoryTier): weights \(bytes(e.weightBytesPerDevice)), KV \(bytes(e.kvCacheBytesPerDevice)), activations \(bytes(e.activationBytesPerDevice)) - \(fit)"],
            ["max batch", "\(e.maxBatch) at context \(r.contextLength)"],
            ["max context", "\(maxContext) at batch \(r.batch)"],
            ["TTFT", time(e.timeToFirstToken) + " (prompt of \(r.promptLength) tokens, no queueing)"],
            ["TPOT", time(e.timePerOutputToken) + " (communication \(time(e.communicationPerToken)); bound: \(e.decodeBound))"],
            ["throughput", QuantityFormatter.count(e.throughput) + " tokens/s"],
            ["energy/token", QuantityFormatter.format(e.energyPerToken, .joules) + " dynamic"
                + (e.energyPerTokenAtTDP.map { ", " + QuantityFormatter.format($0, .joules) + " at TDP" } ?? "")],
        ]
        if let hourly = e.dollarsPerHour, let perMillion = e.costPerMillionTokens {
            rows.append(["cost", String(format: "$%.2f/h for %d device%@, $%.4g per million output tokens", hourly, e.devices,
                                        e.devices == 1 ? "" : "s", perMillion)])
        } else {
            rows.append(["cost", "no price in the hardware file"])
        }
        rows += e.notes.map { ["note", $0] }
        return KeyValueText.render(rows.map { ($0[0], $0[1]) })
    }

    public static func csv(_ estimates: [ServingEstimate]) -> String {
        var lines = [ServingColumns.keys.joined(separator: ",")]
        for e in estimates { lines.append(ServingColumns.all.map { $0.value(e).csv }.joined(separator: ",")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One JSON object with sorted keys.
    public static func jsonObject(_ e: ServingEstimate, extra: [(String, ServingColumns.Value)] = []) -> String {
        let pairs = (ServingColumns.all.map { ($0.key, $0.value(e)) } + extra).sorted { $0.0 < $1.0 }
        return "{" + pairs.map { JSONText.string($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
    }

    public static func json(_ e: ServingEstimate, model: String) -> String {
        "{\"estimate\":" + jsonObject(e) + ",\"model\":" + JSONText.string(model) + ",\"schema_version\":\(reportSchemaVersion)}\n"
    }
}
