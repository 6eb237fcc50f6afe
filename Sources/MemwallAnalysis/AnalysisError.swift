import MemwallModel

/// Why a workload cannot be analysed on a hardware (a problem with the inputs).
public enum AnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No engine runs this class of op, even at a wider dtype.
    case noEngine(op: String, opClass: OpClass, dtype: DType, hardware: String)

    public var description: String {
        switch self {
        case let .noEngine(op, opClass, dtype, hardware):
            return "op '\(op)': \(hardware) has no compute engine that runs \(opClass.rawValue) ops in \(dtype.rawValue) or a wider dtype; expected an engine with 'executes: [\(opClass.rawValue)]' and a \(dtype.rawValue) peak"
        }
    }
}
