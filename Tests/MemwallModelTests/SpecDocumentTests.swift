import Foundation
import Testing
@testable import MemwallModel

struct SpecDocumentTests {
    // MARK: Malformed input

    @Test func tabIndentationIsASyntaxErrorOnItsLine() {
        // YAML forbids tabs for indentation; the tab is the first character of line 3.
        let text = "name: x\nmemory:\n\t- name: hbm\n"
        let error = specError { _ = try document(text, file: "bad.yaml") }
        #expect(error?.file == "bad.yaml")
        #expect(error?.line == 3)
        #expect(error?.message.hasPrefix("malformed YAML/JSON") == true)
        #expect(error?.description.hasPrefix("bad.yaml:3:") == true)
    }

    @Test func mappingValueInsideAScalarIsASyntaxErrorOnItsLine() {
        // Line 2 continues the scalar of line 1 and then has a ':' that cannot start a mapping there.
        let text = "a: 1\n  b: 2\n"
        let error = specError { _ = try document(text) }
        #expect(error?.line == 2)
        #expect(error?.column != nil)
    }

    @Test func unclosedFlowSequenceNamesALine() {
        let text = "name: x\npeak: [1, 2\nkind: gpu\n"
        let error = specError { _ = try document(text) }
        #expect(error?.line != nil)
        #expect((error?.line ?? 0) >= 2)
    }

    @Test func malformedJSONIsReported() {
        // The list opened on line 3 is closed with '}' on line 3.
        let text = "{\n  \"hidden_size\": 4096,\n  \"layers\": [1, 2}\n}\n"
        let error = specError { _ = try document(text, file: "config.json") }
        #expect(error?.file == "config.json")
        #expect(error?.line == 3)
    }

    @Test func emptyDocumentIsRefused() {
        let error = specError { _ = try document("", file: "empty.yaml") }
        #expect(error?.line == 1)
        #expect(error?.message.contains("empty") == true)
        #expect(error?.description == "empty.yaml:1:1: document is empty; expected a mapping of keys")
    }

    @Test func oversizedTextIsRefusedBeforeParsing() {
        let text = String(repeating: "#", count: SpecDocument.maximumSize + 1)
        let error = specError { _ = try document(text) }
        #expect(error?.message.contains("expected at most \(SpecDocument.maximumSize) bytes") == true)
    }

    @Test func missingFileSaysSo() {
        let path = "/nonexistent-memwall-dir/hardware.yaml"
        let error = specError { _ = try SpecDocument(contentsOf: path) }
        #expect(error?.file == path)
        #expect(error?.line == nil)
        #expect(error?.description == "\(path): no such file; expected a YAML or JSON file")
    }

    @Test func directoryIsNotADocument() {
        let path = packagePath("HardwareSpecs")
        let error = specError { _ = try SpecDocument(contentsOf: path) }
        #expect(error?.file == path)
        #expect(error?.message.hasPrefix("is a directory") == true)
    }

    // MARK: Duplicate keys

    /// SpecValue.mapping() reports duplicates as "duplicate key 'x'" at the second
    /// occurrence, but Yams 6 refuses duplicate keys while composing. SpecDocument
    /// passes that through its `default:` branch: no line, and a message that embeds
    /// the whole document text across several lines.
    @Test func duplicateKeysNameTheKeyAndTheLine() {
        let text = "name: a\nkind: gpu\nname: b\n"
        let error = specError { _ = try document(text, file: "dup.yaml") }
        #expect(error?.file == "dup.yaml")
        #expect(error?.message.contains("'name'") == true)
        #expect(error?.line == 3)
        #expect(error?.keyPath == "name")
        #expect(error?.description.contains("\n") == false)
    }

    @Test func duplicateKeysInANestedMappingAreRefused() {
        let text = "tensors:\n  x: { shape: [1], dtype: bf16 }\n  x: { shape: [2], dtype: bf16 }\n"
        let error = specError { _ = try document(text) }
        #expect(error?.message.contains("'x'") == true)
    }

    // MARK: Keys

