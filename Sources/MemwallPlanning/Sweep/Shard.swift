/// One of `count` contiguous slices of a sweep's points, for batch clusters.
///
/// Shard `index` (0-based) of `count` holds points `index x N / count ..< (index + 1) x N / count`:
/// every point in exactly one shard, shard sizes within one of each other, and shards in
/// index order are the points in order, so concatenation is the unsharded output.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public static let whole = Shard(index: 0, count: 1)
    /// Most shards a sweep can be cut into.
    public static let maximumCount = 1_000_000

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// Parses `i/n` with 0 <= i < n.
    public init(parsing text: String) throws(PlanningError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw PlanningError("--shard \(text): expected i/n, e.g. 0/8 for the first of 8 shards")
        }
        try self.init(checking: index, count, source: "--shard \(text)")
    }

    init(checking index: Int, _ count: Int, source: String) throws(PlanningError) {
        guard (1...Self.maximumCount).contains(count) else {
            throw PlanningError("\(source): \(count) shards; expected 1 to \(Self.maximumCount)")
        }
        guard (0..<count).contains(index) else {
            throw PlanningError("\(source): shard index \(index); expected 0 to \(count - 1) (shards count from 0)")
        }
        self.init(index: index, count: count)
    }

    /// The shard a Slurm job array task is: `(SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) /
    /// SLURM_ARRAY_TASK_STEP` of `SLURM_ARRAY_TASK_COUNT` (`--array=0-6:2` has ids 0, 2, 4, 6);
    /// nil outside a job array.
    public static func fromSlurm(_ environment: [String: String]) throws(PlanningError) -> Shard? {
        guard let idText = environment["SLURM_ARRAY_TASK_ID"], let countText = environment["SLURM_ARRAY_TASK_COUNT"] else { return nil }
        let minText = environment["SLURM_ARRAY_TASK_MIN"] ?? "0"
        let stepText = environment["SLURM_ARRAY_TASK_STEP"] ?? "1"
        let source = "SLURM_ARRAY_TASK_ID=\(idText) (min \(minText), step \(stepText)) of SLURM_ARRAY_TASK_COUNT=\(countText)"
        guard let id = Int(idText), let count = Int(countText), let min = Int(minText), let step = Int(stepText), step >= 1 else {
            throw PlanningError("\(source): expected whole numbers and a step of at least 1")
        }
        let (offset, overflow) = id.subtractingReportingOverflow(min)
        guard !overflow, offset % step == 0 else {
            throw PlanningError("\(source): the id is not min + a multiple of the step; expected a task of this array")
        }
        return try Shard(checking: offset / step, count, source: source)
    }

    /// This shard's points out of `total`.
    public func range(of total: Int) -> Range<Int> {
        Self.split(total, index, count)..<Self.split(total, index + 1, count)
    }

    /// floor(total x i / count) without overflow.
    static func split(_ total: Int, _ i: Int, _ count: Int) -> Int {
        let (high, low) = total.multipliedFullWidth(by: i)
        return count.dividingFullWidth((high, low)).quotient
    }
}
