import MemwallAnalysis

/// One kernel run to verify: what to run, on which shape and fast memory, and which
/// relations between measured, predicted and bound must hold.
public struct KernelCase: Sendable, Hashable {
    public enum Kernel: String, Sendable, CaseIterable { case gemm, softmax, attention, decodeAttention = "decode-attention" }
    public enum Variant: String, Sendable, CaseIterable {
        case tiled, rowReduction = "row-reduction", standard, flash1, flash2, squareTile = "square-tile", splitKV = "split-kv"
    }

    /// A relation the run must satisfy.
    public enum Relation: Sendable, Hashable, CustomStringConvertible {
        /// Counted words equal the IO model's prediction exactly.
        case equalsModel
        /// Counted words are at least the certified lower bound.
        case aboveCertifiedBound
        /// Counted words / leading bound is at most this.
        case ratioToLeadingAtMost(Double)
        /// Counted words are fewer than the model's count for another variant at the same shape.
        case fewerWordsThan(Variant)
        /// Output matches the naive Double reference within this relative error.
        case numericsWithin(Double)

        public var description: String {
            switch self {
            case .equalsModel: "equals_model"
            case .aboveCertifiedBound: "above_certified_bound"
            case .ratioToLeadingAtMost(let r): "ratio_to_leading_at_most \(r)"
            case .fewerWordsThan(let v): "fewer_words_than \(v.rawValue)"
            case .numericsWithin(let t): "numerics \(t)"
            }
        }
    }

    public var name: String
    public var kernel: Kernel
    public var variant: Variant
    /// Fast memory in words; FlashAttention sizes its blocks from it and runs in its working set.
    public var fastMemoryWords: Int
    // GEMM.
    public var m = 0, k = 0, n = 0
    // Softmax.
    public var rows = 0, rowLength = 0
    // Attention.
    public var batch = 1, heads = 1, keyValueHeads = 1, queries = 0, keys = 0, headDim = 0
    public var causal = false, packGQA = false, splits = 1
    public var relations: [Relation] = [.equalsModel, .aboveCertifiedBound]
    /// Long case: run only with --full.
    public var full = false
    public var seed: UInt64 = 1

    public init(name: String, kernel: Kernel, variant: Variant, fastMemoryWords: Int) {
        self.name = name
        self.kernel = kernel
        self.variant = variant
        self.fastMemoryWords = fastMemoryWords
    }

    /// The attention shape in words (every element size 1).
    public var attentionShape: AttentionShape {
        AttentionShape(batch: batch, queryHeads: heads, keyValueHeads: keyValueHeads, queries: queries, keys: keys,
                       headDim: headDim, causal: causal, packGQA: packGQA || kernel == .decodeAttention,
                       queryBytes: 1, keyValueBytes: 1, statisticBytes: 1)
    }

    /// The IO model of `variant` for this case's shape.
    public func model(_ variant: Variant) -> (any KernelIOModel)? {
        switch (kernel, variant) {
        case (.gemm, .tiled): return GEMMIO(m: m, k: k, n: n)
        case (.softmax, .rowReduction): return RowReductionIO(rows: Double(rows), rowLength: Double(rowLength), elementBytes: 1)
        case (.attention, .standard): return StandardAttentionIO(shape: attentionShape)
        case (.attention, .flash1): return FlashAttentionIO(shape: attentionShape, version: .flash1)
        case (.attention, .flash2): return FlashAttentionIO(shape: attentionShape, version: .flash2)
        case (.attention, .squareTile): return SquareTiledAttentionIO(shape: attentionShape)
        case (.decodeAttention, .splitKV): return DecodeAttentionIO(shape: attentionShape, splits: Double(splits))
        default: return nil
        }
    }

    /// Words the hierarchy holds: the FlashAttention working set for its block-sizing M, M otherwise.
    public var capacityWords: Int {
        switch variant {
        case .flash1, .flash2:
            let model = FlashAttentionIO(shape: attentionShape, version: variant == .flash1 ? .flash1 : .flash2)
            return Int(model.workingSetWords(fastMemoryWords: Double(fastMemoryWords)).rounded(.up))
        default:
            return fastMemoryWords
        }
    }

    /// Elements the case touches, to refuse absurd sizes before allocating.
    public var footprintElements: Double {
        switch kernel {
        case .gemm: return Double(m * k + k * n + m * n)
        case .softmax: return 2 * Double(rows * rowLength)
        case .attention, .decodeAttention:
            let qo = 2.0 * Double(batch * heads * queries * headDim)
            let kv = 2.0 * Double(batch * keyValueHeads * keys * headDim)
            let scores = variant == .standard ? 2.0 * Double(queries * keys) : 0
            return qo + kv + scores
        }
    }

    /// Largest case the executor runs (about 1.6 GB of Doubles).
    public static let maximumElements = 200_000_000.0
}
