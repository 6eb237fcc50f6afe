import Foundation
import Testing

/// Starts `memwall arguments...`, sends SIGINT after `delay` seconds, and returns the exit
/// status and stderr; records an issue when the command ended before it could be interrupted.
func interrupt(_ arguments: [String], after delay: useconds_t = 500_000) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = Memwall.executable
    process.currentDirectoryURL = Memwall.root
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // A blocking sleep: Task.sleep can wake late when the test pool is saturated.
    usleep(delay)
    #expect(process.isRunning, "memwall \(arguments.joined(separator: " ")) finished before it could be interrupted")
    process.interrupt()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
}

@Suite struct InterruptTests {
    /// Ctrl-C (SIGINT) during a long command ends it with status 130 and one stderr line, and
    /// leaves no partial output file (files are only written whole, at the end).
    @Test func interruptExits130WithoutPartialOutput() async throws {
        try await withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("verify.txt").path
            // One case long enough (tens of seconds of kernel time) that the process is surely still running.
            let suite = directory.appendingPathComponent("long.yaml").path
            try """
            cases:
              - { name: long, kernel: attention, variant: flash1, seq: 16384, head_dim: 64, fast_memory: 4096, relations: [equals_model] }
            """.write(toFile: suite, atomically: true, encoding: .utf8)
            let (status, stderr) = try interrupt(["verify", "--cases", suite, "--output", output])
            #expect(status == 130)
            #expect(stderr.contains("memwall: interrupted"))
            #expect(!FileManager.default.fileExists(atPath: output))
        }
    }

    /// Ctrl-C during a streamed sweep also removes the unfinished file it was writing.
    @Test func interruptedSweepLeavesNoPartialFile() async throws {
        try await withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("sweep.csv").path
            // A million points: far more than the time before the interrupt.
            let (status, stderr) = try interrupt(["sweep", "Workloads/sweeps/bench-1m.yaml", "--output", output, "--threads", "1"],
                                                 after: 700_000)
            #expect(status == 130)
            #expect(stderr.contains("memwall: interrupted"))
            #expect(!FileManager.default.fileExists(atPath: output))
            #expect(!FileManager.default.fileExists(atPath: output + ".partial"))
        }
    }
}
