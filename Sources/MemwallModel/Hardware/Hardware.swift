/// A device or system described by a hardware file: where data can live
/// (``MemoryTier``, nearest first), what computes (``ComputeEngine``), how it
/// connects (``Link``), and what it draws and costs.
public struct Hardware: Sendable, Hashable {
    /// Display name, e.g. "NVIDIA H100 SXM5 80GB".
    public var name: String
    /// Stable identifier (the file name without extension unless given).
    public var id: String
    public var kind: Kind
    public var description: String?
    /// Compute engines; an op runs on one of them (see `executes`).
    public var compute: [ComputeEngine]
    /// Memory tiers, nearest the compute first.
    public var memory: [MemoryTier]
    /// Index into `memory` of the tier that holds weights, KV cache and activations.
    public var mainMemoryIndex: Int
    public var links: [Link]
    public var overheads: Overheads
    public var power: Power?
    public var price: Price?
    /// How ops are assigned to engines.
    public var assignment: Assignment
    /// Devices in a system file (1 for a single device).
    public var deviceCount: Int
    /// Efficiency factors fitted to measurements; nil is the pure roofline.
    public var calibration: Calibration?

    public enum Kind: String, Sendable, CaseIterable, Hashable {
        case gpu, npu, pim, fpga, dataflow, cpu, system
    }

    public var mainMemory: MemoryTier { memory[mainMemoryIndex] }

    public init(name: String, id: String, kind: Kind, description: String? = nil,
                compute: [ComputeEngine], memory: [MemoryTier], mainMemoryIndex: Int,
                links: [Link] = [], overheads: Overheads = Overheads(), power: Power? = nil, price: Price? = nil,
                assignment: Assignment = .fastest, deviceCount: Int = 1, calibration: Calibration? = nil) {
        self.name = name
        self.id = id
        self.kind = kind
        self.description = description
        self.compute = compute
        self.memory = memory
        self.mainMemoryIndex = mainMemoryIndex
        self.links = links
        self.overheads = overheads
        self.power = power
        self.price = price
        self.assignment = assignment
        self.deviceCount = deviceCount
        self.calibration = calibration
    }
}

extension Hardware {
    /// The same hardware with every derived peak recomputed at `clock` (FPGA designs close
    /// timing at different clocks); nil when no engine's peak is derived from a clock.
    public func reclocked(to clock: Hertz) -> Hardware? {
        guard compute.contains(where: { $0.derivedClock != nil }) else { return nil }
        var copy = self
        for index in copy.compute.indices {
            guard let old = copy.compute[index].derivedClock else { continue }
            let scale = clock.value / old.value
            copy.compute[index].peak = copy.compute[index].peak.mapValues { OperationsPerSecond($0.value * scale) }
            copy.compute[index].derivedClock = clock
        }
        return copy
    }
}

/// The rule that picks an engine for each op.
public enum Assignment: Sendable, Hashable {
    /// The engine that minimises the op's time.
    case fastest
    /// Ops whose arithmetic intensity (FLOPs per compulsory byte) is below `threshold` run on
    /// the engine at `engineIndex` (as Duplex assigns low Op/B ops to Logic-PIM); the rest
    /// run on the fastest other engine.
    case intensity(threshold: Double, engineIndex: Int, source: String)
}

/// The classes of work an engine can run; a tensor core runs `matrix`, a SIMD
/// or CUDA-core pipe runs `vector` (and may run `matrix` at its lower rate).
public enum OpClass: String, Sendable, CaseIterable, Hashable, Codable {
    case matrix, vector
}

