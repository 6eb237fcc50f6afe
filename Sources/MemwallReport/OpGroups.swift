import MemwallAnalysis

/// Ops that repeat layer after layer (`layers.<n>.q_proj`) folded into one row
/// per role (`q_proj x 80`), in order of first appearance, for tables and plots.
public struct OpGroup: Sendable, Hashable {
    public var name: String
    public var count: Int
    public var kind: String
    public var engine: String?
    public var flops: Double
    public var bytesByTier: [Double]
    public var time: Double
    /// Time of the members by bound, to name the group's dominant bound.
    public var bound: Bound
    public var arithmeticIntensity: Double

    /// Groups `result.ops` by name with any `layers.<n>.` prefix removed.
    public static func groups(of result: AnalysisResult) -> [OpGroup] {
        var order: [String] = []
        var members: [String: [OpResult]] = [:]
        for op in result.ops {
            let key = role(of: op.name)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(op)
        }
        let main = result.mainMemoryIndex
        return order.map { key in
            let ops = members[key]!
            var bytes = [Double](repeating: 0, count: result.tierNames.count)
            var byBound: [Bound: Double] = [:]
            for op in ops {
                for tier in bytes.indices { bytes[tier] += op.bytesByTier[tier] }
                byBound[op.bound, default: 0] += op.time
            }
            let flops = ops.reduce(0) { $0 + $1.flops }
            let bound = byBound.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }!.key
            return OpGroup(name: key, count: ops.count, kind: ops[0].kind.rawValue, engine: ops[0].engine,
                           flops: flops, bytesByTier: bytes, time: ops.reduce(0) { $0 + $1.time }, bound: bound,
                           arithmeticIntensity: bytes[main] > 0 ? flops / bytes[main] : 0)
        }
    }

    /// `layers.12.q_proj` -> `q_proj`; other names unchanged.
    static func role(of name: String) -> String {
        guard name.hasPrefix("layers.") else { return name }
        let rest = name.dropFirst("layers.".count)
        guard let dot = rest.firstIndex(of: "."), rest[..<dot].allSatisfy(\.isNumber) else { return name }
        return String(rest[rest.index(after: dot)...])
    }
}
