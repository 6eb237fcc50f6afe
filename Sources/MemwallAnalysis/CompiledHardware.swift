import MemwallModel

/// A hardware description flattened into arrays for the hot loop, with the
/// engine choice for every (op class, dtype) made once.
public struct CompiledHardware: Sendable {
    public let hardware: Hardware
    public let tierNames: [String]
    /// Bytes per second per tier; 0 where the file gives none (no bound from that tier).
    public let bandwidth: [Double]
    public let latency: [Double]
    public let energyPerByte: [Double]
    public let mainMemoryIndex: Int
    public let overheadPerOp: Double
    /// `fastCapacity[t]`: the fast memory a kernel tile has when it reads from tier t — the
    /// capacity of every nearer tier at the same sharing level as tier t-1 (per instance:
    /// registers + SMEM of one SM; or the shared L2). Index 0 is unused (0).
    public let fastCapacity: [Double]
    public let instances: [Int]
    public let isCache: [Bool]
    /// The hardware file's calibration, nil for the pure roofline.
    public let calibration: CompiledCalibration?
    /// Special-function results per second per engine (index as `hardware.compute`); 0 where the file gives none.
    public let specialFunctionRate: [Double]

    /// The engine that runs one class of op in one dtype, and at what rate.
    public struct EngineChoice: Sendable, Hashable {
        public let engineIndex: Int
        /// Peak x efficiency, operations per second.
        public let rate: Double
        /// The dtype whose peak was used (differs from the request on a fallback).
        public let dtype: DType
        public let energyPerOperation: Double
    }

    /// `choices[class][dtype]`, nil when no engine can run it even at a wider dtype.
    private let choices: [[EngineChoice?]]

    public init(_ hardware: Hardware) {
        self.hardware = hardware
        tierNames = hardware.memory.map(\.name)
        // A calibration scales each tier's bandwidth to what is achievable.
        bandwidth = hardware.memory.map { tier in
            (tier.bandwidth?.value ?? 0) * (hardware.calibration?.memoryEfficiency(tier: tier.name) ?? 1)
        }
        latency = hardware.memory.map { $0.latency?.value ?? 0 }
        energyPerByte = hardware.memory.map { $0.energyPerByte?.value ?? 0 }
        mainMemoryIndex = hardware.mainMemoryIndex
        overheadPerOp = hardware.calibration?.launchOverhead?.value ?? hardware.overheads.perOp.value
        calibration = hardware.calibration.map { CompiledCalibration($0, engines: hardware.compute) }
        fastCapacity = hardware.memory.indices.map { tier in
            guard tier > 0 else { return 0 }
            let level = hardware.memory[tier - 1].instances
            return hardware.memory[..<tier].filter { $0.instances == level }.reduce(0) { $0 + $1.capacity.value }
        }
        instances = hardware.memory.map(\.instances)
        specialFunctionRate = hardware.compute.map { $0.specialFunctions?.rate.value ?? 0 }
        isCache = hardware.memory.map { $0.role == .cache }

        func best(_ opClass: OpClass, _ dtype: DType, among allowed: (Int) -> Bool) -> EngineChoice? {
            var choice: EngineChoice?
            for (index, engine) in hardware.compute.enumerated() where engine.executes.contains(opClass) && allowed(index) {
                guard let peak = engine.peak[dtype] else { continue }
                let rate = peak.value * engine.efficiency
                if rate > (choice?.rate ?? 0) {
                    choice = EngineChoice(engineIndex: index, rate: rate, dtype: dtype,
                                          energyPerOperation: engine.energyPerOperation?.value ?? 0)
                }
            }
            return choice
        }
        func table(_ allowed: @escaping (Int) -> Bool) -> [[EngineChoice?]] {
            OpClass.allCases.map { opClass in
                DType.allCases.map { dtype in
                    if let exact = best(opClass, dtype, among: allowed) { return exact }
                    for wider in dtype.widerCompute { if let fallback = best(opClass, wider, among: allowed) { return fallback } }
                    return nil
                }
            }
        }
        let conventional = { (index: Int) in hardware.compute[index].nearTier == nil }
        choices = table(conventional)
        nearEngines = hardware.compute.indices.compactMap { index in
            guard let tier = hardware.compute[index].nearTier else { return nil }
            return NearEngine(engineIndex: index, tier: tier,
                              internalBandwidth: hardware.memory[tier].internalBandwidth?.value ?? 0,
                              externalBandwidth: hardware.memory[tier].bandwidth?.value ?? 0,
                              choices: table { $0 == index })
        }
        switch hardware.assignment {
        case .fastest: intensityRule = nil
        case let .intensity(threshold, engineIndex, _): intensityRule = (threshold, engineIndex)
        }
    }

    /// A compute-near-memory engine: where it sits and what it reads at.
    public struct NearEngine: Sendable {
        public let engineIndex: Int
        public let tier: Int
        public let internalBandwidth: Double
        public let externalBandwidth: Double
        let choices: [[EngineChoice?]]

        public func choice(for opClass: OpClass, dtype: DType) -> EngineChoice? {
            CompiledHardware.lookup(choices, opClass, dtype)
        }
    }

    /// Engines that sit in a memory tier (PIM).
    public let nearEngines: [NearEngine]
    /// Ops below `threshold` FLOPs per compulsory byte go to engine `engineIndex`, when set.
    public let intensityRule: (threshold: Double, engineIndex: Int)?

    public var tierCount: Int { tierNames.count }

    /// The conventional (not near-memory) engine for `opClass` in `dtype`, falling back to a wider
    /// dtype (reported by the caller).
    @inline(__always)
    public func engine(for opClass: OpClass, dtype: DType) -> EngineChoice? {
        Self.lookup(choices, opClass, dtype)
    }

    /// The entry of a table built as `OpClass.allCases x DType.allCases`.
    @inline(__always)
    static func lookup(_ table: [[EngineChoice?]], _ opClass: OpClass, _ dtype: DType) -> EngineChoice? {
        table[OpClass.allCases.firstIndex(of: opClass)!][DType.allCases.firstIndex(of: dtype)!]
    }
}
