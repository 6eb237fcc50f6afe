/// An error in an input file or an option: what was wrong, where, and what was expected.
///
/// Its description is the one line memwall prints on stderr, e.g.
/// `HardwareSpecs/h100.yaml:14:16: memory[2].bandwidth: unit 'GB' is a size, expected a bandwidth like '3.35 TB/s'`.
public struct SpecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (as given by the user) or a pseudo-location such as `--set`.
    public var file: String
    /// 1-based line and column, when known.
    public var line: Int?
    public var column: Int?
    /// Dotted key path inside the document, e.g. `memory[2].bandwidth`; empty for the whole document.
    public var keyPath: String
    /// What is wrong and what was expected.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, keyPath: String = "", message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let line, line > 0, let column { location += ":\(column)" }
        let path = keyPath.isEmpty ? "" : "\(keyPath): "
        return "\(location): \(path)\(message)"
    }
}
