import Foundation
import Testing

@Suite struct InterruptTests {
    /// Ctrl-C (SIGINT) during a long command ends it with status 130 and one stderr line, and
    /// leaves no partial output file (files are only written whole, at the end).
    @Test func interruptExits130WithoutPartialOutput() async throws {
        try await withTemporaryDirectory { directory in
            let output = directory.appendingPathComponent("verify.txt").path
            let process = Process()
            process.executableURL = Memwall.executable
            process.currentDirectoryURL = Memwall.root
            process.arguments = ["verify", "--full", "--output", output]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(700))
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
