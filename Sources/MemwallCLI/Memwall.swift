import ArgumentParser

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
        subcommands: [Analyze.self, Roofline.self, Specs.self, Bench.self]
    )

    public init() {}
}

/// Runs `memwall` with `arguments` (without the program name) and returns the exit status.
public enum MemwallMain {
    public static func run(_ arguments: [String]) -> Int32 {
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
            let message = Memwall.fullMessage(for: error)
            if status == .success {
                if !message.isEmpty { Console.output(message + "\n") }
                return 0
            }
            Console.error(message)
            return CommandFailure.badInput
        }
    }
}
