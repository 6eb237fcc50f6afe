import Foundation
import MemwallAnalysis
import MemwallModel
@testable import MemwallPlanning
import Testing
import _TestSupport

@Suite struct PlannerTests {
    func planner(_ hardware: [String], maxDevices: Int) throws -> Planner {
        let model = try WorkloadLoader.loadModel(contentsOf: PackageRoot.path("Workloads/llama-3-8b-decode.yaml"))
        return Planner(model: model, hardware: try hardware.map(Fixtures.hardware), maxDevices: maxDevices,
                       promptLength: 1024, contextLength: 4096)
    }

    /// Every split, every batch, the fewest replicas: the cheapest that meets the targets, by enumeration.
    func bruteForceCheapest(_ planner: Planner, _ targets: ServiceLevel) throws -> Double? {
        var best: Double?
        for device in planner.hardware {
            let serving = ServingModel(config: planner.model.config, modelName: "m", hardware: CompiledHardware(device))
            for tensor in [1, 2, 4, 8] {
                for pipeline in [1, 2, 4, 8] where tensor * pipeline <= planner.maxDevices {
                    let split = Parallelism(tensor: tensor, pipeline: pipeline)
                    guard (try? split.check(for: planner.model.config)) != nil else { continue }
                    var batch = 1
                    while true {
                        let e = try serving.estimate(planner.request(batch: batch, split))
                        guard e.fits else { break }
                        let latencyOK = e.timeToFirstToken <= (targets.timeToFirstToken ?? .infinity)
                            && e.timePerOutputToken <= (targets.timePerOutputToken ?? .infinity)
                        let replicas = max(1, Int(((targets.throughput ?? 0) / e.throughput).rounded(.up)))
                        if latencyOK, replicas * split.devices <= planner.maxDevices, let hourly = e.dollarsPerHour {
                            best = min(best ?? .infinity, hourly * Double(replicas))
                        }
                        batch += batch < 64 ? 1 : 16
                    }
                }
            }
        }
        return best
    }

    @Test(arguments: [
        ServiceLevel(timeToFirstToken: 0.5, timePerOutputToken: 0.02, throughput: 3000),
        ServiceLevel(timePerOutputToken: 0.01),
        ServiceLevel(throughput: 20_000),
        ServiceLevel(timeToFirstToken: 0.2, throughput: 500),
    ])
    func cheapestMatchesEnumeration(targets: ServiceLevel) throws {
        let planner = try planner(["nvidia-h100-sxm-80gb", "amd-mi300x"], maxDevices: 4)
        let result = try planner.plan(targets)
        let expected = try bruteForceCheapest(planner, targets)
        let best = try #require(result.feasible.first, "brute force found \(String(describing: expected))")
        #expect(abs(try #require(best.dollarsPerHour) - (try #require(expected))) < 1e-9)
        #expect(best.meetsTargets)
        #expect(best.estimate.fits)
        #expect(best.throughput >= (targets.throughput ?? 0))
        #expect(best.estimate.timePerOutputToken <= (targets.timePerOutputToken ?? .infinity))
        // Sorted by cost.
        let costs = result.feasible.compactMap(\.dollarsPerHour)
        #expect(costs == costs.sorted())
    }

    @Test func impossibleTargetsNameTheClosestMiss() throws {
        let planner = try planner(["nvidia-h100-sxm-80gb"], maxDevices: 2)
        let result = try planner.plan(ServiceLevel(timePerOutputToken: 0.0005))
        #expect(result.feasible.isEmpty)
        let closest = try #require(result.closest)
        #expect(closest.shortfall > 1)
        #expect(closest.binding.hasPrefix("TPOT"))
        // The closest miss is the fastest single-token step on offer: 2 devices, batch 1.
        #expect(closest.estimate.request.batch == 1)
        #expect(abs(closest.shortfall - closest.estimate.timePerOutputToken / 0.0005) < 1e-12)
    }

    @Test func serviceLevelParsing() throws {
        let level = try ServiceLevel(parsing: "ttft=500ms,tpot=40 ms,throughput=2000 tokens/s")
        #expect(level.timeToFirstToken == 0.5)
        #expect(abs((level.timePerOutputToken ?? 0) - 0.04) < 1e-15)
        #expect(level.throughput == 2000)
        for bad in ["ttft=500", "tpot=-1ms", "latency=1s", "ttft", "throughput=lots", "ttft=1s,", "ttft=1s,ttft=2s"] {
            #expect(throws: SpecError.self) { try ServiceLevel(parsing: bad) }
        }
    }

    @Test func splitsAreThePowerOfTwoSplitsTheShapesAllow() throws {
        let dense = try planner(["nvidia-h100-sxm-80gb"], maxDevices: 8)
        let splits = dense.splits(upTo: 8)
        #expect(splits.allSatisfy { $0.devices <= 8 && $0.expert == 1 })
        #expect(splits.count == 10) // (tp, pp) with tp*pp <= 8 over powers of two
        let moe = Planner(model: try WorkloadLoader.loadModel(contentsOf: PackageRoot.path("Workloads/mixtral-8x7b-decode.yaml")),
                          hardware: [], maxDevices: 8, promptLength: 1, contextLength: 1)
        #expect(moe.splits(upTo: 8).contains(Parallelism(tensor: 8, pipeline: 1, expert: 8)))
    }
}
