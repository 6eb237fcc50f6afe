import Foundation
import MemwallPlanning

/// Joins shard outputs of one sweep (CSV or JSON from ``SweepOutput``) into exactly the
/// unsharded output, streaming: the shards may come in any order; they must share one header,
/// and their points must together be 0, 1, 2, ... with none missing or repeated.
public enum SweepMerge {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// One shard: its path, its header (and point count for JSON) and its first point.
    struct ShardFile {
        var path: String
        var header: String
        var firstPoint: Int?
    }

    /// Merges `paths`; `write` receives the output in order. `expectedPoints` (CSV has no count of
    /// its own) checks that no final shard is missing. Returns the number of points.
    @discardableResult
    public static func merge(_ paths: [String], expectedPoints: Int? = nil, write: (String) throws -> Void) throws -> Int {
        guard !paths.isEmpty else { throw Failure(message: "no shard files; expected the outputs of memwall sweep --shard") }
        var shards: [ShardFile] = []
        var format: SweepOutput.Format?
        for path in paths {
            var reader = try LineReader(path: path)
            guard let header = try reader.next() else { throw Failure(message: "\(path): empty file; expected a sweep output") }
            let kind: SweepOutput.Format = header.hasPrefix("{") ? .json : .csv
            if let format, format != kind {
                throw Failure(message: "\(path): \(kind.rawValue) but \(paths[0]) is \(format.rawValue); expected one format")
            }
            format = kind
            if let first = shards.first, first.header != header {
                throw Failure(message: "\(path): its header differs from \(first.path)'s; expected shards of one sweep with the same columns")
            }
            var line = try reader.next()
            while line?.isEmpty == true { line = try reader.next() }
            if line?.hasPrefix("]") == true { line = nil }
            let point = try line.flatMap { text in try pointNumber(text, format: kind, path: path) }
            shards.append(ShardFile(path: path, header: header, firstPoint: point))
        }
        let kind = format ?? .csv
        var declared = expectedPoints
        if kind == .csv, expectedPoints == nil {
            throw Failure(message: "CSV shards carry no point count, so a missing last shard would go unnoticed; expected --sweep FILE (the sweep they came from)")
        }
        if kind == .json {
            guard let count = jsonPointCount(shards[0].header) else {
                throw Failure(message: "\(shards[0].path): no point_count in the first line; expected a memwall sweep JSON output")
            }
            if let expectedPoints, expectedPoints != count {
                throw Failure(message: "the shards hold a sweep of \(count) points; expected \(expectedPoints)")
            }
            declared = count
        }

        try write(shards[0].header + "\n")
        var next = 0
        for shard in shards.filter({ $0.firstPoint != nil }).sorted(by: { $0.firstPoint! < $1.firstPoint! }) {
            var reader = try LineReader(path: shard.path)
            _ = try reader.next()
            while let line = try reader.next() {
                if kind == .json, line.hasPrefix("]") { break }
                if line.isEmpty { continue }
                let point = try pointNumber(line, format: kind, path: shard.path)
                guard point == next else {
                    throw Failure(message: point < next
                        ? "\(shard.path): point \(point) appears in more than one shard; expected each point once"
                        : "points \(next) to \(point - 1) are in no shard (next is \(point) in \(shard.path)); expected every shard of the sweep")
                }
                switch kind {
                case .csv: try write(line + "\n")
                case .json:
                    let object = line.hasSuffix(",") ? String(line.dropLast()) : line
                    try write((point == 0 ? "" : ",\n") + object)
                }
                next += 1
            }
        }
        if let declared, next != declared {
            throw Failure(message: "the shards hold points 0 to \(next - 1) of \(declared); expected every shard of the sweep (points \(next) and later are missing)")
        }
        if kind == .json {
            try write("\n],\"schema_version\":\(reportSchemaVersion),\"shard\":{\"count\":1,\"index\":0}}\n")
        }
        return next
    }

    static func pointNumber(_ line: String, format: SweepOutput.Format, path: String) throws -> Int {
        let digits: Substring
        switch format {
        case .csv:
            digits = line.prefix { $0 != "," }
        case .json:
            guard let range = line.range(of: "\"point\":") else {
                throw Failure(message: "\(path): a line without a \"point\" key; expected one point object per line")
            }
            digits = line[range.upperBound...].prefix { $0.isNumber }
        }
        guard let value = Int(digits), value >= 0 else {
            throw Failure(message: "\(path): '\(line.prefix(40))' does not start with a point number; expected a memwall sweep output")
        }
        return value
    }

    static func jsonPointCount(_ header: String) -> Int? {
        guard let range = header.range(of: "\"point_count\":") else { return nil }
        return Int(header[range.upperBound...].prefix { $0.isNumber })
    }
}

/// Reads a file line by line in 1 MiB blocks (no line terminators in the result).
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// Where the unread part of `buffer` starts.
    private var start = 0
    private var atEnd = false
    let path: String

    init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SweepMerge.Failure(message: "\(path): cannot open; expected a readable shard file")
        }
        self.handle = handle
    }

    mutating func next() throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { buffer.removeAll(); start = 0 }
                return String(decoding: buffer[start...], as: UTF8.self)
            }
            buffer.removeSubrange(0..<start)
            start = 0
            let block = try handle.read(upToCount: 1 << 20) ?? Data()
            if block.isEmpty { atEnd = true } else { buffer.append(contentsOf: block) }
        }
    }
}
