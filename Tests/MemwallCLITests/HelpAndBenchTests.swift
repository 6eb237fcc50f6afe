import Foundation
import Testing

/// Help text and the `bench` command.
@Suite struct HelpAndBenchTests {
    /// Every command's help succeeds on stdout and shows an example invocation.
    @Test(arguments: [["--help"], ["analyze", "--help"], ["roofline", "--help"], ["specs", "validate", "--help"],
                      ["bench", "--help"], ["help", "analyze"]])
    func helpShowsAnExample(arguments: [String]) async throws {
        let result = try await Memwall.run(arguments)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.contains("Example"), "\(result)")
        #expect(result.stdout.contains("USAGE"), "\(result)")
    }

    /// The top-level help states the exit status contract and names every subcommand.
    @Test func topLevelHelpListsSubcommandsAndExitStatuses() async throws {
        let result = try await Memwall.run(["--help"])
        #expect(result.status == 0)
        for subcommand in ["analyze", "roofline", "specs", "bench"] {
            #expect(result.stdout.contains(subcommand), "\(subcommand)")
        }
        #expect(result.stdout.contains("1 no feasible answer"))
        #expect(result.stdout.contains("2 bad input"))
    }

    @Test func analyzeHelpListsItsOptions() async throws {
        let result = try await Memwall.run(["analyze", "--help"])
        #expect(result.status == 0)
        for option in ["--hardware", "--workload", "--set", "--format", "--output"] {
            #expect(result.stdout.contains(option), "\(option)")
        }
    }

    @Test func benchReportsOpEvaluationsPerSecond() async throws {
        let started = ContinuousClock.now
        let result = try await Memwall.run(["bench", "--seconds", "0.2"])
        let elapsed = ContinuousClock.now - started
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let line = try #require(result.stdoutLines.first { $0.hasPrefix("op evaluations/s") }, "\(result)")
        let rate = try #require(Double(line.dropFirst("op evaluations/s".count).trimmingCharacters(in: .whitespaces)),
                                "no number in: \(line)")
        #expect(rate > 0)
        // It measured for at least the time asked.
        #expect(elapsed >= .milliseconds(200))
        // The default workload is the shipped Llama-3-70B decode; its name comes from the file.
        let workloadName = try #require(try Shipped.topLevelValue("name", in: Shipped.llama70bDecode))
        #expect(result.stdout.contains(workloadName))
    }

    @Test func benchRejectsABadWorkloadAsBadInput() async throws {
        let result = try await Memwall.run(["bench", "--seconds", "0.05", "--workload", "Workloads/no-such-workload.yaml"])
        expectBadInput(result)
        #expect(result.stderr.contains("Workloads/no-such-workload.yaml"))
    }
}
