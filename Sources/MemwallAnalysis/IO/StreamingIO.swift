/// Ops that touch each element a fixed number of times: their traffic does not
/// depend on the fast tier beyond a minimum.

/// Elementwise ops and copies: every input read once, every output written once.
public struct ElementwiseIO: KernelIOModel {
    public var inputBytes: Double
    public var outputBytes: Double

    public init(inputBytes: Double, outputBytes: Double) {
        self.inputBytes = inputBytes
        self.outputBytes = outputBytes
    }

    public var algorithm: String { "streaming" }
    public func traffic(fastMemoryBytes: Double) -> Traffic? { compulsory }
    public var compulsory: Traffic { Traffic(readBytes: inputBytes, writeBytes: outputBytes) }
    public func lowerBound(fastMemoryBytes: Double) -> IOBound {
        IOBound(certifiedBytes: compulsory.totalBytes, leadingBytes: compulsory.totalBytes, regime: "compulsory")
    }
}

/// Row-wise reductions with a normalising write (softmax, RMSNorm, LayerNorm) over
/// `rows` rows of `rowLength` elements, plus `extraBytes` read once (norm weights).
/// When a row fits in fast memory it is read once and written once; otherwise an
/// online first pass (running max and sum, or sum of squares) reads it and a second
/// pass reads it again and writes the result: `2R L` read, `R L` written.
public struct RowReductionIO: KernelIOModel {
    public var rows: Double
    public var rowLength: Double
    public var elementBytes: Double
    public var extraBytes: Double

    public init(rows: Double, rowLength: Double, elementBytes: Double, extraBytes: Double = 0) {
        self.rows = rows
        self.rowLength = rowLength
        self.elementBytes = elementBytes
        self.extraBytes = extraBytes
    }

    public var algorithm: String { "row-reduction" }

    public func traffic(fastMemoryBytes: Double) -> Traffic? {
        let data = rows * rowLength * elementBytes
        let passes: Double = rowLength * elementBytes <= fastMemoryBytes ? 1 : 2
        return Traffic(readBytes: passes * data + extraBytes, writeBytes: data)
    }

    public var compulsory: Traffic {
        let data = rows * rowLength * elementBytes
        return Traffic(readBytes: data + extraBytes, writeBytes: data)
    }

    public func lowerBound(fastMemoryBytes: Double) -> IOBound {
        IOBound(certifiedBytes: compulsory.totalBytes, leadingBytes: compulsory.totalBytes, regime: "compulsory")
    }
}

/// A GEMM followed by `epilogueOps` elementwise ops on its output (bias add,
/// activation, scaling). Fused, the epilogue runs on the tile in fast memory: only the
/// GEMM's traffic (with the bias read per tile row) moves. Unfused, each epilogue op reads
/// C and writes it back: `2 m n c` bytes per op (plus the bias once).
public struct FusedGEMMIO: KernelIOModel {
    public var gemm: GEMMIO
    public var epilogueOps: Int
    public var fused: Bool

    public init(gemm: GEMMIO, epilogueOps: Int, fused: Bool) {
        self.gemm = gemm
        self.epilogueOps = epilogueOps
        self.fused = fused
    }

    public var algorithm: String { fused ? "fused" : "unfused" }

    public func traffic(fastMemoryBytes: Double) -> Traffic? {
        if fused { return gemm.traffic(fastMemoryBytes: fastMemoryBytes) }
        var plain = gemm
        plain.bias = false
        guard let base = plain.traffic(fastMemoryBytes: fastMemoryBytes) else { return nil }
        let output = gemm.m * gemm.n * gemm.cBytes * gemm.batch
        let biasBytes = gemm.bias ? gemm.n * gemm.cBytes * gemm.batch : 0
        return base + Traffic(readBytes: Double(epilogueOps) * output + biasBytes, writeBytes: Double(epilogueOps) * output)
    }

    public var compulsory: Traffic { gemm.compulsory }

    public func lowerBound(fastMemoryBytes: Double) -> IOBound { gemm.lowerBound(fastMemoryBytes: fastMemoryBytes) }
}
