import MemwallAnalysis
import MemwallModel
@testable import MemwallPlanning
import Testing
import _TestSupport

@Suite struct DecodeTemplateTests {
    /// The template re-evaluates only the KV-reading ops; everything it reports must equal
    /// building and analysing the whole one-layer graph at that context.
    @Test(arguments: ["llama-3-8b", "mixtral-8x7b", "llama-3-70b"])
    func templateEqualsTheFullStep(model: String) throws {
        var random = SplitMix64(seed: model.stableHash)
        let serving = try Fixtures.serving(model, on: "nvidia-h100-sxm-80gb")
        let splits = [Parallelism(), Parallelism(tensor: 2), Parallelism(tensor: 8)]
        var cache = ServingModel.StepCache()
        for _ in 0..<40 {
            let request = ServingRequest(
                batch: Int(random.next() % 64) + 1, promptLength: 16, contextLength: Int(random.next() % 200_000) + 1,
                kvDType: [DType.bf16, .fp8, .int4][Int(random.next() % 3)], parallelism: splits[Int(random.next() % 3)])
            let fast = try serving.decodeStep(batch: request.batch, request, cache: &cache)
            let full = try serving.step(.decode, batch: request.batch, seqLen: 1, context: request.contextLength, request)
            // Equal up to the order of the floating-point sums.
            #expect(abs(fast.layerTime - full.layerTime) <= 1e-12 * full.layerTime, "\(request)")
            #expect(abs(fast.endTime - full.endTime) <= 1e-12 * full.endTime)
            #expect(abs(fast.layerEnergy - full.layerEnergy) <= 1e-12 * full.layerEnergy)
            #expect(fast.layerKVBytes == full.layerKVBytes)
            #expect(fast.layerWeightBytes == full.layerWeightBytes)
            #expect(fast.activationBytes == full.activationBytes)
            #expect(fast.layerTimeByBound.mapValues { $0 > 0 } == full.layerTimeByBound.mapValues { $0 > 0 })
        }
        #expect(!cache.templates.isEmpty)
        #expect(cache.templates.values.allSatisfy { $0 != nil })
    }

    @Test func slidingWindowCapsTheTemplateLength() throws {
        var config = try Fixtures.config("llama-3-8b")
        config.slidingWindow = 1000
        let serving = ServingModel(config: config, modelName: "windowed", hardware: CompiledHardware(try Fixtures.hardware("nvidia-h100-sxm-80gb")))
        var cache = ServingModel.StepCache()
        let request = ServingRequest(batch: 3, contextLength: 50_000)
        let fast = try serving.decodeStep(batch: 3, request, cache: &cache)
        let full = try serving.step(.decode, batch: 3, seqLen: 1, context: 50_000, request)
        #expect(abs(fast.layerTime - full.layerTime) <= 1e-12 * full.layerTime)
        #expect(fast.layerKVBytes == 3 * 1001 * 2 * 8 * 128 * 2)
    }
}
