import MemwallAnalysis
import MemwallModel

/// Finds the cheapest way to serve a model within a ``ServiceLevel``: which hardware, how many
/// devices split how (tensor, pipeline, expert parallelism), what batch, and how many replicas.
///
/// For every hardware and split that fits the device budget, the batch is the largest whose
/// time per output token meets the target and whose KV cache fits (time per token grows with
/// batch, throughput too, so a binary search finds it); replicas are added until the total
/// throughput meets its target, and the batch is then lowered as far as that throughput allows.
/// Cost is dollars per hour for every device; ties go to fewer devices, then to the lower
/// time per token.
public struct Planner: Sendable {
    public var model: WorkloadLoader.ModelDescription
    public var hardware: [Hardware]
    public var engine: RooflineEngine
    public var price: Price?
    /// Most devices a deployment may use (over all replicas).
    public var maxDevices: Int
    /// Prompt and context lengths of the requests being served.
    public var promptLength: Int
    public var contextLength: Int

    /// Largest batch the search considers.
    public static let maximumBatch = 1 << 20

    public init(model: WorkloadLoader.ModelDescription, hardware: [Hardware], engine: RooflineEngine = RooflineEngine(),
                price: Price? = nil, maxDevices: Int, promptLength: Int, contextLength: Int) {
        self.model = model
        self.hardware = hardware
        self.engine = engine
        self.price = price
        self.maxDevices = maxDevices
        self.promptLength = promptLength
        self.contextLength = contextLength
    }

    /// One candidate deployment and how it meets (or misses) the targets.
    public struct Candidate: Sendable {
        public var estimate: ServingEstimate
        public var replicas: Int
        public var devices: Int { replicas * estimate.devices }
        public var dollarsPerHour: Double? { estimate.dollarsPerHour.map { $0 * Double(replicas) } }
        public var throughput: Double { estimate.throughput * Double(replicas) }
        public var meetsTargets: Bool
        /// What limits it: the target or capacity with the least room, in words.
        public var binding: String
        /// How far it misses: the largest ratio of achieved to target over the missed targets (1 when met).
        public var shortfall: Double
    }

    public struct Result: Sendable {
        /// Feasible candidates, cheapest first (one per hardware and split).
        public var feasible: [Candidate]
        /// When nothing is feasible: the candidate that misses its targets by the least.
        public var closest: Candidate?
        /// Hardware files skipped, with the reason (no price, no peer link for the splits tried).
        public var notes: [String]
    }

    /// Splits worth trying for this model within `devices` devices (see ``Parallelism/candidates(for:upTo:)``).
    public func splits(upTo devices: Int) -> [Parallelism] { Parallelism.candidates(for: model.config, upTo: devices) }

    public func plan(_ targets: ServiceLevel) throws(PlanningError) -> Result {
        var feasible: [Candidate] = []
        var closest: Candidate?
        var notes: [String] = []
        for device in hardware {
            guard device.price != nil || price != nil else {
                notes.append("\(device.id): no price in the file; skipped (give --price)")
                continue
            }
            let serving = ServingModel(config: model.config, modelName: model.name, hardware: CompiledHardware(device),
                                       engine: engine, price: price)
            let budget = serving.deviceBudget(maxDevices)
            var cache = ServingModel.StepCache()
            for split in splits(upTo: budget) {
                guard let candidate = try best(serving, split, targets, cache: &cache) else { continue }
                if candidate.meetsTargets {
                    feasible.append(candidate)
                } else if candidate.shortfall < (closest?.shortfall ?? .infinity) {
                    closest = candidate
                }
            }
            if device.peerLink == nil { notes.append("\(device.id): no link with 'role: peer'; only single-device splits tried") }
        }
        feasible.sort { a, b in
            let (x, y) = (a.dollarsPerHour ?? .infinity, b.dollarsPerHour ?? .infinity)
            if x != y { return x < y }
            if a.devices != b.devices { return a.devices < b.devices }
            return a.estimate.timePerOutputToken < b.estimate.timePerOutputToken
        }
        return Result(feasible: feasible, closest: feasible.isEmpty ? closest : nil, notes: notes)
    }

