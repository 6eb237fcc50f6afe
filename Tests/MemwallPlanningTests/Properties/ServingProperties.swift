import MemwallAnalysis
import MemwallModel
import MemwallPlanning
import PropertyBased
import Testing

/// Invariants of the serving model over random requests (bodies record their own errors:
/// the property library does not report an error thrown from a body).
@Suite struct ServingProperties {
    static let serving: ServingModel? = try? Fixtures.serving("llama-3-70b", on: "amd-mi300x")
    /// With every operand byte crossing each tier once, bytes only grow with batch and context.
    static let compulsory: ServingModel? = try? {
        var model = try Fixtures.serving("llama-3-70b", on: "amd-mi300x")
        model.engine = RooflineEngine(ioModel: CompulsoryTraffic())
        return model
    }()
    static let splits = [Parallelism(), Parallelism(tensor: 2), Parallelism(tensor: 4), Parallelism(pipeline: 2),
                         Parallelism(tensor: 2, pipeline: 4), Parallelism(pipeline: 8)]

    /// A batch fits exactly when it is at most the largest batch the estimate reports.
    @Test func fitsExactlyUpToTheLargestBatch() async {
        await propertyCheck(count: 120, input: Gen.int(in: 0..<6), Gen.int(in: 1...4096), Gen.int(in: 0...200_000)) { split, batch, context in
            do {
                let serving = try #require(Self.serving)
                let request = ServingRequest(batch: batch, promptLength: 512, contextLength: context, parallelism: Self.splits[split])
                let e = try serving.estimate(request)
                #expect(e.fits == (batch <= e.maxBatch), "\(request): max batch \(e.maxBatch)")
                if let context = e.maxContext, context >= 0 {
                    var longest = request
                    longest.contextLength = context
                    #expect(try serving.estimate(longest).fits, "\(request)")
                }
            } catch { Issue.record(error) }
        }
    }

    /// More context never raises the largest batch; more devices never raise weights per device;
    /// a bigger batch never lowers the throughput, nor (with compulsory traffic) the time per token.
    /// With the hierarchical IO model the time per token can dip when the batch grows: split-KV
    /// decode stops splitting once batch x KV heads fills the compute units (MI300X, 70B: batch 37
    /// runs 2 splits, 38 runs 1, and attention falls from 15.93 to 15.30 us), as FlashDecoding's
    /// heuristic does on real GPUs.
    @Test func monotoneInContextDevicesAndBatch() async {
        await propertyCheck(count: 80, input: Gen.int(in: 1...512), Gen.int(in: 1...100_000), Gen.int(in: 1...100_000)) { batch, a, b in
            do {
                let serving = try #require(Self.serving)
                let (short, long) = (min(a, b), max(a, b))
                let atShort = try serving.estimate(ServingRequest(batch: batch, contextLength: short))
                let atLong = try serving.estimate(ServingRequest(batch: batch, contextLength: long))
                #expect(atLong.maxBatch <= atShort.maxBatch)
                #expect(atLong.timePerOutputToken >= atShort.timePerOutputToken * (1 - 1e-12))
                let one = try serving.estimate(ServingRequest(batch: batch, contextLength: short))
                let four = try serving.estimate(ServingRequest(batch: batch, contextLength: short, parallelism: Parallelism(tensor: 4)))
                #expect(four.weightBytesPerDevice < one.weightBytesPerDevice)
                let bigger = try serving.estimate(ServingRequest(batch: batch + 1, contextLength: short))
                #expect(bigger.throughput >= one.throughput * (1 - 1e-12))
                let compulsory = try #require(Self.compulsory)
                let small = try compulsory.estimate(ServingRequest(batch: batch, contextLength: short))
                let large = try compulsory.estimate(ServingRequest(batch: batch + 1, contextLength: short))
                #expect(large.timePerOutputToken >= small.timePerOutputToken * (1 - 1e-12))
            } catch { Issue.record(error) }
        }
    }
}
