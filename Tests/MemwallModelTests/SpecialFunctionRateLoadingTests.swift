import Testing
@testable import MemwallModel

/// The optional `special_functions` field of a compute engine: units, sign and source.
struct SpecialFunctionRateLoadingTests {
    static func document(_ special: String) -> String {
        """
        name: Test GPU
        kind: gpu
        compute:
          - name: tc
            peak: { bf16: 100 TFLOPS }
            special_functions:
        \(special)
            source: "test"
        memory:
          - name: hbm
            capacity: 80 GiB
            bandwidth: 3.35 TB/s
            source: "test"
        """
    }

    @Test func rateAndSourceAreRead() throws {
        let hardware = try Hardware.parse(Self.document("      rate: 3.9 TOPS\n      source: \"FA3 paper\""), file: "t.yaml")
        #expect(hardware.compute[0].specialFunctions?.rate.value == 3.9e12)
        #expect(hardware.compute[0].specialFunctions?.source == "FA3 paper")
    }

    @Test func absentFieldIsNil() throws {
        let hardware = try Hardware.parse(HardwareLoadingTests.yaml(), file: "t.yaml")
        #expect(hardware.compute.allSatisfy { $0.specialFunctions == nil })
    }

    /// The H100 SXM5 file carries the FlashAttention-3 paper's 3.9 T/s on the engine that runs attention.
    @Test func h100CarriesTheFlashAttention3Figure() throws {
        let h100 = try Hardware.load(contentsOf: packagePath("HardwareSpecs/nvidia-h100-sxm-80gb.yaml"))
        let engine = try #require(h100.compute.first { $0.name == "tensor-core" })
        #expect(engine.specialFunctions?.rate.value == 3.9e12)
        #expect(engine.specialFunctions?.source.contains("2407.08608") == true)
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var text: String, line: Int, keyPath: String, message: String
        var testDescription: String { message }
    }

    static let bad: [Bad] = [
        Bad(text: "      rate: 3.9 TB/s\n      source: \"s\"", line: 7, keyPath: "compute[0].special_functions.rate",
            message: "unit 'TB/s' is a bandwidth, expected a compute rate"),
        Bad(text: "      rate: -3.9 TOPS\n      source: \"s\"", line: 7, keyPath: "compute[0].special_functions.rate",
            message: "is negative"),
        Bad(text: "      rate: 0 TOPS\n      source: \"s\"", line: 7, keyPath: "compute[0].special_functions.rate",
            message: "must be greater than zero"),
        Bad(text: "      rate: 3.9 TOPS", line: 7, keyPath: "compute[0].special_functions.source",
            message: "missing required key 'source'"),
        Bad(text: "      rate: 3.9 TOPS\n      source: \"s\"\n      rte: 1", line: 9, keyPath: "compute[0].special_functions.rte",
            message: "unknown key 'rte'"),
    ]

    @Test(arguments: bad)
    func badFieldIsRefusedWithFileAndLine(_ c: Bad) {
        let error = specError { _ = try Hardware.parse(Self.document(c.text), file: "bad.yaml") }
        #expect(error?.keyPath == c.keyPath, "\(error?.description ?? "no error")")
        #expect(error?.message.contains(c.message) == true, "\(error?.description ?? "no error")")
        #expect(error?.description.hasPrefix("bad.yaml:\(c.line):") == true, "\(error?.description ?? "no error")")
    }
}
