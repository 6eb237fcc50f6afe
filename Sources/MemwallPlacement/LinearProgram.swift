/// A mixed-integer linear program in the form solvers take: minimise c·x subject to
/// row bounds on A·x and column bounds, some columns integer.
public struct LinearProgram: Sendable, Hashable {
    /// How a row or column is bounded.
    public enum Bounds: Sendable, Hashable {
        case free
        case atLeast(Double)
        case atMost(Double)
        case between(Double, Double)
        case fixed(Double)
    }

    public struct Column: Sendable, Hashable {
        public var name: String
        public var lower: Double
        /// nil: no upper bound.
        public var upper: Double?
        public var isInteger: Bool
        public var cost: Double

        public init(name: String, lower: Double = 0, upper: Double? = nil, isInteger: Bool = false, cost: Double = 0) {
            self.name = name
            self.lower = lower
            self.upper = upper
            self.isInteger = isInteger
            self.cost = cost
        }
    }

    public struct Entry: Sendable, Hashable {
        public var row: Int
        public var column: Int
        public var value: Double
    }

    public var columns: [Column] = []
    public var rows: [Bounds] = []
    public var rowNames: [String] = []
    public var entries: [Entry] = []

    public init() {}

    /// Adds a column and returns its index.
    @discardableResult
    public mutating func addColumn(_ column: Column) -> Int {
        columns.append(column)
        return columns.count - 1
    }

    /// Adds a row `bounds` on Σ terms (terms on the same column are summed) and returns its index.
    @discardableResult
    public mutating func addRow(_ name: String, _ bounds: Bounds, _ terms: [(column: Int, value: Double)]) -> Int {
        rows.append(bounds)
        rowNames.append(name)
        let row = rows.count - 1
        var order: [Int] = [], sums: [Int: Double] = [:]
        for term in terms {
            if sums[term.column] == nil { order.append(term.column) }
            sums[term.column, default: 0] += term.value
        }
        for column in order where sums[column]! != 0 { entries.append(Entry(row: row, column: column, value: sums[column]!)) }
        return row
    }

    /// The first number that is not finite, named by where it sits; nil when all are.
    public func firstNonFinite() -> String? {
        for column in columns {
            if !column.lower.isFinite { return "lower bound of column \(column.name)" }
            if let upper = column.upper, !upper.isFinite { return "upper bound of column \(column.name)" }
            if !column.cost.isFinite { return "objective coefficient of column \(column.name)" }
        }
        for (index, bounds) in rows.enumerated() {
            let values: [Double] = switch bounds {
            case .free: []
            case let .atLeast(a), let .atMost(a), let .fixed(a): [a]
            case let .between(a, b): [a, b]
            }
            if values.contains(where: { !$0.isFinite }) { return "bound of row \(rowNames[index])" }
        }
        for entry in entries where !entry.value.isFinite {
            return "coefficient of column \(columns[entry.column].name) in row \(rowNames[entry.row])"
        }
        return nil
    }

    /// Σ c·x for a column vector.
    public func objective(at values: [Double]) -> Double {
        zip(columns, values).reduce(0) { $0 + $1.0.cost * $1.1 }
    }
}

extension LinearProgram {
    /// The program with the columns of `fixed` (column → value) substituted out: their terms move
    /// into the row bounds, rows left without columns are dropped, a row left with one continuous
    /// column becomes that column's bounds, and a continuous column left in no row is fixed where
    /// its cost is least. What remains is a smaller program over the same unknowns; `kept[i]` is
    /// the original index of its column i. Every solution of the smaller program, with the fixed
    /// values, satisfies the original's rows (the reductions only move bounds).
    public func reduced(fixing fixed: [Int: Double]) -> (program: LinearProgram, kept: [Int]) {
        var shift = [Double](repeating: 0, count: rows.count)
        var byRow = [[Entry]](repeating: [], count: rows.count)
        for entry in entries {
            if let value = fixed[entry.column] { shift[entry.row] += entry.value * value } else { byRow[entry.row].append(entry) }
        }
        var columnList = columns
        var rowKept = [Bool](repeating: true, count: rows.count)
        var bounds = rows
        for (row, terms) in byRow.enumerated() {
            let s = shift[row]
            switch bounds[row] {
            case .free: break
            case let .atLeast(a): bounds[row] = .atLeast(a - s)
            case let .atMost(b): bounds[row] = .atMost(b - s)
            case let .between(a, b): bounds[row] = .between(a - s, b - s)
            case let .fixed(a): bounds[row] = .fixed(a - s)
            }
            if terms.isEmpty { rowKept[row] = false; continue }
            guard terms.count == 1, !columns[terms[0].column].isInteger else { continue }
            // One continuous column: the row is a bound on it.
            let column = terms[0].column, v = terms[0].value
            var lower: Double?, upper: Double?
            switch bounds[row] {
            case .free: break
            case let .atLeast(a): if v > 0 { lower = a / v } else { upper = a / v }
            case let .atMost(b): if v > 0 { upper = b / v } else { lower = b / v }
            case .between, .fixed: continue
            }
            if let lower { columnList[column].lower = max(columnList[column].lower, lower) }
            if let upper { columnList[column].upper = min(columnList[column].upper ?? upper, upper) }
            // Round-off can cross the bounds of a column the fixed values pin to one value.
            if let upper = columnList[column].upper, upper < columnList[column].lower { columnList[column].upper = columnList[column].lower }
            rowKept[row] = false
        }
        var used = [Bool](repeating: false, count: columns.count)
        for (row, terms) in byRow.enumerated() where rowKept[row] { for entry in terms { used[entry.column] = true } }
        var result = LinearProgram(), kept: [Int] = [], index = [Int](repeating: -1, count: columns.count)
        for (j, column) in columnList.enumerated() where fixed[j] == nil {
            // A continuous column in no row sits at its cheapest bound; it stays when that is unbounded.
            if !used[j] && !column.isInteger && (column.cost >= 0 || column.upper != nil) { continue }
            index[j] = result.addColumn(column)
            kept.append(j)
        }
        for (row, terms) in byRow.enumerated() where rowKept[row] {
            result.addRow(rowNames[row], bounds[row], terms.compactMap { index[$0.column] >= 0 ? (index[$0.column], $0.value) : nil })
        }
        return (result, kept)
    }

    /// `base`, values of every column of this program, with a solution `found` of the smaller
    /// program of ``reduced(fixing:)`` written over the columns `kept`.
    public static func expanding(_ found: [Double], at kept: [Int], into base: [Double]) -> [Double] {
        var values = base
        for (i, j) in kept.enumerated() { values[j] = found[i] }
        return values
    }
}
