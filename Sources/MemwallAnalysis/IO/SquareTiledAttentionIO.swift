import Foundation

/// The small-cache algorithm for M < d^2 (Saha and Ye, arXiv 2402.07443): square
/// blocks of `B = floor(sqrt(M/4))` query rows by `B` keys, with the head dimension
/// streamed in chunks of `B`, so fast memory holds a score block and one chunk of two
/// operands (`3B^2 + 2B <= M` for M >= 16).
///
/// Per query block I (r rows), for each key block J it meets (causal blocks skipped):
/// S_IJ accumulates Q[I, chunk] K[J, chunk]^T over the d/B chunks (Q_I and K_J read once
/// each), the online softmax updates the resident row max and sum, then for each chunk
/// O[I, chunk] is read (not for the first J), updated with P_IJ V[J, chunk] (V_J read) and
/// written. A final pass reads and writes O_I to divide by the row sums.
/// Leading term: `(N/B)^2 * 5Bd = 10 N^2 d / sqrt(M)` words.
public struct SquareTiledAttentionIO: KernelIOModel {
    public var shape: AttentionShape

    public init(shape: AttentionShape) { self.shape = shape }

    public var algorithm: String { "square-tile" }

    public static func block(fastMemoryWords words: Double) -> Double { (words / 4).squareRoot().rounded(.down) }

    public func traffic(fastMemoryBytes: Double) -> Traffic? {
        let s = shape
        let d = s.headDim, e = s.queryBytes, ekv = s.keyValueBytes
        let words = fastMemoryBytes / e
        guard words >= 16 else { return nil }
        let b = Self.block(fastMemoryWords: words)
        let rows = s.rowsPerProblem
        var read = 0.0, write = 0.0
        var start = 0.0
        while start < rows {
            let r = min(b, rows - start)
            let keys = s.keysSeen(lastRow: start + r - 1, blockKeys: b)
            let blocks = (keys / b).rounded(.up)
            read += blocks * r * d * e + 2 * keys * d * ekv + max(0, blocks - 1) * r * d * e + r * d * e
            write += blocks * r * d * e + r * d * e
            start += r
        }
        return Traffic(readBytes: read, writeBytes: write) * s.problems
    }

    public var compulsory: Traffic { shape.compulsory }

    public func lowerBound(fastMemoryBytes: Double) -> IOBound {
        AttentionBounds.bound(shape: shape, fastMemoryBytes: fastMemoryBytes, compulsory: compulsory)
    }
}
