import Foundation

/// One attention problem shape, shared by the attention IO models.
///
/// `problems` independent problems (batch x heads) each attend `queryRows` query rows
/// to `keys` keys of head dimension `headDim`. With GQA packing, the `group` query
/// heads that share a key/value head are stacked into one problem of
/// `group * queries` rows, so each K/V block is loaded once for the whole group.
/// Causal masking aligns queries to the end of the keys: position p sees keys
/// `0 ... p + keys - queries`.
public struct AttentionShape: Sendable, Hashable {
    public var batch: Double
    public var queryHeads: Double
    public var keyValueHeads: Double
    public var queries: Double
    public var keys: Double
    public var headDim: Double
    public var causal: Bool
    /// Stack the query heads of a GQA group into one problem (K/V read once per group).
    public var packGQA: Bool
    /// Element sizes: Q, O, dQ, dO (`queryBytes`); K, V, dK, dV (`keyValueBytes`);
    /// softmax statistics m, l, L, D (`statisticBytes`, fp32 in FlashAttention kernels).
    public var queryBytes: Double
    public var keyValueBytes: Double
    public var statisticBytes: Double

    /// FlashAttention kernels keep the running max and sum (and the log-sum-exp) in fp32.
    public static let flashStatisticBytes = 4.0

    public init(batch: Int = 1, queryHeads: Int = 1, keyValueHeads: Int? = nil, queries: Int, keys: Int? = nil,
                headDim: Int, causal: Bool = false, packGQA: Bool = false, queryBytes: Double = 1,
                keyValueBytes: Double? = nil, statisticBytes: Double? = nil) {
        self.batch = Double(batch)
        self.queryHeads = Double(queryHeads)
        self.keyValueHeads = Double(keyValueHeads ?? queryHeads)
        self.queries = Double(queries)
        self.keys = Double(keys ?? queries)
        self.headDim = Double(headDim)
        self.causal = causal
        self.packGQA = packGQA
        self.queryBytes = queryBytes
        self.keyValueBytes = keyValueBytes ?? queryBytes
        self.statisticBytes = statisticBytes ?? queryBytes
    }

    /// Query heads per key/value head.
    public var group: Double { queryHeads / keyValueHeads }
    /// Independent problems the kernel solves.
    public var problems: Double { packGQA ? batch * keyValueHeads : batch * queryHeads }
    /// Query rows per problem (positions x stacked heads).
    public var rowsPerProblem: Double { packGQA ? queries * group : queries }
    /// Rows that share one query position (the stacked heads when packed).
    public var rowsPerPosition: Double { packGQA ? group : 1 }
    /// Offset from a query's position to the last key it sees.
    public var causalOffset: Double { keys - queries }

    /// Rows (out of `rowsPerProblem`) in row blocks of `blockRows` that see key block starting at `firstKey`:
    /// whole row blocks entirely before the first row that sees the key are skipped.
    func rowsSeeing(firstKey: Double, blockRows: Double) -> Double {
        let rows = rowsPerProblem
        guard causal else { return rows }
        let firstRow = (firstKey - causalOffset) * rowsPerPosition   // first row whose position sees firstKey
        if firstRow <= 0 { return rows }
        if firstRow >= rows { return 0 }
        return rows - (firstRow / blockRows).rounded(.down) * blockRows
    }

    /// Keys (in key blocks of `blockKeys`) seen by a row block whose last row is `lastRow`.
    func keysSeen(lastRow: Double, blockKeys: Double) -> Double {
        guard causal else { return keys }
        let lastKey = (lastRow / rowsPerPosition).rounded(.down) + causalOffset
        if lastKey < 0 { return 0 }
        return min(keys, ((lastKey / blockKeys).rounded(.down) + 1) * blockKeys)
    }

    /// Scores computed (all pairs, or the causal triangle), for bounds.
    public var scoredPairs: Double {
        guard causal else { return queries * keys }
        let first = keys - queries + 1
        return queries * first + queries * (queries - 1) / 2
    }

    /// Reading Q, K, V once and writing O once.
    public var compulsory: Traffic {
        let q = batch * queryHeads * queries * headDim * queryBytes
        let kv = 2 * batch * keyValueHeads * keys * headDim * keyValueBytes
        return Traffic(readBytes: q + kv, writeBytes: q)
    }
}
