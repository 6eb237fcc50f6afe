import CGLPKShim
import Foundation

/// The GLPK backend: the LP relaxation with GLPK's presolver, then branch and cut on the
/// original columns (so a warm start applies), all inside one C call that turns GLPK's
/// internal errors into a thrown error instead of an abort. A relaxation alone may be solved by
/// GLPK's interior-point method, with the simplex as its fallback.
public struct GLPKSolver: PlacementSolver {
    public let name = "glpk"

    public init() {}

    public func solve(_ program: LinearProgram, options: SolveOptions) throws(SolverError) -> SolverOutcome {
        guard options.relaxationOnly, options.interiorPoint else { return try solveOnce(program, options: options) }
        // Interior point: its bound is the Lagrangian one of its row multipliers, valid although the
        // point is only near-optimal. When it fails, stops early, or is not close enough by that
        // bound, the simplex gets the time that is left and has the last word (infeasible included).
        let started = ContinuousClock.now
        var log = ""
        do {
            let interior = try solveOnce(program, options: options)
            if let accepted = Self.accepting(interior, of: program) { return accepted }
            log = interior.log
        } catch .backend(_, let message) {
            log = message
        }
        var simplex = options
        simplex.interiorPoint = false
        let spent = ContinuousClock.now - started
        simplex.timeLimit = options.timeLimit - (Double(spent.components.seconds) + Double(spent.components.attoseconds) * 1e-18)
        guard simplex.timeLimit > 0 else { return SolverOutcome(status: .noSolution, log: log) }
        return try solveOnce(program, options: simplex)
    }

    /// An interior-point outcome as the relaxation's solution, or nil when it is not one: the point
    /// must satisfy every row and column bound to ``PlacementConstants/interiorPointGap`` (relative)
    /// and lie that close to the Lagrangian bound of its multipliers. Then it is optimal to that
    /// tolerance, and the bound reported is rigorous either way.
    static func accepting(_ interior: SolverOutcome, of program: LinearProgram) -> SolverOutcome? {
        guard interior.status == .optimal || interior.status == .feasible, let values = interior.values,
              values.count == program.columns.count, let duals = interior.rowDuals,
              let bound = program.dualBound(rowDuals: duals) else { return nil }
        let objective = program.objective(at: values), tolerance = PlacementConstants.interiorPointGap
        let scale = max(abs(bound), abs(objective), .leastNormalMagnitude)
        guard abs(objective - bound) <= tolerance * scale, program.largestViolation(at: values) <= tolerance else { return nil }
        return SolverOutcome(status: .optimal, objective: objective, bound: min(bound, objective), values: values,
                             log: interior.log, rowDuals: duals)
    }

