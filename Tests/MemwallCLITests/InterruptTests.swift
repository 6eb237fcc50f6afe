import Foundation
import Testing

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
            let process = Process()
            process.executableURL = Memwall.executable
            process.currentDirectoryURL = Memwall.root
            process.arguments = ["verify", "--cases", suite, "--output", output]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // A blocking sleep: Task.sleep can wake late when the test pool is saturated.
            usleep(500_000)
            #expect(process.isRunning, "verify --full finished before it could be interrupted")
            process.interrupt()
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 130)
            #expect(stderr.contains("memwall: interrupted"))
            #expect(!FileManager.default.fileExists(atPath: output))
        }
    }
}

@Suite struct SweepInterruptTests {
    /// Ctrl-C during a streamed sweep ends it with status 130 and removes the unfinished file.
    @Test func interruptedSweepLeavesNoPartialFile() async throws {
        try await withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("sweep.csv").path
            let process = Process()
            process.executableURL = Memwall.executable
            process.currentDirectoryURL = Memwall.root
            // A million points: far more than the half second before the interrupt.
            process.arguments = ["sweep", "Workloads/sweeps/bench-1m.yaml", "--output", output, "--threads", "1"]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            usleep(700_000)
            #expect(process.isRunning, "the sweep finished before it could be interrupted")
            process.interrupt()
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 130)
            #expect(stderr.contains("memwall: interrupted"))
            #expect(!FileManager.default.fileExists(atPath: output))
            #expect(!FileManager.default.fileExists(atPath: output + ".partial"))
        }
    }
}
