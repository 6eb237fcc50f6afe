import Foundation

/// C = A B (+ bias) for A `m x k`, B `k x n`, repeated `batch` times, with the
/// output-stationary tiled algorithm: a `bm x bn` tile of C stays in fast memory
/// while k is streamed one column of A and one row of B at a time, so a tile
/// needs `bm*bn*c + bm*a + bn*b` bytes (c, a, b element sizes).
///
/// Traffic: A is read once per column of tiles, B once per row of tiles, C written once:
/// `m*k*ceil(n/bn)*a + k*n*ceil(m/bm)*b + m*n*c` (+ `n*ceil(m/bm)` bias elements).
///
/// Tile choice: the square tile that fits, `b = floor(root of c*b^2 + (a+b')*b = M)`,
/// clipped to the matrix, with the other side grown to fill M, in either orientation;
/// and the balanced tile with the same number of tiles along a side
/// (`ceil(m / ceil(m/b))`), which frees room to widen the other side. The cheapest wins. For the continuous problem min mnk(1/bm + 1/bn) s.t. bm*bn <= M
/// the square tile is optimal (AM-GM), which is the classical argument.
public struct GEMMIO: KernelIOModel {
    public var m: Double, k: Double, n: Double
    public var batch: Double
    public var aBytes: Double, bBytes: Double, cBytes: Double
    public var bias: Bool

    public init(m: Int, k: Int, n: Int, batch: Int = 1, aBytes: Double = 1, bBytes: Double = 1, cBytes: Double = 1,
                bias: Bool = false) {
        self.init(m: Double(m), k: Double(k), n: Double(n), batch: Double(batch), aBytes: aBytes, bBytes: bBytes,
                  cBytes: cBytes, bias: bias)
    }

    public init(m: Double, k: Double, n: Double, batch: Double = 1, aBytes: Double = 1, bBytes: Double = 1,
                cBytes: Double = 1, bias: Bool = false) {
        (self.m, self.k, self.n, self.batch) = (m, k, n, batch)
        (self.aBytes, self.bBytes, self.cBytes, self.bias) = (aBytes, bBytes, cBytes, bias)
    }

    public var algorithm: String { "tiled" }

    /// The tile `(bm, bn)` used for a fast tier of `fastMemoryBytes`; nil if not even 1 x 1 fits.
    public func tile(fastMemoryBytes M: Double) -> (bm: Double, bn: Double)? {
        let (a, b, c) = (aBytes, bBytes, cBytes)
        guard c + a + b <= M else { return nil }
        let square = floor((-(a + b) + sqrt((a + b) * (a + b) + 4 * c * M)) / (2 * c))
        var best: (bm: Double, bn: Double, bytes: Double)?
        func consider(bm rawRows: Double?, bn rawCols: Double?) {
            var bm: Double, bn: Double
            if let rows = rawRows {
                bm = max(1, min(m, rows))
                bn = max(1, min(n, floor((M - bm * a) / (bm * c + b))))
            } else {
                bn = max(1, min(n, rawCols ?? 1))
                bm = max(1, min(m, floor((M - bn * b) / (bn * c + a))))
            }
            guard bm * bn * c + bm * a + bn * b <= M else { return }
            let bytes = streamed(bm: bm, bn: bn)
            if bytes < (best?.bytes ?? .infinity) { best = (bm, bn, bytes) }
        }
        // The square tile in either orientation, and the balanced tile with the same tile count
        // (ceil(m / ceil(m/b)) rows), which leaves room to widen the other side.
        let balancedRows = (m / (m / square).rounded(.up)).rounded(.up)
        let balancedCols = (n / (n / square).rounded(.up)).rounded(.up)
        consider(bm: square, bn: nil)
        consider(bm: nil, bn: square)
        consider(bm: balancedRows, bn: nil)
        consider(bm: nil, bn: balancedCols)
        return best.map { ($0.bm, $0.bn) }
    }

    private func streamed(bm: Double, bn: Double) -> Double {
        m * k * (n / bn).rounded(.up) * aBytes + k * n * (m / bm).rounded(.up) * bBytes
    }

    public func traffic(fastMemoryBytes M: Double) -> Traffic? {
        guard let (bm, bn) = tile(fastMemoryBytes: M) else { return nil }
        let biasBytes = bias ? n * (m / bm).rounded(.up) * cBytes : 0
        return Traffic(readBytes: streamed(bm: bm, bn: bn) + biasBytes, writeBytes: m * n * cBytes) * batch
    }

    public var compulsory: Traffic {
        Traffic(readBytes: m * k * aBytes + k * n * bBytes + (bias ? n * cBytes : 0), writeBytes: m * n * cBytes) * batch
    }

    /// Certified: Irony, Toledo and Tiskin (JPDC 2004): at most `(2M)^(3/2)` multiply-adds per
    /// segment of M transfers (Loomis–Whitney), so `mnk / (2*sqrt(2)*sqrt(M)) - M` words, and
    /// never less than the compulsory traffic. Leading: Smith et al. (arXiv 1702.02017),
    /// `2mnk/sqrt(M)` words, attained by their algorithm.
    public func lowerBound(fastMemoryBytes M: Double) -> IOBound {
        let e = min(aBytes, bBytes, cBytes)
        let words = M / e
        let irony = (m * n * k / (2 * 2.0.squareRoot() * words.squareRoot()) - words) * e
        let smith = 2 * m * n * k / words.squareRoot() * e
        let floor = compulsory.totalBytes / batch
        return IOBound(certifiedBytes: max(floor, irony) * batch, leadingBytes: max(floor, smith) * batch,
                       regime: "2mnk/sqrt(M) (Smith et al. 2017)")
    }
}
