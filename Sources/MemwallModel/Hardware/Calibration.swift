/// Efficiency factors fitted to measurements (`memwall calibrate`), or written by hand from
/// published microbenchmarks. Absent from a hardware file, the engine is the pure roofline.
///
/// With a calibration the engine computes, per op:
/// - compute time = FLOPs / (peak x efficiency(engine, dtype, family) x utilisation), where the
///   utilisation is the wave quantisation of the op's thread blocks over ``parallelUnits``
///   (see ``Tile``), and under a causal mask FLOPs are those of the attention blocks the kernel
///   executes (whole `Tile.attentionRows x Tile.attentionKeys` blocks up to the diagonal), not the masked count;
/// - memory time per tier = bytes / (bandwidth x efficiency(tier));
/// - a fixed ``launchOverhead`` per op instead of `overheads.per_op`.
public struct Calibration: Sendable, Hashable {
    /// Units thread blocks are scheduled over (SMs of a GPU, cores of an NPU).
    public var parallelUnits: Int
    public var tile: Tile
    /// Achievable fractions of an engine's peak; the most specific entry matching an op wins.
    public var compute: [ComputeFactor]
    /// Achievable fractions of a tier's bandwidth.
    public var memory: [MemoryFactor]
    /// Fixed time per op (kernel launch, pipeline fill, tail); nil keeps `overheads.per_op`.
    public var launchOverhead: Seconds?
    public var launchOverheadUncertainty: Seconds?
    /// Fixed time per measurement a source adds beyond the ops' own (its timer, synchronisation,
    /// framework dispatch): fitted per source by `memwall calibrate` and added by `memwall validate`
    /// to that source's rows only. It is the harness's, not the hardware's, so `analyze` never adds it.
    public var sourceOverheads: [SourceOverhead]
    /// What it was fitted on: measurement files and their sources.
    public var fittedOn: [String]
    public var source: String

    public init(parallelUnits: Int, tile: Tile = Tile(), compute: [ComputeFactor] = [], memory: [MemoryFactor] = [],
                launchOverhead: Seconds? = nil, launchOverheadUncertainty: Seconds? = nil,
                sourceOverheads: [SourceOverhead] = [], fittedOn: [String] = [], source: String) {
        self.parallelUnits = parallelUnits
        self.tile = tile
        self.compute = compute
        self.memory = memory
        self.launchOverhead = launchOverhead
        self.launchOverheadUncertainty = launchOverheadUncertainty
        self.sourceOverheads = sourceOverheads
        self.fittedOn = fittedOn
        self.source = source
    }

    /// The work one thread block does: an `m x n` output tile (GEMM), or `attentionRows` query rows
    /// of one head against `attentionKeys` keys at a time (attention). A GEMM whose tiles do not fill the
    /// units splits K into chunks of at least `splitKMin`, as cuBLAS and CUTLASS split-K kernels do.
    public struct Tile: Sendable, Hashable {
        public var m: Int
        public var n: Int
        public var splitKMin: Int
        /// Query rows per FlashAttention forward block (Br): the attention grid has `b x hq x
        /// ceil(sq / attentionRows)` blocks. Kept apart from the GEMM tile's `m`, which
        /// `memwall calibrate` may choose while Br stays the kernel's.
        public var attentionRows: Int
        /// Keys per inner-loop block of a FlashAttention forward kernel (Bc). Under a causal
        /// mask the kernel skips the key blocks wholly above the diagonal and computes the blocks that
        /// cross it in full, so the work it executes depends on Br and Bc (``OpCost/executedAttentionPairs``).
        public var attentionKeys: Int
        /// FlashAttention forward blocks resident on one unit at a time (occupancy): a causal grid's
        /// blocks do unequal work, so they are list-scheduled over `parallelUnits x` this many slots
        /// (``BlockSchedule``). nil: not stated; the engine uses 1 and `memwall calibrate` chooses
        /// it from ``Calibration/attentionBlocksPerUnitCandidates`` by the fit's residuals.
        public var attentionBlocksPerUnit: Int?

        /// 128 x 128 output tiles: the threadblock tile of CUTLASS's tensor-op GEMM examples
        /// ("tile sizes for thread-block, warp and mma-op to 128x128x32, 64x64x32, ..."), and 128
        /// query rows per block as in FlashAttention-2's forward kernels for head dimension 128.
        /// cuBLAS picks tiles per problem, so these are memwall's assumptions, overridable per file
        /// (`tile:`); 256 as the smallest K chunk of a split is memwall's assumption too.
        public static let defaultM = 128, defaultN = 128, defaultSplitKMin = 256
        /// 64 keys per block: FlashAttention-2's forward kernel for head dimension 128 on SM80 and SM90
        /// (`run_mha_fwd_hdim128` in Dao-AILab/flash-attention `csrc/flash_attn/src/flash_fwd_launch_template.h`:
        /// `Flash_fwd_kernel_traits<128, 128, 64, 4, ...>`, kBlockM = 128, kBlockN = 64).
        /// Head dimension 64 uses 128 x 128; FlashAttention-3 (hopper/tile_size.h, `tile_size_fwd_sm90`)
        /// uses 128 x 128 for causal head dimension 128, 192 x 128 for 64, 128 x 80 for 256.
        public static let defaultAttentionKeys = 64
        /// 128 query rows per block: kBlockM of the same `Flash_fwd_kernel_traits<128, 128, 64, 4, ...>`.
        public static let defaultAttentionRows = 128
        /// The most blocks one unit holds at once: 32 resident blocks per SM for compute capability 8.0
        /// and 9.0 (CUDA C++ Programming Guide, technical specifications per compute capability).
        public static let maximumBlocksPerUnit = 32

