extension PlacementModel {
    /// Bytes each column puts on each tier at each step: accesses in the tier the copies
    /// occupy, moves at the first step of the segment entered (read from the tier left,
    /// written to the tier entered: (2 in - x[s] + x[s-1]) x size). Constant bytes (copies
    /// leaving a home tier they may not stay in) are in ``constantBytes()``.
    func channelTerms() -> [[[(column: Int, bytes: Double)]]] {
        var terms = [[[(column: Int, bytes: Double)]]](
            repeating: [[(column: Int, bytes: Double)]](repeating: [], count: problem.tiers.count), count: problem.steps.count)
        for (t, tensor) in problem.tensors.enumerated() {
            for (s, segment) in segments[t].enumerated() {
                for m in problem.tiers.indices {
                    if let access = segment.access, x[t][s][m] >= 0 { terms[access.step][m].append((x[t][s][m], access.bytes)) }
                    guard moves[t][s][m] >= 0 else { continue }
                    terms[segment.start][m].append((moves[t][s][m], 2 * tensor.bytes))
                    terms[segment.start][m].append((x[t][s][m], -tensor.bytes))
                    if s > 0 { terms[segment.start][m].append((x[t][s - 1][m], tensor.bytes)) }
                }
            }
        }
        return terms
    }

    /// Bytes per step and tier that no column controls: the home copies in (2 in - x + home) x size
    /// for tensors brought in from a home tier.
    func constantBytes() -> [[Double]] {
        var bytes = [[Double]](repeating: [Double](repeating: 0, count: problem.tiers.count), count: problem.steps.count)
        for (t, tensor) in problem.tensors.enumerated() {
            guard let home = tensor.homeTier, let first = segments[t].first else { continue }
            bytes[first.start][home] += Double(tensor.count) * tensor.bytes
        }
        return bytes
    }

    mutating func buildObjective() {
        let terms = channelTerms()
        let constant = constantBytes()
        let bytesUnit = max(1, problem.tensors.map(\.bytes).max() ?? 1)
        switch problem.objective {
        case .traffic:
            objectiveScale = bytesUnit
            for step in terms.indices {
                for m in problem.tiers.indices.dropFirst() {
                    for term in terms[step][m] { program.columns[term.column].cost += term.bytes / bytesUnit }
                    objectiveOffset += constant[step][m]
                }
            }
        case .energy:
            let perByte = problem.tiers.map { tier in
                (tier.energyPerByte ?? 0) + tier.links.reduce(0.0) { $0 + (problem.links[$1].energyPerByte ?? 0) }
            }
            let unit = bytesUnit * max(perByte.max() ?? 0, .leastNormalMagnitude)
            objectiveScale = unit
            for step in terms.indices {
                for m in problem.tiers.indices {
                    for term in terms[step][m] { program.columns[term.column].cost += term.bytes * perByte[m] / unit }
                    objectiveOffset += constant[step][m] * perByte[m]
                }
            }
        case .time:
            buildTimeRows(terms, constant)
        }
    }

    /// T[k] ≥ compute time, and T[k] ≥ bytes / bandwidth for each tier and each link at step k.
    private mutating func buildTimeRows(_ terms: [[[(column: Int, bytes: Double)]]], _ constant: [[Double]]) {
        let fastest = problem.tiers.map(\.bandwidth).max() ?? 1
        let unit = problem.steps.indices.map { step in
            max(problem.steps[step].computeTime, terms[step].joined().reduce(0.0) { $0 + $1.bytes } / fastest)
        }.max() ?? 1
        let timeUnit = unit > 0 ? unit : 1
        objectiveScale = timeUnit
        for (step, info) in problem.steps.enumerated() {
            let column = program.addColumn(.init(name: "T[\(step)]", lower: info.computeTime / timeUnit, cost: 1))
            stepTime.append(column)
            var rows: [Int] = []
            var linkTerms = [[(column: Int, value: Double)]](repeating: [], count: problem.links.count)
            var linkConstant = [Double](repeating: 0, count: problem.links.count)
            for (m, tier) in problem.tiers.enumerated() where !terms[step][m].isEmpty || constant[step][m] > 0 {
                let row = terms[step][m].map { (column: $0.column, value: -$0.bytes / (tier.bandwidth * timeUnit)) }
                rows.append(program.addRow("time[\(step)@\(tier.name)]", .atLeast(constant[step][m] / (tier.bandwidth * timeUnit)),
                                           [(column, 1)] + row))
                for link in tier.links {
                    linkTerms[link] += terms[step][m].map { (column: $0.column, value: -$0.bytes / (problem.links[link].bandwidth * timeUnit)) }
                    linkConstant[link] += constant[step][m]
                }
            }
            for (link, row) in linkTerms.enumerated() where !row.isEmpty || linkConstant[link] > 0 {
                rows.append(program.addRow("time[\(step)@\(problem.links[link].name)]",
                                           .atLeast(linkConstant[link] / (problem.links[link].bandwidth * timeUnit)), [(column, 1)] + row))
            }
            timeRows.append(rows)
        }
        buildAccessRows(timeUnit)
        boundStepTimes()
    }