    /// The best batch and replica count for one hardware and split; nil when the weights alone do not fit.
    func best(_ serving: ServingModel, _ split: Parallelism, _ targets: ServiceLevel,
              cache: inout ServingModel.StepCache) throws(PlanningError) -> Candidate? {
        func estimate(_ batch: Int) throws(PlanningError) -> ServingEstimate {
            try serving.estimate(request(batch: batch, split), cache: &cache)
        }
        let one = try estimate(1)
        guard one.maxBatch >= 1 else { return nil }
        let tpotTarget = targets.timePerOutputToken ?? .infinity
        // Largest batch that fits and meets the TPOT target (TPOT grows with batch).
        var low = 1, high = min(one.maxBatch, Self.maximumBatch)
        if one.timePerOutputToken > tpotTarget {
            high = 1
        } else {
            while low < high {
                let mid = low + (high - low + 1) / 2
                if try estimate(mid).timePerOutputToken <= tpotTarget { low = mid } else { high = mid - 1 }
            }
        }
        let largest = try estimate(low)
        let capacityLimited = low == min(one.maxBatch, Self.maximumBatch)
        var replicas = 1
        var chosen = largest
        if let throughput = targets.throughput {
            replicas = max(1, Int((throughput / largest.throughput).rounded(.up)))
            if replicas * split.devices > maxDevices { replicas = max(1, maxDevices / split.devices) }
            // The smallest batch that still gives the throughput with these replicas.
            var lo = 1, hi = low
            while lo < hi {
                let mid = lo + (hi - lo) / 2
                if try estimate(mid).throughput * Double(replicas) >= throughput { hi = mid } else { lo = mid + 1 }
            }
            chosen = try estimate(lo)
        }
        return judge(chosen, replicas: replicas, targets: targets, capacityLimited: capacityLimited && chosen.request.batch == low)
    }

    public func request(batch: Int, _ split: Parallelism) -> ServingRequest {
        var request = ServingRequest(model.parameters, parallelism: split)
        request.batch = batch
        request.promptLength = promptLength
        request.contextLength = contextLength
        return request
    }

    /// Whether `estimate` x `replicas` meets the targets, and what binds.
    func judge(_ estimate: ServingEstimate, replicas: Int, targets: ServiceLevel, capacityLimited: Bool) -> Candidate {
        // (name, achieved / target as a "use" ratio: <= 1 meets, larger misses)
        var uses: [(String, Double, String)] = []
        func time(_ v: Double) -> String { QuantityFormatter.format(v, .seconds) }
        if let target = targets.timeToFirstToken {
            uses.append(("ttft", estimate.timeToFirstToken / target, "TTFT \(time(estimate.timeToFirstToken)) of \(time(target))"))
        }
        if let target = targets.timePerOutputToken {
            uses.append(("tpot", estimate.timePerOutputToken / target, "TPOT \(time(estimate.timePerOutputToken)) of \(time(target))"))
        }
        let total = estimate.throughput * Double(replicas)
        if let target = targets.throughput {
            uses.append(("throughput", target / total,
                         "throughput \(QuantityFormatter.count(total)) of \(QuantityFormatter.count(target)) tokens/s"))
        }
        if capacityLimited {
            uses.append(("memory", 1, "batch \(estimate.request.batch) is the most whose KV cache fits in \(estimate.memoryTier)"))
        }
        let meets = uses.allSatisfy { $0.1 <= 1 + 1e-12 }
        let shortfall = uses.map(\.1).max().map { max(1, $0) } ?? 1
        let binding = uses.max { $0.1 < $1.1 }.map { $0.2 } ?? "no target binds"
        return Candidate(estimate: estimate, replicas: replicas, meetsTargets: meets, binding: binding, shortfall: shortfall)
    }
}
