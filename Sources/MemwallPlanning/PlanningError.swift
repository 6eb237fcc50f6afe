/// Why a serving question cannot be answered as asked (bad input: exit 2).
public struct PlanningError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
