import Foundation
import MemwallAnalysis
import MemwallModel
@testable import MemwallPlanning
import Testing

@Suite struct ServingModelTests {
    // MARK: KV cache per token, from the config's fields written out here.

    @Test(arguments: [(DType.bf16, 2.0), (.fp8, 1.0), (.int8, 1.0), (.int4, 0.5), (.fp32, 4.0)])
    func kvBytesPerTokenOfLlama70B(dtype: DType, bytes: Double) throws {
        // Llama-3-70B: 80 layers, 8 KV heads (GQA over 64 query heads), head dim 128.
        let serving = try Fixtures.serving("llama-3-70b", on: "nvidia-h100-sxm-80gb")
        #expect(serving.kvBytesPerToken(dtype) == 2 * 80 * 8 * 128 * bytes)
    }

    @Test func kvBytesPerTokenForMHAAndMQA() throws {
        var config = try Fixtures.config("llama-3-8b") // 32 layers, 32 heads, 8 KV heads, d 128
        let hardware = CompiledHardware(try Fixtures.hardware("nvidia-h100-sxm-80gb"))
        config.keyValueHeads = 32
        #expect(ServingModel(config: config, modelName: "mha", hardware: hardware).kvBytesPerToken(.bf16) == 2 * 32 * 32 * 128 * 2)
        config.keyValueHeads = 1
        #expect(ServingModel(config: config, modelName: "mqa", hardware: hardware).kvBytesPerToken(.bf16) == 2 * 32 * 1 * 128 * 2)
    }

    // MARK: The single-layer evaluation equals the full graph.

    @Test(arguments: [(1, 2048), (16, 8192), (64, 512)])
    func decodeTimeEqualsTheFullGraph(batch: Int, context: Int) throws {
        let serving = try Fixtures.serving("llama-3-8b", on: "nvidia-h100-sxm-80gb")
        let estimate = try serving.estimate(ServingRequest(batch: batch, promptLength: 128, contextLength: context))
        let full = try Fixtures.fullStep("llama-3-8b", on: "nvidia-h100-sxm-80gb",
                                         WorkloadParameters(phase: .decode, batch: batch, seqLen: 1, contextLen: context))
        #expect(abs(estimate.timePerOutputToken / full.totals.time - 1) < 1e-12)
        #expect(abs(estimate.weightBytesPerDevice / full.footprint.weightBytes - 1) < 1e-12)
        #expect(abs(estimate.kvCacheBytesPerDevice / full.footprint.kvCacheBytes - 1) < 1e-12)
        #expect(abs(estimate.energyPerToken * Double(batch) / full.totals.energy - 1) < 1e-9)
    }

    @Test func timeToFirstTokenEqualsTheFullPrefillGraph() throws {
        let serving = try Fixtures.serving("mixtral-8x7b", on: "nvidia-h100-sxm-80gb")
        let estimate = try serving.estimate(ServingRequest(batch: 4, promptLength: 3000, contextLength: 4096))
        let full = try Fixtures.fullStep("mixtral-8x7b", on: "nvidia-h100-sxm-80gb",
                                         WorkloadParameters(phase: .prefill, batch: 1, seqLen: 3000, contextLen: 0))
        #expect(abs(estimate.timeToFirstToken / full.totals.time - 1) < 1e-12)
    }

    // MARK: Tensor parallelism splits weights and KV as Megatron does.

    @Test(arguments: [2, 4, 8])
    func tensorParallelWeightsPerDevice(tp: Int) throws {
        let serving = try Fixtures.serving("llama-3-70b", on: "nvidia-h100-sxm-80gb")
        let e = try serving.estimate(ServingRequest(batch: 8, contextLength: 4096, parallelism: Parallelism(tensor: tp)))
        // Per layer: q and o (8192 x 8192 each), k and v (8192 x 1024 each), MLP 3 x 8192 x 28672 are split;
        // the two RMSNorm vectors (8192 each) are replicated. Embedding and LM head (128256 x 8192 each)
        // are split by vocabulary; the final norm is replicated.
        let h = 8192.0, split = Double(tp)
        let perLayer = (2 * h * h + 2 * h * 1024 + 3 * h * 28672) / split + 2 * h
        let ends = 2 * ceil(128_256 / split) * h + h
        #expect(e.weightBytesPerDevice == 2 * (80 * perLayer + ends))
        // KV heads 8 split over tp devices: each holds 8/tp of them.
        #expect(e.kvCacheBytesPerDevice == 8 * 4097 * 80 * 2 * (8 / split) * 128 * 2)
    }

