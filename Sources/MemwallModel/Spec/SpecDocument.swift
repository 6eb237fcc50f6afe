import Foundation
import Yams

/// A parsed YAML or JSON document (JSON is read as YAML 1.2 flow syntax) whose
/// values remember where they came from, so every error can name file:line and key path.
public struct SpecDocument: Sendable {
    public let file: String
    public let root: SpecValue

    /// Largest input accepted; bigger files are refused before parsing.
    public static let maximumSize = 16 << 20

    /// Parses `text`; `file` is only used in error messages.
    public init(text: String, file: String) throws(SpecError) {
        self.file = file
        guard text.utf8.count <= Self.maximumSize else {
            throw SpecError(file: file, message: "file is \(text.utf8.count) bytes; expected at most \(Self.maximumSize) bytes")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.describe(error, file: file)
        } catch {
            throw SpecError(file: file, message: "cannot parse: \(error)")
        }
        guard let node else {
            throw SpecError(file: file, line: 1, column: 1, message: "document is empty; expected a mapping of keys")
        }
        self.root = SpecValue(node: node, file: file, path: "")
    }

    /// Reads and parses a file from disk.
    public init(contentsOf path: String) throws(SpecError) {
        let url = URL(fileURLWithPath: path)
        let data: Data
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SpecError(file: path, message: "no such file; expected a YAML or JSON file")
        }
        guard !isDirectory.boolValue else {
            throw SpecError(file: path, message: "is a directory; expected a YAML or JSON file")
        }
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > Self.maximumSize {
                throw SpecError(file: path, message: "file is \(size) bytes; expected at most \(Self.maximumSize) bytes")
            }
            data = try Data(contentsOf: url)
        } catch let error as SpecError {
            throw error
        } catch {
            throw SpecError(file: path, message: "cannot read file: \(Self.reason(error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecError(file: path, message: "file is not UTF-8 text")
        }
        try self.init(text: text, file: path)
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError || ns.code == 260 {
            return "no such file"
        }
        return ns.localizedDescription
    }

    private static func describe(_ error: YamlError, file: String) -> SpecError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return SpecError(file: file, line: mark.line, column: mark.column,
                             message: "malformed YAML/JSON: \(prefix)\(problem)")
        case let .reader(problem, offset, _, _):
            return SpecError(file: file, message: "unreadable text: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return SpecError(file: file, message: "malformed YAML/JSON: \(error)")
        }
    }
}
