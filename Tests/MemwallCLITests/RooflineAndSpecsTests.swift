import Foundation
import Testing

/// `memwall roofline` and `memwall specs validate` end to end.
@Suite struct RooflineAndSpecsTests {
    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Circles carrying a `<title>` tooltip: the plotted points (legend swatches have none).
    static func titledCircles(in svg: String) -> Int {
        svg.components(separatedBy: "<circle").dropFirst().filter { element in
            let body = element.components(separatedBy: "</circle>").first ?? ""
            return body.contains("<title>")
        }.count
    }

    // MARK: roofline

    /// The SVG has one titled point per op role that does FLOPs and touches main memory,
    /// where the roles are taken from `analyze --format json` of the same inputs.
    @Test(arguments: [Shipped.llama8bPrefill, Shipped.llama8bDecode])
    func rooflineWritesAnSVGWithAPointPerOpRole(workload: String) async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("f.svg").path
            let inputs = ["--hardware", Shipped.h100, "--workload", workload]
            let result = try await Memwall.run(["roofline"] + inputs + ["--output", file])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.isEmpty)
            let svg = try String(contentsOfFile: file, encoding: .utf8)
            #expect(svg.hasPrefix("<?xml"))
            #expect(svg.contains("<svg"))
            #expect(svg.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</svg>"))

            let json = try await Memwall.run(["analyze"] + inputs + ["--format", "json"])
            #expect(json.status == 0, "\(json)")
            let doc = try AnalysisDocument.decode(json.stdout)
            let main = doc.hardware.main_memory
            var roles: [String] = []
            var flops: [String: Double] = [:], mainBytes: [String: Double] = [:]
            for op in doc.ops {
                let role = AnalysisDocument.role(of: op.name)
                if !roles.contains(role) { roles.append(role) }
                flops[role, default: 0] += op.flops
                mainBytes[role, default: 0] += op.bytes_by_tier[main] ?? 0
            }
            let plotted = roles.filter { flops[$0]! > 0 && mainBytes[$0]! > 0 }
            #expect(plotted.count > 5)
            let points = Self.occurrences(of: "<circle", in: svg)
            let titledPoints = Self.titledCircles(in: svg)
            #expect(points > 5)
            #expect(titledPoints == plotted.count, "titled circles \(titledPoints), roles with FLOPs \(plotted)")
            for role in plotted {
                #expect(svg.contains(">\(role)<") || svg.contains("<title>\(role):"), "no point labelled \(role)")
            }
            // Roles without FLOPs (the embedding gather, cache writes) are not plotted.
            #expect(!svg.contains("<title>embed_tokens:"))
        }
    }

    @Test func rooflineWithoutOutputWritesSVGToStdout() async throws {
        let result = try await Memwall.run(["roofline", "--hardware", Shipped.h100, "--workload", "Workloads/graphs/gpt2-block.yaml"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("<?xml"))
        #expect(result.stdout.contains("<svg"))
        #expect(Self.occurrences(of: "<circle", in: result.stdout) > 5)
    }

    @Test func rooflineToAMissingDirectoryIsBadInput() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("missing/f.svg").path
            let result = try await Memwall.run(["roofline", "--hardware", Shipped.h100, "--workload", Shipped.llama8bDecode,
                                                "--output", file])
            expectBadInput(result)
            #expect(result.stderr.contains(file))
        }
    }

    // MARK: specs validate

    @Test func validateAcceptsEveryShippedFile() async throws {
        let files = try Shipped.files(in: "HardwareSpecs", suffix: ".yaml")
            + Shipped.files(in: "Workloads", suffix: ".yaml")
            + Shipped.files(in: "Workloads/graphs", suffix: ".yaml")
            + Shipped.files(in: "Workloads/models", suffix: ".json")
        #expect(files.count >= 3 + 4 + 1 + 3)
        let result = try await Memwall.run(["specs", "validate"] + files)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        let lines = result.stdoutLines
        #expect(lines.count == files.count, "\(result)")
        for (line, file) in zip(lines, files) {
            #expect(line.hasPrefix("ok"), "\(line)")
            #expect(line.contains(file), "\(line)")
        }
        // Hardware lines name the tiers the file declares.
        for (line, file) in zip(lines, files) where file.hasPrefix("HardwareSpecs/") {
            for tier in try Shipped.tierNames(ofHardware: file) { #expect(line.contains(tier), "\(line)") }
        }
    }

    /// One line per file: ok lines on stdout, the invalid file's error on stderr, status 2.
    @Test func validateReportsEachInvalidFile() async throws {
        try await withTemporaryDirectory { directory in
            let bad = directory.appendingPathComponent("bad.yaml").path
            try "schema_version: 1\nname: x\ntensors: {}\nops: []\n".write(toFile: bad, atomically: true, encoding: .utf8)
            let result = try await Memwall.run(["specs", "validate", Shipped.h100File, bad, Shipped.llama8bDecode])
            #expect(!result.signalled)
            #expect(result.status == 2, "\(result)")
            #expect(result.stdoutLines.count == 2)
            #expect(result.stdoutLines.allSatisfy { $0.hasPrefix("ok") })
            let errors = result.stderrLines.filter { $0.contains(bad) }
            #expect(errors.count == 1, "\(result)")
            #expect(errors.first?.contains("ops") == true)
            #expect(errors.first?.contains("expected at least one op") == true)
        }
    }
}
