@testable import MemwallPlanning
import Testing

@Suite struct ShardTests {
    @Test(arguments: [(0, 1), (1, 1), (7, 3), (10, 10), (3, 8), (1_000_003, 17), (100_000_000_000, 999_983)])
    func shardsCoverEveryPointOnceInOrder(total: Int, count: Int) {
        var next = 0
        var sizes: [Int] = []
        for index in 0..<count {
            let range = Shard(index: index, count: count).range(of: total)
            #expect(range.lowerBound == next)
            next = range.upperBound
            sizes.append(range.count)
        }
        #expect(next == total)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
    }

    @Test func parsesAndRefuses() throws {
        #expect(try Shard(parsing: "3/8") == Shard(index: 3, count: 8))
        for bad in ["8/8", "-1/4", "1/0", "a/b", "1", "1/2/3", "0/2000000"] {
            #expect(throws: PlanningError.self) { try Shard(parsing: bad) }
        }
    }

    @Test func readsASlurmJobArray() throws {
        #expect(try Shard.fromSlurm([:]) == nil)
        #expect(try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "16"]) == Shard(index: 4, count: 16))
        // --array=1-16: ids start at SLURM_ARRAY_TASK_MIN.
        #expect(try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "16", "SLURM_ARRAY_TASK_COUNT": "16", "SLURM_ARRAY_TASK_MIN": "1"])
                == Shard(index: 15, count: 16))
        #expect(throws: PlanningError.self) {
            try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "16", "SLURM_ARRAY_TASK_COUNT": "16"])
        }
        // --array=0-6:2: ids 0, 2, 4, 6 are shards 0 to 3 of 4.
        for (id, index) in [(0, 0), (2, 1), (4, 2), (6, 3)] {
            #expect(try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "\(id)", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "2"])
                    == Shard(index: index, count: 4))
        }
        #expect(throws: PlanningError.self) {
            try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "2"])
        }
    }
}
