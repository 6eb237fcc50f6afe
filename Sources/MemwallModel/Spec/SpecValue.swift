import Yams

/// One value inside a ``SpecDocument``, with its file, position and key path.
///
/// Accessors throw ``SpecError`` that name the key path and what was expected,
/// so loaders read like the schema: `try tier.required("capacity").quantity(Bytes.self)`.
public struct SpecValue: @unchecked Sendable {
    // Yams.Node is an immutable value tree; it is only read here.
    let node: Node
    public let file: String
    public let path: String
    /// False for values from the command line, which have no line and column.
    let hasPosition: Bool

    init(node: Node, file: String, path: String, hasPosition: Bool = true) {
        self.node = node
        self.file = file
        self.path = path
        self.hasPosition = hasPosition
    }

    /// Builds a value from command-line text (e.g. `--set batch=8`), parsed as a YAML scalar.
    public static func commandLine(_ text: String, option: String) -> SpecValue {
        let node = (try? Yams.compose(yaml: text)) ?? nil
        return SpecValue(node: node ?? Node(text), file: option, path: "", hasPosition: false)
    }

    public var line: Int? { hasPosition ? node.mark?.line : nil }
    public var column: Int? { hasPosition ? node.mark?.column : nil }

    /// An error located at this value.
    public func error(_ message: String) -> SpecError {
        SpecError(file: file, line: line, column: column, keyPath: path, message: message)
    }

    var kindName: String {
        switch node {
        case .scalar(let s): s.string.isEmpty ? "an empty value" : "'\(s.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    // MARK: Structure

    /// The entries of a mapping, in file order; fails on duplicates and non-string keys.
    public func mapping() throws(SpecError) -> SpecMapping {
        guard case .mapping(let mapping) = node else {
            throw error("expected a mapping of keys, got \(kindName)")
        }
        var entries: [(String, SpecValue)] = []
        var seen: Set<String> = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw SpecError(file: file, line: keyNode.mark?.line, column: keyNode.mark?.column,
                                keyPath: path, message: "keys must be plain strings")
            }
            let childPath = path.isEmpty ? key.string : "\(path).\(key.string)"
            guard seen.insert(key.string).inserted else {
                throw SpecError(file: file, line: keyNode.mark?.line, column: keyNode.mark?.column,
                                keyPath: childPath, message: "duplicate key '\(key.string)'; expected each key once")
            }
            entries.append((key.string, SpecValue(node: valueNode, file: file, path: childPath)))
        }
        return SpecMapping(owner: self, entries: entries)
    }

    /// The items of a list.
    public func sequence() throws(SpecError) -> [SpecValue] {
        guard case .sequence(let sequence) = node else {
            throw error("expected a list, got \(kindName)")
        }
        return sequence.enumerated().map { index, item in
            SpecValue(node: item, file: file, path: "\(path)[\(index)]")
        }
    }

    public var isMapping: Bool { if case .mapping = node { true } else { false } }
    public var isSequence: Bool { if case .sequence = node { true } else { false } }
    public var isNull: Bool { node.null != nil }

    // MARK: Scalars

    /// The scalar text; fails for mappings, lists and nulls.
    public func string() throws(SpecError) -> String {
        guard case .scalar(let scalar) = node, node.null == nil else {
            throw error("expected text, got \(kindName)")
        }
        return scalar.string
    }

    /// A non-empty identifier-like name.
    public func name() throws(SpecError) -> String {
        let text = try string()
        guard !text.trimmingWhitespace().isEmpty else { throw error("expected a non-empty name") }
        return text
    }

    /// A whole number in `range`.
    public func int(in range: ClosedRange<Int> = Int.min...Int.max) throws(SpecError) -> Int {
        guard case .scalar(let scalar) = node else { throw error("expected a whole number, got \(kindName)") }
        let text = scalar.string.replacingOccurrences(of: "_", with: "")
        guard let value = Int(text) else {
            if let double = Double(text), double.isFinite, double.rounded() == double, abs(double) >= 9.2e18 {
                throw error("'\(scalar.string)' overflows a 64-bit integer; expected a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            throw error("expected a whole number, got '\(scalar.string)'")
        }
        guard range.contains(value) else {
            throw error("\(value) is out of range; expected a whole number in \(describe(range))")
        }
        return value
    }

    /// A finite real number in `range`.
    public func double(in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
        throws(SpecError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string.replacingOccurrences(of: "_", with: "")) else {
            throw error("expected a number, got \(kindName)")
        }
        guard value.isFinite else { throw error("'\(scalar.string)' is not a finite number") }
        guard range.contains(value) else {
            throw error("\(scalar.string) is out of range; expected a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// `true`/`false`.
    public func bool() throws(SpecError) -> Bool {
        guard case .scalar(let scalar) = node else { throw error("expected true or false, got \(kindName)") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got '\(scalar.string)'")
        }
    }

    /// A quantity with a unit in the value, e.g. `3.35 TB/s`.
    public func quantity<D>(_ type: Quantity<D>.Type) throws(SpecError) -> Quantity<D> {
        guard case .scalar(let scalar) = node else {
            throw error("expected \(D.dimension.noun) like '\(D.dimension.example)', got \(kindName)")
        }
        do {
            return try Quantity<D>(parsing: scalar.string)
        } catch {
            throw self.error(error.description)
        }
    }

    /// A quantity that must be strictly positive (capacities, bandwidths, peaks).
    public func positiveQuantity<D>(_ type: Quantity<D>.Type) throws(SpecError) -> Quantity<D> {
        let value = try quantity(type)
        guard value.value > 0 else { throw error("must be greater than zero; expected \(D.dimension.noun) like '\(D.dimension.example)'") }
        return value
    }

    /// One of the raw values of a string enum; suggests the nearest on a typo.
    public func oneOf<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws(SpecError) -> E where E.RawValue == String {
        let text = try string()
        if let value = E(rawValue: text) { return value }
        let names = E.allCases.map(\.rawValue)
        let hint = didYouMean(text, in: names)
        throw error("unknown value '\(text)'\(hint); expected one of \(names.joined(separator: ", "))")
    }

    private func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "\(range.lowerBound) or more" : "\(range.lowerBound)...\(range.upperBound)"
    }
}

/// The keys of one mapping, checked against a schema's allowed keys.
public struct SpecMapping: Sendable {
    public let owner: SpecValue
    public let entries: [(key: String, value: SpecValue)]

    init(owner: SpecValue, entries: [(String, SpecValue)]) {
        self.owner = owner
        self.entries = entries.map { (key: $0.0, value: $0.1) }
    }

    /// Fails on the first key not in `allowed`, suggesting the nearest allowed key.
    public func allowOnly(_ allowed: [String]) throws(SpecError) {
        for (key, value) in entries where !allowed.contains(key) {
            let hint = didYouMean(key, in: allowed)
            throw SpecError(file: value.file, line: value.line, column: value.column, keyPath: value.path,
                            message: "unknown key '\(key)'\(hint); expected one of \(allowed.joined(separator: ", "))")
        }
    }

    public func optional(_ key: String) -> SpecValue? {
        guard let value = entries.first(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }

    public func required(_ key: String) throws(SpecError) -> SpecValue {
        guard let value = optional(key) else {
            let path = owner.path.isEmpty ? key : "\(owner.path).\(key)"
            throw SpecError(file: owner.file, line: owner.line, column: owner.column, keyPath: path,
                            message: "missing required key '\(key)'")
        }
        return value
    }

    public func contains(_ key: String) -> Bool { optional(key) != nil }
}
