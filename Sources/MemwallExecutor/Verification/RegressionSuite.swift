import MemwallModel

/// A regression suite file (Workloads/regression/*.yaml): kernel cases with the
/// relations each must satisfy, and power-law fits of counted IO.
///
/// ```yaml
/// schema_version: 1
/// cases:
///   - { name: fa2-causal, kernel: attention, variant: flash2, seq: 256, head_dim: 16, fast_memory: 512,
///       causal: true, relations: [equals_model, above_certified_bound, { numerics: 1e-12 }, { fewer_words_than: standard }] }
/// fits:
///   - { name: fa2-vs-seq, variant: flash2, vary: seq, values: [256, 512, 1024], head_dim: 16, fast_memory: 512,
///       exponent: 2, tolerance: 0.05 }
/// ```
/// `fast_memory` is in words. FlashAttention sizes its blocks from it and runs in the
/// working set of those blocks. `full: true` marks long cases run only with `--full`.
public struct RegressionSuite: Sendable {
    public var cases: [KernelCase]
    public var fits: [PowerLawFit]

    /// A fit of counted words against sequence length or fast memory.
    public struct PowerLawFit: Sendable, Hashable {
        public enum Axis: String, Sendable, CaseIterable { case seq, fastMemory = "fast_memory" }
        public var name: String
        public var template: KernelCase
        public var axis: Axis
        public var values: [Int]
        public var exponent: Double
        public var tolerance: Double
        public var full: Bool
    }

    static let caseKeys = ["name", "kernel", "variant", "fast_memory", "seq", "queries", "keys", "head_dim", "heads", "kv_heads",
                           "batch", "causal", "pack_gqa", "splits", "m", "k", "n", "rows", "row_length", "relations", "full",
                           "seed", "notes"]
    static let fitKeys = ["name", "variant", "vary", "values", "seq", "head_dim", "heads", "kv_heads", "batch", "fast_memory",
                          "causal", "exponent", "tolerance", "full", "notes"]

    public static func load(contentsOf path: String) throws(SpecError) -> RegressionSuite {
        try RegressionSuite(SpecDocument(contentsOf: path).root)
    }

    public static func parse(_ text: String, file: String = "<suite>") throws(SpecError) -> RegressionSuite {
        try RegressionSuite(SpecDocument(text: text, file: file).root)
    }

    init(_ root: SpecValue) throws(SpecError) {
        let top = try root.mapping()
        try top.allowOnly(["schema_version", "cases", "fits", "description", "notes"])
        if let version = top.optional("schema_version"), try version.int() != 1 {
            throw version.error("schema_version \(try version.int()) is not supported; expected 1")
        }
        var names: Set<String> = []
        func unique(_ value: SpecValue) throws(SpecError) -> String {
            let name = try value.name()
            guard names.insert(name).inserted else { throw value.error("duplicate name '\(name)'; expected unique case and fit names") }
            return name
        }
        cases = try (top.optional("cases")?.sequence() ?? []).map { item throws(SpecError) in
            let map = try item.mapping()
            try map.allowOnly(Self.caseKeys)
            return try Self.kernelCase(map, name: unique(map.required("name")))
        }
        fits = try (top.optional("fits")?.sequence() ?? []).map { item throws(SpecError) in
            let map = try item.mapping()
            try map.allowOnly(Self.fitKeys)
            let name = try unique(map.required("name"))
            let variant = try map.required("variant").oneOf(KernelCase.Variant.self)
            guard variant == .flash1 || variant == .flash2 else {
                throw try map.required("variant").error("fits run FlashAttention; expected flash1 or flash2")
            }
            var template = try Self.kernelCase(map, name: name, kernel: .attention, variant: variant, requireSize: false)
            template.relations = []
            let valuesNode = try map.required("values")
            let values = try valuesNode.sequence().map { v throws(SpecError) in try v.int(in: 1...1_000_000) }
            guard values.count >= 3 else { throw valuesNode.error("expected at least 3 values to fit") }
            return PowerLawFit(name: name, template: template, axis: try map.required("vary").oneOf(PowerLawFit.Axis.self),
                               values: values, exponent: try map.required("exponent").double(in: -10...10),
                               tolerance: try map.required("tolerance").double(in: 0...10), full: try map.optional("full")?.bool() ?? false)
        }
        guard !cases.isEmpty || !fits.isEmpty else { throw root.error("expected at least one entry under 'cases' or 'fits'") }
    }