    @Test func keyValueHeadsAreReplicatedPastTheirCount() throws {
        var config = try Fixtures.config("llama-3-8b")
        config.keyValueHeads = 2
        let hardware = CompiledHardware(try Fixtures.hardware("nvidia-h100-sxm-80gb"))
        let e = try ServingModel(config: config, modelName: "gqa2", hardware: hardware)
            .estimate(ServingRequest(batch: 1, contextLength: 999, parallelism: Parallelism(tensor: 8)))
        // Eight devices, two KV heads: every device keeps one whole head.
        #expect(e.kvCacheBytesPerDevice == 1000 * 32 * 2 * 1 * 128 * 2)
    }

    @Test(arguments: [2, 8])
    func tensorParallelCommunicationIsTwoRingAllReducesPerLayer(tp: Int) throws {
        let serving = try Fixtures.serving("llama-3-70b", on: "nvidia-h100-sxm-80gb")
        let e = try serving.estimate(ServingRequest(batch: 32, contextLength: 1024, parallelism: Parallelism(tensor: tp)))
        // 32 tokens x 8192 x 2 bytes per all-reduce; NVLink 900 GB/s both ways = 450 GB/s each way; no latency given.
        let n = Double(tp), message = 32 * 8192 * 2.0
        let expected = 80 * 2 * (2 * (n - 1) / n * message / 450e9)
        #expect(abs(e.communicationPerToken / expected - 1) < 1e-12)
    }

    @Test(arguments: [2, 4, 8])
    func meshLinksGiveAGroupOnlyTheLinksThatReachIt(tp: Int) throws {
        let serving = try Fixtures.serving("llama-3-70b", on: "amd-mi300x")
        let e = try serving.estimate(ServingRequest(batch: 32, contextLength: 1024, parallelism: Parallelism(tensor: tp)))
        // 896 GB/s over 7 peer links = 64 GB/s each way per link; a group of tp devices uses tp - 1 of them.
        let n = Double(tp), message = 32 * 8192 * 2.0
        let bandwidth = 896e9 / 2 * (n - 1) / 7
        #expect(abs(e.communicationPerToken / (80 * 2 * (2 * (n - 1) / n * message / bandwidth)) - 1) < 1e-12)
    }

