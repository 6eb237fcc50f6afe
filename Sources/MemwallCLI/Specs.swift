import ArgumentParser
import MemwallModel

struct Specs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with hardware and workload description files.",
        subcommands: [Validate.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check hardware and workload files: syntax, units, required sources, references, graph shapes.",
            discussion: """
            Prints one line per file: 'ok' with a summary on standard output, or the error (file:line:column: key path:
            what is wrong, what was expected) on standard error, then a count of invalid files. Exits 2 if any is invalid.

            Example:
              memwall specs validate HardwareSpecs/*.yaml Workloads/*.yaml
            """)

        @Argument(help: ArgumentHelp("Files to check.", valueName: "file"))
        var files: [String]

        func run() throws {
            var failures = 0
            for file in files {
                switch check(file) {
                case .success(let summary): Console.output("ok     \(file): \(summary)\n")
                case .failure(let error):
                    Console.error("error: \(error)")
                    failures += 1
                }
            }
            if failures > 0 {
                throw CommandFailure(message: "\(failures) of \(files.count) files invalid", status: CommandFailure.badInput)
            }
        }

        /// Hardware files are told apart from workloads by their `memory` key.
        func check(_ file: String) -> Result<String, SpecError> {
            Result { () throws(SpecError) -> String in
                let document = try SpecDocument(contentsOf: file)
                let top = try document.root.mapping()
                if top.contains("memory") || top.contains("device") {
                    let h = try Hardware.load(contentsOf: file)
                    return "hardware '\(h.name)', \(h.memory.count) tiers (\(h.memory.map(\.name).joined(separator: ", "))), \(h.compute.count) engines"
                }
                let w = try WorkloadLoader.load(document)
                return "workload '\(w.name)', \(w.ops.count) ops over \(w.tensors.count) tensors"
            }
        }
    }
}
