import Foundation
import MemwallAnalysis
import MemwallNumerics

/// What a verified run measured, what the model predicted, the bounds, and any violations.
public struct CaseResult: Sendable, Hashable {
    public var name: String
    public var kernel: String
    public var variant: String
    public var fastMemoryWords: Int
    public var capacityWords: Int
    public var peakFastWords: Int
    public var wordsLoaded: Int
    public var wordsStored: Int
    public var predictedWords: Double?
    public var certifiedBoundWords: Double
    public var leadingBoundWords: Double
    public var maxRelativeError: Double
    /// Against GSL's dgemm, for GEMM cases.
    public var gslRelativeError: Double?
    public var seconds: Double
    public var violations: [String]

    public var countedWords: Int { wordsLoaded + wordsStored }
    public var ratioToLeading: Double { Double(countedWords) / leadingBoundWords }
    public var passed: Bool { violations.isEmpty }
    /// Words the hierarchy counted per second of kernel time.
    public var wordsPerSecond: Double { seconds > 0 ? Double(countedWords) / seconds : 0 }
}

/// Runs a ``KernelCase`` on real numbers and checks its relations.
public enum Verifier {
    public static func run(_ c: KernelCase) throws(ExecutorError) -> CaseResult {
        guard c.footprintElements <= KernelCase.maximumElements else {
            throw .invalidShape("case '\(c.name)' needs \(Int(c.footprintElements)) elements; expected at most \(Int(KernelCase.maximumElements))")
        }
        guard let model = c.model(c.variant) else {
            throw .invalidShape("case '\(c.name)': variant \(c.variant.rawValue) does not apply to kernel \(c.kernel.rawValue)")
        }
        var values = SeededValues(seed: c.seed)
        let memory = MemoryHierarchy(fastCapacityWords: c.capacityWords)
        let clock = ContinuousClock()
        var output: [Double] = [], reference: [Double] = [], gslError: Double?
        let elapsed: Duration

        switch c.kernel {
        case .gemm:
            let a = values.array(c.m * c.k), b = values.array(c.k * c.n)
            let (aArray, bArray) = (memory.slowArray(rows: c.m, cols: c.k, values: a), memory.slowArray(rows: c.k, cols: c.n, values: b))
            let cArray = memory.slowArray(rows: c.m, cols: c.n)
            let start = clock.now
            try TiledGEMMKernel.run(a: MatrixOperand(aArray), b: MatrixOperand(bArray), c: cArray, m: c.m, k: c.k, n: c.n, memory: memory)
            elapsed = clock.now - start
            output = memory.contents(of: cArray)
            reference = NaiveReference.matmul(a, b, m: c.m, k: c.k, n: c.n)
            if let blas = try? GSL.dgemm(a, b, m: c.m, k: c.k, n: c.n) { gslError = NaiveReference.maxRelativeError(output, blas) }
        case .softmax:
            let x = values.array(c.rows * c.rowLength, scale: 4)
            let input = memory.slowArray(rows: c.rows, cols: c.rowLength, values: x)
            let result = memory.slowArray(rows: c.rows, cols: c.rowLength)
            let start = clock.now
            try SoftmaxKernel.run(input: input, output: result, rows: 0..<c.rows, memory: memory)
            elapsed = clock.now - start
            output = memory.contents(of: result)
            reference = x
            for r in 0..<c.rows {
                let row = x[(r * c.rowLength)..<((r + 1) * c.rowLength)]
                let maximum = row.max()!
                let sum = row.reduce(0) { $0 + exp($1 - maximum) }
                for j in 0..<c.rowLength { reference[r * c.rowLength + j] = exp(x[r * c.rowLength + j] - maximum) / sum }
            }
        case .attention, .decodeAttention:
            let shape = c.attentionShape
            let q = values.array(c.batch * c.heads * c.queries * c.headDim)
            let k = values.array(c.batch * c.keyValueHeads * c.keys * c.headDim)
            let v = values.array(c.batch * c.keyValueHeads * c.keys * c.headDim)
            let operands = AttentionOperands(shape: shape, in: memory, q: q, k: k, v: v)
            let start = clock.now
            switch c.variant {
            case .standard: try StandardAttentionKernel.run(operands, memory: memory)
            case .flash1: try FlashAttentionKernel.run(operands, version: .flash1, blockMemoryWords: c.fastMemoryWords, memory: memory)
            case .flash2: try FlashAttentionKernel.run(operands, version: .flash2, blockMemoryWords: c.fastMemoryWords, memory: memory)
            case .squareTile: try SquareTiledAttentionKernel.run(operands, memory: memory)
            case .splitKV: try DecodeAttentionKernel.run(operands, splits: c.splits, memory: memory)
            case .tiled, .rowReduction: throw .invalidShape("case '\(c.name)': \(c.variant.rawValue) is not an attention variant")
            }
            elapsed = clock.now - start
            output = memory.contents(of: operands.o)
            reference = NaiveReference.attention(q: q, k: k, v: v, batch: c.batch, queryHeads: c.heads,
                                                 keyValueHeads: c.keyValueHeads, queries: c.queries, keys: c.keys,
                                                 d: c.headDim, causal: c.causal)
        }

        let capacity = Double(c.capacityWords)
        let bound = model.lowerBound(fastMemoryBytes: capacity)
        var result = CaseResult(
            name: c.name, kernel: c.kernel.rawValue, variant: c.variant.rawValue, fastMemoryWords: c.fastMemoryWords,
            capacityWords: c.capacityWords, peakFastWords: memory.peakFastWords, wordsLoaded: memory.wordsLoaded,
            wordsStored: memory.wordsStored, predictedWords: model.traffic(fastMemoryBytes: Double(c.fastMemoryWords))?.totalBytes,
            certifiedBoundWords: bound.certifiedBytes, leadingBoundWords: bound.leadingBytes,
            maxRelativeError: NaiveReference.maxRelativeError(output, reference), gslRelativeError: gslError,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18, violations: [])
        result.violations = violations(of: result, in: c)
        return result
    }

