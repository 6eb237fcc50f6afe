/// FLOPs charged per output element for non-matmul ops, in one place.
///
/// Convention (not a measurement): one FLOP per arithmetic operation or
/// transcendental evaluation on each element, the counting used by FLOP
/// accounting tools such as fvcore/DeepSpeed's profiler. Matmul and attention
/// FLOPs are exact (2 per multiply-add) and do not use this table. Every op
/// listed here is memory-bound on every shipped device by a wide margin, so
/// these figures move arithmetic intensity, not time.
public enum OpCostConventions {
    /// max, subtract, exp, sum, divide.
    public static let softmaxFlopsPerElement = 5.0
    /// square, accumulate, scale by 1/rms, scale by weight.
    public static let rmsnormFlopsPerElement = 4.0
    /// mean, subtract, square, accumulate, normalise, scale, shift.
    public static let layernormFlopsPerElement = 7.0
    /// Default for `elementwise` ops that do not say (an add or a copy).
    public static let elementwiseFlopsPerElement = 1.0
    /// Rotary embedding: x*cos + rotate(x)*sin.
    public static let ropeFlopsPerElement = 3.0
    /// SiLU(gate) * up: exp, add, divide, multiply.
    public static let siluGateFlopsPerElement = 4.0
    /// Residual add.
    public static let residualAddFlopsPerElement = 1.0
    /// MoE combine: scale each expert output by its router weight and accumulate.
    public static let expertCombineFlopsPerElement = 2.0
    /// Copying new keys/values into the cache does no arithmetic.
    public static let copyFlopsPerElement = 0.0
    /// Attention's softmax takes one exponential per query-key score (exp(s - max), as in
    /// FlashAttention-2/3's online softmax; the rescale factors add one per query row per key
    /// block, left out). The engine charges them at the hardware file's `special_functions` rate
    /// when it has one; they are not counted in the op's FLOPs (4 x d per score, the papers' convention).
    public static let attentionExponentialsPerScore = 1.0
}
