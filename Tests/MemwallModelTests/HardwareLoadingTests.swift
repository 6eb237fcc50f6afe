import Foundation
import Testing
@testable import MemwallModel

struct HardwareLoadingTests {
    static let gib = 1024.0 * 1024.0 * 1024.0
    static let mib = 1024.0 * 1024.0

    static let shippedFiles: [String] = {
        var found: [String] = []
        for folder in ["", "systems/"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: packagePath("HardwareSpecs/" + folder))) ?? []
            found += names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder + $0 }
        }
        return found
    }()

    static let nvidiaGPUFiles = shippedFiles.filter { $0.hasPrefix("nvidia-") }

    static func load(_ name: String) throws -> Hardware {
        try Hardware.load(contentsOf: packagePath("HardwareSpecs/\(name)"))
    }

    /// Every kind of hardware the product covers is shipped (issues 3 and 6).
    @Test func theRequiredHardwareIsShipped() {
        let required = [
            "nvidia-h100-sxm-80gb.yaml", "nvidia-a100-sxm4-40gb.yaml", "nvidia-a100-sxm4-80gb.yaml", "nvidia-h200-sxm-141gb.yaml",
            "amd-mi300x.yaml", "huawei-ascend-910b.yaml", "google-tpu-v4.yaml", "google-tpu-v5e.yaml",
            "samsung-hbm-pim-gpu.yaml", "attacc-system.yaml", "duplex-logic-pim.yaml", "sk-hynix-gddr6-aim.yaml",
            "amd-alveo-u280.yaml", "amd-versal-vhk158.yaml", "sambanova-sn40l.yaml",
            "systems/h100-host-nvme.yaml", "systems/hgx-h100-8gpu.yaml",
        ]
        for file in required { #expect(Self.shippedFiles.contains(file), "missing \(file)") }
    }

    /// What must hold for every shipped description, whatever its kind.
    @Test(arguments: shippedFiles)
    func shippedFileIsWellFormed(_ name: String) throws {
        let hardware = try Self.load(name)
        let stem = String(name.split(separator: "/").last!.dropLast(".yaml".count))
        #expect(hardware.id == stem)  // id defaults to the file stem
        #expect(!hardware.compute.isEmpty)
        for engine in hardware.compute {
            #expect(!engine.source.trimmingCharacters(in: .whitespaces).isEmpty, "engine \(engine.name) has no source")
            #expect(engine.efficiency > 0 && engine.efficiency <= 1)
            #expect(engine.peak.values.allSatisfy { $0.value > 0 })
            if let near = engine.nearTier { #expect(hardware.memory[near].internalBandwidth != nil) }
        }
        for tier in hardware.memory {
            #expect(!tier.source.trimmingCharacters(in: .whitespaces).isEmpty, "tier \(tier.name) has no source")
            #expect(tier.capacity.value > 0)
            #expect(tier.instances >= 1)
        }
        for link in hardware.links {
            #expect(!link.source.trimmingCharacters(in: .whitespaces).isEmpty, "link \(link.name) has no source")
        }
        #expect(hardware.mainMemory.role == .managed)
        #expect(hardware.mainMemory.bandwidth != nil)
        if hardware.mainMemoryIndex > 0 {
            #expect(hardware.memory[0].capacity < hardware.mainMemory.totalCapacity)
        }
        if let power = hardware.power { #expect(!power.source.isEmpty) }
        if let price = hardware.price { #expect(!price.source.isEmpty) }
    }

    /// The NVIDIA GPU files share one layout: registers, SMEM, L2 (a cache) and HBM.
    @Test(arguments: nvidiaGPUFiles)
    func nvidiaFileHasTheGPULayout(_ name: String) throws {
        let hardware = try Self.load(name)
        #expect(hardware.kind == .gpu)
        #expect(!hardware.compute.isEmpty)
        for engine in hardware.compute {
            #expect(!engine.source.trimmingCharacters(in: .whitespaces).isEmpty, "engine \(engine.name) has no source")
            #expect(engine.efficiency > 0 && engine.efficiency <= 1)
            #expect(engine.peak.values.allSatisfy { $0.value > 0 })
        }
        for tier in hardware.memory {
            #expect(!tier.source.trimmingCharacters(in: .whitespaces).isEmpty, "tier \(tier.name) has no source")
            #expect(tier.capacity.value > 0)
            #expect(tier.instances >= 1)
        }
        for link in hardware.links {
            #expect(!link.source.trimmingCharacters(in: .whitespaces).isEmpty, "link \(link.name) has no source")
        }
        #expect(hardware.mainMemory.name == "hbm")
        #expect(hardware.mainMemory.role == .managed)
        #expect(hardware.memory.map(\.name) == ["rf", "smem", "l2", "hbm"])  // nearest first
        let l2 = try #require(hardware.tier("l2"))
        #expect(l2.role == .cache)
        // Nearer tiers are smaller and faster than main memory.
        #expect(hardware.memory[0].totalCapacity < hardware.mainMemory.totalCapacity)
        #expect(l2.bandwidth! > hardware.mainMemory.bandwidth!)
        #expect(hardware.power.map { !$0.source.isEmpty } == true)
        #expect(hardware.price.map { !$0.source.isEmpty } == true)
        // The tensor core runs matrix ops only; the CUDA cores run both classes.
        let tensorCore = try #require(hardware.compute.first { $0.name == "tensor-core" })
        #expect(tensorCore.executes == [.matrix])
        let cudaCore = try #require(hardware.compute.first { $0.name == "cuda-core" })
        #expect(cudaCore.executes == [.matrix, .vector])
        // HBM energy: O'Connor et al., MICRO 2017, 3.97 pJ/bit = 31.76 pJ/B.
        #expect(isClose(hardware.mainMemory.energyPerByte!.value, 3.97e-12 * 8, relative: 1e-9))
    }

    @Test func h100SXMMatchesItsDatasheet() throws {
        let h100 = try Self.load("nvidia-h100-sxm-80gb.yaml")
        #expect(h100.name == "NVIDIA H100 SXM5 80GB")
        let tensorCore = try #require(h100.compute.first { $0.name == "tensor-core" })
        // NVIDIA H100 Tensor Core GPU datasheet, SXM column: BF16 Tensor Core 1,979 TFLOPS with
        // sparsity, i.e. 989.4 TFLOPS dense (H100 whitepaper spec table).
        #expect(isClose(tensorCore.peak[.bf16]!.value, 989.4e12))
        #expect(isClose(tensorCore.peak[.fp16]!.value, 989.4e12))
        // Closed form: 132 SMs x 4096 dense FLOP/clk/SM x 1.83 GHz = 989.4 TFLOPS.
        #expect(isClose(tensorCore.peak[.bf16]!.value, 132 * 4096 * 1.83e9, relative: 1e-4))
        // Datasheet FP8 Tensor Core 3,958 TFLOPS with sparsity -> 1979 dense.
        #expect(isClose(tensorCore.peak[.fp8]!.value, 3958e12 / 2, relative: 1e-3))
        // Datasheet: GPU memory bandwidth 3.35 TB/s.
        #expect(isClose(h100.mainMemory.bandwidth!.value, 3.35e12))
        // 5120-bit bus x 2 (DDR) x 2619 MHz / 8 bits = 3.352 TB/s.
        #expect(isClose(h100.mainMemory.bandwidth!.value, 5120 * 2 * 2619e6 / 8, relative: 1e-3))
        // The file reads the datasheet's "80GB" as 80 GiB (nvidia-smi reports 81,559 MiB usable).
        #expect(h100.mainMemory.capacity.value == 80 * Self.gib)
        // Datasheet: Max TDP up to 700 W.
        #expect(h100.power?.tdp.value == 700)
        // deviceQuery: L2 52,428,800 B = 50 MiB.
        #expect(h100.tier("l2")?.capacity.value == 52_428_800)
        // CUDA programming guide, CC 9.0: one block can address 227 KiB of shared memory; 132 SMs.
        let smem = try #require(h100.tier("smem"))
        #expect(smem.capacity.value == 227 * 1024)
        #expect(smem.instances == 132)
        #expect(smem.totalCapacity.value == 227 * 1024 * 132)
        #expect(smem.sharedBy == "sm")
        // Same table: 64 K 32-bit registers per SM.
        #expect(h100.tier("rf")?.capacity.value == Double(65_536 * 4))
        #expect(h100.tier("rf")?.instances == 132)
        // Datasheet SXM: NVLink 900 GB/s, PCIe Gen5 128 GB/s.
        #expect(h100.links.map(\.name) == ["nvlink", "pcie"])
        #expect(isClose(h100.links[0].bandwidth.value, 900e9))
        #expect(isClose(h100.links[1].bandwidth.value, 128e9))
    }

    @Test func a100SXM40GBMatchesItsDatasheet() throws {
        let a100 = try Self.load("nvidia-a100-sxm4-40gb.yaml")
        let tensorCore = try #require(a100.compute.first { $0.name == "tensor-core" })
        // A100 whitepaper Table 4: peak BF16 tensor 312 TFLOPS dense.
        #expect(isClose(tensorCore.peak[.bf16]!.value, 312e12))
        // Closed form: 108 SMs x 4 tensor cores x 256 FMA/clk x 2 FLOP x 1.41 GHz = 311.9 TFLOPS.
        #expect(isClose(tensorCore.peak[.bf16]!.value, 108 * 4 * 256 * 2 * 1.41e9, relative: 1e-3))
        // Whitepaper Table 4: INT8 624 TOPS, INT4 1248 TOPS dense.
        #expect(isClose(tensorCore.peak[.int8]!.value, 624e12))
        #expect(isClose(tensorCore.peak[.int4]!.value, 1248e12))
        // Whitepaper Sec. 4.6.1: 1555 GB/s = 5120-bit x 2 x 1215 MHz / 8.
        #expect(isClose(a100.mainMemory.bandwidth!.value, 1555e9))
        #expect(isClose(a100.mainMemory.bandwidth!.value, 5120 * 2 * 1215e6 / 8, relative: 1e-3))
        #expect(a100.mainMemory.capacity.value == 40 * Self.gib)
        // Whitepaper Table 4: L2 40960 KB = 40 MiB; TDP 400 W.
        #expect(a100.tier("l2")?.capacity.value == Double(40960 * 1024))
        #expect(a100.tier("rf")?.capacity.value == Double(65_536 * 4))
        #expect(a100.power?.tdp.value == 400)
    }

    @Test func a100SXM80GBMatchesItsDatasheet() throws {
        let a100 = try Self.load("nvidia-a100-sxm4-80gb.yaml")
        // A100 datasheet (Jun 2021), 80GB SXM column: 2,039 GB/s, 80GB HBM2e, BF16 312 TFLOPS dense, 400 W.
        #expect(isClose(a100.mainMemory.bandwidth!.value, 2039e9))
        // 5120-bit x 2 x 1593 MHz / 8 = 2039.0 GB/s.
        #expect(isClose(a100.mainMemory.bandwidth!.value, 5120 * 2 * 1593e6 / 8, relative: 1e-3))
        #expect(a100.mainMemory.capacity.value == 80 * Self.gib)
        let tensorCore = try #require(a100.compute.first { $0.name == "tensor-core" })
        #expect(isClose(tensorCore.peak[.bf16]!.value, 312e12))
        #expect(a100.power?.tdp.value == 400)
    }

    @Test func the80GBA100DiffersFromThe40GBOnlyInMemory() throws {
        let small = try Self.load("nvidia-a100-sxm4-40gb.yaml")
        let large = try Self.load("nvidia-a100-sxm4-80gb.yaml")
        #expect(small.compute.map(\.peak) == large.compute.map(\.peak))
        #expect(small.memory[0].capacity == large.memory[0].capacity)
        #expect(small.memory[1].capacity == large.memory[1].capacity)
        #expect(large.mainMemory.capacity.value == 2 * small.mainMemory.capacity.value)
    }

    // MARK: Small documents

    /// A minimal valid hardware document; each bad case replaces one piece.
    static func yaml(
        top: String = "",
        mainMemory: String? = "hbm",
        compute: String = """
          - name: tc
            peak: { bf16: 100 TFLOPS, fp8: 200 TFLOPS }
            efficiency: 0.8
            source: "test"
        """,
        memory: String = """
          - name: l2
            role: cache
            capacity: 50 MiB
            bandwidth: 5.5 TB/s
            source: "test"
          - name: hbm
            capacity: 80 GiB
            bandwidth: 3.35 TB/s
            source: "test"
        """,
        extra: String = ""
    ) -> String {
        """
        name: Test GPU
        kind: gpu
        \(mainMemory.map { "main_memory: \($0)" } ?? "")
        \(top)
        compute:
        \(compute)
        memory:
        \(memory)
        \(extra)
        """
    }

    @Test func minimalDocumentLoads() throws {
        let hardware = try Hardware.parse(Self.yaml(), file: "t.yaml")
        #expect(hardware.id == "hardware")
        #expect(hardware.compute[0].efficiency == 0.8)
        #expect(hardware.compute[0].executes == Set(OpClass.allCases))  // default: both classes
        #expect(hardware.compute[0].peak[.fp8]?.value == 200e12)
        #expect(hardware.mainMemoryIndex == 1)
        #expect(hardware.memory[1].instances == 1)
        #expect(hardware.memory[1].sharedBy == "device")
        #expect(hardware.overheads.perOp.value == 0)
        #expect(hardware.power == nil)
        #expect(hardware.price == nil)
    }

    @Test func withoutMainMemoryTheLastManagedTierIsUsed() throws {
        let memory = """
          - name: smem
            capacity: 227 KiB
            source: "s"
          - name: hbm
            capacity: 80 GiB
            source: "s"
          - name: l3
            role: cache
            capacity: 256 MiB
            source: "s"
        """
        let hardware = try Hardware.parse(Self.yaml(mainMemory: nil, memory: memory))
        #expect(hardware.mainMemoryIndex == 1)
        #expect(hardware.mainMemory.name == "hbm")
    }

    @Test func hourlyPriceIsChargedPerSecond() throws {
        let extra = "price: { hourly: $3.60/h, source: s }"
        let hardware = try Hardware.parse(Self.yaml(extra: extra))
        // $3.60 per 3600 s = $0.001 per second.
        #expect(isClose(hardware.price!.dollarsPerSecond(power: nil), 0.001))
    }

    @Test func purchasePriceIsWrittenOffOverItsLifetimePlusElectricity() throws {
        let extra = """
        power: { tdp: 700 W, source: s }
        price: { purchase: $25000, lifetime: 4 years, electricity: $0.12/kWh, source: s }
        """
        let hardware = try Hardware.parse(Self.yaml(extra: extra))
        // Capital: 25000 / (4 x 365 x 86400 s). Energy: 0.7 kW x $0.12/kWh = $0.084 per hour.
        let expected = 25_000.0 / (4 * 365 * 86_400) + 0.7 * 0.12 / 3600
        #expect(isClose(hardware.price!.dollarsPerSecond(power: hardware.power?.tdp), expected))
        // Without a power figure only the capital part remains.
        #expect(isClose(hardware.price!.dollarsPerSecond(power: nil), 25_000.0 / (4 * 365 * 86_400)))
    }

    @Test func overheadsAndLinksAreRead() throws {
        let extra = """
        overheads: { per_op: 2 us, source: s }
        links:
          - { name: nvlink, bandwidth: 900 GB/s, latency: 1 us, energy: 1.3 pJ/bit, source: s }
        """
        let hardware = try Hardware.parse(Self.yaml(extra: extra))
        #expect(isClose(hardware.overheads.perOp.value, 2e-6))
        #expect(isClose(hardware.links[0].bandwidth.value, 9e11))
        #expect(isClose(hardware.links[0].energyPerByte!.value, 10.4e-12))
    }

    // MARK: Bad documents

    struct BadCase: CustomTestStringConvertible, Sendable {
        let label: String
        let text: String
        let keyPath: String
        let message: String
        var testDescription: String { label }
    }

    static let hbm = """
      - name: hbm
        capacity: 80 GiB
        source: "s"
    """

    static let badCases: [BadCase] = [
        BadCase(label: "missing source", text: yaml(memory: """
          - name: hbm
            capacity: 80 GiB
        """), keyPath: "memory[0].source", message: "missing required key 'source'"),
        BadCase(label: "blank source", text: yaml(memory: """
          - name: hbm
            capacity: 80 GiB
            source: "  "
        """), keyPath: "memory[0].source", message: "empty source"),
        BadCase(label: "engine without source", text: yaml(compute: """
          - name: tc
            peak: { bf16: 1 TFLOPS }
        """), keyPath: "compute[0].source", message: "missing required key 'source'"),
        BadCase(label: "negative capacity", text: yaml(memory: """
          - name: hbm
            capacity: -80 GiB
            source: "s"
        """), keyPath: "memory[0].capacity", message: "negative"),
        BadCase(label: "zero capacity", text: yaml(memory: """
          - name: hbm
            capacity: 0 GB
            source: "s"
        """), keyPath: "memory[0].capacity", message: "must be greater than zero"),
        BadCase(label: "bandwidth given as a size", text: yaml(memory: """
          - name: hbm
            capacity: 80 GB
            bandwidth: 80 GB
            source: "s"
        """), keyPath: "memory[0].bandwidth", message: "unit 'GB' is a size, expected a bandwidth"),
        BadCase(label: "unknown dtype in peak", text: yaml(compute: """
          - name: tc
            peak: { bf61: 1 TFLOPS }
            source: "s"
        """), keyPath: "compute[0].peak.bf61", message: "unknown dtype 'bf61' (did you mean 'bf16'?)"),
        BadCase(label: "empty peak", text: yaml(compute: """
          - name: tc
            peak: {}
            source: "s"
        """), keyPath: "compute[0].peak", message: "expected at least one dtype"),
        BadCase(label: "zero peak", text: yaml(compute: """
          - name: tc
            peak: { bf16: 0 TFLOPS }
            source: "s"
        """), keyPath: "compute[0].peak.bf16", message: "must be greater than zero"),
        BadCase(label: "main_memory names a missing tier", text: yaml(mainMemory: "hbn"),
                keyPath: "main_memory", message: "no memory tier named 'hbn' (did you mean 'hbm'?)"),
        BadCase(label: "cache as main memory", text: yaml(mainMemory: "l2"),
                keyPath: "main_memory", message: "tier 'l2' is a cache"),
        BadCase(label: "only caches", text: yaml(mainMemory: nil, memory: """
          - name: l2
            role: cache
            capacity: 50 MiB
            source: "s"
        """), keyPath: "memory", message: "every tier is a cache"),
        BadCase(label: "duplicate tier names", text: yaml(memory: hbm + "\n" + hbm),
                keyPath: "memory[1].name", message: "duplicate name 'hbm'"),
        BadCase(label: "duplicate engine names", text: yaml(compute: """
          - { name: tc, peak: { bf16: 1 TFLOPS }, source: s }
          - { name: tc, peak: { fp32: 1 TFLOPS }, source: s }
        """), keyPath: "compute[1].name", message: "duplicate name 'tc'"),
        BadCase(label: "efficiency 0", text: yaml(compute: """
          - { name: tc, peak: { bf16: 1 TFLOPS }, efficiency: 0, source: s }
        """), keyPath: "compute[0].efficiency", message: "out of range"),
        BadCase(label: "efficiency 1.5", text: yaml(compute: """
          - { name: tc, peak: { bf16: 1 TFLOPS }, efficiency: 1.5, source: s }
        """), keyPath: "compute[0].efficiency", message: "out of range"),
        BadCase(label: "unknown op class", text: yaml(compute: """
          - { name: tc, executes: [matrx], peak: { bf16: 1 TFLOPS }, source: s }
        """), keyPath: "compute[0].executes[0]", message: "(did you mean 'matrix'?)"),
        BadCase(label: "price with hourly and purchase",
                text: yaml(extra: "price: { hourly: $2/h, purchase: $25000, lifetime: 4 years, source: s }"),
                keyPath: "price", message: "not both"),
        BadCase(label: "price with neither", text: yaml(extra: "price: { source: s }"),
                keyPath: "price", message: "expected 'hourly"),
        BadCase(label: "purchase without lifetime", text: yaml(extra: "price: { purchase: $25000, source: s }"),
                keyPath: "price.lifetime", message: "missing required key 'lifetime'"),
        BadCase(label: "hourly with lifetime", text: yaml(extra: "price: { hourly: $2/h, lifetime: 4 years, source: s }"),
                keyPath: "price.lifetime", message: "goes with 'purchase'"),
        BadCase(label: "zero instances", text: yaml(memory: """
          - name: hbm
            capacity: 80 GiB
            instances: 0
            source: "s"
        """), keyPath: "memory[0].instances", message: "out of range"),
        BadCase(label: "unknown top-level key", text: yaml(top: "descripton: x"),
                keyPath: "descripton", message: "unknown key 'descripton' (did you mean 'description'?)"),
        BadCase(label: "unknown tier key", text: yaml(memory: """
          - name: hbm
            capacity: 80 GiB
            bandwith: 3 TB/s
            source: "s"
        """), keyPath: "memory[0].bandwith", message: "(did you mean 'bandwidth'?)"),
        BadCase(label: "unknown kind", text: yaml(top: "id: x").replacingOccurrences(of: "kind: gpu", with: "kind: gpuu"),
                keyPath: "kind", message: "(did you mean 'gpu'?)"),
        BadCase(label: "unsupported schema version", text: yaml(top: "schema_version: 2"),
                keyPath: "schema_version", message: "schema_version 2 is not supported; expected 1"),
        BadCase(label: "no compute engines", text: yaml(compute: "  []"), keyPath: "compute",
                message: "expected at least one compute engine"),
        BadCase(label: "no memory tiers", text: yaml(mainMemory: nil, memory: "  []"), keyPath: "memory",
                message: "expected at least one memory tier"),
        BadCase(label: "missing name", text: yaml().replacingOccurrences(of: "name: Test GPU", with: ""),
                keyPath: "name", message: "missing required key 'name'"),
    ]

    @Test(arguments: badCases)
    func badDocumentIsRefusedWithItsKeyPath(_ c: BadCase) {
        let error = specError { _ = try Hardware.parse(c.text, file: "bad.yaml") }
        #expect(error?.file == "bad.yaml")
        #expect(error?.keyPath == c.keyPath, "\(error?.description ?? "no error")")
        #expect(error?.message.contains(c.message) == true, "\(error?.description ?? "no error")")
        #expect(error?.description.contains("\(c.keyPath): ") == true)
    }

    @Test func missingFileIsReportedWithItsPath() {
        let path = packagePath("HardwareSpecs/no-such-gpu.yaml")
        let error = specError { _ = try Hardware.load(contentsOf: path) }
        #expect(error?.file == path)
        #expect(error?.message.hasPrefix("no such file") == true)
    }
}

extension Hardware {
    /// The tier named `name`, for tests that should not depend on tier order.
    func tier(_ name: String) -> MemoryTier? { memory.first { $0.name == name } }
}
