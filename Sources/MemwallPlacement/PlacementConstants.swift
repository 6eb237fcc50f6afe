/// Every modelling and solving constant of the placement, in one place.
public enum PlacementConstants {
    /// Steps before an access during which a tensor may be staged into a faster tier: the
    /// transfer then overlaps the op just before its use (double buffering, as in FlexGen's
    /// overlapped weight and cache loading: Sheng et al., "FlexGen", ICML 2023, Sec. 4.2).
    public static let prefetchSteps = 1

    /// Share of the time limit the solver phases may use; the rest is the margin for checking and
    /// for GLPK's overshoot of its limit (shared/reference/c-libraries.md).
    public static let solveShare = 0.9

    /// Largest relative distance between an interior-point relaxation's objective and the bound of
    /// its row multipliers (``LinearProgram/dualBound(rowDuals:)``), and largest relative row or
    /// column violation of the point, at which the point is taken as the relaxation's solution;
    /// beyond either the simplex solves again. memwall's choice: GLPK's
    /// interior point stops at relative gaps near 1e-7 on the placement relaxations, and a bound
    /// that much below the optimum changes no reported gap at its two decimals.
    public static let interiorPointGap = 1e-6

    /// Default time limit of one `memwall place` solve, seconds.
    public static let defaultTimeLimit = 10.0

    /// Default relative MIP gap at which the search stops as proven good enough: GLPK's
    /// |best - bound| / |best|. 1e-4 is below the resolution of every reported figure.
    public static let defaultRelativeGap = 1e-4

    /// Above this many columns the MIP first solves the LP relaxation and fixes every tensor
    /// segment the relaxation places wholly in one tier (LP-guided fixing), then branches on the rest.
    /// A judgement from the benchmark (memwall place-bench): the shipped COSMA-like scenario (154
    /// columns) and the tests' small cases prove optimality in milliseconds on the whole model, while
    /// every 1,000-tensor instance (11,000+ columns) leaves whole-model branching without progress in 10 s.
    /// Between the two (10 s limit, 2026-12-04): two 100-tensor instances as dense as the 1,000-tensor
    /// ones (2,064 and 2,288 columns, optimum known from CBC) end 2.1 and 1.8 % above the optimum with
    /// fixing, windows and then whole-model branching, against 6.2 and 5.8 % with branching alone (gaps
    /// 2.59 and 2.28 % against 6.38 and 5.94 %); at 5,664 columns branching alone has the better bound
    /// (gap 4.38 against 9.02 % on the 250-tensor instance of docs/placement.md). 6,000 until then.
    /// Remeasured after the long ejection chains (``deepEjectionLimit``, same day): the two dense
    /// instances end 3.0 and 4.1 % above the optimum with branching alone (gaps 3.31 and 4.39 %) and
    /// 1.7 and 0.33 % with fixing (gaps 4.33 and 0.79 %: on the first the windows take the time and
    /// the bound stays the relaxation's), so neither side wins on both; the threshold stays.
    public static let fixingColumnThreshold = 3_000

    /// Capacity is written as one row per maximal overlap set when those rows hold at most this
    /// many entries per segment on average, else as an occupancy chain (two entries per segment).
    /// Short lifetimes (random instances, activations) give small sets; decode weights, live from
    /// the start to their layer, give sets that grow with the model, where the chain stays linear.
    public static let cliqueRowsPerSegment = 8

    /// Share of the time left after the relaxation given to the restricted MIP after fixing; the
    /// rest goes to the window decomposition, less a margin for GLPK's overshoot of its limit.
    public static let restrictedSolveShare = 0.3

    /// Segments re-optimised together in one window of the decomposition (``WindowSearch``). On the
    /// benchmark's SN40L-like scenario GLPK proves a 150-segment window optimal in about 0.15 s and a
    /// 600-segment one in 0.1 to 1 s. On the random 1,000-tensor instances the time left for windows
    /// after the relaxation and the local search is 1 to 2 s, where 300-segment windows ended at their
    /// time limit without improving the plan and 150-segment ones improved it (place-bench, energy,
    /// seed 1: 1.3181 to 1.3131); on the other instances both sizes gave the same plan.
    public static let windowSegments = 150

    /// Share of the time limit the local search from the greedy plan (``LocalSearch``), and the one
    /// from the rounded relaxation beside it, may use at most; each stops sooner when a pass over
    /// every copy brings no improvement. Measured with `place-bench` (10 s, random 1,000-tensor
    /// seeds 1, 2, 3, two runs each): 0.5 gave 4.9-6.1, 5.4-6.7 and 8.3-9.1 % gaps, 0.7 gave 5.0,
    /// 4.8 and 5.9-6.1 %, 0.8 the same as 0.7; the scenarios and 5,000 tensors did not move. At 10 s
    /// the search from greedy is still improving at 5 s, and it gains more there than the restricted
    /// MIP and the windows do in the time they give up.
    public static let localSearchShare = 0.7

