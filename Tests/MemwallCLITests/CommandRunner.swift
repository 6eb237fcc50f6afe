import Foundation
import Testing
import _TestSupport

/// What one run of the `memwall` executable did.
struct CommandResult: Sendable, CustomStringConvertible {
    /// The exit status; when the process died from a signal, 128 + the signal number
    /// (so a trap never reads as 0, 1 or 2) and `signalled` is true.
    var status: Int32
    var signalled: Bool
    var stdout: String
    var stderr: String

    /// stderr split into lines, without the final newline's empty remainder.
    var stderrLines: [String] { lines(of: stderr) }
    var stdoutLines: [String] { lines(of: stdout) }

    private func lines(of text: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    var description: String {
        "status \(status)\(signalled ? " (signal)" : "")\n--- stderr ---\n\(stderr)\n--- stdout (first 2000 chars) ---\n\(stdout.prefix(2000))"
    }
}

/// Runs the built `memwall` executable as a subprocess from the package root.
enum Memwall {
    /// The package root (see _TestSupport).
    static let root: URL = PackageRoot.url.standardizedFileURL

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The `memwall` executable built alongside this test bundle: `MEMWALL_EXECUTABLE` if set, else the
    /// products directory of whatever scratch path is in use (found by walking up from the test bundle
    /// and the running executable), else `<root>/.build/debug/memwall`.
    static let executable: URL = {
        let manager = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["MEMWALL_EXECUTABLE"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        var starts: [URL] = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { starts.append(executable) }
        if let first = CommandLine.arguments.first, !first.isEmpty {
            starts.append(URL(fileURLWithPath: first, relativeTo: URL(fileURLWithPath: manager.currentDirectoryPath)))
        }
        starts += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }
        for start in starts {
            var directory = start.standardizedFileURL.resolvingSymlinksInPath()
            for _ in 0..<6 {
                let candidate = directory.appendingPathComponent("memwall")
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   manager.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                directory.deleteLastPathComponent()
            }
        }
        return root.appendingPathComponent(".build/debug/memwall")
    }()

    /// Runs `memwall arguments...` with the package root as the current directory.
    /// `environment` adds variables to this process's own.
    static func run(_ arguments: [String], timeout: Double = 300, environment: [String: String] = [:]) async throws -> CommandResult {
        let manager = FileManager.default
        try #require(manager.isExecutableFile(atPath: executable.path),
                     "memwall executable not found at \(executable.path); build the package first")
        let scratch = manager.temporaryDirectory.appendingPathComponent("memwall-run-\(UUID().uuidString)")
        try manager.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: scratch) }
        // Files, not pipes: nothing can block on a full pipe buffer, and large outputs are fine.
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        // A hung run is killed after `timeout` seconds and reads as a signal, failing the test instead of hanging it.
        let box = ProcessBox(process)
        let watchdog = Task {
            try await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
            if box.process.isRunning { box.process.terminate() }
        }
        defer { watchdog.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? outHandle.close()
        try? errHandle.close()

        let signalled = process.terminationReason == .uncaughtSignal
        let status = signalled ? 128 + process.terminationStatus : process.terminationStatus
        return CommandResult(status: status, signalled: signalled,
                             stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                             stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// Lets the watchdog task reach the process (Process is not Sendable).
private final class ProcessBox: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}

/// A fresh temporary directory for one test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let manager = FileManager.default
    let directory = manager.temporaryDirectory.appendingPathComponent("memwall-cli-tests-\(UUID().uuidString)")
    try manager.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? manager.removeItem(at: directory) }
    return try await body(directory)
}

/// Shipped inputs, read by the tests themselves (not through memwall) to derive expectations.
enum Shipped {
    static let h100 = "nvidia-h100-sxm-80gb"
    static let h100File = "HardwareSpecs/nvidia-h100-sxm-80gb.yaml"
    static let llama8bDecode = "Workloads/llama-3-8b-decode.yaml"
    static let llama8bPrefill = "Workloads/llama-3-8b-prefill.yaml"
    static let llama70bDecode = "Workloads/llama-3-70b-decode.yaml"

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: Memwall.path(relative), encoding: .utf8)
    }

    /// The `name:` entries of the top-level `memory:` list of a hardware YAML file, in order,
    /// read with a plain line scan (independent of memwall's loader).
    static func tierNames(ofHardware relative: String) throws -> [String] {
        var names: [String] = []
        var inMemory = false
        for line in try text(relative).split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.hasPrefix("#"), !line.isEmpty {
                inMemory = line.hasPrefix("memory:")
                continue
            }
            let trimmed = line.drop(while: { $0 == " " })
            if inMemory, trimmed.hasPrefix("- name:") {
                names.append(trimmed.dropFirst("- name:".count).trimmingCharacters(in: .whitespaces))
            }
        }
        return names
    }

    /// A top-level scalar of a YAML file (`name: ...`), by line scan.
    static func topLevelValue(_ key: String, in relative: String) throws -> String? {
        for line in try text(relative).split(separator: "\n") where line.hasPrefix("\(key):") {
            return line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Paths (relative to the root) of the files in `directory` whose names end with `suffix`, sorted.
    static func files(in directory: String, suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Memwall.path(directory))
            .filter { $0.hasSuffix(suffix) }.sorted().map { "\(directory)/\($0)" }
    }
}

/// The contract for bad input: status exactly 2 (not a signal), nothing but one non-empty line on stderr.
func expectBadInput(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!result.signalled, "memwall crashed: \(result)", sourceLocation: sourceLocation)
    #expect(result.status == 2, "\(result)", sourceLocation: sourceLocation)
    #expect(result.stderrLines.count == 1, "expected exactly one stderr line: \(result)", sourceLocation: sourceLocation)
    #expect(!(result.stderrLines.first ?? "").trimmingCharacters(in: .whitespaces).isEmpty,
            "expected a non-empty stderr line: \(result)", sourceLocation: sourceLocation)
}