    private func solveOnce(_ program: LinearProgram, options: SolveOptions) throws(SolverError) -> SolverOutcome {
        if let bad = program.firstNonFinite() { throw .nonFinite(bad) }
        guard options.timeLimit.isFinite, options.timeLimit > 0 else { throw .nonFinite("time limit \(options.timeLimit) s") }
        guard options.relativeGap.isFinite, options.relativeGap >= 0 else { throw .nonFinite("relative gap \(options.relativeGap)") }
        if let warm = options.warmStart {
            guard warm.count == program.columns.count else { throw .nonFinite("warm start of \(warm.count) values for \(program.columns.count) columns") }
            if let index = warm.firstIndex(where: { !$0.isFinite }) { throw .nonFinite("warm start value of column \(program.columns[index].name)") }
        }

        let rowKind = program.rows.map { Int32(Self.kind($0)) }
        let rowLower = program.rows.map { Self.bounds($0).0 }
        let rowUpper = program.rows.map { Self.bounds($0).1 }
        let colKind = program.columns.map { column -> Int32 in
            guard let upper = column.upper else { return Int32(MW_LOWER) }
            return Int32(upper == column.lower ? MW_FIXED : MW_DOUBLE)
        }
        let colLower = program.columns.map(\.lower)
        let colUpper = program.columns.map { $0.upper ?? 0 }
        let integer = program.columns.map { Int32($0.isInteger ? 1 : 0) }
        let cost = program.columns.map(\.cost)
        let rowIndex = program.entries.map { Int32($0.row) }
        let colIndex = program.entries.map { Int32($0.column) }
        let value = program.entries.map(\.value)
        var solution = [Double](repeating: 0, count: program.columns.count)
        var duals = [Double](repeating: 0, count: options.relaxationOnly ? program.rows.count : 0)
        var result = mw_glpk_result()
        let warm = options.warmStart ?? []

        let status: Int32 = rowKind.withUnsafeBufferPointer { rk in rowLower.withUnsafeBufferPointer { rl in
            rowUpper.withUnsafeBufferPointer { ru in colKind.withUnsafeBufferPointer { ck in
            colLower.withUnsafeBufferPointer { cl in colUpper.withUnsafeBufferPointer { cu in
            integer.withUnsafeBufferPointer { ci in cost.withUnsafeBufferPointer { co in
            rowIndex.withUnsafeBufferPointer { ri in colIndex.withUnsafeBufferPointer { cx in
            value.withUnsafeBufferPointer { va in warm.withUnsafeBufferPointer { ws in
            solution.withUnsafeMutableBufferPointer { so in duals.withUnsafeMutableBufferPointer { du in
                var problem = mw_glpk_problem(
                    rows: Int32(program.rows.count), cols: Int32(program.columns.count),
                    row_kind: rk.baseAddress, row_lb: rl.baseAddress, row_ub: ru.baseAddress,
                    col_kind: ck.baseAddress, col_lb: cl.baseAddress, col_ub: cu.baseAddress,
                    col_integer: ci.baseAddress, objective: co.baseAddress,
                    nonzeros: Int32(program.entries.count), row_index: ri.baseAddress, col_index: cx.baseAddress,
                    value: va.baseAddress, warm_start: options.warmStart == nil ? nil : ws.baseAddress,
                    time_limit_s: options.timeLimit, relative_gap: options.relativeGap,
                    node_limit: Int32(clamping: max(0, options.nodeLimit ?? 0)),
                    verbose: options.verbose ? 1 : 0, relaxation_only: options.relaxationOnly ? 1 : 0,
                    interior: options.relaxationOnly && options.interiorPoint ? 1 : 0)
                result.solution = so.baseAddress
                result.row_duals = options.relaxationOnly && !program.rows.isEmpty ? du.baseAddress : nil
                return mw_glpk_solve(&problem, &result)
            }}}}}}}}}}}}}}
        let log = Self.message(of: &result)
        let bound: Double? = result.has_bound != 0 ? result.bound : nil
        switch Int(status) {
        case Int(MW_OPTIMAL):
            return SolverOutcome(status: .optimal, objective: result.objective, bound: bound, values: solution, log: options.verbose ? log : "",
                                 rowDuals: options.relaxationOnly ? duals : nil)
        case Int(MW_FEASIBLE):
            return SolverOutcome(status: .feasible, objective: result.objective, bound: bound, values: solution, log: options.verbose ? log : "",
                                 rowDuals: options.relaxationOnly ? duals : nil)
        case Int(MW_INFEASIBLE):
            return SolverOutcome(status: .infeasible, log: options.verbose ? log : "")
        case Int(MW_NO_SOLUTION):
            return SolverOutcome(status: .noSolution, bound: bound, log: options.verbose ? log : "")
        case Int(MW_UNBOUNDED):
            return SolverOutcome(status: .unbounded, log: options.verbose ? log : "")
        default:
            let lines = log.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            throw .backend(solver: name, message: lines.suffix(3).joined(separator: " / "))
        }
    }

    private static func kind(_ bounds: LinearProgram.Bounds) -> Int {
        switch bounds {
        case .free: Int(MW_FREE)
        case .atLeast: Int(MW_LOWER)
        case .atMost: Int(MW_UPPER)
        case .between: Int(MW_DOUBLE)
        case .fixed: Int(MW_FIXED)
        }
    }

    private static func bounds(_ bounds: LinearProgram.Bounds) -> (Double, Double) {
        switch bounds {
        case .free: (0, 0)
        case let .atLeast(a): (a, 0)
        case let .atMost(b): (0, b)
        case let .between(a, b): (a, b)
        case let .fixed(a): (a, a)
        }
    }

    private static func message(of result: inout mw_glpk_result) -> String {
        withUnsafeBytes(of: &result.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
