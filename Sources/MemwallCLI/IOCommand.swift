import ArgumentParser
import Foundation
import MemwallAnalysis
import MemwallModel
import MemwallReport

/// `memwall io`: one kernel's traffic in words and bytes under each algorithm, next to the lower bounds.
struct IOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "io",
        abstract: "IO complexity of one kernel: words and bytes moved per algorithm, next to the lower bounds.",
        discussion: """
        For a fast memory of M bytes (--fast-memory), or at each tier boundary of a
        hardware up to its main memory (--hardware: a boundary is named by the tier
        read, with the fast memory a kernel tile has there), prints per algorithm the
        words read and written, total words and bytes, the certified and leading lower
        bounds in bytes, traffic / leading bound, and the bound's regime. n/a: M is too
        small for the algorithm. Every operand (softmax statistics included) has the
        element size of --dtype, so words = bytes / element size.

        Kernels, shape options and variants (--variant; default all):
          gemm                --m --k --n [--batch]                tiled
          fused-gemm          --m --k --n [--batch --epilogue]     fused, unfused
          attention           --seq [--kv-len --head-dim --heads   standard, flash1,
                              --kv-heads --batch --causal          flash2, square-tile
                              --pack-gqa]
          attention-backward  as attention                         flash1, flash2
          decode-attention    --seq or --kv-len (the keys)         decode
                              [--queries --splits], as attention
          softmax             --rows --row-length                  row-reduction

        Sweeps write CSV unless --format says otherwise; --plot FILE.svg draws each
        variant and the bounds (dashed) against M or N on log-log axes. --sweep-seq
        needs --fast-memory.

        Examples:
          memwall io --kernel gemm --m 4096 --k 4096 --n 4096 --fast-memory "192 KiB"
          memwall io --kernel attention --seq 8192 --heads 32 --kv-heads 8 --causal \\
              --hardware nvidia-h100-sxm-80gb
          memwall io --kernel attention --seq 4096 --head-dim 64 \\
              --sweep-fast-memory 16KiB:16MiB --plot io.svg
          memwall io --kernel attention --variant flash1,flash2 --fast-memory 100KiB \\
              --sweep-seq 512:65536:8 --format table
          memwall io --kernel decode-attention --kv-len 32768 --heads 32 --kv-heads 8 \\
              --splits 8 --fast-memory 227KiB
          memwall io --kernel fused-gemm --m 8192 --k 4096 --n 14336 --epilogue 2 \\
              --fast-memory 227KiB --format json
          memwall io --kernel softmax --rows 32768 --row-length 32768 --dtype fp32 \\
              --fast-memory 64KiB --format csv --output softmax.csv
        """)

    // MARK: Kernel and shape

    @Option(name: .long, help: ArgumentHelp(
        "The kernel family, e.g. --kernel attention.",
        valueName: "kernel"))
    var kernel: IOKernelKind

    @Option(name: .long, help: ArgumentHelp("GEMM rows of A and C (gemm, fused-gemm), e.g. --m 4096.", valueName: "m"))
    var m: Int?
    @Option(name: .long, help: ArgumentHelp("GEMM inner dimension (gemm, fused-gemm), e.g. --k 4096.", valueName: "k"))
    var k: Int?
    @Option(name: .long, help: ArgumentHelp("GEMM columns of B and C (gemm, fused-gemm), e.g. --n 14336.", valueName: "n"))
    var n: Int?
    @Option(name: .long, help: ArgumentHelp(
        "Elementwise ops after the GEMM (fused-gemm; default 2: bias add and activation; the first is the bias add), e.g. --epilogue 3.",
        valueName: "ops"))
    var epilogue: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Sequence length: queries and keys (attention kinds; keys for decode-attention), e.g. --seq 8192.", valueName: "N"))
    var seq: Int?
    @Option(name: .customLong("kv-len"), help: ArgumentHelp(
        "Keys (attention kinds; default --seq), e.g. --kv-len 32768 for decode against a 32K cache.", valueName: "keys"))
    var kvLen: Int?
    @Option(name: .long, help: ArgumentHelp(
        "Query positions per sequence (decode-attention; default 1), e.g. --queries 4 for speculative decoding.",
        valueName: "count"))
    var queries: Int?
    @Option(name: .customLong("head-dim"), help: ArgumentHelp("Head dimension d (attention kinds; default 128), e.g. --head-dim 64.",
                                                                 valueName: "d"))
    var headDim: Int?
    @Option(name: .long, help: ArgumentHelp("Query heads (attention kinds; default 1), e.g. --heads 32.", valueName: "H"))
    var heads: Int?
    @Option(name: .customLong("kv-heads"), help: ArgumentHelp(
        "Key/value heads, dividing --heads (attention kinds; default --heads), e.g. --kv-heads 8 for GQA.", valueName: "count"))
    var kvHeads: Int?
    @Option(name: .long, help: ArgumentHelp(
        "Independent problems (default 1): sequences for attention, GEMMs for gemm, e.g. --batch 8.", valueName: "count"))
    var batch: Int?
    @Flag(name: .long, help: "Causal mask, queries aligned to the end of the keys (attention kinds), e.g. --causal.")
    var causal = false
    @Flag(name: .customLong("pack-gqa"), help: "Stack the query heads of a GQA group into one problem, so K/V are read once per group (attention kinds), e.g. --pack-gqa.")
    var packGQA = false
    @Option(name: .long, help: ArgumentHelp("Split-KV chunks (decode-attention; default 1), e.g. --splits 8.", valueName: "S"))
    var splits: Int?
    @Option(name: .long, help: ArgumentHelp("Rows (softmax), e.g. --rows 32768.", valueName: "count"))
    var rows: Int?
    @Option(name: .customLong("row-length"), help: ArgumentHelp("Elements per row (softmax), e.g. --row-length 32768.",
                                                                  valueName: "count"))
    var rowLength: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Algorithms to compare, repeated or comma-separated, or all (default): e.g. --variant flash1,flash2.",
        valueName: "name"))
    var variant: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Element type of every operand: fp64, fp32, tf32, bf16, fp16, fp8, int64, int32, int8 or int4, e.g. --dtype fp32.",
        valueName: "dtype"))
    var dtype = "bf16"

    // MARK: Fast memory

    @Option(name: .customLong("fast-memory"), help: ArgumentHelp(
        "Fast memory size M, with a unit, e.g. --fast-memory \"192 KiB\" or --fast-memory 64KiB.", valueName: "size"))
    var fastMemory: String?

    @Option(name: .long, help: ArgumentHelp(
        "Hardware file or shipped name: one row per tier boundary up to main memory, e.g. --hardware nvidia-h100-sxm-80gb.",
        valueName: "file"))
    var hardware: String?

    @Option(name: .customLong("sweep-fast-memory"), help: ArgumentHelp(
        "Sweep M over log-spaced sizes (default 17 points), e.g. --sweep-fast-memory 16KiB:64MiB:25.",
        valueName: "from:to[:points]"))
    var sweepFastMemory: String?

    @Option(name: .customLong("sweep-seq"), help: ArgumentHelp(
        "Sweep the sequence length over log-spaced integers (attention kinds; needs --fast-memory; default 17 points), e.g. --sweep-seq 512:131072.",
        valueName: "from:to[:points]"))
    var sweepSeq: String?

    // MARK: Output

    @Option(name: .long, help: ArgumentHelp(
        "Output format: table, csv or json (default table; csv for sweeps), e.g. --format json.", valueName: "format"))
    var format: ReportFormat?

    @Option(name: .long, help: ArgumentHelp("Write the result to this file instead of standard output, e.g. --output io.csv.",
                                            valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("With a sweep, also write a log-log SVG plot to this file, e.g. --plot io.svg.",
                                            valueName: "file"))
    var plot: String?

    func run() throws {
        let setup = try IOSetup(self)
        let report = try setup.report()
        let text: String
        switch format ?? (setup.isSweep ? .csv : .table) {
        case .table: text = IOReport.table(report)
        case .csv: text = IOReport.csv(report)
        case .json: text = try IOReport.json(report)
        }
        if let plot { try Console.write(IOReport.plot(report), to: plot, option: "--plot") }
        try Console.write(text, to: output)
    }
}
