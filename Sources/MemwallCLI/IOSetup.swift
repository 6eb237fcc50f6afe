import ArgumentParser
import Foundation
import MemwallAnalysis
import MemwallModel
import MemwallReport

/// The kernels `memwall io` knows, with their algorithms (variants).
enum IOKernelKind: String, CaseIterable, ExpressibleByArgument, Sendable {
    case gemm
    case fusedGEMM = "fused-gemm"
    case attention
    case attentionBackward = "attention-backward"
    case decodeAttention = "decode-attention"
    case softmax

    /// Every variant, in the order `all` lists them.
    var variants: [String] {
        switch self {
        case .gemm: ["tiled"]
        case .fusedGEMM: ["fused", "unfused"]
        case .attention: ["standard", "flash1", "flash2", "square-tile"]
        case .attentionBackward: ["flash1", "flash2"]
        case .decodeAttention: ["decode"]
        case .softmax: ["row-reduction"]
        }
    }

    var isAttention: Bool { self == .attention || self == .attentionBackward || self == .decodeAttention }
}

/// `memwall io`'s options checked and turned into kernel models and fast-memory points.
/// Every problem is a ``CommandFailure/badInput(_:)`` with one line naming the option.
struct IOSetup {
    /// Largest sequence length, keys or queries: the attention models loop over blocks of them.
    static let maxSequence = 1 << 24
    /// Largest other dimension (GEMM sizes, rows, heads, batch).
    static let maxDimension = 1 << 40
    static let maxPoints = 1000
    static let defaultPoints = 17

    enum Mode {
        case fixed(Double)
        case hardware(name: String, boundaries: [(tier: String, fastMemoryBytes: Double)])
        case sweepFastMemory([Double], IOReport.Sweep)
        case sweepSeq(fastMemoryBytes: Double, [Int], IOReport.Sweep)
    }

    let kind: IOKernelKind
    let dtype: DType
    let variants: [String]
    let mode: Mode
    // Shape, defaults applied.
    var m = 0, k = 0, n = 0, batch = 1, epilogue = 2
    var seq: Int?, kvLen: Int?, queries: Int?
    var headDim = 128, heads = 1, kvHeads = 1, splits = 1
    var causal = false, packGQA = false
    var rows = 0, rowLength = 0

    var isSweep: Bool {
        switch mode {
        case .sweepFastMemory, .sweepSeq: true
        case .fixed, .hardware: false
        }
    }

