/// What a tensor is, which decides where it lives and how long.
public enum TensorKind: String, Sendable, CaseIterable, Hashable, Codable {
    /// Model parameters: resident for the whole run.
    case weight
    /// Intermediate values: live from the op that writes them to the last op that reads them.
    case activation
    /// Graph inputs such as token ids: live until their last reader.
    case input
    /// Keys and values kept across decode steps: resident for the whole run.
    case kvCache = "kv_cache"

    /// Whether the tensor occupies memory for the whole run.
    public var isResident: Bool { self == .weight || self == .kvCache }
}

/// A named tensor with a concrete shape.
public struct TensorSpec: Sendable, Hashable {
    public var name: String
    public var shape: [Int]
    public var dtype: DType
    public var kind: TensorKind
    /// Product of the shape (as a Double: counts past 2^53 are approximations by design).
    public let elementCount: Double

    public init(name: String, shape: [Int], dtype: DType, kind: TensorKind) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.kind = kind
        self.elementCount = shape.reduce(1.0) { $0 * Double($1) }
    }

    /// Storage size in bytes.
    public var bytes: Double { elementCount * dtype.bytes }
}
