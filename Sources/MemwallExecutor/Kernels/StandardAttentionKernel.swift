/// Standard attention (FlashAttention paper, Algorithm 0), as ``StandardAttentionIO``
/// counts it: per query head, S = Q K^T (tiled GEMM) to slow memory, P = softmax(S)
/// (masked) back to slow memory, O = P V (tiled GEMM).
public enum StandardAttentionKernel {
    public static func run(_ operands: AttentionOperands, memory: MemoryHierarchy) throws(ExecutorError) {
        guard !operands.shape.packGQA else { throw .invalidShape("standard attention runs per query head; expected packGQA off") }
        let (nq, nk, d) = (operands.queries, operands.keys, operands.d)
        let scores = memory.slowArray(rows: nq, cols: nk)
        let probabilities = memory.slowArray(rows: nq, cols: nk)
        for problem in 0..<operands.problems {
            let kvBase = operands.keyBase(problem: problem)
            try TiledGEMMKernel.run(a: MatrixOperand(operands.q, rowOffset: problem * nq),
                                    b: MatrixOperand(operands.k, rowOffset: kvBase, transposed: true),
                                    c: scores, m: nq, k: d, n: nk, memory: memory)
            try SoftmaxKernel.run(input: scores, output: probabilities, rows: 0..<nq, memory: memory) { row, key in
                operands.visible(position: row, key: key)
            }
            try TiledGEMMKernel.run(a: MatrixOperand(probabilities), b: MatrixOperand(operands.v, rowOffset: kvBase),
                                    c: operands.o, cRowOffset: problem * nq, m: nq, k: nk, n: d, memory: memory)
        }
    }
}
