import Foundation
import Testing

/// A file a bad-input case writes into its temporary directory before running.
enum CaseFile: Sendable {
    case text(String)
    case bytes([UInt8])
    /// A shipped file with exactly one occurrence of `from` replaced by `to`.
    case mutated(shipped: String, from: String, to: String)
    case directory
}

/// Where the error line must point: `<file>:<line>:`, the line being the one of the written file
/// whose trimmed text is `line` (`exact`), or that line or a later one (a parser that notices late).
struct LineCheck: Sendable {
    var file: String
    var line: String
    var exact: Bool
}

/// One bad input: files to write, arguments (`{dir}` is the temporary directory), and the
/// fragments the single stderr line must contain (where, and what was expected).
struct BadInputCase: Sendable, CustomTestStringConvertible {
    var label: String
    var files: [String: CaseFile] = [:]
    var arguments: [String]
    var fragments: [String]
    var location: LineCheck? = nil
    /// Known bug: ArgumentParser's own errors print Error/Help/Usage lines, not one line.

    var testDescription: String { label }

    static let decode = ["--workload", Shipped.llama8bDecode]
    static let h100 = ["--hardware", Shipped.h100]

    /// The shipped H100 file with one edit; the error must point at the edited line (`to` is that whole line),
    /// or at it or later when `exactLine` is false, or anywhere when `checkLine` is false.
    static func hardwareMutation(_ label: String, from: String, to: String, fragments: [String], exactLine: Bool = true,
                                 checkLine: Bool = true) -> BadInputCase {
        BadInputCase(label: label, files: ["hw.yaml": .mutated(shipped: Shipped.h100File, from: from, to: to)],
                     arguments: ["analyze", "--hardware", "{dir}/hw.yaml"] + decode,
                     fragments: ["{dir}/hw.yaml:"] + fragments,
                     location: checkLine ? LineCheck(file: "hw.yaml", line: to, exact: exactLine) : nil)
    }

    static func graph(_ label: String, _ yaml: String, fragments: [String], line: String? = nil) -> BadInputCase {
        BadInputCase(label: label, files: ["graph.yaml": .text(yaml)],
                     arguments: ["analyze"] + h100 + ["--workload", "{dir}/graph.yaml"],
                     fragments: ["{dir}/graph.yaml:"] + fragments,
                     location: line.map { LineCheck(file: "graph.yaml", line: $0, exact: true) })
    }

