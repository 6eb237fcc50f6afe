import MemwallNumerics

/// Seeded random placement instances for tests and the benchmark: random lifetimes,
/// sizes and accesses over a tier ladder whose fast tiers hold a fraction of the peak live set.
public struct InstanceGenerator: Sendable {
    public var tensors: Int
    public var tiers: Int
    public var steps: Int
    public var seed: UInt64
    public var objective: PlacementObjective
    /// Longest lifetime in steps.
    public var maxLifetime: Int

    public init(tensors: Int, tiers: Int = 4, steps: Int? = nil, seed: UInt64, objective: PlacementObjective = .time,
                maxLifetime: Int? = nil) {
        self.tensors = tensors
        self.tiers = tiers
        self.steps = steps ?? max(4, tensors / 5)
        self.seed = seed
        self.objective = objective
        self.maxLifetime = maxLifetime ?? max(1, (steps ?? max(4, tensors / 5)) / 10)
    }

    /// Sizes are log-uniform in [1 MiB, 256 MiB]; a tensor lives for up to `maxLifetime` steps
    /// (by default a tenth of the schedule) and is accessed 1 to 4 times (always at birth); tier i is 4^i times slower
    /// than the fastest and holds `fractions[i]` of the peak live bytes (the last holds all).
    public func make() -> PlacementProblem {
        var random = SplitMix64(seed: seed)
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        var list: [PlacementTensor] = []
        let span = maxLifetime
        for index in 0..<tensors {
            let bytes = (Double(1 << 20) * Foundation.pow(256, uniform())).rounded()
            let birth = Int(uniform() * Double(steps))
            let death = min(steps - 1, birth + Int(uniform() * Double(span)))
            var accessSteps: Set<Int> = [birth]
            let extra = Int(uniform() * 4)
            for _ in 0..<extra { accessSteps.insert(birth + Int(uniform() * Double(death - birth + 1))) }
            let accesses = accessSteps.sorted().map { PlacementAccess(step: $0, bytes: bytes * (0.5 + uniform())) }
            list.append(PlacementTensor(name: "t\(index)", bytes: bytes, birth: birth, death: death, accesses: accesses))
        }
        var live = [Double](repeating: 0, count: steps + 1)
        for tensor in list {
            live[tensor.birth] += tensor.bytes
            live[tensor.death + 1] -= tensor.bytes
        }
        var running = 0.0, peak = 0.0
        for step in 0..<steps { running += live[step]; peak = max(peak, running) }
        let total = list.reduce(0.0) { $0 + $1.bytes }
        let fractions = [0.15, 0.35, 0.6]
        let tierList = (0..<tiers).map { i in
            PlacementTier(name: "tier\(i)", capacity: i == tiers - 1 ? total : (peak * fractions[min(i, fractions.count - 1)]).rounded(),
                          bandwidth: 2e12 / Foundation.pow(4, Double(i)), energyPerByte: 5e-12 * Foundation.pow(3, Double(i)))
        }
        let stepList = (0..<steps).map { PlacementStep(name: "op\($0)", computeTime: 20e-6 * (0.5 + uniform())) }
        return PlacementProblem(name: "random-\(tensors)-seed\(seed)", tiers: tierList, steps: stepList, tensors: list,
                                objective: objective)
    }
}

import Foundation
