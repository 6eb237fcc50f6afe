/// Element types of tensors and compute engines.
public enum DType: String, Sendable, CaseIterable, Hashable, Codable, Comparable {
    case fp64, fp32, tf32, bf16, fp16, fp8, int64, int32, int8, int4

    /// Storage size of one element in bits (tf32 is stored as 32 bits).
    public var bits: Int {
        switch self {
        case .fp64, .int64: 64
        case .fp32, .tf32, .int32: 32
        case .bf16, .fp16: 16
        case .fp8, .int8: 8
        case .int4: 4
        }
    }

    /// Storage size of one element in bytes (0.5 for int4).
    public var bytes: Double { Double(bits) / 8 }

    /// Dtypes an engine may run this one on when it has no peak for it, nearest first:
    /// the same values computed at a wider precision. Used for reported fallbacks only.
    public var widerCompute: [DType] {
        switch self {
        case .int4: [.int8, .fp16, .bf16, .fp32]
        case .fp8, .int8: [.fp16, .bf16, .fp32]
        case .bf16: [.fp16, .fp32]
        case .fp16: [.bf16, .fp32]
        case .tf32: [.fp32]
        case .fp32: [.fp64]
        case .fp64: []
        case .int32: [.fp32, .fp64]
        case .int64: [.fp64]
        }
    }

    public static func < (lhs: DType, rhs: DType) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
