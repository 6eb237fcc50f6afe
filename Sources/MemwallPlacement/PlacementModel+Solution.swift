extension PlacementModel {
    /// The column vector that represents `plan` (a warm start): copies as placed, moves as
    /// the change between segments, occupancies and step times as the rows make them.
    public func columnValues(for plan: PlacementPlan) -> [Double] {
        var values = [Double](repeating: 0, count: program.columns.count)
        for t in x.indices {
            for s in x[t].indices {
                let before = problem.tensors[t].copiesBefore(segment: s, in: plan, tensor: t, tiers: problem.tiers.count)
                for m in x[t][s].indices {
                    if x[t][s][m] >= 0 { values[x[t][s][m]] = Double(plan.copies[t][s][m]) }
                    guard let before else { continue }
                    let change = plan.copies[t][s][m] - before[m]
                    if moves[t][s][m] >= 0 { values[moves[t][s][m]] = Double(max(0, change)) }
                }
            }
        }
        var byRow = [[LinearProgram.Entry]](repeating: [], count: program.rows.count)
        for entry in program.entries { byRow[entry.row].append(entry) }
        for (m, columns) in occupancy.enumerated() {
            for (e, column) in columns.enumerated() {
                let others = byRow[occupancyRows[m][e]].filter { $0.column != column }
                values[column] = -others.reduce(0.0) { $0 + $1.value * values[$1.column] }
            }
        }
        for (step, column) in stepTime.enumerated() {
            var time = program.columns[column].lower
            for row in timeRows[step] {
                let others = byRow[row].filter { $0.column != column }
                guard case let .atLeast(bound) = program.rows[row] else { continue }
                time = max(time, bound - others.reduce(0.0) { $0 + $1.value * values[$1.column] })
            }
            values[column] = time
        }
        return values
    }

    /// The plan a column vector describes (copies rounded to the nearest integer).
    public func plan(from values: [Double]) -> PlacementPlan {
        PlacementPlan(copies: x.map { perSegment in
            perSegment.map { perTier in perTier.map { $0 >= 0 ? Int(values[$0].rounded()) : 0 } }
        })
    }

    /// Segments (t, s) the relaxation `values` places wholly in one tier, with that tier.
    public func integralSegments(in values: [Double], tolerance: Double = 1e-6) -> [(tensor: Int, segment: Int, tier: Int)] {
        var found: [(tensor: Int, segment: Int, tier: Int)] = []
        for t in x.indices {
            let count = Double(problem.tensors[t].count)
            for s in x[t].indices {
                for m in x[t][s].indices where x[t][s][m] >= 0 && abs(values[x[t][s][m]] - count) <= tolerance {
                    found.append((t, s, m))
                    break
                }
            }
        }
        return found
    }

    /// The program with the listed segments' copies fixed where `plan` has them and substituted
    /// out (``LinearProgram/reduced(fixing:)``), so that the solver branches on a program of the
    /// free segments' size. `kept[i]` is the model column of the smaller program's column i;
    /// ``LinearProgram/expanding(_:at:into:)`` writes its solution back over the plan's columns.
    public func fixing(_ segments: [(tensor: Int, segment: Int)], at plan: PlacementPlan) -> (program: LinearProgram, kept: [Int]) {
        var fixed: [Int: Double] = [:]
        for (t, s) in segments {
            for m in x[t][s].indices where x[t][s][m] >= 0 { fixed[x[t][s][m]] = Double(plan.copies[t][s][m]) }
        }
        return program.reduced(fixing: fixed)
    }
}
