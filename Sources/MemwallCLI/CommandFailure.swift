import MemwallAnalysis
import MemwallModel
import MemwallPlanning

/// A command's failure with the exit status the output contract gives it:
/// 2 for bad input, 1 for a question without a feasible answer.
struct CommandFailure: Error {
    static let badInput: Int32 = 2
    static let infeasible: Int32 = 1

    var message: String
    var status: Int32

    static func badInput(_ message: String) -> CommandFailure { CommandFailure(message: "error: " + message, status: badInput) }
    static func infeasible(_ message: String) -> CommandFailure { CommandFailure(message: message, status: infeasible) }
}

/// Runs `body`, turning library errors into ``CommandFailure``s with their one-line message.
func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as SpecError {
        throw CommandFailure.badInput(error.description)
    } catch let error as AnalysisError {
        throw CommandFailure.badInput(error.description)
    } catch let error as PlanningError {
        throw CommandFailure.badInput(error.description)
    }
}
