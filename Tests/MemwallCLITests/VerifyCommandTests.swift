import Foundation
import Testing

@Suite struct VerifyCommandTests {
    @Test func shippedSuitePassesWithExitZero() async throws {
        let result = try await Memwall.run(["verify", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(document?["failures"] as? Int == 0)
        let cases = try #require(document?["cases"] as? [[String: Any]])
        for c in cases { #expect(c["counted_words"] as? Int == (c["predicted_words"] as? Double).map { Int($0) }) }
    }

    @Test func aViolationExitsOneAndNamesTheCase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("suite.yaml").path
            try """
            cases:
              - { name: impossible, kernel: attention, variant: flash2, seq: 64, head_dim: 8, fast_memory: 256,
                  relations: [{ fewer_words_than: flash2 }] }
            """.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await Memwall.run(["verify", "--cases", path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("impossible"))
            #expect(result.stdout.contains("FAIL"))
        }
    }

    @Test func aBadSuiteExitsTwoWithOneLine() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("suite.yaml").path
            try "cases:\n  - { name: a, kernel: attention, variant: flash9, seq: 8, head_dim: 4, fast_memory: 64 }\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await Memwall.run(["verify", "--cases", path])
            #expect(result.status == 2)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("suite.yaml:2:"))
        }
    }
}
