import Foundation

/// Decode attention: a few query rows against a long KV cache, split-KV
/// (flash-decoding). The query heads of a GQA group are stacked (K/V read once per
/// key/value head), the keys are cut into `splits` chunks processed in parallel, each
/// chunk reads the stacked queries once and its K/V once and writes a partial output
/// and log-sum-exp in fp32; a reduction reads the partials and writes O.
/// With one split there are no partials: Q, K, V read once, O written once.
/// When the stacked queries do not fit beside a key block, it falls back to
/// FlashAttention-2's forward count.
public struct DecodeAttentionIO: KernelIOModel {
    public var shape: AttentionShape
    public var splits: Double

    /// Keys per split when choosing splits: vLLM's paged_attention_v2 PARTITION_SIZE (512),
    /// vllm/attention/ops/paged_attn.py.
    public static let keysPerSplit = 512.0

    public init(shape: AttentionShape, splits: Double = 1) {
        var packed = shape
        packed.packGQA = true
        self.shape = packed
        self.splits = max(1, min(splits, packed.keys))        // at most one split per key
    }

    /// Enough splits to give every parallel unit (SM) work, at most one per `keysPerSplit` keys.
    public static func defaultSplits(shape: AttentionShape, parallelUnits: Double) -> Double {
        let problems = shape.batch * shape.keyValueHeads
        return max(1, min((parallelUnits / problems).rounded(.up), (shape.keys / keysPerSplit).rounded(.up)))
    }

    public var algorithm: String { splits > 1 ? "split-kv" : "decode" }

    public func traffic(fastMemoryBytes: Double) -> Traffic? {
        let s = shape
        let d = s.headDim, e = s.queryBytes, ekv = s.keyValueBytes, es = s.statisticBytes
        let rows = s.rowsPerProblem
        guard rows * d * e + 2 * d * ekv <= fastMemoryBytes else {
            return FlashAttentionIO(shape: s, version: .flash2).traffic(fastMemoryBytes: fastMemoryBytes)
        }
        var read = s.keys * 2 * d * ekv + splits * rows * d * e
        var write = rows * d * e
        if splits > 1 {
            let partials = splits * rows * (d + 1) * es
            write += partials
            read += partials
        }
        return Traffic(readBytes: read, writeBytes: write) * s.problems
    }

    public var compulsory: Traffic { shape.compulsory }

    public func lowerBound(fastMemoryBytes: Double) -> IOBound {
        AttentionBounds.bound(shape: shape, fastMemoryBytes: fastMemoryBytes, compulsory: compulsory)
    }
}
