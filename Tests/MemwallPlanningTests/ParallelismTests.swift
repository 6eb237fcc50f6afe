import MemwallModel
import MemwallPlanning
import Testing

@Suite struct ParallelismTests {
    @Test func deviceConfigSplitsHeadsMLPAndVocabulary() throws {
        let llama70 = try Fixtures.config("llama-3-70b")  // 64 heads, 8 KV heads, I 28672, V 128256, 80 layers
        let shard = Parallelism(tensor: 8).deviceConfig(llama70)
        #expect(shard.attentionHeads == 8)
        #expect(shard.keyValueHeads == 1)
        #expect(shard.intermediateSize == 3584)
        #expect(shard.vocabSize == 16032)
        #expect(shard.hiddenSize == 8192)
        #expect(shard.headDim == 128)
        #expect(shard.layers == 1)
        // Past the KV head count each device keeps one head.
        #expect(Parallelism(tensor: 16).deviceConfig(llama70).keyValueHeads == 1)

        let mixtral = try Fixtures.config("mixtral-8x7b") // I 14336 per expert, 8 experts
        #expect(Parallelism(tensor: 8, expert: 8).deviceConfig(mixtral).intermediateSize == 14336)
        #expect(Parallelism(tensor: 8, expert: 2).deviceConfig(mixtral).intermediateSize == 14336 / 4)
        #expect(Parallelism(tensor: 8).deviceConfig(mixtral).intermediateSize == 14336 / 8)
    }

    @Test func checkNamesTheDimensionThatDoesNotDivide() throws {
        let llama8 = try Fixtures.config("llama-3-8b")
        func message(_ split: Parallelism) -> String? {
            do { try split.check(for: llama8); return nil } catch { return error.message }
        }
        #expect(message(Parallelism(tensor: 3))?.contains("does not divide 32 attention heads") == true)
        #expect(message(Parallelism(pipeline: 33))?.contains("exceeds 32 layers") == true)
        #expect(message(Parallelism(expert: 2))?.contains("dense model") == true)
        #expect(message(Parallelism(tensor: 0))?.contains("at least 1") == true)
        #expect(message(Parallelism(tensor: 8, pipeline: 4)) == nil)
        #expect(Parallelism(pipeline: 3).layersPerStage(of: llama8) == 11)
    }

    @Test func candidatesAreValidPowersOfTwoFewestDevicesFirst() throws {
        let llama8 = try Fixtures.config("llama-3-8b")
        let all = Parallelism.candidates(for: llama8, upTo: 16)
        #expect(all.first == Parallelism())
        #expect(all.map(\.devices) == all.map(\.devices).sorted())
        for split in all {
            #expect(split.devices <= 16)
            #expect(split.tensor.nonzeroBitCount == 1 && split.pipeline.nonzeroBitCount == 1)
            #expect((try? split.check(for: llama8)) != nil)
        }
        // (tp, pp) over {1, 2, 4, 8, 16} with tp x pp <= 16: 15 pairs.
        #expect(all.count == 15)
    }
}
