/// Output formats every result-producing command offers.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// The version of the JSON/CSV output contract; bumped when keys change meaning.
public let reportSchemaVersion = 1