    static let all: [BadInputCase] = [
        // Hardware files: syntax, units, keys, values.
        hardwareMutation("malformed YAML: unclosed bracket", from: "executes: [matrix]", to: "executes: [matrix",
                         fragments: ["malformed YAML"], exactLine: false),
        hardwareMutation("bandwidth with a size unit", from: "bandwidth: 3.35 TB/s", to: "bandwidth: 3.35 TB",
                         fragments: ["memory[3].bandwidth", "expected a bandwidth"]),
        hardwareMutation("misspelt key bandwith", from: "bandwidth: 3.35 TB/s", to: "bandwith: 3.35 TB/s",
                         fragments: ["memory[3].bandwith", "did you mean 'bandwidth'?"]),
        hardwareMutation("negative capacity", from: "capacity: 80 GiB", to: "capacity: -80 GiB",
                         fragments: ["memory[3].capacity", "negative", "expected"]),
        hardwareMutation("zero capacity", from: "capacity: 80 GiB", to: "capacity: 0 GiB",
                         fragments: ["memory[3].capacity", "greater than zero"]),
        hardwareMutation("unknown peak dtype", from: "bf16: 989.4 TFLOPS,", to: "bf61: 989.4 TFLOPS,",
                         fragments: ["compute[0].peak.bf61", "did you mean 'bf16'?"], checkLine: false),
        BadInputCase(label: "empty hardware file", files: ["hw.yaml": .text("")],
                     arguments: ["analyze", "--hardware", "{dir}/hw.yaml"] + decode,
                     fragments: ["{dir}/hw.yaml", "empty", "expected a mapping"]),
        BadInputCase(label: "hardware name that is not shipped",
                     arguments: ["analyze", "--hardware", "h100"] + decode,
                     fragments: ["h100", "nvidia-h100-sxm-80gb", "nvidia-a100-sxm4-80gb", "nvidia-a100-sxm4-40gb",
                                 "expected a hardware file path"]),
        BadInputCase(label: "directory as hardware file", files: ["adir": .directory],
                     arguments: ["analyze", "--hardware", "{dir}/adir"] + decode,
                     fragments: ["{dir}/adir", "is a directory", "expected"]),
        BadInputCase(label: "workload file as hardware",
                     arguments: ["analyze", "--hardware", Shipped.llama8bDecode] + decode,
                     fragments: [Shipped.llama8bDecode + ":", "unknown key 'model'", "expected one of"]),

        // Options.
        BadInputCase(label: "--set batch=0", arguments: ["analyze"] + h100 + decode + ["--set", "batch=0"],
                     fragments: ["--set batch=0", "expected a whole number in 1"]),
        BadInputCase(label: "--set bach=2", arguments: ["analyze"] + h100 + decode + ["--set", "bach=2"],
                     fragments: ["--set bach=2", "'bach'", "did you mean 'batch'?"]),
        BadInputCase(label: "--set without =", arguments: ["analyze"] + h100 + decode + ["--set", "batch"],
                     fragments: ["--set", "'batch'", "key=value"]),
        BadInputCase(label: "--set with no key", arguments: ["analyze"] + h100 + decode + ["--set", "=2"],
                     fragments: ["--set", "key=value"]),
        BadInputCase(label: "--set phase to an unknown phase", arguments: ["analyze"] + h100 + decode + ["--set", "phase=train"],
                     fragments: ["--set phase=train", "expected one of prefill, decode"]),
        BadInputCase(label: "--set batch overflowing 64 bits",
                     arguments: ["analyze"] + h100 + decode + ["--set", "batch=99999999999999999999"],
                     fragments: ["--set batch=", "overflows", "expected a whole number"]),
        BadInputCase(label: "--set of a parameter a graph file lacks",
                     arguments: ["analyze"] + h100 + ["--workload", "Workloads/graphs/gpt2-block.yaml", "--set", "context_len=5"],
                     fragments: ["context_len", "this graph's parameters are", "seq_len"]),
        BadInputCase(label: "--format xml", arguments: ["analyze"] + h100 + decode + ["--format", "xml"],
                     fragments: ["--format", "xml"]),
        BadInputCase(label: "missing --workload", arguments: ["analyze"] + h100,
                     fragments: ["--workload"]),
        BadInputCase(label: "unknown subcommand", arguments: ["frobnicate"],
                     fragments: ["frobnicate"]),
        BadInputCase(label: "bench --seconds 0", arguments: ["bench", "--seconds", "0"],
                     fragments: ["--seconds"]),

        // Workload files.
        graph("graph op reading an undeclared tensor", """
            schema_version: 1
            name: dangling
            parameters: { n: 4 }
            tensors:
              x: { shape: [n, 8], dtype: bf16, kind: input }
              w: { shape: [8, 8], dtype: bf16, kind: weight }
              y: { shape: [n, 8], dtype: bf16 }
            ops:
              - { name: mm, kind: matmul, inputs: [x, wt], outputs: [y] }
            """, fragments: ["ops[0].inputs[1]", "'wt'", "not declared", "did you mean 'w'?"],
            line: "- { name: mm, kind: matmul, inputs: [x, wt], outputs: [y] }"),
        graph("graph activation that no op writes", """
            schema_version: 1
            name: unproduced
            tensors:
              x: { shape: [4, 8], dtype: bf16 }
              w: { shape: [8, 8], dtype: bf16, kind: weight }
              y: { shape: [4, 8], dtype: bf16 }
            ops:
              - { name: mm, kind: matmul, inputs: [x, w], outputs: [y] }
            """, fragments: ["ops[0]", "'x'", "no op writes it", "kind: input"],
            line: "- { name: mm, kind: matmul, inputs: [x, w], outputs: [y] }"),
        graph("graph with a cycle", """
            schema_version: 1
            name: cycle
            tensors:
              a: { shape: [4, 8], dtype: bf16 }
              b: { shape: [4, 8], dtype: bf16 }
            ops:
              - { name: f, kind: elementwise, inputs: [a], outputs: [b] }
              - { name: g, kind: elementwise, inputs: [b], outputs: [a] }
            """, fragments: ["'f'", "'g'", "cycle", "expected an acyclic graph"]),
        graph("graph with a zero dimension", """
            schema_version: 1
            name: zero
            tensors:
              x: { shape: [0, 8], dtype: bf16, kind: input }
              y: { shape: [4, 8], dtype: bf16 }
            ops:
              - { name: f, kind: elementwise, inputs: [x], outputs: [y] }
            """, fragments: ["tensors.x.shape[0]", "at least 1"], line: "x: { shape: [0, 8], dtype: bf16, kind: input }"),
        graph("graph with mismatched matmul shapes", """
            schema_version: 1
            name: shapes
            tensors:
              x: { shape: [4, 8], dtype: bf16, kind: input }
              w: { shape: [16, 8], dtype: bf16, kind: weight }
              y: { shape: [4, 8], dtype: bf16 }
            ops:
              - { name: mm, kind: matmul, inputs: [x, w], outputs: [y] }
            """, fragments: ["ops[0]", "'mm'", "inner dimensions differ", "expected"],
            line: "- { name: mm, kind: matmul, inputs: [x, w], outputs: [y] }"),
        BadInputCase(label: "graph parameter set to zero",
                     arguments: ["analyze"] + h100 + ["--workload", "Workloads/graphs/gpt2-block.yaml", "--set", "batch=0"],
                     fragments: ["Workloads/graphs/gpt2-block.yaml:", "tensors.x.shape[0]", "at least 1"]),
        BadInputCase(label: "config.json heads not divisible by KV heads",
                     files: ["model.config.json": .mutated(shipped: "Workloads/models/llama-3-8b.config.json",
                                                           from: "\"num_key_value_heads\": 8", to: "\"num_key_value_heads\": 5")],
                     arguments: ["analyze"] + h100 + ["--workload", "{dir}/model.config.json"],
                     fragments: ["{dir}/model.config.json:", "num_key_value_heads", "expected a divisor"],
                     location: LineCheck(file: "model.config.json", line: "\"num_key_value_heads\": 5,", exact: true)),
        BadInputCase(label: "empty workload file", files: ["empty.yaml": .text("")],
                     arguments: ["analyze"] + h100 + ["--workload", "{dir}/empty.yaml"],
                     fragments: ["{dir}/empty.yaml", "empty", "expected a mapping"]),
        BadInputCase(label: "binary workload file", files: ["binary.yaml": .bytes([0xFF, 0xFE, 0x00, 0x80, 0xC3, 0x28, 0x0A])],
                     arguments: ["analyze"] + h100 + ["--workload", "{dir}/binary.yaml"],
                     fragments: ["{dir}/binary.yaml", "UTF-8"]),
        BadInputCase(label: "directory as workload file", files: ["adir": .directory],
                     arguments: ["analyze"] + h100 + ["--workload", "{dir}/adir"],
                     fragments: ["{dir}/adir", "is a directory", "expected"]),
        BadInputCase(label: "missing workload file",
                     arguments: ["analyze"] + h100 + ["--workload", "{dir}/missing.yaml"],
                     fragments: ["{dir}/missing.yaml", "no such file"]),
        BadInputCase(label: "hardware file as workload",
                     arguments: ["analyze"] + h100 + ["--workload", Shipped.h100File],
                     fragments: [Shipped.h100File + ":", "not a workload", "expected a graph"]),
        BadInputCase(label: "model workload with a misspelt parameter",
                     files: ["w.yaml": .text("schema_version: 1\nmodel: \(Memwall.path("Workloads/models/llama-3-8b.config.json"))\nphase: decode\nbatchh: 2\n")],
                     arguments: ["analyze"] + h100 + ["--workload", "{dir}/w.yaml"],
                     fragments: ["{dir}/w.yaml:4:", "batchh", "did you mean 'batch'?"]),
        BadInputCase(label: "model workload whose config is missing",
                     files: ["w.yaml": .text("schema_version: 1\nmodel: nowhere.config.json\n")],
                     arguments: ["analyze"] + h100 + ["--workload", "{dir}/w.yaml"],
                     fragments: ["{dir}/w.yaml:2:", "model", "nowhere.config.json"]),
    ]
}

