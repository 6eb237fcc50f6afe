import ArgumentParser
import MemwallModel
import MemwallReport

struct Specs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with hardware and workload description files.",
        subcommands: [List.self, Show.self, Validate.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Table of the shipped hardware with headline figures.",
            discussion: "Example:\n  memwall specs list\n  memwall specs list --dir HardwareSpecs/systems")

        @Option(name: .long, help: ArgumentHelp("Folder of hardware files.", valueName: "folder"))
        var dir = HardwareLocator.shippedDirectory

        func run() throws {
            let files = HardwareLocator.files(in: dir)
            guard !files.isEmpty else { throw CommandFailure.badInput("\(dir): no .yaml hardware files; expected a folder such as HardwareSpecs") }
            let entries = try files.map { path in (path, try failing { try Hardware.load(contentsOf: path) }) }
            Console.output(HardwareSummary.table(entries))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every figure of one hardware description, with its source.",
            discussion: "Example:\n  memwall specs show nvidia-h100-sxm-80gb")

        @Argument(help: ArgumentHelp("A hardware file or shipped name.", valueName: "name"))
        var name: String

        func run() throws {
            let hardware = try failing { try Hardware.load(contentsOf: HardwareLocator.resolve(name)) }
            Console.output(HardwareSummary.detail(hardware))
        }
    }

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