    /// Per access, T[k] ≥ Σ_m w_m x[m] / count, where w_m is the access's time per copy from tier m
    /// (its bytes over the slower of the tier and the links on its path). Valid for integral plans:
    /// the copies' average w_m is at most the w_m of some tier they occupy, and that tier's row
    /// already holds T[k] above it. The tier rows alone let the relaxation spread a weight over the
    /// tiers so that each slow share hides under the step's other times; these rows price a share
    /// at its tier's speed. They hardly move the bound (4-tier FlexGen-like: 3,084.8 to 3,091.4
    /// program units, +0.2 %), but the relaxation's plan then keeps weights whole, and the search
    /// from its rounding ends at 3,112.6 instead of 3,227.7 (greedy's: 3,204.6). Left out where
    /// fewer than two tiers are allowed or no tier's time exceeds the step's compute floor (then
    /// T[k]'s lower bound implies the row).
    private mutating func buildAccessRows(_ timeUnit: Double) {
        // Seconds per byte read from each tier: the slower of the tier and the links on its path.
        let secondsPerByte = problem.tiers.map { tier in tier.links.reduce(1 / tier.bandwidth) { max($0, 1 / problem.links[$1].bandwidth) } }
        for (t, tensor) in problem.tensors.enumerated() {
            for (s, segment) in segments[t].enumerated() {
                guard let access = segment.access else { continue }
                var terms: [(column: Int, value: Double)] = []
                for m in problem.tiers.indices where x[t][s][m] >= 0 {
                    terms.append((x[t][s][m], -access.bytes * secondsPerByte[m] / (Double(tensor.count) * timeUnit)))
                }
                let floor = problem.steps[access.step].computeTime / timeUnit
                guard terms.count > 1, terms.contains(where: { -$0.value * Double(tensor.count) > floor }) else { continue }
                timeRows[access.step].append(program.addRow("access[\(tensor.name)#\(s)]", .atLeast(0), [(stepTime[access.step], 1)] + terms))
            }
        }
    }

    /// An upper bound on every T[k]: at an optimum T[k] is the largest of its floor and its rows'
    /// right-hand sides (its cost is positive), and each of those is at most its value with every
    /// column at the end of its box that raises it. Valid for every optimum, so it cuts none, and
    /// it closes the last open boxes for ``LinearProgram/dualBound(rowDuals:)``.
    private mutating func boundStepTimes() {
        var rowTerms = [[LinearProgram.Entry]](repeating: [], count: program.rows.count)
        for entry in program.entries { rowTerms[entry.row].append(entry) }
        for (step, column) in stepTime.enumerated() {
            var upper = program.columns[column].lower
            for row in timeRows[step] {
                guard case let .atLeast(floor) = program.rows[row] else { continue }
                let most = rowTerms[row].reduce(floor) { sum, entry in
                    guard entry.column != column else { return sum }
                    let end = entry.value < 0 ? program.columns[entry.column].upper ?? .infinity : program.columns[entry.column].lower
                    return sum - entry.value * end
                }
                guard most.isFinite else { upper = .infinity; break }
                upper = max(upper, most)
            }
            if upper.isFinite { program.columns[column].upper = upper }
        }
    }
}
