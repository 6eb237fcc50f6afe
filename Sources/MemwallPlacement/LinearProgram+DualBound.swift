/// A lower bound on a linear program's optimum that holds for any row multipliers, so that a
/// relaxation solved only approximately (GLPK's interior-point method stops at a small duality
/// gap, not at a vertex) still yields a bound that is provably below every feasible point.
extension LinearProgram {
    /// The Lagrangian bound min over the column box of c·x − y·(A·x − r) for the multipliers
    /// `rowDuals` (y, as GLPK signs them for minimisation: positive on a row held at its lower
    /// bound, negative at its upper), where r is the row bound the sign of y_i refers to.
    ///
    /// Weak duality makes it a bound for every y (exact arithmetic; rounding errors of order
    /// n·ε·Σ|terms| remain): for x feasible, y_i·(a_i·x − r_i) ≥ 0 term by
    /// term, so c·x ≥ Σ_j d_j·x_j + y·r ≥ Σ_j min(d_j·l_j, d_j·u_j) + y·r with d = c − Aᵀy. A
    /// multiplier whose bound is infinite is taken as 0. Nil when the bound is −∞ (a column with no
    /// upper bound has a negative reduced cost, which rounding alone causes, so a program meant for
    /// this bound gives every column a finite box, as ``PlacementModel`` does).
    public func dualBound(rowDuals: [Double]) -> Double? {
        guard rowDuals.count == rows.count else { return nil }
        var multiplier = rowDuals
        var constant = 0.0
        for (i, bounds) in rows.enumerated() {
            let y = multiplier[i]
            guard y.isFinite else { return nil }
            switch bounds {
            case .free: multiplier[i] = 0
            case let .atLeast(a): if y > 0 { constant += y * a } else { multiplier[i] = 0 }
            case let .atMost(b): if y < 0 { constant += y * b } else { multiplier[i] = 0 }
            case let .between(a, b): constant += y * (y > 0 ? a : b)
            case let .fixed(a): constant += y * a
            }
        }
        var reduced = columns.map(\.cost)
        for entry in entries { reduced[entry.column] -= entry.value * multiplier[entry.row] }
        var total = constant
        for (j, column) in columns.enumerated() {
            let d = reduced[j]
            if d > 0 {
                total += d * column.lower
            } else if d < 0 {
                guard let upper = column.upper else { return nil }
                total += d * upper
            }
        }
        return total.isFinite ? total : nil
    }

    /// The largest violation of a row or column bound at `values`, each relative to
    /// max(1, |bound|): how far an approximate solution (an interior point) is from feasible.
    /// Infinite when a value is not finite or the count is wrong.
    public func largestViolation(at values: [Double]) -> Double {
        guard values.count == columns.count, values.allSatisfy(\.isFinite) else { return .infinity }
        var activity = [Double](repeating: 0, count: rows.count)
        for entry in entries { activity[entry.row] += entry.value * values[entry.column] }
        func below(_ value: Double, _ lower: Double) -> Double { max(0, lower - value) / max(1, abs(lower)) }
        func above(_ value: Double, _ upper: Double) -> Double { max(0, value - upper) / max(1, abs(upper)) }
        var worst = 0.0
        for (i, bounds) in rows.enumerated() {
            let a = activity[i]
            switch bounds {
            case .free: break
            case let .atLeast(l): worst = max(worst, below(a, l))
            case let .atMost(u): worst = max(worst, above(a, u))
            case let .between(l, u): worst = max(worst, below(a, l), above(a, u))
            case let .fixed(v): worst = max(worst, below(a, v), above(a, v))
            }
        }
        for (j, column) in columns.enumerated() {
            worst = max(worst, below(values[j], column.lower), column.upper.map { above(values[j], $0) } ?? 0)
        }
        return worst
    }
}
