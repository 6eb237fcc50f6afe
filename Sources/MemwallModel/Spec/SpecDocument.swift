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
        try Self.refuseAnchors(text, file: file)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.describe(error, file: file, text: text)
        } catch {
            throw SpecError(file: file, message: "cannot parse: \(error)")
        }
        guard let node else {
            throw SpecError(file: file, line: 1, column: 1, message: "document is empty; expected a mapping of keys")
        }
        self.root = SpecValue(node: node, file: file, path: "")
    }

    /// YAML anchors and aliases are refused: memwall files do not need them, and nested
    /// aliases expand exponentially (a 462-byte document took 30 s to compose).
    /// An anchor is `&name` starting a token: at a line start or after a space, `[`, `{` or `,`.
    static func refuseAnchors(_ text: String, file: String) throws(SpecError) {
        let characters = Array(text)
        var line = 1, column = 0
        var previous: Character = "\n"
        var quote: Character?       // inside '...' or "..." on this line
        var comment = false
        for (index, character) in characters.enumerated() {
            column += 1
            if character == "\n" {
                line += 1; column = 0; quote = nil; comment = false; previous = "\n"
                continue
            }
            defer { previous = character }
            if comment { continue }
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            let tokenStart = previous.isWhitespace || "[{,:".contains(previous)
            guard tokenStart else { continue }
            switch character {
            case "\"", "'": quote = character
            case "#" where previous.isWhitespace: comment = true
            case "&", "*":
                // An anchor or alias needs a name right after the sigil; `a & b` and `2 * 3` are text.
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                guard !next.isWhitespace, next.isLetter || next.isNumber || next == "_" || next == "-" else { continue }
                throw SpecError(file: file, line: line, column: column,
                                message: "YAML anchors and aliases ('\(character)\(next)...') are not supported; expected every value written out")
            default: break
            }
        }
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
            // Swift 6.3.1's FoundationEssentials leaks a 4 KiB buffer reading an empty file with
            // Data(contentsOf:) (found by FuzzPlacement under LeakSanitizer): an empty file is just "".
            let empty = (attributes[.size] as? Int) == 0
            data = empty ? Data() : try Data(contentsOf: url)
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

    /// Yams reports a duplicate key at the start of its mapping; the line users need is the
    /// second `key:` at or after it (block style), or the mapping's own line (flow style).
    static func secondOccurrence(of key: String, in text: String, from firstLine: Int) -> Int? {
        var seen = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 >= firstLine {
            var line = raw.drop(while: \.isWhitespace)
            if line.hasPrefix("- ") { line = line.dropFirst(2).drop(while: \.isWhitespace) }
            for form in [key + ":", "\"\(key)\":", "'\(key)':"] where line.hasPrefix(form) {
                seen += 1
                if seen == 2 { return index + 1 }
            }
        }
        return nil
    }

    private static func describe(_ error: YamlError, file: String, text: String) -> SpecError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return SpecError(file: file, line: mark.line, column: mark.column,
                             message: "malformed YAML/JSON: \(prefix)\(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            let line = secondOccurrence(of: duplicates.sorted().first ?? "", in: text, from: context.mark.line)
            return SpecError(file: file, line: line ?? context.mark.line, column: line == nil ? context.mark.column : nil,
                             keyPath: duplicates.sorted().first ?? "",
                             message: "duplicate key \(keys) in one mapping; expected each key once")
        case let .reader(problem, offset, _, _):
            return SpecError(file: file, message: "unreadable text: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return SpecError(file: file, message: "malformed YAML/JSON: \(error)")
        }
    }
}