    init(_ c: IOCommand) throws {
        let kind = c.kernel
        self.kind = kind
        guard let dtype = DType(rawValue: c.dtype) else {
            let names = DType.allCases.map(\.rawValue)
            let hint = didYouMean(c.dtype, in: names)
            throw CommandFailure.badInput("--dtype '\(c.dtype)': unknown dtype\(hint); expected one of \(names.joined(separator: ", "))")
        }
        self.dtype = dtype

        // Options that do not belong to the kernel are mistakes, not silently ignored.
        let gemms: Set<IOKernelKind> = [.gemm, .fusedGEMM]
        let attentions: Set<IOKernelKind> = [.attention, .attentionBackward, .decodeAttention]
        let applicability: [(String, Bool, Set<IOKernelKind>)] = [
            ("--m", c.m != nil, gemms), ("--k", c.k != nil, gemms), ("--n", c.n != nil, gemms),
            ("--epilogue", c.epilogue != nil, [.fusedGEMM]),
            ("--batch", c.batch != nil, gemms.union(attentions)),
            ("--seq", c.seq != nil, attentions), ("--kv-len", c.kvLen != nil, attentions),
            ("--head-dim", c.headDim != nil, attentions), ("--heads", c.heads != nil, attentions),
            ("--kv-heads", c.kvHeads != nil, attentions), ("--causal", c.causal, attentions),
            ("--pack-gqa", c.packGQA, attentions), ("--sweep-seq", c.sweepSeq != nil, attentions),
            ("--queries", c.queries != nil, [.decodeAttention]), ("--splits", c.splits != nil, [.decodeAttention]),
            ("--rows", c.rows != nil, [.softmax]), ("--row-length", c.rowLength != nil, [.softmax]),
        ]
        for (option, given, kinds) in applicability where given && !kinds.contains(kind) {
            let owners = IOKernelKind.allCases.filter(kinds.contains).map(\.rawValue).joined(separator: ", ")
            throw CommandFailure.badInput("\(option) does not apply to --kernel \(kind.rawValue); it is for \(owners)")
        }

        func whole(_ option: String, _ value: Int?, from low: Int = 1, to high: Int = IOSetup.maxDimension) throws -> Int? {
            guard let value else { return nil }
            guard value >= low, value <= high else {
                throw CommandFailure.badInput("\(option) \(value): expected a whole number from \(low) to \(high)")
            }
            return value
        }
        func required(_ option: String, _ value: Int?) throws -> Int {
            guard let value else {
                throw CommandFailure.badInput("--kernel \(kind.rawValue) needs \(option); see 'memwall io --help'")
            }
            return value
        }
        batch = try whole("--batch", c.batch) ?? 1
        switch kind {
        case .gemm, .fusedGEMM:
            m = try required("--m", whole("--m", c.m))
            k = try required("--k", whole("--k", c.k))
            n = try required("--n", whole("--n", c.n))
            epilogue = try whole("--epilogue", c.epilogue, from: 0, to: 1000) ?? 2
        case .softmax:
            rows = try required("--rows", whole("--rows", c.rows))
            rowLength = try required("--row-length", whole("--row-length", c.rowLength))
        case .attention, .attentionBackward, .decodeAttention:
            seq = try whole("--seq", c.seq, to: Self.maxSequence)
            kvLen = try whole("--kv-len", c.kvLen, to: Self.maxSequence)
            queries = try whole("--queries", c.queries, to: Self.maxSequence)
            headDim = try whole("--head-dim", c.headDim, to: 1 << 20) ?? 128
            heads = try whole("--heads", c.heads, to: 1 << 20) ?? 1
            kvHeads = try whole("--kv-heads", c.kvHeads, to: 1 << 20) ?? heads
            splits = try whole("--splits", c.splits, to: Self.maxSequence) ?? 1
            causal = c.causal
            packGQA = c.packGQA
            guard heads % kvHeads == 0 else {
                let h = heads
                let divisors = (1...h).filter { h % $0 == 0 }.prefix(8).map(String.init)
                throw CommandFailure.badInput("--kv-heads \(kvHeads) does not divide --heads \(h); expected a divisor of \(h) (\(divisors.joined(separator: ", "))\(divisors.count == 8 ? ", ..." : ""))")
            }
            if c.sweepSeq != nil {
                if seq != nil || kvLen != nil {
                    throw CommandFailure.badInput("--sweep-seq sets the sequence length; drop \(seq != nil ? "--seq" : "--kv-len")")
                }
            } else if kind == .decodeAttention {
                if seq != nil, kvLen != nil {
                    throw CommandFailure.badInput("--kernel decode-attention takes the keys once: --kv-len or --seq, not both (the query positions are --queries)")
                }
                guard seq != nil || kvLen != nil else {
                    throw CommandFailure.badInput("--kernel decode-attention needs --seq or --kv-len (the keys in the cache); see 'memwall io --help'")
                }
            } else {
                _ = try required("--seq", seq)
            }
        }

        // Variants: repeated or comma-separated names, or all.
        let named = c.variant.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var chosen: [String] = []
        for name in named {
            guard name == "all" || kind.variants.contains(name) else {
                let candidates = kind.variants + ["all"]
                let hint = didYouMean(name, in: candidates)
                throw CommandFailure.badInput("--variant '\(name)': not a variant of \(kind.rawValue)\(hint); expected one of \(candidates.joined(separator: ", "))")
            }
            for variant in name == "all" ? kind.variants : [name] where !chosen.contains(variant) { chosen.append(variant) }
        }
        variants = chosen.isEmpty ? kind.variants : chosen

        // Fast memory: one size, a hardware's boundaries, or a sweep.
        if c.sweepFastMemory != nil, c.sweepSeq != nil {
            throw CommandFailure.badInput("give one of --sweep-fast-memory and --sweep-seq, not both")
        }
        if let text = c.sweepFastMemory {
            if c.fastMemory != nil || c.hardware != nil {
                throw CommandFailure.badInput("--sweep-fast-memory sets the fast memory; drop \(c.fastMemory != nil ? "--fast-memory" : "--hardware")")
            }
            let (from, to, points) = try Self.range(text, option: "--sweep-fast-memory") { part in
                try Self.size(part, option: "--sweep-fast-memory", dtype: dtype)
            }
            let sizes = Self.logSpaced(from: from, to: to, points: points)
            mode = .sweepFastMemory(sizes, IOReport.Sweep(parameter: IOReport.Sweep.fastMemory, from: from, to: to, points: sizes.count))
        } else if let text = c.sweepSeq {
            if c.hardware != nil {
                throw CommandFailure.badInput("--sweep-seq needs one fixed fast memory; give --fast-memory SIZE instead of --hardware")
            }
            guard let fast = c.fastMemory else {
                throw CommandFailure.badInput("--sweep-seq needs a fixed fast memory; add --fast-memory SIZE (e.g. --fast-memory 192KiB)")
            }
            let (from, to, points) = try Self.range(text, option: "--sweep-seq") { part in
                guard let value = Int(part), value >= 1, value <= Self.maxSequence else {
                    throw CommandFailure.badInput("--sweep-seq '\(text)': '\(part)' is not a whole number from 1 to \(Self.maxSequence); expected FROM:TO[:POINTS], e.g. 512:131072:9")
                }
                return Double(value)
            }
            var lengths: [Int] = []
            for value in Self.logSpaced(from: from, to: to, points: points) where !lengths.contains(Int(value)) {
                lengths.append(Int(value))
            }
            mode = .sweepSeq(fastMemoryBytes: try Self.size(fast, option: "--fast-memory", dtype: dtype), lengths,
                             IOReport.Sweep(parameter: IOReport.Sweep.seq, from: from, to: to, points: lengths.count))
        } else {
            switch (c.fastMemory, c.hardware) {
            case let (fast?, nil):
                mode = .fixed(try Self.size(fast, option: "--fast-memory", dtype: dtype))
            case let (nil, file?):
                let hw = try failing { try Hardware.load(contentsOf: HardwareLocator.resolve(file)) }
                let compiled = CompiledHardware(hw)
                guard compiled.mainMemoryIndex >= 1 else {
                    throw CommandFailure.badInput("--hardware \(file): main memory '\(compiled.tierNames[compiled.mainMemoryIndex])' is the nearest tier, so there is no boundary to report; expected a hardware with a tier nearer the compute")
                }
                mode = .hardware(name: hw.name, boundaries: (1...compiled.mainMemoryIndex).map {
                    (compiled.tierNames[$0], compiled.fastCapacity[$0])
                })
            case (.some, .some):
                throw CommandFailure.badInput("give one of --fast-memory and --hardware, not both")
            case (nil, nil):
                throw CommandFailure.badInput("no fast memory given; expected --fast-memory SIZE, --hardware FILE or --sweep-fast-memory FROM:TO[:POINTS]")
            }
        }

        // Shape checks that depend on the keys actually used.
        if kind.isAttention {
            let keyCounts: [Int]
            if case .sweepSeq(_, let lengths, _) = mode { keyCounts = lengths } else { keyCounts = [kvLen ?? seq!] }
            let fewest = keyCounts.min() ?? 1
            let queryCount = kind == .decodeAttention ? (queries ?? 1) : nil
            if causal {
                for keys in keyCounts {
                    let q = queryCount ?? (kvLen == nil ? keys : seq!)
                    guard q <= keys else {
                        throw CommandFailure.badInput("--causal with \(q) queries and \(keys) keys: a causal mask needs at least as many keys as queries; expected --kv-len >= \(q)")
                    }
                }
            }
            if kind == .decodeAttention, splits > fewest {
                throw CommandFailure.badInput("--splits \(splits) exceeds the \(fewest) keys; expected at most one split per key")
            }
        }

        if let plot = c.plot {
            guard isSweep else {
                throw CommandFailure.badInput("--plot draws a sweep; add --sweep-fast-memory FROM:TO or --sweep-seq FROM:TO")
            }
            if let output = c.output, URL(fileURLWithPath: output).standardizedFileURL == URL(fileURLWithPath: plot).standardizedFileURL {
                throw CommandFailure.badInput("--plot \(plot) is also --output; expected two different files")
            }
            try Self.checkWritable(plot, option: "--plot")
        }
        // Checked before anything is written, so a bad path leaves no partial result behind.
        if let output = c.output, output != "-" { try Self.checkWritable(output, option: "--output") }
    }

