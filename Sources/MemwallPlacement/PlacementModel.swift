/// The placement problem as a mixed-integer program (see docs/placement.md).
///
/// Columns: `x[t][s][m]`, copies of tensor entry t in tier m during segment s (integer,
/// 0...count; only tiers the tensor may occupy); `in[t][s][m]`, copies entering tier m at the
/// start of segment s (continuous, at least Δx, pushed down by the objective; copies leaving are
/// in - Δx, so one row per tier and segment covers both directions);
/// per tier with a binding capacity, its occupancy at each event step (a step where some
/// segment starts), chained from one event to the next, so each segment appears in two
/// rows instead of one row per step it spans, with the capacity as the occupancy's upper
/// bound at the maximal overlap points (the last event before some segment ends), or, when
/// lifetimes are short enough that the maximal overlap sets are small, one capacity row
/// per maximal overlap set (no occupancy columns; sparser bases for the simplex); for the
/// time objective, `T[k]` per step with one row per tier and link the step touches, and one per
/// access that pins each tier's share of it at that tier's speed (`buildAccessRows`).
///
/// Quantities are scaled (bytes by the largest tensor, time by the longest step's floor)
/// so GLPK sees numbers near 1; ``objectiveScale`` turns the program's objective back into
/// seconds, bytes or joules.
public struct PlacementModel: Sendable {
    public let problem: PlacementProblem
    public internal(set) var program = LinearProgram()
    /// Column of x[t][s][m], or -1 where the tensor may not occupy the tier.
    public internal(set) var x: [[[Int]]] = []
    /// Multiply the program's objective by this to get the objective in SI units.
    public internal(set) var objectiveScale = 1.0
    /// Column of the copies entering tier m at the start of segment s, or -1.
    var moves: [[[Int]]] = []
    /// Objective of the program at zero, in SI units (bytes no column controls: copies leaving their home tier).
    public internal(set) var objectiveOffset = 0.0
    /// Whether capacity is one row per maximal overlap set (short lifetimes) rather than an occupancy chain.
    public internal(set) var usesCliqueRows = false
    /// Occupancy columns per tier, in event order, with the event steps.
    var occupancy: [[Int]] = []
    var events: [Int] = []
    var occupancyRows: [[Int]] = []
    var stepTime: [Int] = []
    var timeRows: [[Int]] = []
    let segments: [[PlacementSegment]]
    let cliqueRowsPerSegment: Int

    /// `cliqueRowsPerSegment` chooses the capacity encoding (see ``PlacementConstants/cliqueRowsPerSegment``).
    public init(_ problem: PlacementProblem, cliqueRowsPerSegment: Int = PlacementConstants.cliqueRowsPerSegment) {
        self.problem = problem
        self.cliqueRowsPerSegment = cliqueRowsPerSegment
        segments = problem.segments
        build()
    }

    var byteUnit: Double { max(1, problem.tensors.map(\.bytes).max() ?? 1) }

    private mutating func build() {
        let tiers = problem.tiers.indices
        // Placement columns and the rows that place every copy of every segment.
        for (t, tensor) in problem.tensors.enumerated() {
            let fitting = problem.tiers.map { tier in
                tensor.bytes > 0 ? min(tensor.count, Int(min(Double(tensor.count), ((tier.capacity + PlacementConstants.capacitySlackBytes) / tensor.bytes).rounded(.down)))) : tensor.count
            }
            var perSegment: [[Int]] = [], changes: [[Int]] = []
            for s in segments[t].indices {
                var row: [Int] = [], change: [Int] = []
                for m in tiers {
                    // No more copies than the tier can hold on its own: tighter than 0...count for the
                    // relaxation, and no column at all for a tensor larger than the tier.
                    let fit = fitting[m]
                    guard tensor.allows(m), fit > 0 else { row.append(-1); change.append(-1); continue }
                    row.append(program.addColumn(.init(name: "x[\(tensor.name)#\(s)@\(problem.tiers[m].name)]",
                                                       upper: Double(fit), isInteger: true)))
                    // At most every copy enters: the positive part of the change is at most x ≤ count, so
                    // the bound cuts no optimum, and it gives every column a finite box (``LinearProgram/dualBound(rowDuals:)``).
                    change.append(s > 0 || tensor.homeTier != nil
                                  ? program.addColumn(.init(name: "move[\(tensor.name)#\(s)@\(problem.tiers[m].name)]", upper: Double(tensor.count))) : -1)
                }
                program.addRow("place[\(tensor.name)#\(s)]", .fixed(Double(tensor.count)), row.filter { $0 >= 0 }.map { ($0, 1.0) })
                // in >= x[s] - x[s-1]: copies entering the tier. Those leaving are in - (x[s] - x[s-1]),
                // so the bytes the tier reads or writes for the move are (2 in - x[s] + x[s-1]) x size.
                for m in tiers where s > 0 && row[m] >= 0 {
                    let previous = perSegment[s - 1][m]
                    program.addRow("in[\(tensor.name)#\(s)@\(m)]", .atLeast(0), [(change[m], 1), (row[m], -1), (previous, 1)])
                }
                if s == 0, let home = tensor.homeTier {
                    // Brought in from the home tier: in >= x - home copies.
                    let count = Double(tensor.count)
                    for m in tiers where row[m] >= 0 {
                        let base = m == home ? count : 0
                        program.addRow("in[\(tensor.name)#0@\(m)]", .atLeast(-base), [(change[m], 1), (row[m], -1)])
                    }

                }
                perSegment.append(row); changes.append(change)
            }
            x.append(perSegment); moves.append(changes)
        }
        buildCapacity()
        buildObjective()
    }