    /// Share of the time left after the restricted MIP given to the local search from the best plan
    /// so far; the window decomposition gets the rest. Half is a judgement, not tuned: after the first
    /// search both move the benchmark's plans by well under 1 % (`memwall place-bench --detail`).
    public static let incumbentSearchShare = 0.5

    /// No window is started with less time than this left, seconds.
    public static let minimumWindowSeconds = 0.2

    /// Relative tolerance when comparing a solver's objective with the checker's recomputation.
    public static let costTolerance = 1e-6

    /// Absolute slack, in bytes, allowed on a capacity when checking a plan (solver round-off).
    public static let capacitySlackBytes = 1e-3

    /// Most passes of the local search (``LocalSearch``). A pass that improves nothing ends it
    /// earlier; the bound keeps the search a function of its input alone, so reports reproduce.
    public static let localSearchPasses = 50

    /// Most copies taken out of a tier to make room for one moved in (``LocalSearch``'s ejection).
    /// Measured with single moves and ejections only, from greedy, converged: limits 1, 2 and 4 gave
    /// 1.3133, 1.3118 and 1.3099 on random 1,000-tensor seed 1 (energy) and 0.7047, 0.7047 and 0.7028 s
    /// on the 4-tier FlexGen-like scenario, in 0.9 to 1.3 s and 0.6 to 0.8 s (release build, 2026-11-23).
    public static let ejectionLimit = 4

    /// Most copies taken out in the long ejection chains (``LocalSearch``), tried once moves, short
    /// chains and pairs bring nothing, and only for the entries whose chains ``ejectionLimit`` cut
    /// short. On the 4-tier FlexGen-like scenario the one they move is the 1.05 GB `lm_head.weight`,
    /// into HBM that 117 MB weights fill (converged: 0.607091 to 0.604957 s); on random 1,000-tensor
    /// instances (tensors up to 256 MiB, fast tiers of 555 and 1,296 MiB) the 10 s answers of seeds
    /// 1 to 3 went from 1.25721, 1.66681, 1.72551 to 1.24746, 1.65792, 1.71429 (energy); limits 16
    /// and 256 gave 1.25365, 1.67345, 1.71786 and 1.24746, 1.65802, 1.71342 (release build, 2 cores,
    /// 2026-12-04). A judgement between those.
    public static let deepEjectionLimit = 64

    /// Least relative gain of a pass's long ejection chains, when they come before the every-pair
    /// trades (``LocalSearch``'s `longChainsFirst`), for the pass to start over from the single moves
    /// instead of going on to those trades. Without it, on the 4-tier FlexGen-like scenario the search
    /// from the rounded relaxation spent passes 8 to 27 (5 to 18 s) on chains that each gained 1e-5 of
    /// the cost, and the trades that then took it from 0.61888 to 0.58772 s came at 18.3 s; with
    /// 1e-4 they came at 8.6 s (0.58746 s; release build, 2 cores, 2026-12-04). A judgement: 1e-4 is
    /// ten times the gain that stalled there.
    public static let minimumStageGain = 1e-4

    /// Copies in the way tried, one after another, as the first to leave in an ejection: a judgement
    /// that bounds one ejection attempt to 8 chains per tier. Trying only the least dense one (the
    /// first version, which also aimed at the fastest tier only) left random 1,000-tensor seed 1 at 1.3181
    /// instead of 1.3099 above; the two changes were not measured apart.
    public static let ejectionCandidates = 8

    /// Stack of the thread that solves a large model's relaxation beside the local search: the
    /// main thread's 8 MiB, since GLPK's stack use is not documented (Linux gives other threads less).
    public static let solverThreadStackBytes = 8 << 20

    /// A ruin-and-recreate stretch (``LocalSearch/ruinAndRecreate``) is this fraction of the schedule:
    /// 1/10. Measured on random 1,000-tensor seed 1 and a 250-tensor instance: 1/5, 1/10, 1/20, 1/40
    /// and 1/80 gave 0.3372, 0.3373, 0.3407, 0.3414, 0.3414 at 250 tensors (lower is better).
    public static let ruinStretchesPerSchedule = 10

    /// Stretches ruined and recreated after the first local optimum. 3,000 take 0.7 s on a random
    /// 1,000-tensor instance and about 7 s on the FlexGen-like scenarios (release build, 2 cores),
    /// where the search converges; the time limit still bounds them.
    public static let ruinIterations = 3_000
}