    @Test func unknownKeySuggestsTheNearest() throws {
        let doc = try document("name: hbm\nbandwith: 3.35 TB/s\n", file: "tier.yaml")
        let map = try doc.root.mapping()
        let error = specError { try map.allowOnly(["name", "capacity", "bandwidth", "latency"]) }
        #expect(error?.keyPath == "bandwith")
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("unknown key 'bandwith' (did you mean 'bandwidth'?)") == true)
        #expect(error?.description.hasPrefix("tier.yaml:2:") == true)
    }

    @Test func unknownKeyFarFromEveryAllowedKeyHasNoSuggestion() throws {
        let map = try document("zzzzzz: 1\n").root.mapping()
        let error = specError { try map.allowOnly(["name", "capacity"]) }
        #expect(error?.message.hasPrefix("unknown key 'zzzzzz'; expected one of name, capacity") == true)
    }

    @Test func missingRequiredKeyNamesItsPath() throws {
        let doc = try document("memory:\n  - name: hbm\n    capacity: 80 GB\n")
        let tier = try doc.root.mapping().required("memory").sequence()[0].mapping()
        let error = specError { _ = try tier.required("source") }
        #expect(error?.keyPath == "memory[0].source")
        #expect(error?.message == "missing required key 'source'")
        #expect(error?.line == 2)   // the tier's own position
    }

    @Test func keyPathsFollowNesting() throws {
        let doc = try document("a:\n  b:\n    - 1\n    - c: 2\n")
        let b = try doc.root.mapping().required("a").mapping().required("b")
        #expect(b.path == "a.b")
        let items = try b.sequence()
        #expect(items.map(\.path) == ["a.b[0]", "a.b[1]"])
        #expect(try items[1].mapping().required("c").path == "a.b[1].c")
        #expect(try items[1].mapping().required("c").line == 4)
    }

    @Test func nonStringKeysAreRefused() throws {
        let doc = try document("name: x\n? [a, b]\n: 1\n")
        let error = specError { _ = try doc.root.mapping() }
        #expect(error?.message == "keys must be plain strings")
        #expect(error?.line == 2)
    }

    @Test func nullValuesCountAsMissing() throws {
        let map = try document("a: null\nb: ~\nc:\nd: 1\n").root.mapping()
        #expect(map.optional("a") == nil)
        #expect(map.optional("b") == nil)
        #expect(map.optional("c") == nil)
        #expect(map.contains("d"))
        #expect(specError { _ = try map.required("a") }?.keyPath == "a")
    }

    // MARK: Error description

    @Test func descriptionFormat() {
        #expect(SpecError(file: "h.yaml", line: 14, column: 16, keyPath: "memory[2].bandwidth", message: "bad").description
            == "h.yaml:14:16: memory[2].bandwidth: bad")
        #expect(SpecError(file: "h.yaml", line: 14, column: 16, message: "bad").description == "h.yaml:14:16: bad")
        #expect(SpecError(file: "h.yaml", line: 14, message: "bad").description == "h.yaml:14: bad")
        #expect(SpecError(file: "h.yaml", keyPath: "name", message: "bad").description == "h.yaml: name: bad")
        #expect(SpecError(file: "--set batch=x", message: "bad").description == "--set batch=x: bad")
    }

    @Test func quantityErrorIsLocatedAtTheValue() throws {
        // "    bandwidth: " is 15 characters, so the value starts in column 16 of line 3.
        let text = "memory:\n  - name: hbm\n    bandwidth: 80 GB\n"
        let doc = try document(text, file: "h.yaml")
        let value = try doc.root.mapping().required("memory").sequence()[0].mapping().required("bandwidth")
        let error = specError { _ = try value.quantity(BytesPerSecond.self) }
        #expect(error?.description
            == "h.yaml:3:16: memory[0].bandwidth: unit 'GB' is a size, expected a bandwidth like '3.35 TB/s'")
    }

    // MARK: Scalars

    @Test func wholeNumbers() throws {
        let map = try document("a: 12\nb: 1_000\nc: -3\nd: 2.5\ne: 9223372036854775808\nf: [1]\ng: 0\n").root.mapping()
        #expect(try map.required("a").int() == 12)
        #expect(try map.required("b").int() == 1000)
        #expect(try map.required("c").int() == -3)
        #expect(specError { _ = try map.required("c").int(in: 0...10) }?.message.contains("out of range") == true)
        #expect(specError { _ = try map.required("d").int() }?.message == "expected a whole number, got '2.5'")
        #expect(specError { _ = try map.required("e").int() }?.message.contains("overflows a 64-bit integer") == true)
        #expect(specError { _ = try map.required("f").int() }?.message == "expected a whole number, got a list")
        #expect(specError { _ = try map.required("g").int(in: 1...Int.max) }?.message
            == "0 is out of range; expected a whole number in 1 or more")
    }

    @Test func realNumbersAndBooleans() throws {
        let map = try document("a: 0.5\nb: .inf\nc: yes\nd: False\ne: maybe\nf: 1.5\n").root.mapping()
        #expect(try map.required("a").double() == 0.5)
        #expect(specError { _ = try map.required("b").double() } != nil)
        #expect(specError { _ = try map.required("f").double(in: 0...1) }?.message.contains("out of range") == true)
        #expect(try map.required("c").bool() == true)
        #expect(try map.required("d").bool() == false)
        #expect(specError { _ = try map.required("e").bool() }?.message == "expected true or false, got 'maybe'")
    }

    @Test func textAndNames() throws {
        let map = try document("a: hello\nb: { c: 1 }\nd: '  '\n").root.mapping()
        #expect(try map.required("a").string() == "hello")
        #expect(specError { _ = try map.required("b").string() }?.message == "expected text, got a mapping")
        #expect(specError { _ = try map.required("d").name() }?.message == "expected a non-empty name")
        #expect(specError { _ = try map.required("a").sequence() }?.message == "expected a list, got 'hello'")
        #expect(specError { _ = try map.required("a").mapping() }?.message == "expected a mapping of keys, got 'hello'")
    }

    @Test func enumValuesSuggestTheNearest() throws {
        let map = try document("a: bf61\nb: fp8\n").root.mapping()
        #expect(try map.required("b").oneOf(DType.self) == .fp8)
        let error = specError { _ = try map.required("a").oneOf(DType.self) }
        #expect(error?.keyPath == "a")
        #expect(error?.message.hasPrefix("unknown value 'bf61' (did you mean 'bf16'?); expected one of fp64, fp32") == true)
    }

    @Test func positiveQuantitiesRefuseZero() throws {
        let map = try document("a: 0 GB\nb: 1 GB\n").root.mapping()
        #expect(try map.required("b").positiveQuantity(Bytes.self).value == 1e9)
        #expect(try map.required("a").quantity(Bytes.self).value == 0)
        let error = specError { _ = try map.required("a").positiveQuantity(Bytes.self) }
        #expect(error?.message == "must be greater than zero; expected a size like '80 GB'")
    }

    @Test func jsonIsReadAsYAML() throws {
        let doc = try document("{\"hidden_size\": 4096, \"rope_scaling\": null, \"names\": [\"a\", \"b\"]}", file: "c.json")
        let map = try doc.root.mapping()
        #expect(try map.required("hidden_size").int() == 4096)
        #expect(map.optional("rope_scaling") == nil)
        #expect(try map.required("names").sequence().map { v throws(SpecError) in try v.string() } == ["a", "b"])
    }

    @Test func commandLineValuesAreYAMLScalars() throws {
        let value = SpecValue.commandLine("8", option: "--set batch=8")
        #expect(try value.int() == 8)
        #expect(value.file == "--set batch=8")
        let error = specError { _ = try SpecValue.commandLine("eight", option: "--set batch=eight").int() }
        #expect(error?.file == "--set batch=eight")
        #expect(error?.message == "expected a whole number, got 'eight'")
        // A one-line option has no lines and columns to point at.
        #expect(error?.line == nil)
        #expect(error?.column == nil)
        #expect(error?.description == "--set batch=eight: expected a whole number, got 'eight'")
    }
}

