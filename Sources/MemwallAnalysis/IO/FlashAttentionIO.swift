import Foundation

/// FlashAttention's exact HBM traffic for its published tiling (Dao et al.,
/// arXiv 2205.14135, Algorithms 1 and 4; Dao, arXiv 2307.08691, Algorithms 1 and 2).
///
/// Block sizes for a fast tier of M words (M = bytes / query element size):
/// `Bc = ceil(M/4d)`, `Br = min(ceil(M/4d), d)` with K/V blocks in the outer loop
/// (FlashAttention-1 forward, and both backward passes), and the same sizes with
/// the roles swapped when Q blocks are in the outer loop (FlashAttention-2 forward:
/// `Br = ceil(M/4d)` query rows resident, `Bc = min(ceil(M/4d), d)` keys streamed).
/// The paper sizes blocks to O(M): the working set is up to about 1.25 M + 2d words
/// (see ``workingSetWords(fastMemoryWords:)``).
///
/// Counted per problem and multiplied by the number of problems:
/// - FA1 forward: O, l, m initialised in HBM; per K/V block j: K_j, V_j read; per Q block
///   it meets: Q_i, O_i, l_i, m_i read and O_i, l_i, m_i written.
/// - FA2 forward: per Q block i: Q_i read; each K/V block it meets read; O_i and the
///   log-sum-exp L_i written once.
/// - FA1 backward: dQ, dK, dV initialised in HBM; per K/V block: K_j, V_j read, dK_j, dV_j
///   written; per Q block it meets: Q_i, O_i, dO_i, dQ_i, l_i, m_i read, dQ_i written.
/// - FA2 backward: D = rowsum(dO * O) first (dO, O read, D written), dQ initialised; per K/V
///   block as FA1 but reading Q_i, dO_i, dQ_i, L_i, D_i (O is not needed).
/// Causal masking skips every (Q block, K/V block) pair that is entirely masked.
public struct FlashAttentionIO: KernelIOModel {
    public enum Version: String, Sendable, CaseIterable { case flash1, flash2 }
    public enum Pass: String, Sendable, CaseIterable { case forward, backward }

    public var shape: AttentionShape
    public var version: Version
    public var pass: Pass

    public init(shape: AttentionShape, version: Version = .flash2, pass: Pass = .forward) {
        self.shape = shape
        self.version = version
        self.pass = pass
    }

    public var algorithm: String { pass == .forward ? version.rawValue : "\(version.rawValue)-backward" }

    /// `(outer block, inner block)` sizes in rows/keys for a fast tier of `words` query elements.
    public func blocks(fastMemoryWords words: Double) -> (kv: Double, q: Double) {
        let d = shape.headDim
        let large = (words / (4 * d)).rounded(.up)
        let small = min(large, d)
        // K/V outer (FA1 forward, both backward passes): Bc = large keys, Br = small rows.
        // Q outer (FA2 forward): Br = large rows, Bc = small keys.
        return version == .flash2 && pass == .forward ? (kv: small, q: large) : (kv: large, q: small)
    }

    /// Words live in fast memory for one block pair: Q, O (and dQ, dO) blocks, K, V blocks, the score block
    /// and the row statistics.
    public func workingSetWords(fastMemoryWords words: Double) -> Double {
        let (bc, br) = blocks(fastMemoryWords: words)
        let d = shape.headDim
        let rowBlocks = pass == .forward ? 2.0 : 4.0   // Q, O (+ dQ, dO)
        let keyBlocks = pass == .forward ? 2.0 : 4.0   // K, V (+ dK, dV)
        return rowBlocks * br * d + keyBlocks * bc * d + br * bc + 2 * br
    }

    public func traffic(fastMemoryBytes: Double) -> Traffic? {
        let s = shape
        let d = s.headDim, e = s.queryBytes, ekv = s.keyValueBytes, es = s.statisticBytes
        let words = fastMemoryBytes / e
        guard words >= 4 * d else { return nil }   // a block needs at least one row of Q, K, V, O
        let (bc, br) = blocks(fastMemoryWords: words)
        let rows = s.rowsPerProblem, keys = s.keys
        var read = 0.0, write = 0.0

        switch (version, pass) {
        case (.flash2, .forward):
            read += rows * d * e
            var start = 0.0
            while start < rows {
                let end = min(rows, start + br)
                read += 2 * s.keysSeen(lastRow: end - 1, blockKeys: bc) * d * ekv
                start = end
            }
            write += rows * d * e + rows * es
        case (_, .forward), (_, .backward):
            let perRowRead: Double, perRowWrite: Double
            switch (version, pass) {
            case (.flash1, .forward):
                write += rows * d * e + 2 * rows * es                        // O, l, m initialised
                perRowRead = 2 * d * e + 2 * es; perRowWrite = d * e + 2 * es
            case (.flash1, .backward):
                write += rows * d * e + 2 * keys * d * ekv                   // dQ, dK, dV initialised
                perRowRead = 4 * d * e + 2 * es; perRowWrite = d * e
            default: // flash2 backward
                read += 2 * rows * d * e; write += rows * es                 // D = rowsum(dO * O)
                write += rows * d * e                                        // dQ initialised
                perRowRead = 3 * d * e + 2 * es; perRowWrite = d * e
            }
            var first = 0.0
            while first < keys {
                let width = min(bc, keys - first)
                read += 2 * width * d * ekv                                  // K_j, V_j
                if pass == .backward { write += 2 * width * d * ekv }        // dK_j, dV_j
                let seeing = s.rowsSeeing(firstKey: first, blockRows: br)
                read += seeing * perRowRead
                write += seeing * perRowWrite
                first += width
            }
        }
        return Traffic(readBytes: read, writeBytes: write) * s.problems
    }

    /// Forward: Q, K, V read, O written. Backward: Q, K, V, O, dO read, dQ, dK, dV written.
    public var compulsory: Traffic {
        let c = shape.compulsory
        let q = c.writeBytes, kv = c.readBytes - q
        return pass == .forward ? c : Traffic(readBytes: 3 * q + kv, writeBytes: q + kv)
    }

    public func lowerBound(fastMemoryBytes: Double) -> IOBound {
        AttentionBounds.bound(shape: shape, fastMemoryBytes: fastMemoryBytes, compulsory: compulsory,
                              passes: pass == .forward ? 1 : 2)
    }
}