    static func violations(of r: CaseResult, in c: KernelCase) -> [String] {
        var found: [String] = []
        let counted = Double(r.countedWords)
        for relation in c.relations {
            switch relation {
            case .equalsModel:
                if r.predictedWords != counted {
                    found.append("counted \(r.countedWords) words, model predicts \(r.predictedWords.map { String(Int64($0)) } ?? "n/a")")
                }
            case .aboveCertifiedBound:
                if counted < r.certifiedBoundWords { found.append("counted \(r.countedWords) words, below the certified bound \(r.certifiedBoundWords)") }
            case .ratioToLeadingAtMost(let limit):
                if r.ratioToLeading > limit { found.append("ratio to the leading bound \(r.ratioToLeading) exceeds \(limit)") }
            case .fewerWordsThan(let other):
                if let words = c.model(other)?.traffic(fastMemoryBytes: Double(c.fastMemoryWords))?.totalBytes, counted >= words {
                    found.append("counted \(r.countedWords) words, not fewer than \(other.rawValue)'s \(Int64(words))")
                }
            case .numericsWithin(let tolerance):
                if !(r.maxRelativeError <= tolerance) { found.append("max relative error \(r.maxRelativeError) exceeds \(tolerance)") }
                if let gsl = r.gslRelativeError, !(gsl <= tolerance) { found.append("differs from GSL dgemm by \(gsl), above \(tolerance)") }
            }
        }
        if r.peakFastWords > r.capacityWords { found.append("used \(r.peakFastWords) fast words of \(r.capacityWords)") }
        return found
    }
}

/// Deterministic uniform values in [-scale, scale].
struct SeededValues {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func array(_ count: Int, scale: Double = 1) -> [Double] {
        (0..<count).map { _ in generator.nextSigned() * scale }
    }
}
