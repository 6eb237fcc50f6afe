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
