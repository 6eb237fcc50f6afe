import MemwallModel

/// Targets a deployment must meet: at most `timeToFirstToken` and `timePerOutputToken` seconds,
/// at least `throughput` output tokens per second in total. Absent targets do not constrain.
public struct ServiceLevel: Sendable, Hashable, CustomStringConvertible {
    public var timeToFirstToken: Double?
    public var timePerOutputToken: Double?
    public var throughput: Double?

    public init(timeToFirstToken: Double? = nil, timePerOutputToken: Double? = nil, throughput: Double? = nil) {
        self.timeToFirstToken = timeToFirstToken
        self.timePerOutputToken = timePerOutputToken
        self.throughput = throughput
    }

    /// Parses `ttft=500ms,tpot=40ms,throughput=2000` (times with units, throughput in tokens/s).
    public init(parsing text: String) throws(SpecError) {
        self.init()
        let option = "--slo \(text)"
        var seen: Set<String> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[1].isEmpty else {
                throw SpecError(file: option, message: "'\(part)' is not key=value; expected e.g. --slo ttft=500ms,tpot=40ms,throughput=2000")
            }
            guard seen.insert(pair[0]).inserted else {
                throw SpecError(file: option, message: "'\(pair[0])' is given twice; expected each target once")
            }
            let value = SpecValue.commandLine(pair[1], option: option)
            switch pair[0] {
            case "ttft": timeToFirstToken = try value.positiveQuantity(Seconds.self).value
            case "tpot": timePerOutputToken = try value.positiveQuantity(Seconds.self).value
            case "throughput":
                let number = pair[1].hasSuffix("tokens/s") ? String(pair[1].dropLast(8)).trimmingCharacters(in: .whitespaces) : pair[1]
                throughput = try SpecValue.commandLine(number, option: option).double(in: Double.leastNonzeroMagnitude...1e15)
            default:
                let keys = ["ttft", "tpot", "throughput"]
                throw SpecError(file: option, message: "unknown target '\(pair[0])'\(didYouMean(pair[0], in: keys)); expected ttft, tpot or throughput")
            }
        }
    }

    public var description: String {
        var parts: [String] = []
        if let timeToFirstToken { parts.append("TTFT <= " + QuantityFormatter.format(timeToFirstToken, .seconds)) }
        if let timePerOutputToken { parts.append("TPOT <= " + QuantityFormatter.format(timePerOutputToken, .seconds)) }
        if let throughput { parts.append("throughput >= " + QuantityFormatter.count(throughput) + " tokens/s") }
        return parts.isEmpty ? "no targets" : parts.joined(separator: ", ")
    }
}