@Suite struct BadInputTests {
    /// Writes a case's files into `directory`; returns each written file's lines for location checks.
    static func materialise(_ files: [String: CaseFile], in directory: URL) throws -> [String: [String]] {
        var lines: [String: [String]] = [:]
        for (name, content) in files {
            let url = directory.appendingPathComponent(name)
            switch content {
            case .text(let text):
                try text.write(to: url, atomically: true, encoding: .utf8)
                lines[name] = text.components(separatedBy: "\n")
            case .bytes(let bytes):
                try Data(bytes).write(to: url)
            case .mutated(let shipped, let from, let to):
                let original = try Shipped.text(shipped)
                try #require(original.components(separatedBy: from).count == 2, "'\(from)' must occur once in \(shipped)")
                let text = original.replacingOccurrences(of: from, with: to)
                try text.write(to: url, atomically: true, encoding: .utf8)
                lines[name] = text.components(separatedBy: "\n")
            case .directory:
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            }
        }
        return lines
    }

    @Test(arguments: BadInputCase.all)
    func badInputExitsTwoWithOneLine(_ badCase: BadInputCase) async throws {
        try await withTemporaryDirectory { directory in
            let lines = try Self.materialise(badCase.files, in: directory)
            let dir = directory.path
            let result = try await Memwall.run(badCase.arguments.map { $0.replacingOccurrences(of: "{dir}", with: dir) })

            #expect(!result.signalled, "memwall crashed: \(result)")
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            let first = try #require(result.stderrLines.first, "no stderr: \(result)")
            #expect(!first.trimmingCharacters(in: .whitespaces).isEmpty)
            #expect(result.stderrLines.count == 1, "\(result)")
            for fragment in badCase.fragments.map({ $0.replacingOccurrences(of: "{dir}", with: dir) }) {
                #expect(first.contains(fragment), "missing '\(fragment)' in: \(first)")
            }

            if let check = badCase.location {
                let fileLines = try #require(lines[check.file])
                let index = try #require(fileLines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == check.line },
                                         "no line '\(check.line)' in \(check.file)")
                let expectedLine = index + 1
                let prefix = "\(dir)/\(check.file):"
                let range = try #require(first.range(of: prefix), "no '\(prefix)' in: \(first)")
                let digits = first[range.upperBound...].prefix(while: \.isNumber)
                let reported = try #require(Int(digits), "no line number after '\(prefix)' in: \(first)")
                #expect(first[range.upperBound...].dropFirst(digits.count).first == ":", "\(first)")
                if check.exact {
                    #expect(reported == expectedLine, "\(first)")
                } else {
                    #expect(reported >= expectedLine && reported <= fileLines.count, "\(first)")
                }
            }
        }
    }

    /// A directory given as a file gets an error naming the problem and what was expected.
    @Test func directoryAsFileSaysItIsADirectory() async throws {
        try await withTemporaryDirectory { directory in
            let result = try await Memwall.run(["analyze", "--hardware", Shipped.h100, "--workload", directory.path])
            expectBadInput(result)
            #expect(result.stderr.contains("directory"), "\(result)")
            #expect(result.stderr.contains("expected"), "\(result)")
        }
    }

    /// Every shipped hardware name is listed when a name is not found.
    @Test func unknownHardwareNameListsEveryShippedName() async throws {
        let result = try await Memwall.run(["analyze", "--hardware", "h100", "--workload", Shipped.llama8bDecode])
        expectBadInput(result)
        let shipped = try Shipped.files(in: "HardwareSpecs", suffix: ".yaml")
            .map { String($0.dropFirst("HardwareSpecs/".count).dropLast(".yaml".count)) }
        #expect(shipped.count >= 3)
        for name in shipped { #expect(result.stderr.contains(name), "\(name) not listed: \(result)") }
    }
}