    // MARK: Parsing helpers

    /// A fast-memory size: a quantity with a byte unit, at least 1 B and at least one element of `dtype`
    /// (the bounds are derived for a memory of at least one word).
    static func size(_ text: String, option: String, dtype: DType) throws -> Double {
        let value: Double
        do {
            value = try Bytes(parsing: text).value
        } catch {
            throw CommandFailure.badInput("\(option) '\(text)': \(error.description)")
        }
        let least = max(1, dtype.bytes)
        guard value >= least else {
            throw CommandFailure.badInput("\(option) '\(text)': smaller than one \(dtype.rawValue) element; expected a size of at least \(QuantityFormatter.number(least)) B, like '192 KiB'")
        }
        return value
    }

    /// `FROM:TO[:POINTS]` with FROM < TO and 2 <= POINTS <= 1000.
    static func range(_ text: String, option: String, value: (String) throws -> Double) throws -> (Double, Double, Int) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let example = option == "--sweep-seq" ? "512:131072:9" : "16KiB:64MiB:25"
        guard parts.count == 2 || parts.count == 3 else {
            throw CommandFailure.badInput("\(option) '\(text)': expected FROM:TO[:POINTS], e.g. \(example)")
        }
        let from = try value(parts[0]), to = try value(parts[1])
        guard from < to else {
            throw CommandFailure.badInput("\(option) '\(text)': FROM must be less than TO; expected FROM:TO[:POINTS], e.g. \(example)")
        }
        var points = defaultPoints
        if parts.count == 3 {
            guard let count = Int(parts[2]), count >= 2, count <= maxPoints else {
                throw CommandFailure.badInput("\(option) '\(text)': POINTS '\(parts[2])' is not a whole number from 2 to \(maxPoints)")
            }
            points = count
        }
        return (from, to, points)
    }

    /// `points` values from `from` to `to`, evenly spaced in log, rounded to whole numbers, duplicates dropped.
    static func logSpaced(from: Double, to: Double, points: Int) -> [Double] {
        var values: [Double] = []
        for index in 0..<points {
            let t = Double(index) / Double(points - 1)
            let value = index == points - 1 ? to : from * pow(to / from, t)
            let rounded = value.rounded()
            if values.last != rounded { values.append(rounded) }
        }
        return values
    }

    /// Fails unless `path` names a file (new or existing) in an existing folder.
    static func checkWritable(_ path: String, option: String) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandFailure.badInput("\(option) \(path): is a directory; expected a file path")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard manager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure.badInput("\(option) \(path): no folder \(folder); expected a path in an existing folder")
        }
    }

    // MARK: Models

    /// The attention shape with `sequence` as --seq (queries and keys; keys for decode).
    func attentionShape(sequence: Int?) -> AttentionShape {
        let keys: Int, queryCount: Int
        if kind == .decodeAttention {
            keys = sequence ?? kvLen ?? seq!
            queryCount = queries ?? 1
        } else {
            queryCount = sequence ?? seq!
            keys = sequence ?? kvLen ?? queryCount
        }
        let e = dtype.bytes
        return AttentionShape(batch: batch, queryHeads: heads, keyValueHeads: kvHeads, queries: queryCount, keys: keys,
                              headDim: headDim, causal: causal, packGQA: packGQA, queryBytes: e, keyValueBytes: e,
                              statisticBytes: e)
    }

    /// The chosen variants' models, for a swept sequence length when given.
    func models(sequence: Int? = nil) -> [IOReport.Variant] {
        let e = dtype.bytes
        return variants.map { name in
            let model: any KernelIOModel
            switch kind {
            case .gemm:
                model = GEMMIO(m: m, k: k, n: n, batch: batch, aBytes: e, bBytes: e, cBytes: e)
            case .fusedGEMM:
                let gemm = GEMMIO(m: m, k: k, n: n, batch: batch, aBytes: e, bBytes: e, cBytes: e, bias: epilogue >= 1)
                model = FusedGEMMIO(gemm: gemm, epilogueOps: epilogue, fused: name == "fused")
            case .softmax:
                model = RowReductionIO(rows: Double(rows), rowLength: Double(rowLength), elementBytes: e)
            case .decodeAttention:
                model = DecodeAttentionIO(shape: attentionShape(sequence: sequence), splits: Double(splits))
            case .attention, .attentionBackward:
                let shape = attentionShape(sequence: sequence)
                let pass: FlashAttentionIO.Pass = kind == .attention ? .forward : .backward
                switch name {
                case "standard": model = StandardAttentionIO(shape: shape)
                case "square-tile": model = SquareTiledAttentionIO(shape: shape)
                case "flash1": model = FlashAttentionIO(shape: shape, version: .flash1, pass: pass)
                default: model = FlashAttentionIO(shape: shape, version: .flash2, pass: pass)
                }
            }
            return IOReport.Variant(name: name, model: model)
        }
    }

    /// The kernel's shape for the report; a swept dimension is left out.
    var kernelInfo: IOReport.Kernel {
        var info = IOReport.Kernel(name: kind.rawValue, dtype: dtype.rawValue, element_bytes: dtype.bytes)
        switch kind {
        case .gemm, .fusedGEMM:
            (info.m, info.k, info.n, info.batch) = (m, k, n, batch)
            if kind == .fusedGEMM { (info.epilogue_ops, info.bias) = (epilogue, epilogue >= 1) }
        case .softmax:
            (info.rows, info.row_length) = (rows, rowLength)
        case .attention, .attentionBackward, .decodeAttention:
            if case .sweepSeq = mode {
                if kind == .decodeAttention { info.queries = queries ?? 1 }
            } else {
                let shape = attentionShape(sequence: nil)
                (info.queries, info.keys) = (Int(shape.queries), Int(shape.keys))
            }
            (info.head_dim, info.heads, info.kv_heads, info.batch) = (headDim, heads, kvHeads, batch)
            (info.causal, info.pack_gqa) = (causal, kind == .decodeAttention ? true : packGQA)
            if kind == .decodeAttention { info.splits = splits }
        }
        return info
    }

    func report() throws -> IOReport {
        let e = dtype.bytes
        var rows: [IOReport.Row] = []
        switch mode {
        case .fixed(let fast):
            for variant in models() {
                rows.append(IOReport.row(boundary: "slow", fastMemoryBytes: fast, variant: variant, elementBytes: e))
            }
            return IOReport(kernel: kernelInfo, rows: rows)
        case .hardware(let name, let boundaries):
            let variants = models()
            for boundary in boundaries {
                for variant in variants {
                    rows.append(IOReport.row(boundary: boundary.tier, fastMemoryBytes: boundary.fastMemoryBytes,
                                             variant: variant, elementBytes: e))
                }
            }
            return IOReport(kernel: kernelInfo, hardware: name, rows: rows)
        case .sweepFastMemory(let sizes, let sweep):
            let variants = models()
            for fast in sizes {
                for variant in variants {
                    rows.append(IOReport.row(boundary: "slow", fastMemoryBytes: fast, variant: variant, elementBytes: e))
                }
            }
            return IOReport(kernel: kernelInfo, sweep: sweep, rows: rows)
        case .sweepSeq(let fast, let lengths, let sweep):
            for length in lengths {
                for variant in models(sequence: length) {
                    rows.append(IOReport.row(boundary: "slow", seq: length, fastMemoryBytes: fast, variant: variant,
                                             elementBytes: e))
                }
            }
            return IOReport(kernel: kernelInfo, sweep: sweep, rows: rows)
        }
    }
}
