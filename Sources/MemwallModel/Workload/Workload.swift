/// Prefill processes a prompt; decode produces tokens one step at a time from a KV cache.
public enum Phase: String, Sendable, CaseIterable, Hashable, Codable {
    case prefill, decode
}

/// A workload graph: ops in a valid execution order over named tensors.
public struct Workload: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var tensors: [TensorSpec]
    /// Ops in topological order (every input is produced before it is read).
    public var ops: [Op]
    /// Tokens one run of the graph processes (for tokens/s); nil if not meaningful.
    public var tokens: Int?
    /// Parameters the graph was built with, for reports (`batch`, `seq_len`, ...), in a stable order.
    public var parameters: [(key: String, value: String)]

    public init(name: String, description: String? = nil, tensors: [TensorSpec], ops: [Op], tokens: Int? = nil,
                parameters: [(key: String, value: String)] = []) {
        self.name = name
        self.description = description
        self.tensors = tensors
        self.ops = ops
        self.tokens = tokens
        self.parameters = parameters
    }

    public static func == (lhs: Workload, rhs: Workload) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description && lhs.tensors == rhs.tensors
            && lhs.ops == rhs.ops && lhs.tokens == rhs.tokens
            && lhs.parameters.map(\.key) == rhs.parameters.map(\.key)
            && lhs.parameters.map(\.value) == rhs.parameters.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(tensors)
        hasher.combine(ops)
    }

    /// Sum of the bytes of every tensor of `kind`.
    public func bytes(of kind: TensorKind) -> Double {
        tensors.reduce(0) { $0 + ($1.kind == kind ? $1.bytes : 0) }
    }
}