        public init(m: Int = Tile.defaultM, n: Int = Tile.defaultN, splitKMin: Int = Tile.defaultSplitKMin,
                    attentionRows: Int = Tile.defaultAttentionRows, attentionKeys: Int = Tile.defaultAttentionKeys,
                    attentionBlocksPerUnit: Int? = nil) {
            self.m = m
            self.n = n
            self.splitKMin = splitKMin
            self.attentionRows = attentionRows
            self.attentionKeys = attentionKeys
            self.attentionBlocksPerUnit = attentionBlocksPerUnit
        }

        /// The occupancy the engine schedules attention blocks with (1 when the file does not state it).
        public var attentionSlotsPerUnit: Int { attentionBlocksPerUnit ?? 1 }
    }

    /// The occupancies `memwall calibrate` tries when the file does not state one: 1 to 4 blocks per
    /// SM. A FlashAttention-2 forward block for head dimension 128 (`Flash_fwd_kernel_traits<128, 128, 64, 4>`:
    /// 4 warps, Q 128 x 128 and K, V 64 x 128 in FP16 = 64 KiB of shared memory) fits twice in the
    /// A100's 164 KiB and three times in the H100's 227 KiB of shared memory per SM (CUDA C++
    /// Programming Guide, compute capabilities 8.0 and 9.0); 4 covers the smaller head dimensions.
    public static let attentionBlocksPerUnitCandidates = 1...4

    /// The GEMM output tiles `memwall calibrate` tries when the file has no `calibration:` section,
    /// the default first: 64, 128 and 256 per side, memwall's choice of a range around the 128 x 128
    /// default (CUTLASS's tensor-op examples use 128 x 128 and 64 x 64 threadblock tiles; see `defaultM`).
    /// One tile stands for the library's choice over every shape, so the fit picks the one that
    /// explains the measurements best; the held-out error (`memwall validate --holdout`, which
    /// chooses inside each fold) says whether that generalises.
    public static let gemmTileCandidates: [(m: Int, n: Int)] = [
        (128, 128), (64, 64), (64, 128), (128, 64), (64, 256), (256, 64), (128, 256), (256, 128), (256, 256),
    ]

    /// The kernel families efficiencies are kept apart for.
    public enum Family: String, Sendable, Hashable, CaseIterable {
        case gemm, attention, other

        public init(_ kind: OpKind) {
            switch kind {
            case .matmul, .batchedMatmul, .expertMatmul: self = .gemm
            case .attention: self = .attention
            default: self = .other
            }
        }
    }

    public struct ComputeFactor: Sendable, Hashable {
        public var engine: String
        /// nil: every dtype of the engine.
        public var dtype: DType?
        /// nil: every family.
        public var family: Family?
        public var efficiency: Double
        public var uncertainty: Double?

        public init(engine: String, dtype: DType? = nil, family: Family? = nil, efficiency: Double, uncertainty: Double? = nil) {
            self.engine = engine
            self.dtype = dtype
            self.family = family
            self.efficiency = efficiency
            self.uncertainty = uncertainty
        }
    }

    public struct MemoryFactor: Sendable, Hashable {
        public var tier: String
        public var efficiency: Double
        public var uncertainty: Double?

        public init(tier: String, efficiency: Double, uncertainty: Double? = nil) {
            self.tier = tier
            self.efficiency = efficiency
            self.uncertainty = uncertainty
        }
    }

    /// The efficiency for `engine` running `family` in `dtype`: the entry naming both, then the
    /// one naming the dtype, then the family, then the engine alone; nil when none matches.
    public func computeEfficiency(engine: String, dtype: DType, family: Family) -> Double? {
        let matching = compute.filter {
            $0.engine == engine && ($0.dtype == nil || $0.dtype == dtype) && ($0.family == nil || $0.family == family)
        }
        return matching.max { a, b in a.specificity < b.specificity }?.efficiency
    }

    /// The fixed time `source`'s measurements carry beyond the ops (0 for a source not listed).
    public func overhead(ofSource source: String) -> Double {
        sourceOverheads.first { $0.source == source }?.overhead.value ?? 0
    }

    /// The bandwidth efficiency of tier `name`, nil when the calibration says nothing of it.
    public func memoryEfficiency(tier name: String) -> Double? {
        memory.first { $0.tier == name }?.efficiency
    }
}

extension Calibration {
    /// One measurement source's fixed time per measurement (``Calibration/sourceOverheads``).
    public struct SourceOverhead: Sendable, Hashable {
        /// The measurements' `source` column (a URL, or "measured").
        public var source: String
        /// The excess of the source's intercept over the launch overhead.
        public var overhead: Seconds
        /// The standard error of the source's intercept (its excess's is at least this).
        public var uncertainty: Seconds?

        /// An overhead for `source`'s rows.
        public init(source: String, overhead: Seconds, uncertainty: Seconds? = nil) {
            self.source = source
            self.overhead = overhead
            self.uncertainty = uncertainty
        }
    }
}

extension Calibration.ComputeFactor {
    var specificity: Int { (dtype == nil ? 0 : 2) + (family == nil ? 0 : 1) }
}
