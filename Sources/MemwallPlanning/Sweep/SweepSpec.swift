import Foundation
import MemwallModel

/// A sweep file: one model, a list of hardware, and the axes to vary.
///
/// ```yaml
/// schema_version: 1
/// name: llama-3-70b-serving
/// workload: ../llama-3-70b-decode.yaml        # model workload or config.json, relative to this file
/// fixed: { prompt_len: 2048, kv_dtype: bf16 }  # one value each
/// cartesian:                                  # every combination, first key slowest
///   hardware: [nvidia-h100-sxm-80gb, nvidia-h200-sxm-141gb]
///   context_len: { from: 1024, to: 131072, factor: 2 }
/// zip:                                        # advance together (equal lengths), after the cartesian axes
///   tp: [1, 2, 4]
///   batch: [8, 16, 32]
/// columns: [hardware, context_len, tpot_s]    # default: all
/// plot: { x: context_len, y: tpot_s, series: hardware, log_x: true, log_y: true }
/// ```
///
/// Points are numbered in that order (mixed radix, the last axis fastest), so any point, and
/// any contiguous shard, can be produced without enumerating the rest.
public struct SweepSpec: Sendable {
    public var name: String
    public var description: String?
    public var model: WorkloadLoader.ModelDescription
    public var hardware: [Hardware]
    /// The request every point starts from (the workload's parameters and `fixed`).
    public var base: ServingRequest
    public var baseHardware: Int
    /// Each group advances as one digit: a cartesian axis alone, or the zip axes together.
    public var groups: [[SweepAxis]]
    public var columns: [String]?
    public var plot: PlotSpec?
    public let pointCount: Int

    /// What to draw: `y` against `x`, one line per value of `series`.
    public struct PlotSpec: Sendable, Hashable {
        public var x: String
        public var y: String
        public var series: String?
        public var logX: Bool
        public var logY: Bool
    }

    /// Most points one sweep may have (about a day at a million points per second per core):
    /// past it the file is almost surely wrong.
    public static let maximumPoints = 100_000_000_000
    static let keys = ["schema_version", "name", "description", "workload", "set", "fixed", "cartesian", "zip",
                       "columns", "plot", "notes"]

    /// Loads a sweep file; `hardware` resolves a hardware name that is not a path next to the file.
    public static func load(contentsOf path: String,
                            resolveHardware: (String) throws(SpecError) -> Hardware) throws(SpecError) -> SweepSpec {
        try load(SpecDocument(contentsOf: path), folder: URL(fileURLWithPath: path).deletingLastPathComponent(),
                 resolveHardware: resolveHardware)
    }