/// A compute engine with a peak rate per dtype.
public struct ComputeEngine: Sendable, Hashable {
    public var name: String
    public var executes: Set<OpClass>
    /// Dense peak per dtype (operations per second; FLOPs for floating point).
    public var peak: [DType: OperationsPerSecond]
    /// Achievable fraction of peak, in (0, 1]; 1 is the pure roofline.
    public var efficiency: Double
    /// Dynamic energy per operation, when known.
    public var energyPerOperation: JoulesPerOperation?
    /// Compute near memory: the index of the tier this engine sits at (PIM), nil for engines
    /// that read through the hierarchy.
    public var nearTier: Int?
    /// The clock a `derived_peak` was computed at (units x ops per cycle x clock); nil for listed peaks.
    public var derivedClock: Hertz?
    /// The special-function (exponential) rate the kernels this engine runs can draw on, nil when the
    /// file gives none: attention ops then add their exponentials' time to the compute time.
    public var specialFunctions: SpecialFunctionRate?
    public var source: String

    public init(name: String, executes: Set<OpClass> = Set(OpClass.allCases), peak: [DType: OperationsPerSecond],
                efficiency: Double = 1, energyPerOperation: JoulesPerOperation? = nil, nearTier: Int? = nil, source: String) {
        self.name = name
        self.executes = executes
        self.peak = peak
        self.efficiency = efficiency
        self.energyPerOperation = energyPerOperation
        self.nearTier = nearTier
        self.source = source
    }
}

/// How many special-function results (exponentials, MUFU.EX2 on NVIDIA GPUs) a device computes per
/// second, with where the figure comes from. Attention takes one exponential per query-key score
/// (``OpCostConventions/attentionExponentialsPerScore``); at 3.9 T/s against 989 TFLOPS of matmul on an
/// H100 SXM5 these are not free (FlashAttention-3, arXiv 2407.08608, Sec. 3).
public struct SpecialFunctionRate: Sendable, Hashable {
    /// Results per second.
    public var rate: OperationsPerSecond
    public var source: String

    public init(rate: OperationsPerSecond, source: String) {
        self.rate = rate
        self.source = source
    }
}

/// One level of the memory hierarchy.
public struct MemoryTier: Sendable, Hashable {
    public enum Role: String, Sendable, CaseIterable, Hashable {
        /// Software-managed: data is placed there explicitly (SMEM, NPU buffers, HBM).
        case managed
        /// Hardware-managed cache in front of the next tier (L2, Infinity Cache).
        case cache
    }

    public var name: String
    public var role: Role
    /// Capacity of one instance.
    public var capacity: Bytes
    /// How many instances exist (e.g. one SMEM per SM).
    public var instances: Int
    /// What one instance serves ("sm", "device", "stack").
    public var sharedBy: String
    /// Aggregate bandwidth over all instances; nil when not modelled.
    public var bandwidth: BytesPerSecond?
    /// Aggregate bandwidth seen by compute inside the tier (PIM banks, logic die); nil when none.
    public var internalBandwidth: BytesPerSecond?
    public var latency: Seconds?
    public var energyPerByte: JoulesPerByte?
    public var source: String

    /// Capacity summed over instances.
    public var totalCapacity: Bytes { Bytes(capacity.value * Double(instances)) }

    public init(name: String, role: Role = .managed, capacity: Bytes, instances: Int = 1, sharedBy: String = "device",
                bandwidth: BytesPerSecond? = nil, latency: Seconds? = nil, energyPerByte: JoulesPerByte? = nil,
                internalBandwidth: BytesPerSecond? = nil, source: String) {
        self.name = name
        self.internalBandwidth = internalBandwidth
        self.role = role
        self.capacity = capacity
        self.instances = instances
        self.sharedBy = sharedBy
        self.bandwidth = bandwidth
        self.latency = latency
        self.energyPerByte = energyPerByte
        self.source = source
    }
}

/// An interconnect (NVLink, PCIe, ...).
///
/// `bandwidth` is, by default, the total over both directions, as datasheets quote it (H100
/// NVLink: 900 GB/s = 450 GB/s each way); `direction: each` says it is already per direction.
/// Collective formulas use ``bandwidthPerDirection``.
public struct Link: Sendable, Hashable {
    /// What the link connects a device to.
    public enum Role: String, Sendable, CaseIterable, Hashable {
        /// Other devices of the same kind (NVLink, NVSwitch, Infinity Fabric, ICI): collectives run here.
        case peer
        /// The host CPU and its memory (PCIe, CXL).
        case host
        /// Storage (NVMe).
        case storage
    }

