import MemwallAnalysis
import MemwallModel
import MemwallReport
import PropertyBased
import Testing
import _TestSupport

/// Serialising an analysis to JSON and back is lossless, for random workload parameters.
/// Property bodies catch and record errors themselves: swift-property-based 2.0.1 does not
/// report an error thrown from a body (a throwing property would pass silently).
@Suite struct JSONRoundTripProperties {
    @Test func jsonRoundTripIsLossless() async {
        let kvDTypes = ["bf16", "fp8", "int4"]
        await propertyCheck(count: 25, input: Gen.int(in: 1...64), Gen.int(in: 0...8192), Gen.int(in: 0...2)) { batch, context, kvIndex in
          do {
            let overrides = try ["batch=\(batch)", "context_len=\(context)", "kv_dtype=\(kvDTypes[kvIndex])"].map { try ParameterOverride(parsing: $0) }
            let workload = try WorkloadLoader.load(contentsOf: PackageRoot.path("Workloads/llama-3-8b-decode.yaml"), overrides: overrides)
            let result = try RooflineEngine().analyze(workload, on: ReportFixtures.h100)
            let document = try AnalysisJSON.decode(try AnalysisJSON.render(result))
            #expect(document.ops.map(\.time_s) == result.ops.map(\.time))
            #expect(document.ops.map(\.flops) == result.ops.map(\.flops))
            #expect(document.totals.time_s == result.totals.time)
            #expect(document.footprint.kv_cache_bytes == result.footprint.kvCacheBytes)
            #expect(try AnalysisJSON.render(result) == AnalysisJSON.render(result))
          } catch {
            Issue.record("property threw: \(error)")
          }
        }
    }
}