    @Test func splitsBeyondTheLinkDomainAreRefused() throws {
        let serving = try Fixtures.serving("llama-3-70b", on: "nvidia-h100-sxm-80gb")
        let error = try #require(throws: PlanningError.self) {
            try serving.estimate(ServingRequest(parallelism: Parallelism(tensor: 8, pipeline: 2)))
        }
        #expect(error.message.contains("'nvlink' joins 8"))
        #expect(serving.deviceBudget(64) == 8)
    }

    // MARK: Pipeline and expert parallelism.

    @Test func pipelineHalvesWeights() throws {
        let serving = try Fixtures.serving("llama-3-70b", on: "nvidia-h200-sxm-141gb")
        let one = try serving.estimate(ServingRequest(batch: 2, contextLength: 1024))
        let two = try serving.estimate(ServingRequest(batch: 2, contextLength: 1024, parallelism: Parallelism(pipeline: 2)))
        let layerWeights = (one.weightBytesPerDevice - 2 * 2 * 128_256 * 8192 - 2 * 8192) / 80
        // 40 layers per stage, plus the larger end: embedding table or (final norm + LM head).
        #expect(abs(two.weightBytesPerDevice - (40 * layerWeights + 2 * (128_256 * 8192 + 8192))) < 1)
    }

    @Test(arguments: [2, 4, 8])
    func oneSequenceCrossesEveryStageOnce(stages: Int) throws {
        let serving = try Fixtures.serving("llama-3-8b", on: "nvidia-h100-sxm-80gb")
        let one = try serving.estimate(ServingRequest(batch: 1, contextLength: 1024))
        let piped = try serving.estimate(ServingRequest(batch: 1, contextLength: 1024, parallelism: Parallelism(pipeline: stages)))
        // The same layers at the same batch, plus a hand-off of 4096 x 2 bytes at 450 GB/s per stage boundary.
        let handOff = 4096 * 2 / 450e9
        #expect(abs(piped.timePerOutputToken - (one.timePerOutputToken + Double(stages - 1) * handOff)) < 1e-12 * one.timePerOutputToken)
    }

    @Test func microbatchesInFlightWaitForTheSlowestStage() throws {
        let serving = try Fixtures.serving("llama-3-8b", on: "nvidia-h100-sxm-80gb")
        let request = ServingRequest(batch: 16, contextLength: 1024, parallelism: Parallelism(pipeline: 2))
        let piped = try serving.estimate(request)
        // Two microbatches of 8. A token crosses both stages (32 layers and the ends), but each
        // stage must serve both microbatches: the second stage holds 16 layers and the head.
        let step = try serving.step(.decode, batch: 8, seqLen: 1, context: 1024, request)
        let handOff = 8 * 4096 * 2 / 450e9
        let through = 32 * step.layerTime + step.endTime + handOff
        let cycle = 2 * (16 * step.layerTime + step.endTime)
        #expect(abs(piped.timePerOutputToken - max(through, cycle)) < 1e-12 * through)
        #expect(abs(piped.throughput - 16 / max(through, cycle)) < 1e-9 * piped.throughput)
    }

    @Test func expertParallelKeepsExpertWeightsPerDeviceAndAddsAllToAll() throws {
        let serving = try Fixtures.serving("mixtral-8x7b", on: "nvidia-h100-sxm-80gb")
        let request = ServingRequest(batch: 16, contextLength: 2048, parallelism: Parallelism(tensor: 8))
        var expertRequest = request
        expertRequest.parallelism.expert = 8
        let tensorOnly = try serving.estimate(request)
        let experts = try serving.estimate(expertRequest)
        // 8 experts of 3 x 4096 x 14336: either each device holds 1/8 of every expert or one whole expert.
        #expect(tensorOnly.weightBytesPerDevice == experts.weightBytesPerDevice)
        // Two all-to-alls per layer: 16 tokens x 2 experts / 8 devices x 4096 x 2 bytes each device, 7/8 of it leaves.
        let routed = 16.0 * 4096 * 2 / 8 * 2
        let allToAll = 7.0 / 8 * routed / 450e9
        #expect(abs(experts.communicationPerToken - tensorOnly.communicationPerToken - 32 * 2 * allToAll) < 1e-12)
    }

    @Test(arguments: [1, 2, 3, 5])
    func expertParallelWorksForEveryBatch(batch: Int) throws {
        let serving = try Fixtures.serving("mixtral-8x7b", on: "nvidia-h100-sxm-80gb")
        let tensorOnly = try serving.estimate(ServingRequest(batch: batch, contextLength: 100, parallelism: Parallelism(tensor: 8)))
        for expert in [2, 4, 8] {
            let e = try serving.estimate(ServingRequest(batch: batch, contextLength: 100,
                                                        parallelism: Parallelism(tensor: 8, expert: expert)))
            // E/e whole-width experts or E experts at 1/t width: the same bytes on every device.
            #expect(e.weightBytesPerDevice == tensorOnly.weightBytesPerDevice)
            // Plus two all-to-alls per layer: batch x 2 experts / e x 4096 x 2 bytes per device, (e-1)/e of it sent.
            let routed = Double(batch) * 4096 * 2 / Double(expert) * 2
            let allToAll = Double(expert - 1) / Double(expert) * routed / 450e9
            #expect(abs(e.communicationPerToken - tensorOnly.communicationPerToken - 32 * 2 * allToAll) < 1e-15)
        }
    }

    @Test func refusesSplitsTheShapesDoNotAllow() throws {
        let serving = try Fixtures.serving("llama-3-8b", on: "nvidia-h100-sxm-80gb")
        #expect(throws: PlanningError.self) { try serving.estimate(ServingRequest(parallelism: Parallelism(tensor: 3))) }
        #expect(throws: PlanningError.self) { try serving.estimate(ServingRequest(parallelism: Parallelism(expert: 2))) }
        #expect(throws: PlanningError.self) { try serving.estimate(ServingRequest(parallelism: Parallelism(pipeline: 33))) }
        let noPeer = try Fixtures.serving("llama-3-8b", on: "google-tpu-v4")
        #expect(throws: PlanningError.self) { try noPeer.estimate(ServingRequest(parallelism: Parallelism(tensor: 2))) }
    }

    // MARK: Capacity.

    @Test func maxBatchIsTheLargestBatchThatFits() throws {
        let serving = try Fixtures.serving("llama-3-8b", on: "nvidia-h100-sxm-80gb")
        let probe = try serving.estimate(ServingRequest(batch: 1, promptLength: 512, contextLength: 16384))
        let atMax = try serving.estimate(ServingRequest(batch: probe.maxBatch, promptLength: 512, contextLength: 16384))
        let past = try serving.estimate(ServingRequest(batch: probe.maxBatch + 1, promptLength: 512, contextLength: 16384))
        #expect(probe.maxBatch > 1)
        #expect(atMax.fits)
        #expect(!past.fits)
        // Closed form: (capacity - weights) / (KV per sequence) bounds it from above.
        let kvPerSequence = 32 * 2 * 8 * 128 * 2 * 16385.0
        #expect(Double(probe.maxBatch) <= (80 * pow(2.0, 30) - probe.weightBytesPerDevice) / kvPerSequence)
    }

    @Test func maxContextIsTheLongestThatFits() throws {
        let serving = try Fixtures.serving("llama-3-70b", on: "nvidia-h100-sxm-80gb")
        let split = Parallelism(tensor: 4)
        let probe = try serving.estimate(ServingRequest(batch: 8, contextLength: 1024, parallelism: split))
        let context = try #require(probe.maxContext)
        #expect(try serving.estimate(ServingRequest(batch: 8, contextLength: context, parallelism: split)).fits)
        #expect(try !serving.estimate(ServingRequest(batch: 8, contextLength: context + 64, parallelism: split)).fits)
    }

    @Test func slidingWindowMakesEveryContextFit() throws {
        var config = try Fixtures.config("llama-3-8b")
        config.slidingWindow = 4096
        let hardware = CompiledHardware(try Fixtures.hardware("nvidia-h100-sxm-80gb"))
        let e = try ServingModel(config: config, modelName: "windowed", hardware: hardware)
            .estimate(ServingRequest(batch: 4, contextLength: 1_000_000))
        #expect(e.maxContext == nil)
        #expect(e.kvCacheBytesPerDevice == 4 * 4097 * 32 * 2 * 8 * 128 * 2)
    }

    @Test func smallestFitIsTheFewestDevicesThatHoldTheModel() throws {
        let serving = try Fixtures.serving("llama-3-70b", on: "nvidia-h100-sxm-80gb")
        let request = ServingRequest(batch: 8, contextLength: 8192)
        let fit = try #require(serving.smallestFit(for: request))
        // Weights 141.1 GB and KV 8 x 8193 x 327,680 B = 21.5 GB: one 80 GiB device is too small, two are enough.
        #expect(fit.devices == 2)
        #expect(fit.fits)
        #expect(try !serving.estimate(request).fits)
        var huge = request
        huge.batch = 100_000
        huge.contextLength = 1_000_000
        #expect(serving.smallestFit(for: huge, maxDevices: 64) == nil)
    }

    /// Found by the serving properties: 37 sequences x 8 KV heads = 296 work items leave MI300X's
    /// 304 compute units room to split the KV cache in two; 38 x 8 = 304 do not. The split's
    /// partial results cost more than one more sequence, so the step gets faster.
    @Test func splitKVDecodeMakesOneMoreSequenceCheaper() throws {
        let serving = try Fixtures.serving("llama-3-70b", on: "amd-mi300x")
        let at37 = try serving.estimate(ServingRequest(batch: 37, contextLength: 512))
        let at38 = try serving.estimate(ServingRequest(batch: 38, contextLength: 512))
        #expect(at38.timePerOutputToken < at37.timePerOutputToken)
        #expect(at38.throughput > at37.throughput)
    }

    // MARK: Cost.

    @Test func costPerMillionTokensFromHourlyAndPurchasePrices() throws {
        let request = ServingRequest(batch: 32, contextLength: 2048, parallelism: Parallelism(tensor: 2))
        let hourly = Price(basis: .hourly(DollarsPerHour(2.0)), source: "test")
        let rented = try Fixtures.serving("llama-3-8b", on: "nvidia-h100-sxm-80gb", price: hourly).estimate(request)
        // Two devices at $2/h for 1e6 tokens at the estimated throughput.
        #expect(abs(try #require(rented.costPerMillionTokens) - 2 * 2.0 / 3600 * 1e6 / rented.throughput) < 1e-9)

        // $30,000 over 4 years plus 700 W at $0.10/kWh, per device.
        let fourYears = 4 * 365.25 * 86400.0
        let bought = Price(basis: .purchase(Dollars(30_000), lifetime: Seconds(fourYears), electricity: DollarsPerKilowattHour(0.10)),
                           source: "test")
        let owned = try Fixtures.serving("llama-3-8b", on: "nvidia-h100-sxm-80gb", price: bought).estimate(request)
        let perSecond = 30_000 / fourYears + 0.10 * 700 / 3_600_000
        #expect(abs(try #require(owned.dollarsPerHour) - 2 * perSecond * 3600) < 1e-9)
    }

    @Test func systemFilesShareTheirPriceAndPowerAmongDevices() throws {
        let serving = try Fixtures.serving("llama-3-70b", on: "hgx-h100-8gpu")
        let e = try serving.estimate(ServingRequest(batch: 8, contextLength: 2048, parallelism: Parallelism(tensor: 4)))
        // $31.92/h for 8 GPUs; 4 of them used. 10.2 kW for the board, 4/8 of it.
        #expect(abs(try #require(e.dollarsPerHour) - 31.92 / 2) < 1e-9)
        #expect(abs(try #require(e.energyPerTokenAtTDP) - 5100 * e.timePerOutputToken / 8) < 1e-9)
        #expect(throws: PlanningError.self) {
            try serving.estimate(ServingRequest(parallelism: Parallelism(tensor: 8, pipeline: 2)))
        }
    }
}