    /// Occupancy chained over event steps; bounded by the capacity where overlap is maximal.
    private mutating func buildCapacity() {
        let stepCount = problem.steps.count
        var starting = [[(Int, Int)]](repeating: [], count: stepCount + 1)
        var ending = [[(Int, Int)]](repeating: [], count: stepCount + 1)
        for (t, list) in segments.enumerated() {
            for (s, segment) in list.enumerated() {
                starting[segment.start].append((t, s))
                ending[segment.end + 1].append((t, s))
            }
        }
        events = (0..<stepCount).filter { !starting[$0].isEmpty }
        let totalBytes = problem.tensors.reduce(0.0) { $0 + $1.bytes * Double($1.count) }
        // Maximal overlap sets: the live segments at each event after which some segment ends
        // before the next one starts (the maximal cliques of the interval graph).
        var live: Set<[Int]> = [], cliques: [(step: Int, members: [[Int]])] = []
        for (e, step) in events.enumerated() {
            let previous = e > 0 ? events[e - 1] + 1 : 0
            for past in previous...step { for (t, s) in ending[past] { live.remove([t, s]) } }
            for (t, s) in starting[step] { live.insert([t, s]) }
            let next = e + 1 < events.count ? events[e + 1] : stepCount
            if (step + 1...next).contains(where: { !ending[$0].isEmpty }) { cliques.append((step, live.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) })) }
        }
        let cliqueEntries = cliques.reduce(0) { $0 + $1.members.count }
        usesCliqueRows = cliqueEntries <= cliqueRowsPerSegment * max(1, segments.joined().count)
        for m in problem.tiers.indices {
            let capacity = problem.tiers[m].capacity
            guard capacity < totalBytes else { occupancy.append([]); occupancyRows.append([]); continue }
            if usesCliqueRows {
                // One row per maximal overlap set: sum of bytes held there <= capacity.
                for clique in cliques {
                    let terms = clique.members.compactMap { member -> (column: Int, value: Double)? in
                        let column = x[member[0]][member[1]][m]
                        return column >= 0 ? (column, problem.tensors[member[0]].bytes / byteUnit) : nil
                    }
                    if !terms.isEmpty { program.addRow("capacity[\(problem.tiers[m].name)@\(clique.step)]", .atMost(capacity / byteUnit), terms) }
                }
                occupancy.append([]); occupancyRows.append([])
                continue
            }
            var columns: [Int] = [], rows: [Int] = []
            for (e, step) in events.enumerated() {
                // Maximal overlap: some segment live here ends before the next event starts one.
                let next = e + 1 < events.count ? events[e + 1] : stepCount
                let maximal = (step + 1...next).contains { !ending[$0].isEmpty }
                // Elsewhere the occupancy is at most every byte placed, which holds for every plan.
                let column = program.addColumn(.init(name: "occ[\(problem.tiers[m].name)@\(step)]",
                                                     upper: (maximal ? capacity : totalBytes) / byteUnit))
                var terms: [(column: Int, value: Double)] = [(column, 1)]
                if e > 0 { terms.append((columns[e - 1], -1)) }
                let previous = e > 0 ? events[e - 1] + 1 : 0
                for (t, s) in starting[step] where x[t][s][m] >= 0 {
                    terms.append((x[t][s][m], -problem.tensors[t].bytes / byteUnit))
                }
                if e > 0 {
                    for step in previous...step {
                        for (t, s) in ending[step] where x[t][s][m] >= 0 {
                            terms.append((x[t][s][m], problem.tensors[t].bytes / byteUnit))
                        }
                    }
                }
                rows.append(program.addRow("occupancy[\(problem.tiers[m].name)@\(step)]", .fixed(0), terms))
                columns.append(column)
            }
            occupancy.append(columns); occupancyRows.append(rows)
        }
    }
}
