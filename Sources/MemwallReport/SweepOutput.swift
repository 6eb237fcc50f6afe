import MemwallPlanning

/// Streams a sweep's points as CSV or JSON, one line per point, so output of any size is written
/// as it is computed and shard outputs join back (``SweepMerge``) into exactly the unsharded file.
///
/// CSV: a header of `point` and the chosen ``ServingColumns``, then one row per point.
/// JSON: `{"columns": [...], "name": ..., "point_count": N, "points": [` then one object per
/// line (sorted keys), then `], "schema_version": 1, "shard": {"count": n, "index": i}}`.
public struct SweepOutput: Sendable {
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    public let format: Format
    public let columns: [ServingColumns.Column]
    public let name: String
    public let pointCount: Int

    public init(format: Format, columnKeys: [String]?, name: String, pointCount: Int) {
        self.format = format
        let keys = (columnKeys ?? ServingColumns.keys).filter { $0 != "point" }
        columns = keys.compactMap(ServingColumns.column)
        self.name = name
        self.pointCount = pointCount
    }

    public var keys: [String] { ["point"] + columns.map(\.key) }

    /// What comes before the first point of shard `index` of `count`.
    public func header(shard index: Int, of count: Int) -> String {
        switch format {
        case .csv:
            return keys.joined(separator: ",") + "\n"
        case .json:
            return "{\"columns\":[" + keys.map(JSONText.string).joined(separator: ",") + "],\"name\":" + JSONText.string(name)
                + ",\"point_count\":\(pointCount),\"points\":[\n"
        }
    }

    /// One point's line; `first` is the first point of the file (no separator before it).
    public func row(_ point: Int, _ estimate: ServingEstimate, first: Bool) -> String {
        switch format {
        case .csv:
            var line = String(point)
            line.reserveCapacity(512)
            for column in columns {
                line.append(",")
                line.append(column.value(estimate).csv)
            }
            line.append("\n")
            return line
        case .json:
            var pairs = columns.map { ($0.key, $0.value(estimate).json) }
            pairs.append(("point", String(point)))
            pairs.sort { $0.0 < $1.0 }
            return (first ? "" : ",\n") + "{" + pairs.map { JSONText.string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
        }
    }

    /// What closes shard `index` of `count`.
    public func footer(shard index: Int, of count: Int) -> String {
        switch format {
        case .csv: ""
        case .json: "\n],\"schema_version\":\(reportSchemaVersion),\"shard\":{\"count\":\(count),\"index\":\(index)}}\n"
        }
    }
}
