import Foundation

/// Lower bounds for exact attention (Saha and Ye, "The I/O Complexity of Attention, or
/// How Optimal is Flash Attention?", arXiv 2402.07443).
///
/// - Leading (the paper's order, constant 1, summed over heads and batch):
///   `pairs * d^2 / M` words when `M >= d^2` (FlashAttention is optimal there) and
///   `pairs * d / sqrt(M)` when `M < d^2` (met by square tiling, ``SquareTiledAttentionIO``);
///   `pairs` is the number of scores (N^2 per head, about half with a causal mask).
///   The paper proves orders, not constants, so the ratio algorithm / leading term is a
///   constant factor to read, not a distance to a proven optimum.
/// - Certified (valid for every algorithm that forms every product q_il * k_jl):
///   a segment of M transfers sees at most 2M words in fast memory, so at most
///   `|Q| * |K| <= M^2` such products; `pairs * d` products need at least `pairs*d/M^2`
///   segments, hence `pairs * d / M - M` words; and never less than the compulsory traffic.
public enum AttentionBounds {
    public static func bound(shape: AttentionShape, fastMemoryBytes: Double, compulsory: Traffic,
                             passes: Double = 1) -> IOBound {
        let e = min(shape.queryBytes, shape.keyValueBytes)
        let words = fastMemoryBytes / e
        let d = shape.headDim
        let pairs = shape.scoredPairs * shape.batch * shape.queryHeads
        let certifiedWords = pairs * d / words - words
        let large = words >= d * d
        let leadingWords = large ? pairs * d * d / words : pairs * d / words.squareRoot()
        let floor = compulsory.totalBytes
        return IOBound(certifiedBytes: max(floor, certifiedWords * e),
                       leadingBytes: max(floor, passes * leadingWords * e),
                       regime: large ? "N^2 d^2 / M (M >= d^2)" : "N^2 d / sqrt(M) (M < d^2)")
    }
}
