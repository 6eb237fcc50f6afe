import ArgumentParser
import Foundation

/// The `memwall` command: what a workload does on a piece of hardware, and why.
public struct Memwall: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "memwall",
        abstract: "Analytical simulator and cost modeler for AI workloads against the memory wall.",
        discussion: """
        Hardware files (HardwareSpecs/*.yaml) describe memory tiers, compute engines, links, power and price.
        Workloads are graph files, model workload files, or Hugging Face config.json files (Workloads/).

        Example:
          memwall analyze --hardware nvidia-h100-sxm-80gb --workload Workloads/llama-3-8b-decode.yaml

        Exit status: 0 success, 1 no feasible answer (e.g. the workload does not fit), 2 bad input.
        """,
        version: "0.1.0",
        subcommands: [Analyze.self, Roofline.self, Specs.self, Bench.self, IOCommand.self, Verify.self, Compare.self,
                      Serve.self, Sweep.self, Merge.self, Plan.self, Calibrate.self, Validate.self, Place.self, PlaceBench.self]
    )

    public init() {}
}

/// The subcommand words at the start of `arguments`, for pointing at the right help.
func helpPath(_ arguments: [String]) -> String {
    var path: [String] = []
    var command: ParsableCommand.Type = Memwall.self
    for word in arguments {
        guard let next = command.configuration.subcommands.first(where: { $0.configuration.commandName == word
            || $0._commandName == word }) else { break }
        path.append(word)
        command = next
    }
    return path.joined(separator: " ")
}

/// Runs `memwall` with `arguments` (without the program name) and returns the exit status.
public enum MemwallMain {
    public static func run(_ arguments: [String]) -> Int32 {
        Console.exitCleanlyOnInterrupt()
        do {
            var command = try Memwall.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let failure as CommandFailure {
            Console.error(failure.message)
            return failure.status
        } catch let error as ExitCode {
            return error.rawValue
        } catch {
            let status = Memwall.exitCode(for: error)
            if status == .success {
                let message = Memwall.fullMessage(for: error)
                if !message.isEmpty { Console.output(message + "\n") }
                return 0
            }
            // Usage errors: one line, like every other error, pointing at the help.
            let message = Memwall.message(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            Console.error("error: \(message) (see 'memwall \(helpPath(arguments)) --help')")
            return CommandFailure.badInput
        }
    }
}
