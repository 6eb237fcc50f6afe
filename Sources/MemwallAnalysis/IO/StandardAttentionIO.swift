/// Standard attention (Algorithm 0 of the FlashAttention paper): S = Q K^T written to
/// slow memory, P = softmax(S) read back and written, O = P V; Θ(Nd + N^2) per head.
/// Each matmul is the tiled ``GEMMIO`` and the softmax a ``RowReductionIO`` at the same
/// fast-memory size; every query head has its own S and P (K/V repeated for GQA), and
/// the mask does not shrink S.
public struct StandardAttentionIO: KernelIOModel {
    public var shape: AttentionShape

    public init(shape: AttentionShape) { self.shape = shape }

    public var algorithm: String { "standard" }

    var parts: (scores: GEMMIO, softmax: RowReductionIO, output: GEMMIO) {
        let s = shape
        let heads = s.batch * s.queryHeads
        return (GEMMIO(m: s.queries, k: s.headDim, n: s.keys, batch: heads,
                       aBytes: s.queryBytes, bBytes: s.keyValueBytes, cBytes: s.queryBytes),
                RowReductionIO(rows: heads * s.queries, rowLength: s.keys, elementBytes: s.queryBytes),
                GEMMIO(m: s.queries, k: s.keys, n: s.headDim, batch: heads,
                       aBytes: s.queryBytes, bBytes: s.keyValueBytes, cBytes: s.queryBytes))
    }

    public func traffic(fastMemoryBytes: Double) -> Traffic? {
        let (scores, softmax, output) = parts
        guard let a = scores.traffic(fastMemoryBytes: fastMemoryBytes),
              let b = softmax.traffic(fastMemoryBytes: fastMemoryBytes),
              let c = output.traffic(fastMemoryBytes: fastMemoryBytes) else { return nil }
        return a + b + c
    }

    public var compulsory: Traffic { shape.compulsory }

    public func lowerBound(fastMemoryBytes: Double) -> IOBound {
        AttentionBounds.bound(shape: shape, fastMemoryBytes: fastMemoryBytes, compulsory: compulsory)
    }
}