    /// Loads a parsed sweep document whose relative paths are relative to `folder`.
    public static func load(_ document: SpecDocument, folder: URL,
                            resolveHardware: (String) throws(SpecError) -> Hardware) throws(SpecError) -> SweepSpec {
        let path = document.file
        let top = try document.root.mapping()
        try top.allowOnly(keys)
        try checkSchemaVersion(top, supported: 1)

        let workloadValue = try top.required("workload")
        let workloadPath = try resolve(try workloadValue.name(), in: folder)
        var overrides: [ParameterOverride] = []
        if let set = top.optional("set") {
            for (key, value) in try set.mapping().entries { overrides.append(ParameterOverride(key: key, value: value)) }
        }
        let model: WorkloadLoader.ModelDescription
        do { model = try WorkloadLoader.loadModel(contentsOf: workloadPath, overrides: overrides) } catch {
            if error.file == workloadPath, error.line == nil { throw workloadValue.error(error.message) }
            throw error
        }

        var hardware: [Hardware] = []
        var hardwareIndex: [String: Int] = [:]
        func hardwareAxisValue(_ value: SpecValue) throws(SpecError) -> Int {
            let name = try value.name()
            if let index = hardwareIndex[name] { return index }
            let local = try resolve(name, in: folder)
            let loaded: Hardware
            do {
                loaded = FileManager.default.fileExists(atPath: local) && !name.isEmpty
                    ? try Hardware.load(contentsOf: local) : try resolveHardware(name)
            } catch {
                if error.line == nil { throw value.error(error.message) }
                throw error
            }
            hardware.append(loaded)
            hardwareIndex[name] = hardware.count - 1
            return hardware.count - 1
        }

        var base = ServingRequest(model.parameters)
        var baseHardware: Int?
        var seen: [SweepAxis.Key: String] = [:]
        func key(_ text: String, _ value: SpecValue, section: String) throws(SpecError) -> SweepAxis.Key {
            guard let key = SweepAxis.Key(rawValue: text) else {
                let names = SweepAxis.Key.allCases.map(\.rawValue)
                throw value.error("unknown sweep key '\(text)'\(didYouMean(text, in: names)); expected one of \(names.joined(separator: ", "))")
            }
            if let earlier = seen[key] { throw value.error("'\(text)' is already set in '\(earlier)'; expected each key in one section") }
            seen[key] = section
            return key
        }

        if let fixed = top.optional("fixed") {
            for (name, value) in try fixed.mapping().entries {
                let axis = try SweepAxis.read(try key(name, value, section: "fixed"), value, hardware: hardwareAxisValue)
                guard axis.values.count == 1 else { throw value.error("'fixed' takes one value; expected a single value, or move '\(name)' to cartesian") }
                var h = 0
                axis.apply(0, to: &base, hardware: &h)
                if axis.key == .hardware { baseHardware = h }
            }
        }
        var groups: [[SweepAxis]] = []
        if let cartesian = top.optional("cartesian") {
            for (name, value) in try cartesian.mapping().entries {
                groups.append([try SweepAxis.read(try key(name, value, section: "cartesian"), value, hardware: hardwareAxisValue)])
            }
        }
        if let zip = top.optional("zip") {
            var group: [SweepAxis] = []
            for (name, value) in try zip.mapping().entries {
                let axis = try SweepAxis.read(try key(name, value, section: "zip"), value, hardware: hardwareAxisValue)
                if let first = group.first, first.values.count != axis.values.count {
                    throw value.error("'\(name)' has \(axis.values.count) values but '\(first.key.rawValue)' has \(first.values.count); expected zip lists of one length")
                }
                group.append(axis)
            }
            if !group.isEmpty { groups.append(group) }
        }
        guard !hardware.isEmpty else {
            throw top.owner.error("no hardware; expected 'hardware' in fixed, cartesian or zip")
        }

        var count = 1
        for group in groups {
            let (product, overflow) = count.multipliedReportingOverflow(by: group[0].values.count)
            guard !overflow, product <= maximumPoints else {
                throw top.owner.error("the axes make more than \(maximumPoints) points; expected fewer values per axis or shards of a smaller sweep")
            }
            count = product
        }

        let columns = try top.optional("columns").map { value throws(SpecError) in
            try value.sequence().map { item throws(SpecError) in try column(item) }
        }
        let plot = try top.optional("plot").map { value throws(SpecError) in try readPlot(value) }
        return SweepSpec(
            name: try top.optional("name")?.name() ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
            description: try top.optional("description")?.string(), model: model, hardware: hardware, base: base,
            baseHardware: baseHardware ?? 0, groups: groups, columns: columns, plot: plot, pointCount: count)
    }

    /// A column name of the output (``ServingColumns``, or `point`).
    static func column(_ value: SpecValue) throws(SpecError) -> String {
        let name = try value.name()
        let known = ["point"] + ServingColumns.keys
        guard known.contains(name) else {
            throw value.error("unknown column '\(name)'\(didYouMean(name, in: known)); expected one of \(known.joined(separator: ", "))")
        }
        return name
    }

    static func resolve(_ relative: String, in folder: URL) throws(SpecError) -> String {
        relative.hasPrefix("/") ? relative : folder.appendingPathComponent(relative).path
    }

    static func readPlot(_ value: SpecValue) throws(SpecError) -> PlotSpec {
        let map = try value.mapping()
        try map.allowOnly(["x", "y", "series", "log_x", "log_y"])
        return PlotSpec(x: try column(map.required("x")), y: try column(map.required("y")),
                        series: try map.optional("series").map { value throws(SpecError) in try column(value) },
                        logX: try map.optional("log_x")?.bool() ?? false, logY: try map.optional("log_y")?.bool() ?? false)
    }

    /// The hardware index and request of point `index` (0 ..< pointCount).
    public func point(_ index: Int) -> (hardware: Int, request: ServingRequest) {
        var request = base
        var hardware = baseHardware
        var rest = index
        for group in groups.reversed() {
            let size = group[0].values.count
            let digit = rest % size
            rest /= size
            for axis in group { axis.apply(digit, to: &request, hardware: &hardware) }
        }
        return (hardware, request)
    }
}