/// Anchors and aliases are refused up front (nested aliases expand exponentially in the
/// YAML composer), without mistaking `&` or `*` in ordinary text for them.
@Suite struct AnchorRefusalTests {
    @Test(arguments: [
        ("base: &b { x: 1 }\nother: *b\n", 1),
        ("a: 1\nlist: [ &x 1, 2 ]\n", 2),
        ("a: 1\nb:\n  - *ref\n", 3),
    ])
    func anchorsAndAliasesAreRefusedWithTheirLine(text: String, line: Int) {
        let error = specError { _ = try document(text, file: "anchors.yaml") }
        #expect(error?.line == line)
        #expect(error?.message.contains("anchors and aliases") == true)
    }

    @Test(arguments: [
        "source: Smith & Jones, table 3\n",
        "shape: [batch, 3*d_model]\n",
        "tokens: batch * seq_len\n",
        "note: \"&quoted and *quoted\"\n",
        "other: '&single *quoted'\n",
        "name: x # a comment with &anchor-like text\n",
    ])
    func ordinaryTextIsNotMistakenForAnchors(text: String) throws {
        #expect(throws: Never.self) { _ = try document(text) }
    }

    /// An empty file is read without Data(contentsOf:) (which leaks 4 KiB on empty files in
    /// Swift 6.3.1's Foundation, found by FuzzPlacement) and refused as an empty document.
    @Test func emptyFileIsAnEmptyDocument() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).yaml").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: SpecError.self) { try Hardware.load(contentsOf: path) }
        #expect(error.description.contains("document is empty"))
    }
}