    /// Whether `bandwidth` counts both directions together or each one.
    public enum Direction: String, Sendable, CaseIterable, Hashable {
        case both, each
    }

    public var name: String
    /// What the link connects to; nil when the file does not say.
    public var role: Role?
    public var bandwidth: BytesPerSecond
    public var direction: Direction
    /// A full mesh: `bandwidth` is spread evenly over direct links to this many peers (MI300X:
    /// 7 Infinity Fabric links), so a group of g devices uses g - 1 of them. nil: each device
    /// has all of `bandwidth` into a non-blocking switch (NVSwitch).
    public var meshPeers: Int?
    /// Most devices the link joins (an 8-GPU NVLink board); nil when the file does not say.
    public var domain: Int?
    public var latency: Seconds?
    public var energyPerByte: JoulesPerByte?
    public var source: String

    public init(name: String, role: Role? = nil, bandwidth: BytesPerSecond, direction: Direction = .both,
                meshPeers: Int? = nil, domain: Int? = nil, latency: Seconds? = nil, energyPerByte: JoulesPerByte? = nil,
                source: String) {
        self.name = name
        self.role = role
        self.bandwidth = bandwidth
        self.direction = direction
        self.meshPeers = meshPeers
        self.domain = domain
        self.latency = latency
        self.energyPerByte = energyPerByte
        self.source = source
    }

    /// Bandwidth in one direction: half a two-way total.
    public var bandwidthPerDirection: BytesPerSecond {
        direction == .both ? BytesPerSecond(bandwidth.value / 2) : bandwidth
    }

    /// What each device of a group of `devices` can send to the rest, per direction: all of it
    /// through a switch; on a mesh, the share of the links that reach the group.
    public func groupBandwidthPerDirection(devices: Int) -> Double {
        guard let meshPeers, meshPeers > 0 else { return bandwidthPerDirection.value }
        return bandwidthPerDirection.value * min(1, Double(max(1, devices - 1)) / Double(meshPeers))
    }
}

extension Hardware {
    /// The link collectives between devices run over: the one with role `peer`
    /// (the fastest, if several); nil when the file names none.
    public var peerLink: Link? {
        links.filter { $0.role == .peer }.max { $0.bandwidth.value < $1.bandwidth.value }
    }
}

/// Fixed costs added to every op (kernel launch and the like); zero unless the file says.
public struct Overheads: Sendable, Hashable {
    public var perOp: Seconds
    public var source: String?

    public init(perOp: Seconds = .zero, source: String? = nil) {
        self.perOp = perOp
        self.source = source
    }
}

/// Board power.
public struct Power: Sendable, Hashable {
    public var tdp: Watts
    public var source: String

    public init(tdp: Watts, source: String) {
        self.tdp = tdp
        self.source = source
    }
}

/// What running the hardware costs.
public struct Price: Sendable, Hashable {
    public enum Basis: Sendable, Hashable {
        /// Rented by the hour.
        case hourly(DollarsPerHour)
        /// Bought, written off over `lifetime`, paying `electricity` for `Power.tdp`.
        case purchase(Dollars, lifetime: Seconds, electricity: DollarsPerKilowattHour?)
    }

    public var basis: Basis
    public var source: String

    public init(basis: Basis, source: String) {
        self.basis = basis
        self.source = source
    }

    /// Dollars per second of use; electricity is charged at `power` when given.
    public func dollarsPerSecond(power: Watts?) -> Double {
        switch basis {
        case let .hourly(rate):
            return rate.value / 3600
        case let .purchase(price, lifetime, electricity):
            let capital = price.value / lifetime.value
            let energy = (electricity?.value ?? 0) * (power?.value ?? 0) / 3.6e6 // $/kWh x W -> $/s
            return capital + energy
        }
    }
}