    private static func kernelCase(_ map: SpecMapping, name: String, kernel fixedKernel: KernelCase.Kernel? = nil,
                                   variant fixedVariant: KernelCase.Variant? = nil,
                                   requireSize: Bool = true) throws(SpecError) -> KernelCase {
        let kernel: KernelCase.Kernel
        if let fixedKernel { kernel = fixedKernel } else { kernel = try map.required("kernel").oneOf(KernelCase.Kernel.self) }
        let variantValue = try map.required("variant")
        let variant: KernelCase.Variant
        if let fixedVariant { variant = fixedVariant } else { variant = try variantValue.oneOf(KernelCase.Variant.self) }
        let size = 1...1_000_000
        func int(_ key: String, _ fallback: Int) throws(SpecError) -> Int { try map.optional(key)?.int(in: size) ?? fallback }
        var c = KernelCase(name: name, kernel: kernel, variant: variant,
                           fastMemoryWords: try map.optional("fast_memory")?.int(in: 1...1_000_000_000) ?? 0)
        if requireSize, c.fastMemoryWords == 0 { _ = try map.required("fast_memory") }
        let seq = try int("seq", 0)
        (c.queries, c.keys) = (try int("queries", seq), try int("keys", seq))
        (c.headDim, c.heads, c.batch) = (try int("head_dim", 0), try int("heads", 1), try int("batch", 1))
        c.keyValueHeads = try int("kv_heads", c.heads)
        (c.m, c.k, c.n, c.rows, c.rowLength) = (try int("m", 0), try int("k", 0), try int("n", 0), try int("rows", 0), try int("row_length", 0))
        c.causal = try map.optional("causal")?.bool() ?? false
        c.packGQA = try map.optional("pack_gqa")?.bool() ?? false
        c.splits = try int("splits", 1)
        c.full = try map.optional("full")?.bool() ?? false
        c.seed = UInt64(try map.optional("seed")?.int(in: 0...Int.max) ?? 1)
        guard c.model(variant) != nil else {
            throw variantValue.error("variant \(variant.rawValue) does not apply to kernel \(kernel.rawValue)")
        }
        switch kernel {
        case .gemm:
            guard c.m > 0, c.k > 0, c.n > 0 else { throw map.owner.error("a gemm case needs m, k and n") }
        case .softmax:
            guard c.rows > 0, c.rowLength > 0 else { throw map.owner.error("a softmax case needs rows and row_length") }
        case .attention, .decodeAttention:
            guard c.headDim > 0, c.queries > 0 || !requireSize, c.keys > 0 || !requireSize else {
                throw map.owner.error("an attention case needs head_dim and seq (or queries and keys)")
            }
            guard c.heads % c.keyValueHeads == 0 else {
                throw try map.required("kv_heads").error("\(c.heads) heads are not a multiple of \(c.keyValueHeads) kv_heads")
            }
        }
        if let list = map.optional("relations") {
            c.relations = try list.sequence().map { item throws(SpecError) in try relation(item) }
        }
        return c
    }

    private static func relation(_ value: SpecValue) throws(SpecError) -> KernelCase.Relation {
        let names = ["equals_model", "above_certified_bound", "numerics", "fewer_words_than", "ratio_to_leading_at_most"]
        if value.isMapping {
            let map = try value.mapping()
            try map.allowOnly(names)
            guard map.entries.count == 1, let (key, argument) = map.entries.first else {
                throw value.error("expected one relation per entry, like { numerics: 1e-12 }")
            }
            switch key {
            case "numerics": return .numericsWithin(try argument.double(in: 0...1))
            case "fewer_words_than": return .fewerWordsThan(try argument.oneOf(KernelCase.Variant.self))
            case "ratio_to_leading_at_most": return .ratioToLeadingAtMost(try argument.double(in: 0...1e12))
            default: throw argument.error("relation '\(key)' takes no argument; write it as a plain item")
            }
        }
        let name = try value.string()
        switch name {
        case "equals_model": return .equalsModel
        case "above_certified_bound": return .aboveCertifiedBound
        default:
            let hint = didYouMean(name, in: names)
            throw value.error("unknown relation '\(name)'\(hint); expected one of \(names.joined(separator: ", "))")
        }
    }
}

/// The measured exponent of a ``RegressionSuite/PowerLawFit``.
public struct FitResult: Sendable, Hashable {
    public var name: String
    public var axis: String
    public var values: [Int]
    public var countedWords: [Int]
    public var exponent: Double
    public var expected: Double
    public var tolerance: Double
    public var rSquared: Double

    public var passed: Bool { abs(exponent - expected) <= tolerance }
}
