import MemwallModel

/// One swept quantity and the values it takes.
public struct SweepAxis: Sendable, Hashable {
    public enum Key: String, Sendable, CaseIterable, Hashable {
        case hardware, batch, tp, pp, ep
        case promptLen = "prompt_len", contextLen = "context_len"
        case weightDType = "weight_dtype", activationDType = "activation_dtype", kvDType = "kv_dtype"

        var isDType: Bool { self == .weightDType || self == .activationDType || self == .kvDType }
    }

    /// A value of an axis: an integer, a dtype, or an index into the sweep's hardware list.
    public enum Value: Sendable, Hashable {
        case int(Int)
        case dtype(DType)
        case hardware(Int)
    }

    public var key: Key
    public var values: [Value]

    public init(key: Key, values: [Value]) {
        self.key = key
        self.values = values
    }

    /// Longest list one axis may expand to: a range past it is almost surely a typo (and would
    /// hold gigabytes before the first point ran).
    public static let maximumValues = 10_000_000

    /// Sets this axis's value on a point.
    func apply(_ index: Int, to request: inout ServingRequest, hardware: inout Int) {
        switch (key, values[index]) {
        case (.hardware, .hardware(let h)): hardware = h
        case (.batch, .int(let v)): request.batch = v
        case (.promptLen, .int(let v)): request.promptLength = v
        case (.contextLen, .int(let v)): request.contextLength = v
        case (.tp, .int(let v)): request.parallelism.tensor = v
        case (.pp, .int(let v)): request.parallelism.pipeline = v
        case (.ep, .int(let v)): request.parallelism.expert = v
        case (.weightDType, .dtype(let d)): request.weightDType = d
        case (.activationDType, .dtype(let d)): request.activationDType = d
        case (.kvDType, .dtype(let d)): request.kvDType = d
        default: break // the loader pairs keys with their value kind
        }
    }

    /// Reads a list (`[1, 2, 4]`) or a range (`{from: 1024, to: 131072, factor: 2}` or
    /// `{from: 1, to: 64, step: 1}`); `hardware` maps a name to its index in the sweep.
    static func read(_ key: Key, _ value: SpecValue,
                     hardware: (SpecValue) throws(SpecError) -> Int) throws(SpecError) -> SweepAxis {
        if value.isMapping {
            guard !key.isDType, key != .hardware else {
                throw value.error("'\(key.rawValue)' takes a list of values; expected e.g. [a, b]")
            }
            return SweepAxis(key: key, values: try range(value, for: key).map(Value.int))
        }
        let items = value.isSequence ? try value.sequence() : [value]
        guard !items.isEmpty else { throw value.error("empty list; expected at least one value") }
        var values: [Value] = []
        for item in items {
            switch key {
            case .hardware: values.append(.hardware(try hardware(item)))
            case .weightDType, .activationDType, .kvDType: values.append(.dtype(try item.oneOf(DType.self)))
            default: values.append(.int(try item.int(in: limits(for: key))))
            }
        }
        return SweepAxis(key: key, values: values)
    }

    static func limits(for key: Key) -> ClosedRange<Int> {
        switch key {
        case .contextLen: 0...(1 << 40)
        case .tp, .pp, .ep: 1...65_536
        default: 1...(1 << 40)
        }
    }

    static func range(_ value: SpecValue, for key: Key) throws(SpecError) -> [Int] {
        let map = try value.mapping()
        try map.allowOnly(["from", "to", "step", "factor"])
        let limit = limits(for: key)
        let from = try map.required("from").int(in: limit)
        let to = try map.required("to").int(in: limit)
        guard from <= to else { throw try map.required("to").error("'to' \(to) is below 'from' \(from); expected to >= from") }
        let step = try map.optional("step")?.int(in: 1...Int.max)
        let factor = try map.optional("factor")?.int(in: 2...1_000_000)
        switch (step, factor) {
        case let (step?, nil):
            let count = (to - from) / step + 1
            guard count <= maximumValues else {
                throw value.error("range of \(count) values; expected at most \(maximumValues) per axis")
            }
            return stride(from: from, through: to, by: step).map { $0 }
        case let (nil, factor?):
            guard from > 0 else { throw try map.required("from").error("a geometric range starts at 0; expected 'from' of at least 1") }
            var values: [Int] = []
            var next = from
            while next <= to {
                values.append(next)
                let (product, overflow) = next.multipliedReportingOverflow(by: factor)
                if overflow { break }
                next = product
            }
            return values
        default:
            throw value.error("a range needs exactly one of 'step' (arithmetic) or 'factor' (geometric)")
        }
    }
}
