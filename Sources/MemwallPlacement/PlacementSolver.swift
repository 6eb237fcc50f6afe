/// A MIP backend. GLPK (``GLPKSolver``) is the default; another library fits behind the same call.
public protocol PlacementSolver: Sendable {
    /// A name for reports ("glpk").
    var name: String { get }
    /// Solves `program` (minimising) within `options`; throws ``SolverError`` when the backend fails.
    func solve(_ program: LinearProgram, options: SolveOptions) throws(SolverError) -> SolverOutcome
}

/// Limits and switches of one solve.
public struct SolveOptions: Sendable, Hashable {
    /// Wall-clock limit, seconds; always applies.
    public var timeLimit: Double
    /// Relative gap at which the search may stop.
    public var relativeGap: Double
    /// A feasible column vector to start from (offered to the branch and bound as an incumbent).
    public var warmStart: [Double]?
    /// Solve the LP relaxation only.
    public var relaxationOnly: Bool
    /// Keep the backend's log for the caller to show.
    public var verbose: Bool
    /// Stop branching after this many subproblems: unlike the time limit, the same on every run.
    public var nodeLimit: Int?
    /// With `relaxationOnly`: solve by an interior-point method (no vertex; the bound comes from
    /// the row multipliers, see ``LinearProgram/dualBound(rowDuals:)``).
    public var interiorPoint: Bool

    public init(timeLimit: Double = PlacementConstants.defaultTimeLimit,
                relativeGap: Double = PlacementConstants.defaultRelativeGap,
                warmStart: [Double]? = nil, relaxationOnly: Bool = false, verbose: Bool = false, nodeLimit: Int? = nil,
                interiorPoint: Bool = false) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.warmStart = warmStart
        self.relaxationOnly = relaxationOnly
        self.verbose = verbose
        self.nodeLimit = nodeLimit
        self.interiorPoint = interiorPoint
    }
}

/// What a backend found.
public struct SolverOutcome: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Proven optimal within the requested gap.
        case optimal
        /// A solution, but the time limit stopped the proof.
        case feasible
        case infeasible
        /// The time limit came before any solution.
        case noSolution = "no_solution"
        case unbounded
    }

    public var status: Status
    public var objective: Double?
    /// Best bound on the optimum (LP relaxation or best open node); nil when unknown.
    public var bound: Double?
    /// Column values when a solution exists.
    public var values: [Double]?
    /// The backend's log (empty unless verbose).
    public var log: String
    /// A relaxation's row multipliers (signed for minimisation), where the backend gives them.
    public var rowDuals: [Double]?

    public init(status: Status, objective: Double? = nil, bound: Double? = nil, values: [Double]? = nil, log: String = "",
                rowDuals: [Double]? = nil) {
        self.status = status
        self.objective = objective
        self.bound = bound
        self.values = values
        self.log = log
        self.rowDuals = rowDuals
    }
}

/// A backend failure, with the backend's own words.
public enum SolverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A number that is not finite was about to reach the solver.
    case nonFinite(String)
    /// The backend reported an internal error.
    case backend(solver: String, message: String)

    public var description: String {
        switch self {
        case let .nonFinite(what): "the placement model has a number that is not finite (\(what)); expected finite sizes, bandwidths and times"
        case let .backend(solver, message): "\(solver) failed: \(message)"
        }
    }
}
