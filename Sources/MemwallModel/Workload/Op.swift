/// The kinds of operation a workload graph may contain. The analysis engine
/// knows the FLOPs and the bytes each one moves.
public enum OpKind: String, Sendable, CaseIterable, Hashable, Codable {
    /// `[..., m, k] x [k, n] -> [..., m, n]` (the output may be any reshape of that);
    /// with `transpose_b` the weight is `[n, k]`. An optional third input is a bias.
    case matmul
    /// `[b..., m, k] x [b..., k, n] -> [b..., m, n]`.
    case batchedMatmul = "batched_matmul"
    /// Mixture-of-experts projection over dispatched rows: `x [..., k]` holds one row
    /// per (token, chosen expert) pair, each multiplied by its expert's slice of
    /// `w [E, k, n]` -> rows x n. `experts_per_token` says how the rows were routed
    /// (rows / experts_per_token tokens), which decides how many experts are touched.
    case expertMatmul = "expert_matmul"
    /// Scaled dot-product attention over `q [B, Sq, Hq, d]`, `k, v [B, Skv, Hkv, d]`
    /// (BSHD layout), optionally preceded by a KV cache `k_cache, v_cache [B, Sc, Hkv, d]`.
    case attention
    case softmax
    case rmsnorm
    case layernorm
    /// Any pointwise combination of inputs (add, multiply, activation, RoPE, copy).
    case elementwise
    /// Row gather: ids `[...]` and a table `[V, h]` -> `[..., h]`.
    case embedding
    /// Reads a contiguous part of its input, writes it out (e.g. the last token).
    case slice

    /// The engine class that runs it.
    public var opClass: OpClass {
        switch self {
        case .matmul, .batchedMatmul, .expertMatmul, .attention: .matrix
        default: .vector
        }
    }
}

/// One operation: a kind over named input and output tensors (by index into
/// ``Workload/tensors``) plus the attributes its kind needs.
public struct Op: Sendable, Hashable {
    public var name: String
    public var kind: OpKind
    public var inputs: [Int]
    public var outputs: [Int]
    /// Attention: causal mask, queries aligned to the end of the keys.
    public var causal: Bool
    /// Attention: sliding window (keys per query), nil for full attention.
    public var window: Int?
    /// Elementwise and norms: FLOPs per output element, overriding the kind's default.
    public var flopsPerElement: Double?
    /// Expert matmul: experts each token is routed to.
    public var expertsPerToken: Int?
    /// Matmul: the weight is stored `[n, k]` (tied embeddings) and read transposed.
    public var transposeB: Bool

    public init(name: String, kind: OpKind, inputs: [Int], outputs: [Int], causal: Bool = false,
                window: Int? = nil, flopsPerElement: Double? = nil, expertsPerToken: Int? = nil, transposeB: Bool = false) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.outputs = outputs
        self.causal = causal
        self.window = window
        self.flopsPerElement = flopsPerElement
        self.expertsPerToken = expertsPerToken
        self.transposeB = transposeB
    }
}
