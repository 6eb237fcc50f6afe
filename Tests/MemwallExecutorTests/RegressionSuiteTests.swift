import MemwallExecutor
import MemwallModel
import Testing
import _TestSupport

@Suite struct RegressionSuiteTests {
    /// `swift test` runs the shipped suite (without the --full cases): every relation holds.
    @Test func shippedSuitePasses() throws {
        let suite = try RegressionSuite.load(contentsOf: PackageRoot.path("Workloads/regression/flash-attention.yaml"))
        let outcome = try SuiteRunner.run(suite, full: false)
        #expect(outcome.cases.count >= 15)
        #expect(outcome.fits.count == 4)
        for result in outcome.cases { #expect(result.passed, "\(result.name): \(result.violations)") }
        for fit in outcome.fits { #expect(fit.passed, "\(fit.name): exponent \(fit.exponent)") }
        #expect(outcome.skipped == suite.cases.filter(\.full).count + suite.fits.filter(\.full).count)
    }

    /// A relation that cannot hold is reported as a violation, not passed over.
    @Test func violationsAreReported() throws {
        let suite = try RegressionSuite.parse("""
        cases:
          - { name: fa2-vs-itself, kernel: attention, variant: flash2, seq: 64, head_dim: 8, fast_memory: 256,
              relations: [equals_model, { fewer_words_than: flash2 }, { ratio_to_leading_at_most: 0.5 }] }
        """)
        let outcome = try SuiteRunner.run(suite, full: false)
        #expect(outcome.failures == 1)
        #expect(outcome.cases[0].violations.count == 2)
    }

    @Test(arguments: [
        ("cases: [{ name: a, kernel: attention, variant: flash3, seq: 8, head_dim: 4, fast_memory: 64 }]", "flash3"),
        ("cases: [{ name: a, kernel: gemm, variant: flash2, m: 4, k: 4, n: 4, fast_memory: 64 }]", "does not apply"),
        ("cases: [{ name: a, kernel: gemm, variant: tiled, m: 4, k: 4, fast_memory: 64 }]", "needs m, k and n"),
        ("cases: [{ name: a, kernel: attention, variant: flash2, seq: 8, head_dim: 4 }]", "fast_memory"),
        ("cases: [{ name: a, kernel: attention, variant: flash2, seq: 8, head_dim: 4, fast_memory: 64, relations: [equal_model] }]", "did you mean 'equals_model'"),
        ("cases: [{ name: a, kernel: attention, variant: flash2, seq: 8, head_dim: 4, heads: 3, kv_heads: 2, fast_memory: 64 }]", "multiple"),
        ("cases: [{ name: a, kernel: attention, variant: flash2, seq: 8, head_dim: 4, fast_memory: 64, colour: red }]", "unknown key 'colour'"),
        ("fits: [{ name: f, variant: flash2, vary: seq, values: [8, 16], head_dim: 4, fast_memory: 64, exponent: 2, tolerance: 0.1 }]", "at least 3"),
        ("cases: []", "at least one entry"),
    ])
    func badSuitesFailWithALocatedError(text: String, fragment: String) {
        #expect {
            _ = try RegressionSuite.parse(text, file: "suite.yaml")
        } throws: { error in
            guard let error = error as? SpecError else { return false }
            return error.description.contains(fragment) && error.file == "suite.yaml"
        }
    }

    /// Cases too large to allocate are refused before any memory is touched.
    @Test func absurdSizesAreRefused() {
        var huge = KernelCase(name: "huge", kernel: .gemm, variant: .tiled, fastMemoryWords: 1024)
        (huge.m, huge.k, huge.n) = (100_000, 100_000, 100_000)
        #expect(throws: ExecutorError.self) { try Verifier.run(huge) }
    }
}
